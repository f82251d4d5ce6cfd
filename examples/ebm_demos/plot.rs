//! Energy surfaces `E(X, Y)` as heat maps with the correct answers' curves over them, as SVG and PNG.
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The vendored DejaVu Sans (Bitstream Vera licence, see `examples/fonts/`): the PNG
/// backend rasterises text with it, and both backends measure text with it.
static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// Registers the font as plotters' `sans-serif`.
pub fn register_font() {
    plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
        .unwrap_or_else(|_| panic!("the vendored DejaVu Sans is not a valid font"));
}

/// One heat map: energies row-major over `xs × ys`, coloured on a log scale.
pub struct Surface<'a> {
    /// The title.
    pub title: &'a str,
    /// The `X` grid (cell centres, evenly spaced).
    pub xs: &'a [f64],
    /// The `Y` grid (cell centres, evenly spaced).
    pub ys: &'a [f64],
    /// `E(xs[i], ys[k])` at `i * ys.len() + k`.
    pub energy: &'a [f64],
    /// The energies drawn in the darkest and brightest colours (log scale; energies outside
    /// are clipped): one absolute scale for the whole figure.
    pub range: (f64, f64),
    /// The correct answers `Y = f(X)` drawn over the map (one curve each).
    pub curves: &'a [fn(f64) -> f64],
    /// The legend of the curves.
    pub curve_label: &'a str,
}

const SIZE: (u32, u32) = (640, 480);

/// Writes `stem.svg` and `stem.png`.
pub fn write(s: &Surface<'_>, stem: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let svg = stem.with_extension("svg");
    draw(&SVGBackend::new(&svg, SIZE).into_drawing_area(), s)?;
    let png = stem.with_extension("png");
    crate::png::save(&png, SIZE, |area| draw(&area, s))?;
    Ok(())
}

/// Viridis, sampled at 9 points and interpolated linearly; `t` in [0, 1].
fn viridis(t: f64) -> RGBColor {
    const C: [(f64, f64, f64); 9] = [
        (68.0, 1.0, 84.0),
        (71.0, 44.0, 122.0),
        (59.0, 81.0, 139.0),
        (44.0, 113.0, 142.0),
        (33.0, 144.0, 141.0),
        (39.0, 173.0, 129.0),
        (92.0, 200.0, 99.0),
        (170.0, 220.0, 50.0),
        (253.0, 231.0, 37.0),
    ];
    let u = t.clamp(0.0, 1.0) * (C.len() - 1) as f64;
    let i = (u.floor() as usize).min(C.len() - 2);
    let f = u - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let (a, b) = (C[i], C[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Colour levels: the surface is quantised to this many colours, and runs of one colour
/// along a column are drawn as one rectangle (a flat surface gives small SVG files).
const LEVELS: f64 = 64.0;

/// The heat map's rectangles.
fn cells(s: &Surface<'_>, hx: f64, hy: f64) -> Vec<Rectangle<(f64, f64)>> {
    let k = s.ys.len();
    let (lo, hi) = (s.range.0.log10(), s.range.1.log10());
    let level = |e: f64| {
        let t = (e.max(s.range.0).log10() - lo) / (hi - lo);
        (t * LEVELS).floor().clamp(0.0, LEVELS - 1.0) as u32
    };
    let mut out = Vec::new();
    for (i, &x) in s.xs.iter().enumerate() {
        let col = &s.energy[i * k..(i + 1) * k];
        let mut start = 0;
        for j in 1..=k {
            if j == k || level(col[j]) != level(col[start]) {
                let c = viridis((f64::from(level(col[start])) + 0.5) / LEVELS);
                // a sliver of overlap hides anti-aliasing seams between cells in SVG viewers
                let (y0, y1) = (s.ys[start] - hy, s.ys[j - 1] + 1.1 * hy);
                out.push(Rectangle::new(
                    [(x - hx, y0), (x + 1.1 * hx, y1)],
                    c.filled(),
                ));
                start = j;
            }
        }
    }
    out
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Surface<'_>,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (main, bar) = root.split_horizontally(SIZE.0 - 90);
    let half = |v: &[f64]| (v[1] - v[0]) / 2.0;
    let (hx, hy) = (half(s.xs), half(s.ys));
    let x_range = s.xs[0] - hx..s.xs[s.xs.len() - 1] + hx;
    let y_range = s.ys[0] - hy..s.ys[s.ys.len() - 1] + hy;
    let mut chart = ChartBuilder::on(&main)
        .caption(s.title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(x_range.clone(), y_range.clone())?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("X")
        .y_desc("Y")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 16))
        .draw()?;
    chart.draw_series(cells(s, hx, hy))?;
    for (n, f) in s.curves.iter().enumerate() {
        let curve = (0..=200).map(|i| {
            let x = -1.0 + 0.01 * i as f64;
            (x, f(x))
        });
        let series = chart.draw_series(LineSeries::new(curve, RED.stroke_width(1)))?;
        if n == 0 {
            series
                .label(s.curve_label)
                .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], RED.stroke_width(1)));
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperMiddle)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()?;

    // The colour bar, on the same log scale, level with the plotting area.
    let (_, rows) = chart.plotting_area().get_pixel_range();
    let (top, bottom) = (rows.start, rows.end - 1);
    let (x0, x1) = (8, 24);
    let (lo, hi) = (s.range.0.log10(), s.range.1.log10());
    let y_at = |t: f64| bottom - (t * f64::from(bottom - top)).round() as i32;
    for level in 0..LEVELS as u32 {
        let t = f64::from(level) / LEVELS;
        let c = viridis(t + 0.5 / LEVELS);
        let (ya, yb) = (y_at(t), y_at(t + 1.0 / LEVELS));
        bar.draw(&Rectangle::new([(x0, yb), (x1, ya)], c.filled()))?;
    }
    bar.draw(&Rectangle::new([(x0, top), (x1, bottom)], BLACK))?;
    let font = ("sans-serif", 12).into_font().color(&BLACK);
    let label = font.pos(Pos::new(HPos::Left, VPos::Center));
    for k in lo.round() as i32..=hi.round() as i32 {
        let py = y_at((f64::from(k) - lo) / (hi - lo));
        bar.draw(&PathElement::new([(x1, py), (x1 + 4, py)], BLACK))?;
        bar.draw(&Text::new(format!("1e{k}"), (x1 + 7, py), label.clone()))?;
    }
    let caption = ("sans-serif", 15).into_font().color(&BLACK);
    bar.draw(&Text::new("E − min", (x0, top - 22), caption))?;
    root.present()?;
    Ok(())
}
