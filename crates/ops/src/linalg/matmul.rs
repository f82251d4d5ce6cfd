//! Matrix products: `matmul` in all its forms, `dot` and `outer`, as one op.
//!
//! Every form is a batch of plain products `C_b = A_b·B_b` of row-major blocks:
//! forward `C = A·B`, and for `L` with `G = ∂L/∂C`
//! `∂L/∂A = G·Bᵀ`, `∂L/∂B = Aᵀ·G`.
//! The transposes are strided views of the stored operands, and the VJPs accumulate straight
//! into the gradient buffers (`β = 1`), so no product allocates or copies anything.
use super::gemm::{gemm, Mat};
use crate::structure::strided::{invalid, same_tape};
use std::panic::Location;
use wengert_tape::{Error, ErrorKind, Op, Real, Shape, TensorRef, Var};

/// `batch` products of an `m × k` block of A with a `k × n` block of B.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
    /// Whether B has one block per batch element (else every product uses the one B).
    b_batched: bool,
}

impl Plan {
    fn single(m: usize, k: usize, n: usize) -> Plan {
        Plan {
            batch: 1,
            m,
            k,
            n,
            b_batched: false,
        }
    }
}

/// The product op; `name` tells which public function recorded it.
struct MatMul {
    name: &'static str,
    plan: Plan,
}

impl<T: Real> Op<T> for MatMul {
    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let Plan { m, k, n, .. } = self.plan;
        for i in 0..self.plan.batch {
            let a = Mat::row_major(&inputs[0].data[i * m * k..], m, k);
            let b = Mat::row_major(&inputs[1].data[self.b_off(i)..], k, n);
            gemm(a, b, false, &mut out[i * m * n..(i + 1) * m * n]);
        }
    }

    fn vjp(
        &self,
        input: usize,
        inputs: &[TensorRef<'_, T>],
        _out: TensorRef<'_, T>,
        grad_out: &[T],
        grad_in: &mut [T],
    ) {
        let Plan { m, k, n, .. } = self.plan;
        for i in 0..self.plan.batch {
            let g = Mat::row_major(&grad_out[i * m * n..], m, n);
            if input == 0 {
                // dA_i += G_i · B_iᵀ
                let bt = Mat::row_major(&inputs[1].data[self.b_off(i)..], k, n).t();
                gemm(g, bt, true, &mut grad_in[i * m * k..(i + 1) * m * k]);
            } else {
                // dB_i += A_iᵀ · G_i (a shared B sums over the batch through the `+=`)
                let at = Mat::row_major(&inputs[0].data[i * m * k..], m, k).t();
                let off = self.b_off(i);
                gemm(at, g, true, &mut grad_in[off..off + k * n]);
            }
        }
    }
}

impl MatMul {
    fn b_off(&self, i: usize) -> usize {
        if self.plan.b_batched {
            i * self.plan.k * self.plan.n
        } else {
            0
        }
    }
}

/// The plan and output shape of `a·b`, or the error naming both shapes.
#[track_caller]
fn plan(a: &Shape, b: &Shape) -> Result<(Plan, Shape), Error> {
    // A closure cannot track its caller: take the location here.
    let loc = Location::caller();
    let mismatch = || {
        Error::new(ErrorKind::ShapeMismatch {
            op: "matmul",
            lhs: a.clone(),
            rhs: b.clone(),
        })
        .at(loc)
    };
    let inner_ok = |ka: usize, kb: usize| if ka == kb { Ok(()) } else { Err(mismatch()) };
    Ok(match (a.dims(), b.dims()) {
        (&[m, k], &[k2, n]) => {
            inner_ok(k, k2)?;
            (Plan::single(m, k, n), Shape::from([m, n]))
        }
        (&[m, k], &[k2]) => {
            inner_ok(k, k2)?;
            (Plan::single(m, k, 1), Shape::from([m]))
        }
        (&[k], &[k2, n]) => {
            inner_ok(k, k2)?;
            (Plan::single(1, k, n), Shape::from([n]))
        }
        (&[k], &[k2]) => {
            inner_ok(k, k2)?;
            (Plan::single(1, k, 1), Shape::scalar())
        }
        (&[bs, m, k], &[bs2, k2, n]) => {
            inner_ok(k, k2)?;
            if bs != bs2 {
                return Err(mismatch());
            }
            let plan = Plan {
                batch: bs,
                m,
                k,
                n,
                b_batched: true,
            };
            (plan, Shape::from([bs, m, n]))
        }
        // A shared right operand: the batch folds into the rows, one product in all.
        (&[bs, m, k], &[k2, n]) => {
            inner_ok(k, k2)?;
            (Plan::single(bs * m, k, n), Shape::from([bs, m, n]))
        }
        (&[bs, m, k], &[k2]) => {
            inner_ok(k, k2)?;
            (Plan::single(bs * m, k, 1), Shape::from([bs, m]))
        }
        _ => {
            return Err(invalid(
                "matmul",
                format!(
                    "cannot multiply shapes {a} and {b}: supported are (m,k)·(k,n), (m,k)·(k), \
                     (k)·(k,n), (k)·(k), (b,m,k)·(b,k,n), (b,m,k)·(k,n) and (b,m,k)·(k)"
                ),
            ))
        }
    })
}

/// [`matmul`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::ShapeMismatch`] naming `"matmul"` and both shapes when the inner (or batch)
/// lengths differ; [`ErrorKind::InvalidArgument`] for an unsupported combination of ranks;
/// [`ErrorKind::DifferentTapes`].
///
/// ```
/// use wengert_ops::linalg::try_matmul;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let a = tape.tensor([2, 3], vec![0.0; 6]);
/// let err = try_matmul(a, a).unwrap_err();
/// assert!(err.to_string().contains("matmul: shape mismatch: [2, 3] and [2, 3]"));
/// ```
#[track_caller]
pub fn try_matmul<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    same_tape("matmul", &[a, b])?;
    let (plan, out) = plan(&a.shape(), &b.shape())?;
    Ok(record("matmul", plan, a, b, out))
}

/// The matrix product (see [`LinalgExt::matmul`](super::LinalgExt::matmul)).
///
/// # Panics
/// If the shapes do not fit together (see [`try_matmul`]).
#[track_caller]
pub fn matmul<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    try_matmul(a, b).unwrap_or_else(|e| panic!("{e}"))
}

/// [`dot`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] unless both are 1-D; [`ErrorKind::ShapeMismatch`] for
/// different lengths; [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_dot<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    same_tape("dot", &[a, b])?;
    let (sa, sb) = (a.shape(), b.shape());
    match (sa.dims(), sb.dims()) {
        (&[k], &[k2]) if k == k2 => Ok(record("dot", Plan::single(1, k, 1), a, b, Shape::scalar())),
        (&[_], &[_]) => Err(Error::here(ErrorKind::ShapeMismatch {
            op: "dot",
            lhs: sa,
            rhs: sb,
        })),
        _ => Err(invalid(
            "dot",
            format!("expects two 1-D tensors, got shapes {sa} and {sb}"),
        )),
    }
}

/// The inner product of two vectors (see [`LinalgExt::dot`](super::LinalgExt::dot)).
///
/// # Panics
/// Unless both are 1-D tensors of the same length.
#[track_caller]
pub fn dot<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    try_dot(a, b).unwrap_or_else(|e| panic!("{e}"))
}

/// [`outer`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::InvalidArgument`] unless both are 1-D; [`ErrorKind::DifferentTapes`].
#[track_caller]
pub fn try_outer<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    same_tape("outer", &[a, b])?;
    let (sa, sb) = (a.shape(), b.shape());
    match (sa.dims(), sb.dims()) {
        // An (m, 1)·(1, n) product.
        (&[m], &[n]) => Ok(record(
            "outer",
            Plan::single(m, 1, n),
            a,
            b,
            Shape::from([m, n]),
        )),
        _ => Err(invalid(
            "outer",
            format!("expects two 1-D tensors, got shapes {sa} and {sb}"),
        )),
    }
}

/// The outer product of two vectors (see [`LinalgExt::outer`](super::LinalgExt::outer)).
///
/// # Panics
/// Unless both are 1-D tensors.
#[track_caller]
pub fn outer<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    try_outer(a, b).unwrap_or_else(|e| panic!("{e}"))
}

#[track_caller]
fn record<'t, T: Real>(
    name: &'static str,
    plan: Plan,
    a: Var<'t, T>,
    b: Var<'t, T>,
    out: Shape,
) -> Var<'t, T> {
    a.tape().record_op(MatMul { name, plan }, &[a, b], out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_of_every_form() {
        let p = |a: &[usize], b: &[usize]| plan(&Shape::from(a), &Shape::from(b)).unwrap();
        assert_eq!(
            p(&[2, 3], &[3, 4]),
            (Plan::single(2, 3, 4), Shape::from([2, 4]))
        );
        assert_eq!(p(&[2, 3], &[3]), (Plan::single(2, 3, 1), Shape::from([2])));
        assert_eq!(p(&[3], &[3, 4]), (Plan::single(1, 3, 4), Shape::from([4])));
        assert_eq!(p(&[3], &[3]), (Plan::single(1, 3, 1), Shape::scalar()));
        assert_eq!(
            p(&[5, 2, 3], &[3, 4]),
            (Plan::single(10, 3, 4), Shape::from([5, 2, 4]))
        );
        assert_eq!(
            p(&[5, 2, 3], &[3]),
            (Plan::single(10, 3, 1), Shape::from([5, 2]))
        );
        let (b, s) = p(&[5, 2, 3], &[5, 3, 4]);
        assert!(b.b_batched && b.batch == 5 && s == Shape::from([5, 2, 4]));
        assert!(plan(&Shape::from([5, 2, 3]), &Shape::from([4, 3, 4])).is_err());
        assert!(plan(&Shape::scalar(), &Shape::from([3])).is_err());
    }
}
