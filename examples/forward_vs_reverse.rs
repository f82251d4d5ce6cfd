//! Where does reverse mode overtake forward mode? Times the gradient of two functions of n
//! variables by
//!
//! * forward mode: n passes of `Dual<f64>` (`forward::gradient`), and ⌈n/8⌉ passes of
//!   `DualVec<f64, 8>` (`forward::gradient_chunked::<8>`);
//! * reverse mode: recording on a reused tape and sweeping it, and a function compiled once
//!   (`wengert::jit::Compiled::value_and_grad`),
//!
//! prints a table of the median times and draws the crossover chart (log-log, time against n,
//! one line per method) into `out/crossover.svg` and `out/crossover.png`.
//! `docs/img/crossover.{svg,png}` are copies of one run.
//!
//! Run: `cargo run --release --features jit --example forward_vs_reverse` (timings from a debug build are
//! meaningless). With `--quick` it stops at n = 256.
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::hint::black_box;
use std::time::{Duration, Instant};
use wengert::jit::Compiled;
use wengert::prelude::*;
use wengert::tape::transforms::forward;

#[path = "../benches/common/mod.rs"]
mod common;
#[path = "common/png.rs"]
mod png;
use common::{hand, point, wengert_dual, wengert_dualvec, wengert_rev};

/// The vendored DejaVu Sans (Bitstream Vera licence, see `examples/fonts/`): the bitmap
/// backend draws text with ab_glyph, which needs a font registered by name.
static FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");

const METHODS: [&str; 4] = [
    "forward (Dual, n passes)",
    "forward chunked (DualVec<8>)",
    "reverse (record + sweep)",
    "reverse compiled (jit)",
];

/// The median time of one call of `f`, over batches that each last at least ~2 ms.
fn time(mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(20));
    let reps = (Duration::from_millis(2).as_nanos() / once.as_nanos()).max(1) as u32;
    let mut samples: Vec<Duration> = (0..9)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            t.elapsed() / reps
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// One function in the forms the four methods need.
struct Fun {
    name: &'static str,
    hand: fn(&[f64], &mut [f64]),
    tape: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>,
    dual: fn(&[wengert::tape::dual::Dual<f64>]) -> wengert::tape::dual::Dual<f64>,
    dualvec: fn(&[wengert::tape::dual::DualVec<f64, 8>]) -> wengert::tape::dual::DualVec<f64, 8>,
    /// The number of scalar operations one evaluation performs at n inputs, counted on the
    /// source in `benches/common/mod.rs`: the tape folds most of them into the `Var`s, so its
    /// node count alone does not say how much was computed.
    ops: fn(usize) -> usize,
}

/// Rosenbrock: per term `x_i − 1`, `x_i·x_i`, `x_{i+1} − x_i²`, `a·a`, `b·b`, `·100`,
/// `a² + 100b²` and the addition into the sum, 8 for each of the n − 1 terms, less the
/// addition the first term does not make.
fn rosen_ops(n: usize) -> usize {
    8 * (n - 1) - 1
}

/// g: n sines and the n − 1 additions that sum them; per pair `x_i·x_{i+1}`, `exp`, `+ 1`,
/// `ln` and the addition into the sum, 5 for each of the n − 1 pairs: 7 per i, less 6.
fn softplus_ops(n: usize) -> usize {
    n + (n - 1) + 5 * (n - 1)
}

/// Times the four methods at every n; `None` where a method was skipped.
fn measure(f: &Fun, sizes: &[usize]) -> Vec<[Option<Duration>; 4]> {
    let mut rows = Vec::new();
    let mut tape = Tape::<f64>::new();
    for &n in sizes {
        let x = point(n);
        let mut want = vec![0.0; n];
        (f.hand)(&x, &mut want);
        let mut g = vec![0.0; n];
        let close = |g: &[f64]| {
            g.iter()
                .zip(&want)
                .all(|(a, b)| (a - b).abs() <= 1e-9 * (1.0 + b.abs()))
        };
        let mut row = [None; 4];
        // The O(n²) forward methods: skip once a single gradient takes more than ~50 ms.
        let slow =
            |d: Option<Duration>| d.is_some_and(|d| d > Duration::from_millis(50)) || n > 8192;
        let prev = rows.last().copied().unwrap_or([None; 4]);
        if !slow(prev[0]) {
            assert!(close(&forward::gradient(f.dual, &x)), "{}: forward", f.name);
            row[0] = Some(time(|| {
                black_box(forward::gradient(f.dual, black_box(&x)));
            }));
        }
        if !slow(prev[1]) {
            assert!(
                close(&forward::gradient_chunked::<8, f64>(f.dualvec, &x)),
                "{}: chunked",
                f.name
            );
            row[1] = Some(time(|| {
                black_box(forward::gradient_chunked::<8, f64>(
                    f.dualvec,
                    black_box(&x),
                ));
            }));
        }
        let tape_f = f.tape;
        let mut reverse = |g: &mut [f64]| {
            tape.clear();
            let xs = tape.vars(black_box(&x));
            let grads = tape.backward(tape_f(&xs));
            for (gi, &xi) in g.iter_mut().zip(&xs) {
                *gi = grads[xi];
            }
        };
        reverse(&mut g);
        assert!(close(&g), "{}: reverse", f.name);
        row[2] = Some(time(|| reverse(&mut g)));
        let compiled = Compiled::trace(&x, |_, v| tape_f(v)).expect("traces");
        compiled.value_and_grad(&x, &mut g).expect("compiles");
        assert!(close(&g), "{}: compiled", f.name);
        row[3] = Some(time(|| {
            black_box(compiled.value_and_grad(black_box(&x), &mut g)).ok();
        }));
        rows.push(row);
    }
    rows
}

fn print_table(f: &Fun, sizes: &[usize], rows: &[[Option<Duration>; 4]]) {
    println!("\n{} — median time of one gradient", f.name);
    print!("{:>6}", "n");
    for m in METHODS {
        print!(" | {m:>28}");
    }
    println!();
    for (n, row) in sizes.iter().zip(rows) {
        print!("{n:>6}");
        for t in row {
            match t {
                Some(t) => print!(" | {:>25.3} µs", t.as_secs_f64() * 1e6),
                None => print!(" | {:>28}", "skipped"),
            }
        }
        println!();
    }
}

const COLORS: [RGBColor; 4] = [
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(31, 119, 180),
    RGBColor(44, 160, 44),
];

/// One log-log panel: time (µs) against n, one line per method.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    f: &Fun,
    sizes: &[usize],
    rows: &[[Option<Duration>; 4]],
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let all: Vec<f64> = rows.iter().flatten().flatten().map(|&d| us(d)).collect();
    let lo = all.iter().cloned().fold(f64::INFINITY, f64::min) / 1.5;
    let hi = all.iter().cloned().fold(0.0, f64::max) * 1.5;
    let nmax = *sizes.last().unwrap_or(&2) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(format!("gradient of {}", f.name), ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((1.5f64..nmax * 1.5).log_scale(), (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("n (number of inputs)")
        .y_desc("time per gradient (µs)")
        .label_style(("sans-serif", 13))
        .x_label_formatter(&|v| format!("{}", v.round()))
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    for (m, name) in METHODS.iter().enumerate() {
        let pts: Vec<(f64, f64)> = sizes
            .iter()
            .zip(rows)
            .filter_map(|(&n, r)| r[m].map(|d| (n as f64, us(d))))
            .collect();
        let color = COLORS[m];
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))?
            .label(*name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()?;
    Ok(())
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    data: &[(Fun, Vec<[Option<Duration>; 4]>)],
    sizes: &[usize],
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let panels = root.split_evenly((1, data.len()));
    for (area, (f, rows)) in panels.iter().zip(data) {
        panel(area, f, sizes, rows)?;
    }
    root.present()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for meaningful timings");
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let sizes: Vec<usize> = (1..=if quick { 8 } else { 12 })
        .map(|k| 1usize << k)
        .collect();
    let funs = [
        Fun {
            name: "Rosenbrock",
            hand: hand::rosen_grad,
            tape: wengert_rev::rosen,
            dual: wengert_dual::rosen,
            dualvec: wengert_dualvec::rosen,
            ops: rosen_ops,
        },
        Fun {
            name: "Σ sin xᵢ + Σ ln(1 + exp(xᵢxᵢ₊₁))",
            hand: hand::softplus_grad,
            tape: wengert_rev::softplus,
            dual: wengert_dual::softplus,
            dualvec: wengert_dualvec::softplus,
            ops: softplus_ops,
        },
    ];
    println!("tape memory at n = 1000 (f64; the leaves are nodes, not operations):");
    for f in &funs {
        let n = 1000;
        let mut tape = Tape::<f64>::new();
        // Anomaly mode records one node per operation, which checks the count from n.
        tape.set_anomaly(true);
        let _ = (f.tape)(&tape.vars(&point(n)));
        assert_eq!(
            tape.scalar_len() - n,
            (f.ops)(n),
            "{}: operation count",
            f.name
        );
        tape.set_anomaly(false);
        let _ = (f.tape)(&tape.vars(&point(n)));
        let (nodes, bytes, ops) = (tape.scalar_len(), tape.scalar_bytes(), (f.ops)(n));
        println!(
            "  {}: {nodes} nodes, {bytes} bytes, {} bytes per node; {ops} operations, {:.1} bytes per operation",
            f.name,
            bytes / nodes,
            bytes as f64 / ops as f64
        );
    }
    let mut data = Vec::new();
    for f in funs {
        let rows = measure(&f, &sizes);
        print_table(&f, &sizes, &rows);
        data.push((f, rows));
    }

    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
        .map_err(|_| "the vendored DejaVu Sans is not a valid font")?;
    std::fs::create_dir_all("out")?;
    draw(
        SVGBackend::new("out/crossover.svg", (1200, 500)).into_drawing_area(),
        &data,
        &sizes,
    )?;
    png::save("out/crossover.png".as_ref(), (1200, 500), |area| {
        draw(area, &data, &sizes)
    })?;
    println!("\nwrote out/crossover.svg and out/crossover.png");
    Ok(())
}
