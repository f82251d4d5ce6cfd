//! Finite-difference checks and invariants of the structure ops over random shapes.
use proptest::collection::vec;
use proptest::prelude::*;
use wengert_ops::prelude::*;
use wengert_ops::structure::{add_n, concat, stack, switch, where_mask};
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{Tape, Tensor};

/// A random tensor of rank 1 to 3 with lengths 1 to 3.
fn tensor() -> impl Strategy<Value = Tensor<f64>> {
    vec(1usize..4, 1..4).prop_flat_map(|d| {
        let n: usize = d.iter().product();
        vec(-2.0..2.0f64, n).prop_map(move |x| Tensor::new(d.clone(), x))
    })
}

/// A random tensor with a random axis of it.
fn with_axis() -> impl Strategy<Value = (Tensor<f64>, usize)> {
    tensor().prop_flat_map(|t| {
        let r = t.shape().rank();
        (Just(t), 0..r)
    })
}

/// `x³`: a nonlinear function applied after a structure op, so that the Jacobian carries
/// the values and a misplaced gradient changes the result.
struct Cube;
impl wengert_tape::op::Unary<f64> for Cube {
    const NAME: &'static str = "cube";
    fn f(x: f64) -> f64 {
        x * x * x
    }
    fn df(x: f64, _: f64) -> f64 {
        3.0 * x * x
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn reshape_flatten_gradcheck(t in tensor()) {
        let n = t.data().len();
        gradcheck(|_, v| v[0].reshape([n, 1]).map::<Cube>(), std::slice::from_ref(&t)).unwrap();
        gradcheck(|_, v| v[0].flatten().map::<Cube>(), &[t]).unwrap();
    }

    #[test]
    fn broadcast_to_gradcheck((t, lead, stretch) in (tensor(), 1usize..3, 1usize..3)) {
        // Set the first axis to 1 to make it stretchable, then broadcast with a new axis.
        let mut d = t.shape().dims().to_vec();
        let per = d[1..].iter().product::<usize>();
        d[0] = 1;
        let x = Tensor::new(d.clone(), t.data()[..per].to_vec());
        let mut target = vec![lead];
        target.extend_from_slice(&d);
        target[1] = stretch;
        gradcheck(|_, v| v[0].broadcast_to(target.clone()).map::<Cube>(), &[x]).unwrap();
    }

    #[test]
    fn slice_and_select_gradcheck(((t, a), s) in (with_axis(), any::<prop::sample::Index>())) {
        let len = t.shape()[a];
        let i = s.index(len);
        gradcheck(|_, v| v[0].slice(Axis(a), i..len).map::<Cube>(), std::slice::from_ref(&t)).unwrap();
        gradcheck(|_, v| v[0].select(Axis(a), i).map::<Cube>(), &[t]).unwrap();
    }

    #[test]
    // At least one pick: gradcheck refuses an empty output (it would check nothing).
    fn index_select_gradcheck(((t, a), picks) in (with_axis(), vec(any::<prop::sample::Index>(), 1..5))) {
        let idx: Vec<usize> = picks.iter().map(|p| p.index(t.shape()[a])).collect();
        gradcheck(|_, v| v[0].index_select(Axis(a), &idx).map::<Cube>(), &[t]).unwrap();
    }

    #[test]
    fn gather_rows_gradcheck(
        (n, k, data, picks) in (1usize..5, 1usize..5).prop_flat_map(|(n, k)| {
            (Just(n), Just(k), vec(-2.0..2.0f64, n * k), vec(0..k, n))
        })
    ) {
        let t = Tensor::new([n, k], data);
        gradcheck(|_, v| v[0].gather_rows(&picks).map::<Cube>(), &[t]).unwrap();
    }

    #[test]
    fn concat_and_stack_gradcheck(((t, a), extra) in (with_axis(), 1usize..3)) {
        // A second tensor with the same shape but `extra` positions along axis a.
        let mut d = t.shape().dims().to_vec();
        d[a] = extra;
        let n: usize = d.iter().product();
        let u = Tensor::new(d, (0..n).map(|i| (i as f64 * 0.7).sin()).collect());
        gradcheck(|_, v| concat(&[v[0], v[1], v[0]], Axis(a)).map::<Cube>(), &[t.clone(), u]).unwrap();
        gradcheck(|_, v| stack(&[v[0], v[0].map::<Cube>()], Axis(a)).map::<Cube>(), std::slice::from_ref(&t)).unwrap();
        let r = t.shape().rank();
        gradcheck(|_, v| stack(&[v[0], v[0]], Axis(r)).map::<Cube>(), &[t]).unwrap();
    }

    #[test]
    fn where_switch_add_n_gradcheck(
        (t, mask) in tensor().prop_flat_map(|t| { let n = t.data().len(); (Just(t), vec(any::<bool>(), n)) })
    ) {
        let u = Tensor::new(t.shape().clone(), t.data().iter().map(|x| x * 0.5 - 1.0).collect());
        let (a, b) = (t.clone(), u.clone());
        gradcheck(|_, v| where_mask(&mask, v[0], v[1]).map::<Cube>(), &[a, b]).unwrap();
        gradcheck(|_, v| switch(&[v[0], v[1]], 1).map::<Cube>(), &[t.clone(), u.clone()]).unwrap();
        gradcheck(|_, v| add_n(&[v[0], v[1], v[0]]).map::<Cube>(), &[t, u]).unwrap();
    }

    /// Invariants: concat then slice returns the parts; stack then select returns the items;
    /// index_select with all positions in order is the identity; transposes of broadcasts.
    #[test]
    fn round_trips((t, a) in with_axis()) {
        let tape = Tape::<f64>::new();
        let x = tape.tensor(t.shape().clone(), t.data().to_vec());
        let y = x * 2.0;
        let len = t.shape()[a];
        let c = concat(&[x, y], Axis(a));
        prop_assert_eq!(c.slice(Axis(a), 0..len).to_vec(), x.to_vec());
        prop_assert_eq!(c.slice(Axis(a), len..2 * len).to_vec(), y.to_vec());
        let s = stack(&[x, y], Axis(a));
        prop_assert_eq!(s.select(Axis(a), 1).to_vec(), y.to_vec());
        let all: Vec<usize> = (0..len).collect();
        prop_assert_eq!(x.index_select(Axis(a), &all).to_vec(), x.to_vec());
        prop_assert_eq!(x.broadcast_to(t.shape().clone()).to_vec(), x.to_vec());
    }
}
