//! Tensor ops inside compiled functions (`src/tensor/`): values and gradients equal the
//! tape's, for the ops of wengert-ops (matmul, reductions, maps, a stateful `max`), across
//! steps interleaved with scalar code, from many threads, and against finite differences.
use approx::assert_relative_eq;
use proptest::prelude::*;
use rayon::prelude::*;
use wengert_jit::{Compiled, ErrorKind};
use wengert_ops::prelude::*;
use wengert_ops::structure::stack;
use wengert_tape::{Tape, Var};

const N: usize = 6;
const H: usize = 4;

/// A fixed weight matrix `[H, N]`.
fn w1() -> Vec<f64> {
    (0..H * N)
        .map(|k| ((k * 7 % 11) as f64 - 5.0) / 7.0)
        .collect()
}

/// A two-layer perceptron's energy: `logsumexp(W2 tanh(W1 x))` plus `max(x)` (stateful:
/// its argmax moves with `x`) plus a scalar term on an element of the hidden layer.
fn mlp<'t>(t: &'t Tape<f64>, x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let v = stack(x, Axis(0)).reshape([N, 1]);
    let w = t.constant_tensor([H, N], w1());
    let h = w.matmul(v).tanh(); // [H, 1]
    let w2 = t.constant_tensor([3, H], (0..3 * H).map(|k| k as f64 / 10.0 - 0.5).collect());
    let z = w2.matmul(h).logsumexp();
    // A scalar read back from a tensor, used in scalar code and in a second tensor step.
    let e = h.elem(1).sin() * x[0];
    let again = (h * e).sum();
    z + stack(x, Axis(0)).max() + again
}

fn tape_value_and_grad(x: &[f64]) -> (f64, Vec<f64>) {
    let t = Tape::new();
    let xs = t.vars(x);
    let y = mlp(&t, &xs);
    let g = t.backward(y);
    (y.value(), xs.iter().map(|&v| g[v]).collect())
}

fn point(k: usize) -> Vec<f64> {
    (0..N)
        .map(|i| ((i * 3 + k * 5) % 7) as f64 / 3.0 - 1.0)
        .collect()
}

#[test]
fn value_and_gradient_equal_the_tape_at_new_inputs() {
    let f = Compiled::trace(&point(0), mlp).unwrap();
    assert!(f.traced().program.tensors.is_some());
    for k in 0..8 {
        let x = point(k);
        let (v, g) = tape_value_and_grad(&x);
        let mut gc = vec![0.0; N];
        let vc = f.value_and_grad(&x, &mut gc).unwrap();
        assert_relative_eq!(vc, v, max_relative = 1e-13);
        assert_relative_eq!(f.value(&x).unwrap(), v, max_relative = 1e-13);
        for (a, b) in gc.iter().zip(&g) {
            assert_relative_eq!(a, b, max_relative = 1e-12, epsilon = 1e-14);
        }
    }
}

#[test]
fn the_stateful_max_follows_its_argmax() {
    // max(x)'s gradient is the indicator of the argmax: it must move with the inputs, not
    // stay where the trace saw it.
    let f = Compiled::trace(&[3.0, 1.0, 2.0], |_, x| stack(x, Axis(0)).max()).unwrap();
    let mut g = [0.0; 3];
    assert_eq!(f.value_and_grad(&[3.0, 1.0, 2.0], &mut g).unwrap(), 3.0);
    assert_eq!(g, [1.0, 0.0, 0.0]);
    assert_eq!(f.value_and_grad(&[0.0, 1.0, 5.0], &mut g).unwrap(), 5.0);
    assert_eq!(g, [0.0, 0.0, 1.0]);
}

#[test]
fn threads_share_one_compiled_function() {
    let f = Compiled::trace(&point(0), mlp).unwrap();
    (0..64).into_par_iter().for_each(|k| {
        let x = point(k);
        let (v, g) = tape_value_and_grad(&x);
        let mut gc = vec![0.0; N];
        assert_relative_eq!(
            f.value_and_grad(&x, &mut gc).unwrap(),
            v,
            max_relative = 1e-13
        );
        for (a, b) in gc.iter().zip(&g) {
            assert_relative_eq!(a, b, max_relative = 1e-12, epsilon = 1e-14);
        }
    });
}

/// `y = W x` for a 2×3 `W`, every element an output: its Jacobian is `W`.
fn linear<'t>(t: &'t Tape<f64>, x: &[Var<'t, f64>]) -> Vec<Var<'t, f64>> {
    let w = t.constant_tensor([2, 3], vec![1.0, 2.0, 3.0, -1.0, 0.5, 4.0]);
    let y = w.matmul(stack(x, Axis(0)).reshape([3, 1]));
    vec![y.elem(0), y.elem(1)]
}

#[test]
fn jacobian_and_vjp_of_a_matmul() {
    let f = Compiled::trace_many(&[1.0, 2.0, 3.0], linear).unwrap();
    let mut j = [0.0; 6];
    f.jacobian(&[0.5, -1.0, 2.0], &mut j).unwrap();
    // ∂(W x)/∂x = W, row-major; the second sweep starts from zeroed tensor adjoints.
    assert_eq!(j, [1.0, 2.0, 3.0, -1.0, 0.5, 4.0]);
    let mut out = [0.0; 3];
    f.vjp(&[0.5, -1.0, 2.0], &[1.0, 10.0], &mut out).unwrap();
    // wᵀ W = (1 − 10, 2 + 5, 3 + 40)
    assert_eq!(out, [-9.0, 7.0, 43.0]);
    let mut y = [0.0; 2];
    f.values(&[1.0, 1.0, 1.0], &mut y).unwrap();
    assert_eq!(y, [6.0, 3.5]);
}

#[test]
fn forward_mode_is_refused_with_a_reason() {
    let f = Compiled::trace(&point(0), mlp).unwrap();
    let mut hv = vec![0.0; N];
    let e = f.hvp(&point(1), &point(2), &mut hv).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Unsupported { .. }), "{e}");
    assert!(e.to_string().contains("tensor ops"), "{e}");
    let mut h = vec![0.0; N * N];
    assert!(f.hessian(&point(1), &mut h).is_err());
}

#[test]
fn a_tensor_output_of_one_element_is_a_scalar_and_a_larger_one_is_refused() {
    let f = Compiled::trace(&[1.0, 2.0], |_, x| stack(x, Axis(0)).sum()).unwrap();
    let mut g = [0.0; 2];
    assert_eq!(f.value_and_grad(&[3.0, 4.0], &mut g).unwrap(), 7.0);
    assert_eq!(g, [1.0, 1.0]);
    let Err(e) = Compiled::trace(&[1.0, 2.0], |_, x| stack(x, Axis(0))) else {
        panic!("a tensor output")
    };
    assert!(e.to_string().contains("shape [2]"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn compiled_gradient_matches_finite_differences(x in prop::collection::vec(-1.5f64..1.5, N)) {
        let f = Compiled::trace(&point(0), mlp).unwrap();
        let mut g = vec![0.0; N];
        f.value_and_grad(&x, &mut g).unwrap();
        let h = 1e-6;
        for i in 0..N {
            let (mut a, mut b) = (x.clone(), x.clone());
            a[i] += h;
            b[i] -= h;
            let fd = (f.value(&a).unwrap() - f.value(&b).unwrap()) / (2.0 * h);
            // max's kink: skip coordinates within h of a tie.
            let mut s = x.clone();
            s.sort_by(f64::total_cmp);
            if s.windows(2).any(|w| w[1] - w[0] < 4.0 * h) {
                continue;
            }
            prop_assert!((fd - g[i]).abs() < 1e-6 * (1.0 + g[i].abs()), "{i}: fd {fd} vs {}", g[i]);
        }
    }
}

/// Many scalar instructions between tensor runs: the native lowering cuts its chunks at
/// each run, and a value crosses both kinds of cut.
fn long<'t>(t: &'t Tape<f64>, x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let w = t.constant_tensor([H, N], w1());
    let mut h = w.matmul(stack(x, Axis(0)).reshape([N, 1])).tanh();
    let mut s = x[0] * 0.0;
    for i in 0..900 {
        s = s + (h.elem(i % H) * x[i % N]).sin() * 0.01;
        if i % 300 == 299 {
            h = (h * s).softmax(Axis(0));
        }
    }
    s + h.logsumexp()
}

#[cfg(feature = "cranelift")]
#[test]
fn native_code_agrees_with_the_interpreter_bit_for_bit() {
    use wengert_jit::interp::Interp;
    use wengert_jit::ir::{Inst, Rolled};
    use wengert_jit::kernel::Kernel;
    use wengert_jit::{grad, native, opt, trace};
    let traced = [
        (trace::trace(&point(0), mlp).unwrap(), "mlp"),
        (trace::trace(&point(0), long).unwrap(), "long"),
    ];
    for (t, name) in traced {
        for p in [
            opt::optimize(&grad::grad(&t).unwrap().program),
            opt::optimize(&t.program),
        ] {
            if name == "long" {
                let runs = p
                    .insts
                    .iter()
                    .filter(|i| matches!(i, Inst::TRun(_)))
                    .count();
                assert!(p.len() > native::CHUNK && runs >= 4, "{} {runs}", p.len());
            }
            let k = native::compile(&Rolled::straight(p.clone())).expect("native code");
            let i = Interp::new(p.clone());
            for x in [point(1), point(2)] {
                let r = [&*k as &dyn Kernel<f64>, &i].map(|k| {
                    let mut out = vec![0.0; p.outputs()];
                    let mut s = vec![f64::NAN; k.scratch_len()];
                    k.run(&x, &mut out, &mut s).unwrap();
                    out
                });
                let bits = |v: &[f64]| v.iter().map(|a| a.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&r[0]), bits(&r[1]), "{name}");
            }
        }
    }
    // The long one, through the public path, against the tape.
    let f = Compiled::trace(&point(0), long).unwrap();
    let x = point(3);
    let tape = Tape::new();
    let xs = tape.vars(&x);
    let y = long(&tape, &xs);
    let g = tape.backward(y);
    let mut gc = vec![0.0; N];
    assert_relative_eq!(
        f.value_and_grad(&x, &mut gc).unwrap(),
        y.value(),
        max_relative = 1e-12
    );
    for (a, &v) in gc.iter().zip(&xs) {
        assert_relative_eq!(*a, g[v], max_relative = 1e-10, epsilon = 1e-13);
    }
}

/// `y = x³` elementwise, saving `3x²` in `forward` for `vjp` (state), and not copyable:
/// concurrent calls take turns with the one recorded copy.
struct SavingCube {
    saved: Vec<f64>,
}

impl wengert_tape::Op<f64> for SavingCube {
    fn name(&self) -> &'static str {
        "saving_cube"
    }
    fn forward(&mut self, inputs: &[wengert_tape::TensorRef<'_, f64>], out: &mut [f64]) {
        self.saved = inputs[0].data.iter().map(|x| 3.0 * x * x).collect();
        for (o, &x) in out.iter_mut().zip(inputs[0].data) {
            *o = x * x * x;
        }
    }
    fn vjp(
        &self,
        _: usize,
        _: &[wengert_tape::TensorRef<'_, f64>],
        _: wengert_tape::TensorRef<'_, f64>,
        g: &[f64],
        gi: &mut [f64],
    ) {
        for ((a, &b), &d) in gi.iter_mut().zip(g).zip(&self.saved) {
            *a += b * d;
        }
    }
}

fn cubes<'t>(t: &'t Tape<f64>, x: &[Var<'t, f64>]) -> Var<'t, f64> {
    let v = stack(x, Axis(0));
    let shape = v.shape();
    t.record_op(SavingCube { saved: Vec::new() }, &[v], shape)
        .sum()
}

#[test]
fn an_op_without_copies_keeps_its_state_per_call_from_many_threads() {
    let f = Compiled::trace(&[1.0, 2.0, 3.0], cubes).unwrap();
    (0..200).into_par_iter().for_each(|k| {
        let x = [k as f64 * 0.01, 1.0 - k as f64 * 0.02, 0.5];
        let mut g = [0.0; 3];
        let v = f.value_and_grad(&x, &mut g).unwrap();
        assert_eq!(v, x.iter().map(|a| a * a * a).sum::<f64>());
        // d Σx³/dx = 3x², from this call's forward, never another thread's.
        assert_eq!(g, x.map(|a| 3.0 * a * a));
    });
}

#[test]
fn a_failed_guard_in_a_tensor_program_leaves_later_calls_right() {
    // The branch on a tensor element is a guard; a call that flips it fails, the next is
    // right (the call's tensor context went back to the pool intact).
    let f = Compiled::trace(&[1.0, 2.0], |t, x| {
        let w = t.constant_tensor([2, 2], vec![1.0, 0.5, -1.0, 2.0]);
        let y = w.matmul(stack(x, Axis(0)).reshape([2, 1]));
        if y.elem(0) > 0.0 {
            y.elem(1) * y.elem(0)
        } else {
            y.elem(1)
        }
    })
    .unwrap();
    let mut g = [0.0; 2];
    let e = f.value_and_grad(&[-3.0, 1.0], &mut g).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Guard { .. }), "{e}");
    // y = (x0 + x1/2, -x0 + 2 x1); f = y1 y0; at (1, 2): y = (2, 3), f = 6,
    // ∇f = y1 (1, 1/2) + y0 (-1, 2) = (3 - 2, 1.5 + 4)
    assert_eq!(f.value_and_grad(&[1.0, 2.0], &mut g).unwrap(), 6.0);
    assert_eq!(g, [1.0, 5.5]);
}

#[test]
fn a_fori_body_with_tensor_ops_is_refused() {
    use wengert_jit::fori::{fori_loop, Read};
    let r = [Read { base: 0, stride: 1 }];
    let Err(e) = fori_loop(&[1.0; 3], 3, &[0.0], &r, |_, c, r| {
        vec![c[0] + stack(&[r[0], c[0]], Axis(0)).sum()]
    }) else {
        panic!("refused")
    };
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Unsupported {
                op: "fori_loop",
                ..
            }
        ),
        "{e}"
    );
}
