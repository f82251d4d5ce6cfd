//! Random expression DAGs: a tiny program format, a proptest strategy for it, and one generic
//! interpreter that records a program on a `Tape<T>` for any element type (`f64` for reverse
//! mode and finite differences, `Dual<f64>` for forward mode).
//!
//! Every node is a tensor of one of a few small shapes (`[]` scalar `Var`s on the fast path,
//! rank-0 tensors, `[3]`, `[2, 1]`, `[2]`, `[2, 2]`, `[2, 3]`). Operands are earlier nodes,
//! chosen mostly among the last few (so chains get deep) and sometimes anywhere (so nodes fan
//! out). Ops on restricted domains are interpreted where they are smooth and finite
//! (`ln(softplus(x) + 0.1)`, `sqrt(x² + 0.1)`), and ops that grow are tamed (`exp(tanh x)`,
//! `x²/(x² + 1)`, `(a + b)/2`, `a·tanh b`, `a/(b² + 1)`), so that a 30-deep chain keeps values
//! and derivatives of moderate size and a centered difference stays accurate. Nothing branches
//! on values (no max, relu or abs), so every program is smooth at every input.
use proptest::prelude::*;
use wengert::prelude::*;
use wengert::tape::broadcast_shapes;

/// An elementwise function.
#[derive(Clone, Copy, Debug)]
pub enum Un {
    Exp,
    Ln,
    Sin,
    Tanh,
    Sigmoid,
    Softplus,
    Sqrt,
    Square,
    Neg,
}

/// A broadcasting binary function.
#[derive(Clone, Copy, Debug)]
pub enum Bin {
    Add,
    Sub,
    Mul,
    Div,
}

/// A reduction or a lane-wise normalisation.
#[derive(Clone, Copy, Debug)]
pub enum Red {
    /// `sum(x) / numel`, through the sum op.
    Sum,
    Mean,
    /// `mean_axis(0)`.
    MeanAxis0,
    Logsumexp,
    /// `logsum_axis(last, β = 2)`.
    LogsumLast,
    /// `softmax(last)`.
    SoftmaxLast,
}

/// One instruction; operands are counted back from the newest node (0 = the newest).
#[derive(Clone, Copy, Debug)]
pub enum Step {
    Un(Un, usize),
    Bin(Bin, usize, usize),
    Red(Red, usize),
    /// `tanh(A) tanh(B)ᵀ / 3` with both operands made `[2, 3]` (broadcast, or their mean
    /// broadcast); the tanh keeps repeated products from squaring magnitudes.
    MatMul(usize, usize),
    /// `tanh(A) v / 3`, `A` made `[2, 3]`, `v` made `[3]`.
    MatVec(usize, usize),
    /// Element `i mod numel` as a scalar `Var`.
    Elem(usize, usize),
}

/// The inputs' shapes: a scalar (taken out of a rank-0 tensor leaf, so it runs on the scalar
/// fast path), a vector, a matrix, and a column that broadcasts against rows.
pub const INPUT_SHAPES: [&[usize]; 4] = [&[], &[3], &[2, 3], &[2, 1]];

/// The number of input elements (1 + 3 + 6 + 2).
pub const INPUT_LEN: usize = 12;

fn back() -> impl Strategy<Value = usize> {
    // Mostly the newest nodes (depth), sometimes any (fan-out and reuse).
    prop_oneof![3 => 0..3usize, 1 => 0..64usize]
}

fn step() -> impl Strategy<Value = Step> {
    let un = prop_oneof![
        Just(Un::Exp),
        Just(Un::Ln),
        Just(Un::Sin),
        Just(Un::Tanh),
        Just(Un::Sigmoid),
        Just(Un::Softplus),
        Just(Un::Sqrt),
        Just(Un::Square),
        Just(Un::Neg),
    ];
    let bin = prop_oneof![
        Just(Bin::Add),
        Just(Bin::Sub),
        Just(Bin::Mul),
        Just(Bin::Div)
    ];
    let red = prop_oneof![
        Just(Red::Sum),
        Just(Red::Mean),
        Just(Red::MeanAxis0),
        Just(Red::Logsumexp),
        Just(Red::LogsumLast),
        Just(Red::SoftmaxLast),
    ];
    prop_oneof![
        4 => (un, back()).prop_map(|(u, a)| Step::Un(u, a)),
        4 => (bin, back(), back()).prop_map(|(b, x, y)| Step::Bin(b, x, y)),
        2 => (red, back()).prop_map(|(r, a)| Step::Red(r, a)),
        1 => (back(), back()).prop_map(|(a, b)| Step::MatMul(a, b)),
        1 => (back(), back()).prop_map(|(a, b)| Step::MatVec(a, b)),
        1 => (back(), 0..6usize).prop_map(|(a, i)| Step::Elem(a, i)),
    ]
}

/// A program of 1 to 30 steps.
pub fn program() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(step(), 1..=30)
}

/// Input values (moderate, so that `sin` and `exp` stay well conditioned) and a direction.
pub fn point() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (
        prop::collection::vec(-2.0..2.0f64, INPUT_LEN),
        prop::collection::vec(-1.0..1.0f64, INPUT_LEN),
    )
}

/// Splits a flat vector into the four inputs' element lists.
pub fn split<X: Copy>(flat: &[X]) -> Vec<Vec<X>> {
    let mut at = 0;
    INPUT_SHAPES
        .iter()
        .map(|s| {
            let n = s.iter().product::<usize>();
            at += n;
            flat[at - n..at].to_vec()
        })
        .collect()
}

/// Records the inputs as tensor leaves.
pub fn leaves<'t, T: Real>(tape: &'t Tape<T>, flat: &[T]) -> Vec<Var<'t, T>> {
    split(flat)
        .into_iter()
        .zip(INPUT_SHAPES)
        .map(|(d, s)| tape.tensor(s, d))
        .collect()
}

fn pick<T: Real>(nodes: &[Var<'_, T>], back: usize) -> usize {
    nodes.len() - 1 - back % nodes.len()
}

fn lit<'t, T: Real>(x: Var<'t, T>, c: f64) -> Var<'t, T> {
    x * T::lit(c)
}

fn unary<'t, T: Real>(u: Un, x: Var<'t, T>) -> Var<'t, T> {
    match u {
        Un::Exp => x.tanh().exp(),
        Un::Ln => (x.softplus() + T::lit(0.1)).ln(),
        Un::Sin => x.sin(),
        Un::Tanh => x.tanh(),
        Un::Sigmoid => x.sigmoid(),
        Un::Softplus => x.softplus(),
        Un::Sqrt => (x.square() + T::lit(0.1)).sqrt(),
        Un::Square => {
            let s = x.square();
            s / (s + T::one())
        }
        Un::Neg => -x,
    }
}

fn binary<'t, T: Real>(op: Bin, a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    // Shapes that cannot broadcast meet through b's mean.
    let b = match broadcast_shapes("dag", &a.shape(), &b.shape()) {
        Ok(_) => b,
        Err(_) => b.mean(),
    };
    match op {
        Bin::Add => lit(a + b, 0.5),
        Bin::Sub => lit(a - b, 0.5),
        Bin::Mul => a * b.tanh(),
        Bin::Div => a / (b.square() + T::one()),
    }
}

fn last_axis(x: Var<'_, impl Real>) -> Option<Axis> {
    let r = x.shape().rank();
    (r > 0).then(|| Axis(r - 1))
}

fn reduce<'t, T: Real>(r: Red, x: Var<'t, T>) -> Var<'t, T> {
    let n = x.numel() as f64;
    match (r, last_axis(x)) {
        (Red::Sum, _) => lit(x.sum(), 1.0 / n),
        (Red::Mean, _) => x.mean(),
        (Red::MeanAxis0, Some(_)) => x.mean_axis(Axis(0)),
        (Red::Logsumexp, _) => x.logsumexp(),
        (Red::LogsumLast, Some(ax)) => x.logsum_axis(ax, T::lit(2.0)),
        (Red::SoftmaxLast, Some(ax)) => x.softmax(ax),
        // Rank 0 has no axis: a smooth stand-in.
        (_, None) => x.sigmoid(),
    }
}

fn to_mat<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    x.try_broadcast_to([2, 3])
        .unwrap_or_else(|_| x.mean().broadcast_to([2, 3]))
}

fn to_vec3<'t, T: Real>(x: Var<'t, T>) -> Var<'t, T> {
    if x.shape() == Shape::from([2, 3]) {
        return x.mean_axis(Axis(0));
    }
    x.try_broadcast_to([3])
        .unwrap_or_else(|_| x.mean().broadcast_to([3]))
}

/// Records `prog` on the inputs' tape and returns the scalar output: the sum of the means of
/// every node no later step uses (so the whole DAG reaches the output).
pub fn build<'t, T: Real>(prog: &[Step], inputs: &[Var<'t, T>]) -> Var<'t, T> {
    let mut nodes: Vec<Var<'t, T>> = inputs.to_vec();
    nodes[0] = nodes[0].elem(0);
    let mut used = vec![false; nodes.len() + prog.len()];
    for &s in prog {
        let mut take = |b: usize, nodes: &[Var<'t, T>]| {
            let i = pick(nodes, b);
            used[i] = true;
            nodes[i]
        };
        let y = match s {
            Step::Un(u, a) => unary(u, take(a, &nodes)),
            Step::Bin(op, a, b) => {
                let (a, b) = (take(a, &nodes), take(b, &nodes));
                binary(op, a, b)
            }
            Step::Red(r, a) => reduce(r, take(a, &nodes)),
            Step::MatMul(a, b) => {
                let (a, b) = (take(a, &nodes), take(b, &nodes));
                lit(to_mat(a).tanh().matmul(to_mat(b).tanh().t()), 1.0 / 3.0)
            }
            Step::MatVec(a, b) => {
                let (a, b) = (take(a, &nodes), take(b, &nodes));
                lit(to_mat(a).tanh().matmul(to_vec3(b)), 1.0 / 3.0)
            }
            Step::Elem(a, i) => {
                let x = take(a, &nodes);
                x.elem(i % x.numel())
            }
        };
        nodes.push(y);
    }
    let mut out: Option<Var<'t, T>> = None;
    for (i, v) in nodes.iter().enumerate() {
        if !used[i] {
            let m = v.mean();
            out = Some(match out {
                None => m,
                Some(o) => o + m,
            });
        }
    }
    out.expect("the newest node is never used")
}
