use super::*;
use wengert_tape::Tensor;

fn one_param(w: Vec<f64>) -> ParamStore<f64> {
    let mut s = ParamStore::new();
    s.insert("w", Tensor::new([w.len()], w));
    s
}

fn weights(s: &ParamStore<f64>) -> Vec<f64> {
    s.get(s.key("w").unwrap()).data().to_vec()
}

#[test]
fn two_adam_steps_match_the_hand_computation() {
    // η = 0.1, β = (0.9, 0.999), ε = 1e-8, w = 1, gradients 0.5 then −1.
    // Step 1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25; w = 1 − 0.1·0.5/(0.5 + 1e-8)
    //         = 0.900000002.
    // Step 2: m = 0.9·0.05 − 0.1 = −0.055, v = 0.999·0.00025 + 0.001 = 0.00124975;
    //         m̂ = −0.055/0.19 = −0.289473684, v̂ = 0.00124975/0.001999 = 0.625187594,
    //         √v̂ = 0.790688051; w = 0.900000002 + 0.1·0.289473684/0.790688051
    //         = 0.936610354.
    let mut s = one_param(vec![1.0]);
    let mut st = AdamState::new();
    let adam = Adam::new(0.1);
    adam.step(&mut s, &[vec![0.5]], &mut st);
    assert!((weights(&s)[0] - 0.900000002).abs() < 1e-9);
    adam.step(&mut s, &[vec![-1.0]], &mut st);
    assert!((weights(&s)[0] - 0.936610354).abs() < 1e-9);
    let (m, v) = st.moments(0);
    assert!((m[0] + 0.055).abs() < 1e-15 && (v[0] - 0.00124975).abs() < 1e-15);
    assert_eq!(st.steps(), 2);
}

#[test]
fn adamw_decouples_the_decay_and_adam_puts_it_in_the_gradient() {
    // w = 2, g = 1, η = 0.1, λ = 0.5.
    // AdamW: w ← 2 − 0.1·0.5·2 = 1.9, then − 0.1·1/(1 + 1e-8) ≈ 1.8.
    // Adam (L2): g = 1 + 0.5·2 = 2; first step moves by η·2/(2 + ε) ≈ 0.1 → 1.9.
    let mut s = one_param(vec![2.0]);
    Adam::adamw(0.1, 0.5).step(&mut s, &[vec![1.0]], &mut AdamState::new());
    assert!((weights(&s)[0] - 1.8).abs() < 1e-8);
    let mut s = one_param(vec![2.0]);
    let mut l2 = Adam::new(0.1);
    l2.weight_decay = 0.5;
    l2.step(&mut s, &[vec![1.0]], &mut AdamState::new());
    assert!((weights(&s)[0] - 1.9).abs() < 1e-8);
}

#[test]
fn adam_minimises_a_quadratic() {
    // L = Σ (w − c)², gradient 2(w − c); Adam reaches c.
    let c = [3.0, -1.0];
    let mut s = one_param(vec![0.0, 0.0]);
    let mut st = AdamState::new();
    let adam = Adam::new(0.05);
    for _ in 0..2000 {
        let g: Vec<f64> = weights(&s)
            .iter()
            .zip(c)
            .map(|(w, c)| 2.0 * (w - c))
            .collect();
        adam.step(&mut s, &[g], &mut st);
    }
    let w = weights(&s);
    assert!(
        (w[0] - 3.0).abs() < 1e-3 && (w[1] + 1.0).abs() < 1e-3,
        "{w:?}"
    );
}

#[test]
fn bad_settings_and_bad_updates_write_nothing() {
    let mut s = one_param(vec![1.0]);
    let mut st = AdamState::new();
    let e = Adam::new(-0.1)
        .try_step(&mut s, &[vec![1.0]], &mut st)
        .unwrap_err();
    assert!(
        e.to_string().contains("adam") && e.to_string().contains("-0.1"),
        "{e}"
    );
    let e = Adam::new(0.1).with_betas(0.9, 1.0).validate().unwrap_err();
    assert!(e.to_string().contains("beta2"), "{e}");
    let e = Adam::adamw(0.1, f64::NAN).validate().unwrap_err();
    assert!(e.to_string().contains("adamw"), "{e}");
    assert!(Adam::new(0.1).with_eps(0.0).validate().is_err());
    let e = Adam::new(0.1)
        .try_step(&mut s, &[vec![1.0, 2.0]], &mut st)
        .unwrap_err();
    assert!(e.to_string().contains("adam step"), "{e}");
    let e = Adam::new(0.1)
        .try_step(&mut s, &[vec![f64::NAN]], &mut st)
        .unwrap_err();
    assert!(e.to_string().contains("\"w\""), "{e}");
    assert_eq!(weights(&s), vec![1.0]);
    assert_eq!(st.steps(), 0);
}

#[test]
fn clipping_by_norm_and_by_value() {
    // Norm √(1² + 2² + 2²) = 3 ≤ 10: untouched; clipped to 1.5: halved.
    let mut g = vec![vec![1.0, 2.0], vec![2.0]];
    assert_eq!(clip_grad_norm(&mut g, 10.0), 3.0);
    assert_eq!(g, vec![vec![1.0, 2.0], vec![2.0]]);
    assert_eq!(clip_grad_norm(&mut g, 1.5), 3.0);
    assert_eq!(g, vec![vec![0.5, 1.0], vec![1.0]]);
    clip_grad_value(&mut g, 0.75);
    assert_eq!(g, vec![vec![0.5, 0.75], vec![0.75]]);
}
