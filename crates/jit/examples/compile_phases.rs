//! Where compile time goes: trace, differentiate, optimize, roll, lower, per phase, for the
//! benchmark functions at n = 10⁴.
//!
//! `cargo run --release -p wengert-jit --example compile_phases`
use std::time::Instant;
use wengert_jit::roll::roll;
use wengert_jit::{grad, native, opt, trace};
use wengert_tape::Var;

fn rosenbrock<'t>(x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let n = x.len();
    let (a, b) = (x[0] - 1.0, x[1] - x[0] * x[0]);
    let mut s = a * a + b * b * 100.0;
    for i in 1..n - 1 {
        let a = x[i] - 1.0;
        let b = x[i + 1] - x[i] * x[i];
        s = s + (a * a + b * b * 100.0);
    }
    s
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let x: Vec<f64> = (0..10_000).map(|i| 0.5 + 0.001 * i as f64).collect();
    for _ in 0..3 {
        let t = Instant::now();
        let tr = trace::trace(&x, |_, v| rosenbrock(v)).unwrap();
        let t_trace = ms(t);
        let t = Instant::now();
        let g = grad::grad(&tr).unwrap();
        let t_grad = ms(t);
        let t = Instant::now();
        let o = opt::optimize(&g.program);
        let t_opt = ms(t);
        let t = Instant::now();
        let r = roll(&o);
        let t_roll = ms(t);
        let t = Instant::now();
        let k = native::compile(&r);
        let t_low = ms(t);
        println!(
            "trace {t_trace:.2} ms ({} insts), grad {t_grad:.2} ms ({}), optimize {t_opt:.2} ms ({}), roll {t_roll:.2} ms ({} loops, {} regions), lower {t_low:.2} ms (native: {})",
            tr.program.len(),
            g.program.len(),
            o.len(),
            r.loops().count(),
            r.regions.len(),
            k.is_some()
        );
    }
}
