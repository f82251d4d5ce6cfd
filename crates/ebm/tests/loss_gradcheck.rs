//! Every loss against centered finite differences (f64), at random energies away from the
//! kinks (hinge boundary, ties for Ȳ) where the derivative is not defined.
use proptest::prelude::*;
use wengert_ebm::loss;
use wengert_tape::gradcheck::gradcheck;
use wengert_tape::{Tensor, Var};

/// Energies in [0.1, 3] with a correct index; Ȳ (lowest incorrect) is separated from the
/// other incorrect energies by at least `GAP`, so a finite-difference step keeps it.
fn setup() -> impl Strategy<Value = (Vec<f64>, usize)> {
    (2usize..6)
        .prop_flat_map(|k| (prop::collection::vec(0.1f64..3.0, k), 0..k))
        .prop_filter("Ȳ must be unique", |(e, c)| {
            let mut inc: Vec<f64> = e
                .iter()
                .enumerate()
                .filter(|(i, _)| i != c)
                .map(|(_, &v)| v)
                .collect();
            inc.sort_by(f64::total_cmp);
            inc.len() < 2 || inc[1] - inc[0] > GAP
        })
}

const GAP: f64 = 1e-3;

fn check(e: &[f64], f: impl for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>) -> Result<(), TestCaseError> {
    gradcheck(|_, v| f(v[0]), &[Tensor::new([e.len()], e.to_vec())])
        .map_err(|err| TestCaseError::fail(format!("{err} at {e:?}")))
}

/// E(Yⁱ) − E(Ȳ) for the kink filters.
fn gap(e: &[f64], c: usize) -> f64 {
    let bar = loss::most_offending(e, c).unwrap();
    e[c] - e[bar]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn energy_and_perceptron((e, c) in setup()) {
        check(&e, |v| loss::energy(v, c))?;
        // The perceptron's min includes Yⁱ: keep the lowest energy unique.
        let mut s = e.clone();
        s.sort_by(f64::total_cmp);
        prop_assume!(s[1] - s[0] > GAP);
        check(&e, |v| loss::perceptron(v, c))?;
    }

    #[test]
    fn hinge((e, c) in setup(), m in 0.0f64..1.0) {
        prop_assume!((m + gap(&e, c)).abs() > GAP);
        check(&e, |v| loss::hinge(v, c, m))?;
    }

    #[test]
    fn log_loss_and_mce((e, c) in setup()) {
        check(&e, |v| loss::log_loss(v, c))?;
        check(&e, |v| loss::mce(v, c))?;
    }

    #[test]
    fn square_square((e, c) in setup(), m in 0.0f64..3.0) {
        let bar = loss::most_offending(&e, c).unwrap();
        prop_assume!((m - e[bar]).abs() > GAP);
        check(&e, |v| loss::square_square(v, c, m))?;
    }

    #[test]
    fn square_exp((e, c) in setup(), k in 0.0f64..3.0, beta in 0.1f64..3.0) {
        check(&e, |v| loss::square_exp(v, c, k, beta))?;
    }

    #[test]
    fn nll((e, c) in setup(), beta in 0.1f64..10.0) {
        check(&e, |v| loss::nll(v, c, beta))?;
        check(&e, |v| loss::nll_set(v.elem(c), v, beta))?;
    }

    #[test]
    fn generalized_margin((e, c) in setup()) {
        // Q(a, b) = a² e^{−b}: increasing in a ≥ 0, decreasing in b.
        check(&e, |v| loss::generalized_margin(v, c, |a, b| {
            let eb = loss::square_exp_pair(b * 0.0, b, 1.0, 1.0); // e^{−b}
            a * a * eb
        }))?;
    }

    #[test]
    fn lvq2((e, c) in setup(), big_m in 0.1f64..2.0) {
        let bar = loss::most_offending(&e, c).unwrap();
        let z = (e[c] - e[bar]) / e[bar];
        prop_assume!(z.abs() > GAP && (z - big_m).abs() > GAP);
        check(&e, |v| loss::lvq2(v, c, big_m))?;
    }
}
