//! The command-line options of `ebm_demos`, parsed by hand from `std::env::args`.
use std::path::PathBuf;

/// The command-line options.
pub struct Options {
    pub seed: u64,
    pub weight_decay: f64,
    pub epochs: usize,
    pub demo: Option<usize>,
    pub out: PathBuf,
}

const USAGE: &str =
    "usage: ebm_demos [--seed S] [--weight-decay L] [--epochs N] [--demo 1-5] [--out FOLDER]";

pub fn options() -> Result<Options, String> {
    let mut o = Options {
        seed: 7,
        weight_decay: 1e-3,
        epochs: 1500,
        demo: None,
        out: "out/ebm_demos".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}\n{USAGE}");
        match flag.as_str() {
            "--seed" => o.seed = value.parse().map_err(|e| bad(&e))?,
            "--weight-decay" => o.weight_decay = value.parse().map_err(|e| bad(&e))?,
            "--epochs" => o.epochs = value.parse().map_err(|e| bad(&e))?,
            "--out" => o.out = value.into(),
            "--demo" => match value.parse() {
                Ok(n @ 1..=5) => o.demo = Some(n),
                Ok(_) => return Err(bad(&"not a demo (1 to 5)")),
                Err(e) => return Err(bad(&e)),
            },
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    if !(o.weight_decay >= 0.0 && o.weight_decay.is_finite()) || o.epochs < 2 {
        return Err(format!(
            "need a weight decay >= 0 and at least 2 epochs\n{USAGE}"
        ));
    }
    Ok(o)
}
