//! The twelve evals. Each module turns an eval function's JSON input into a [`Prepared`]: a
//! closure that runs the function once (what is timed) and a formatter for its output (not
//! timed, as in GradBench's C++ tools, which serialise after the runs).
use serde_json::Value;

pub mod ba;
pub mod det;
pub mod gmm;
pub mod hello;
pub mod ht;
pub mod inner_grad;
pub mod kmeans;
pub mod llsq;
pub mod lse;
pub mod lstm;
pub mod nested;
pub mod ode;
pub mod particle;
pub mod saddle;

/// The modules `define` accepts.
pub const MODULES: [&str; 12] = [
    "hello", "lse", "gmm", "lstm", "ode", "llsq", "det", "kmeans", "ba", "ht", "particle", "saddle",
];

/// One eval function, ready to run: `run` is timed, `format` turns its result into the output.
pub struct Prepared {
    /// Computes the function once; returns its output flattened.
    pub run: Box<dyn FnMut() -> Vec<f64>>,
    /// Shapes the flat output as the eval's JSON.
    pub format: Box<dyn Fn(Vec<f64>) -> Value>,
}

impl Prepared {
    /// A function with one number as output.
    pub fn scalar(run: impl FnMut() -> f64 + 'static) -> Self {
        let mut run = run;
        Prepared {
            run: Box::new(move || vec![run()]),
            format: Box::new(|v| Value::from(v[0])),
        }
    }

    /// A function with a flat list of numbers as output.
    pub fn vector(run: impl FnMut() -> Vec<f64> + 'static) -> Self {
        Prepared {
            run: Box::new(run),
            format: Box::new(Value::from),
        }
    }
}

/// Prepares `module`'s `function` on `input`.
pub fn prepare(module: &str, function: &str, input: &Value) -> Result<Prepared, String> {
    match module {
        "hello" => hello::prepare(function, input),
        "lse" => lse::prepare(function, input),
        "llsq" => llsq::prepare(function, input),
        "det" => det::prepare(function, input),
        "ode" => ode::prepare(function, input),
        "kmeans" => kmeans::prepare(function, input),
        "gmm" => gmm::prepare(function, input),
        "lstm" => lstm::prepare(function, input),
        "ba" => ba::prepare(function, input),
        "ht" => ht::prepare(function, input),
        "particle" => particle::prepare(function, input),
        "saddle" => saddle::prepare(function, input),
        _ => Err(format!("unknown module {module:?}")),
    }
}

/// The error for a function name the module does not have.
pub fn unknown(module: &str, function: &str) -> String {
    format!("{module} has no function {function:?}")
}

/// `input[key]` as a number.
pub fn num(input: &Value, key: &str) -> Result<f64, String> {
    input[key]
        .as_f64()
        .ok_or_else(|| format!("input field {key:?} is not a number: {}", input[key]))
}

/// `input[key]` as a non-negative integer.
pub fn int(input: &Value, key: &str) -> Result<usize, String> {
    input[key]
        .as_u64()
        .map(|v| v as usize)
        .ok_or_else(|| format!("input field {key:?} is not an integer: {}", input[key]))
}

/// A JSON array of numbers.
pub fn floats(v: &Value, what: &str) -> Result<Vec<f64>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{what} is not an array"))?;
    arr.iter()
        .map(|x| {
            x.as_f64()
                .ok_or_else(|| format!("{what} holds a non-number {x}"))
        })
        .collect()
}

/// A JSON array of equal-length arrays of numbers, flattened row-major; returns the rows' length.
pub fn matrix(v: &Value, what: &str) -> Result<(Vec<f64>, usize, usize), String> {
    let rows = v
        .as_array()
        .ok_or_else(|| format!("{what} is not an array"))?;
    let mut flat = Vec::new();
    let mut width = None;
    for (i, row) in rows.iter().enumerate() {
        let r = floats(row, what)?;
        if *width.get_or_insert(r.len()) != r.len() {
            return Err(format!(
                "{what}: row {i} has {} entries, row 0 {width:?}",
                r.len()
            ));
        }
        flat.extend(r);
    }
    Ok((flat, rows.len(), width.unwrap_or(0)))
}

/// Splits a flat row-major buffer into rows of `width` as JSON.
pub fn rows(flat: &[f64], width: usize) -> Value {
    Value::from(
        flat.chunks(width.max(1))
            .map(|c| Value::from(c.to_vec()))
            .collect::<Vec<_>>(),
    )
}
