//! The trace export: nodes per operation, guards from comparisons, the branch-free select
//! (on the tape and in a trace; its compiled evaluation at new inputs is tested in
//! wengert-jit, `tests/record_once.rs`), and what cannot be traced.
mod common;
use common::Sin;
use wengert_tape::trace::{self, Cmp, Node, Prim, Src};
use wengert_tape::{ErrorKind, Tape, Var};

fn relu_by_if<'t>(x: Var<'t, f64>) -> Var<'t, f64> {
    if x > 0.0 {
        x * 2.0
    } else {
        x * 0.5
    }
}

#[test]
fn comparisons_record_guards_with_their_line() {
    let t = trace::trace(&[3.0, -1.0], |_, v| relu_by_if(v[0]) + relu_by_if(v[1])).unwrap();
    assert_eq!(t.guards.len(), 2);
    let (g0, g1) = (t.guards[0], t.guards[1]);
    assert_eq!((g0.cmp, g0.expect, g1.expect), (Cmp::Gt, true, false));
    assert!(matches!((g0.a, g0.b), (Src::Node(0), Src::Const(0.0))));
    assert!(matches!(g1.a, Src::Node(1)));
    // Both guards are the comparison inside relu_by_if, before any operation of its call.
    assert_eq!(g0.loc.file(), file!());
    assert_eq!(g0.loc.line(), 10);
    assert_eq!((g0.at, g1.at), (2, 3));
}

#[test]
fn var_comparisons_compare_values() {
    let tape = Tape::<f64>::new();
    let (a, b) = (tape.var(1.0), tape.var(2.0));
    let all = [a < b, a <= b, b > a, b >= a, a != b, a == a, a >= b];
    assert_eq!(all, [true, true, true, true, true, true, false]);
    assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Less));
    assert!(a == 1.0 && a < 1.5);
}

#[test]
fn partial_cmp_records_two_guards() {
    let t = trace::trace(&[1.0, 1.0], |_, v| {
        assert_eq!(v[0].partial_cmp(&v[1]), Some(std::cmp::Ordering::Equal));
        v[0] + v[1]
    })
    .unwrap();
    let kinds: Vec<_> = t.guards.iter().map(|g| (g.cmp, g.expect)).collect();
    assert_eq!(kinds, [(Cmp::Lt, false), (Cmp::Gt, false)]);
}

#[test]
fn select_is_the_picked_value_with_its_gradient() {
    let tape = Tape::<f64>::new();
    let (x, y) = (tape.var(3.0), tape.var(5.0));
    // max(x, y) written as a select: d/dx = 0, d/dy = 1 at (3, 5).
    let m = x.select_cmp(Cmp::Gt, y, x, y) * 2.0;
    let g = tape.backward(m);
    assert_eq!((m.value(), g[x], g[y]), (10.0, 0.0, 2.0));
}

#[test]
fn select_traces_as_a_select_node() {
    let t = trace::trace(&[1.0, 2.0], |_, v| {
        v[0].select_cmp(Cmp::Lt, v[1], v[0], v[1])
    })
    .unwrap();
    assert!(matches!(
        t.nodes[2],
        Node::Select {
            cmp: Cmp::Lt,
            a: Src::Node(0),
            b: Src::Node(1),
            t: Src::Node(0),
            f: Src::Node(1)
        }
    ));
    assert!(t.guards.is_empty());
}

#[test]
fn nodes_name_their_operations() {
    let t = trace::trace(&[2.0], |tape, v| {
        let c = tape.var(7.0); // a leaf inside: a constant
        let d: Var<f64> = 1.0 - v[0];
        d.map::<Sin>() / c - v[0].detach()
    })
    .unwrap();
    assert!(matches!(t.nodes[0], Node::Input(0)));
    assert!(matches!(t.nodes[1], Node::Leaf(7.0)));
    assert!(matches!(
        t.nodes[2],
        Node::Arith {
            op: Prim::Sub,
            a: Src::Const(1.0),
            b: Src::Node(0)
        }
    ));
    assert!(
        matches!(t.nodes[3], Node::Unary { a: 2, op } if op.name == "sin" && op.prim.is_none())
    );
    assert!(matches!(
        t.nodes[4],
        Node::Arith {
            op: Prim::Div,
            a: Src::Node(3),
            b: Src::Node(1)
        }
    ));
    assert!(matches!(t.nodes[5], Node::Detach(0)));
    assert_eq!(t.nodes.len(), 7);
}

#[test]
fn a_constant_output_is_a_constant() {
    let t = trace::trace(&[2.0], |tape, _| tape.constant(4.0)).unwrap();
    assert!(matches!(t.outputs[..], [Src::Const(4.0)]));
}

#[test]
fn tensor_ops_are_refused_with_the_callers_line() {
    let err = trace::trace(&[2.0], |tape, v| {
        let t = tape.tensor([2], vec![1.0, 2.0]);
        (t * v[0]).sum_all()
    })
    .unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::InvalidArgument { op: "trace", .. }
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("a Trace holds scalar nodes only") && msg.contains(file!()),
        "{msg}"
    );
}

#[test]
fn a_recording_keeps_tensor_nodes() {
    use wengert_tape::trace::{Node, TensorKind};
    // y = sum(c · x₀) for a constant c: a leaf (its value), the promoted x₀, the product
    // (an op of it), the sum, and the element read of the sum.
    let r = trace::record(&[2.0], |tape, v| {
        let c = tape.constant_tensor([2], vec![1.0, 3.0]);
        (c * v[0]).sum_all()
    })
    .unwrap();
    let kinds: Vec<&TensorKind<f64>> = r.tensors.iter().map(|n| &n.kind).collect();
    assert!(matches!(kinds[0], TensorKind::Const(v) if v == &[1.0, 3.0]));
    assert!(matches!(kinds[1], TensorKind::FromScalar(0)));
    assert!(matches!(kinds[2], TensorKind::Op(op) if op.name() == "mul"));
    assert!(matches!(kinds[3], TensorKind::Op(op) if op.name() == "sum"));
    assert_eq!(r.tensors[2].inputs.as_slice(), &[0, 1]);
    let last = r.nodes().last().unwrap();
    assert!(
        matches!(last, Node::Element { tensor: 3, elem: 0 }),
        "{last:?}"
    );
}

/// `f(x, y) = select(x·y > 1, sin x · y, x + y²)`.
fn selected<'t>(v: &[Var<'t, f64>]) -> Var<'t, f64> {
    let one = v[0].cst(1.0);
    (v[0] * v[1]).select_cmp(Cmp::Gt, one, v[0].map::<Sin>() * v[1], v[0] + v[1] * v[1])
}

proptest::proptest! {
    /// The select's gradient against a centered difference (away from the switch, where
    /// it is smooth).
    #[test]
    fn select_matches_finite_differences(x in -2.0..2.0f64, y in -2.0..2.0f64) {
        proptest::prop_assume!((x * y - 1.0).abs() > 1e-3);
        let h = 1e-6;
        let value = |a: f64, b: f64| {
            let tape = Tape::new();
            selected(&tape.vars(&[a, b])).value()
        };
        let fd = [
            (value(x + h, y) - value(x - h, y)) / (2.0 * h),
            (value(x, y + h) - value(x, y - h)) / (2.0 * h),
        ];
        let tape = Tape::new();
        let v = tape.vars(&[x, y]);
        let g = tape.backward(selected(&v));
        for i in 0..2 {
            proptest::prop_assert!((g[v[i]] - fd[i]).abs() < 1e-6, "{} vs fd {}", g[v[i]], fd[i]);
        }
    }
}
