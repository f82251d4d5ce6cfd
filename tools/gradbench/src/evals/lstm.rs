//! `lstm`: the loss of an `l`-layer LSTM predicting the next character of a text (bits of each
//! character as a `b`-vector), ADBench's model, and its gradient with respect to the main and
//! extra parameters. The state vectors are `b` wide (7 or 8), so this is scalar code on
//! scalar `Var`s: a tensor op per 8-vector would cost more in bookkeeping than arithmetic.
use serde_json::Value;
use wengert::prelude::*;

use super::Prepared;

/// The eval's input, flattened row-major.
pub struct Input {
    l: usize,
    b: usize,
    c: usize,
    main: Vec<f64>,
    extra: Vec<f64>,
    state: Vec<f64>,
    seq: Vec<f64>,
}

/// The loss on the tape; `main` is `[2l, 4b]`, `extra` `[3, b]`.
fn loss<'t>(
    tape: &'t Tape<f64>,
    inp: &Input,
    main: &[Var<'t, f64>],
    extra: &[Var<'t, f64>],
) -> Var<'t, f64> {
    let (l, b) = (inp.l, inp.b);
    // Layer `i`'s hidden vector is state row 2i, its cell row 2i + 1.
    let mut hidden: Vec<Vec<Var<'t, f64>>> = (0..l)
        .map(|i| {
            inp.state[2 * i * b..(2 * i + 1) * b]
                .iter()
                .map(|&v| tape.constant(v))
                .collect()
        })
        .collect();
    let mut cell: Vec<Vec<Var<'t, f64>>> = (0..l)
        .map(|i| {
            inp.state[(2 * i + 1) * b..(2 * i + 2) * b]
                .iter()
                .map(|&v| tape.constant(v))
                .collect()
        })
        .collect();
    let (in_w, out_w, out_b) = (&extra[..b], &extra[b..2 * b], &extra[2 * b..]);
    let mut total = tape.constant(0.0);
    for t in 0..inp.c - 1 {
        let x = &inp.seq[t * b..(t + 1) * b];
        let mut input: Vec<Var<'t, f64>> = (0..b).map(|i| in_w[i] * x[i]).collect();
        for layer in 0..l {
            let p = &main[8 * b * layer..8 * b * (layer + 1)];
            let (w, bias) = (&p[..4 * b], &p[4 * b..]);
            for i in 0..b {
                let h = hidden[layer][i];
                let forget = (input[i] * w[i] + bias[i]).sigmoid();
                let ingate = (h * w[b + i] + bias[b + i]).sigmoid();
                let outgate = (input[i] * w[2 * b + i] + bias[2 * b + i]).sigmoid();
                let change = (h * w[3 * b + i] + bias[3 * b + i]).tanh();
                let c = cell[layer][i] * forget + ingate * change;
                cell[layer][i] = c;
                hidden[layer][i] = outgate * c.tanh();
            }
            input.clone_from(&hidden[layer]);
        }
        let pred: Vec<Var<'t, f64>> = (0..b).map(|i| input[i] * out_w[i] + out_b[i]).collect();
        let mut sum = tape.constant(2.0);
        for &y in &pred {
            sum = sum + y.exp();
        }
        let lse = sum.ln();
        let gold = &inp.seq[(t + 1) * b..(t + 2) * b];
        for i in 0..b {
            total = total + (pred[i] - lse) * gold[i];
        }
    }
    total * (-1.0 / ((inp.c - 1) * b) as f64)
}

/// The loss and, with `grad`, its gradient (main parameters, then extra, flattened).
pub fn lstm(inp: &Input, grad: bool) -> Vec<f64> {
    let tape = Tape::<f64>::new();
    let main = tape.vars(&inp.main);
    let extra = tape.vars(&inp.extra);
    let y = loss(&tape, inp, &main, &extra);
    if !grad {
        return vec![y.value()];
    }
    let g = tape.backward(y);
    main.iter().chain(&extra).map(|&v| g[v]).collect()
}

fn read(input: &Value) -> Result<Input, String> {
    let (main, rows, width) = super::matrix(&input["main_params"], "lstm main_params")?;
    let (extra, erows, ewidth) = super::matrix(&input["extra_params"], "lstm extra_params")?;
    let (state, srows, swidth) = super::matrix(&input["state"], "lstm state")?;
    let (seq, c, qwidth) = super::matrix(&input["sequence"], "lstm sequence")?;
    let (l, b) = (rows / 2, width / 4);
    if b == 0
        || rows != 2 * l
        || (erows, ewidth) != (3, b)
        || (srows, swidth) != (2 * l, b)
        || qwidth != b
        || c < 2
    {
        return Err(format!(
            "lstm: main_params {rows}x{width}, extra_params {erows}x{ewidth}, state {srows}x{swidth}, sequence {c}x{qwidth} do not fit l = {l}, b = {b}"
        ));
    }
    Ok(Input {
        l,
        b,
        c,
        main,
        extra,
        state,
        seq,
    })
}

pub(crate) fn prepare(function: &str, input: &Value) -> Result<Prepared, String> {
    let inp = read(input)?;
    match function {
        "objective" => Ok(Prepared::scalar(move || lstm(&inp, false)[0])),
        "jacobian" => Ok(Prepared::vector(move || lstm(&inp, true))),
        _ => Err(super::unknown("lstm", function)),
    }
}
