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
    /// Whether B is stored transposed (`n × k`, as a linear layer's weights): the product
    /// reads it through swapped strides instead of a materialized transpose.
    b_t: bool,
}

impl Plan {
    fn single(m: usize, k: usize, n: usize) -> Plan {
        Plan {
            batch: 1,
            m,
            k,
            n,
            b_batched: false,
            b_t: false,
        }
    }

    /// The block of B for batch element `i`, as the `k × n` matrix the product uses.
    fn b<'a, T>(&self, data: &'a [T], i: usize) -> Mat<'a, T> {
        let off = if self.b_batched {
            i * self.k * self.n
        } else {
            0
        };
        if self.b_t {
            Mat::row_major(&data[off..], self.n, self.k).t()
        } else {
            Mat::row_major(&data[off..], self.k, self.n)
        }
    }
}

/// The product op; `name` tells which public function recorded it.
#[derive(Clone)]
struct MatMul {
    name: &'static str,
    plan: Plan,
}

impl<T: Real> Op<T> for MatMul {
    fn boxed_clone(&self) -> Option<Box<dyn Op<T>>> {
        Some(Box::new(self.clone()))
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn forward(&mut self, inputs: &[TensorRef<'_, T>], out: &mut [T]) {
        let Plan { m, k, n, .. } = self.plan;
        for i in 0..self.plan.batch {
            let a = Mat::row_major(&inputs[0].data[i * m * k..], m, k);
            let b = self.plan.b(inputs[1].data, i);
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
                let bt = self.plan.b(inputs[1].data, i).t();
                gemm(g, bt, true, &mut grad_in[i * m * k..(i + 1) * m * k]);
            } else if self.plan.b_t {
                // B is stored as Bᵀ: d(Bᵀ) += (A_iᵀ · G_i)ᵀ = G_iᵀ · A_i
                let a = Mat::row_major(&inputs[0].data[i * m * k..], m, k);
                let off = self.b_off(i);
                gemm(g.t(), a, true, &mut grad_in[off..off + k * n]);
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
                b_t: false,
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

/// [`matmul_t`], returning an error instead of panicking.
///
/// # Errors
/// [`ErrorKind::ShapeMismatch`] naming `"matmul_t"` and both shapes when the rows of `b` are
/// not as long as the rows of `a`; [`ErrorKind::InvalidArgument`] unless `a` is 1-D, 2-D or
/// 3-D and `b` is 2-D; [`ErrorKind::DifferentTapes`].
///
/// ```
/// use wengert_ops::linalg::try_matmul_t;
/// let tape = wengert_tape::Tape::<f64>::new();
/// let (x, w) = (tape.tensor([2, 3], vec![0.0; 6]), tape.tensor([4, 2], vec![0.0; 8]));
/// let err = try_matmul_t(x, w).unwrap_err();
/// assert!(err.to_string().contains("matmul_t: shape mismatch: [2, 3] and [4, 2]"));
/// ```
#[track_caller]
pub fn try_matmul_t<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Result<Var<'t, T>, Error> {
    same_tape("matmul_t", &[a, b])?;
    let (sa, sb) = (a.shape(), b.shape());
    let (rows, out) = match (sa.dims(), sb.dims()) {
        (&[k], &[n, k2]) if k == k2 => (1, Shape::from([n])),
        (&[m, k], &[n, k2]) if k == k2 => (m, Shape::from([m, n])),
        (&[bs, m, k], &[n, k2]) if k == k2 => (bs * m, Shape::from([bs, m, n])),
        (&[_] | &[_, _] | &[_, _, _], &[_, _]) => {
            return Err(Error::here(ErrorKind::ShapeMismatch {
                op: "matmul_t",
                lhs: sa,
                rhs: sb,
            }))
        }
        _ => {
            return Err(invalid(
                "matmul_t",
                format!(
                    "cannot multiply {sa} by the transpose of {sb}: b must be 2-D, a 1-D to 3-D"
                ),
            ))
        }
    };
    let (n, k) = (sb.dims()[0], sb.dims()[1]);
    let plan = Plan {
        b_t: true,
        ..Plan::single(rows, k, n)
    };
    Ok(record("matmul_t", plan, a, b, out))
}

/// `a · bᵀ` for `b` of shape `(n, k)`: a linear layer's `x Wᵀ` (`torch.nn.functional.linear`
/// without the bias), read through swapped strides, with no transposed copy of `b` on the
/// tape (see [`LinalgExt::matmul_t`](super::LinalgExt::matmul_t)).
///
/// # Panics
/// If the shapes do not fit together (see [`try_matmul_t`]).
#[track_caller]
pub fn matmul_t<'t, T: Real>(a: Var<'t, T>, b: Var<'t, T>) -> Var<'t, T> {
    try_matmul_t(a, b).unwrap_or_else(|e| panic!("{e}"))
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
