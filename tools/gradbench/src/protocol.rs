//! GradBench's protocol: one JSON object per line; each message has an `id` and a `kind`
//! (`start`, `define`, `evaluate`, `analysis`, `end`); every message but `end` gets one reply
//! line with the same `id`. An `evaluate` reply carries `success`, `output` and `timings`: one
//! `prepare` (reading the input into the eval's structures) and one `evaluate` per run, the
//! run repeated at least `min_runs` times and until `min_seconds` have passed, as GradBench's
//! C++ tools do (`cpp/gradbench/main.hpp`).
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::time::Instant;

use crate::evals::{self, Prepared};

/// Answers every message read from `input` on `output`, until end of input or `end`.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let msg: Value = serde_json::from_str(&line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        if msg["kind"] == "end" {
            break;
        }
        let reply = respond(&msg);
        writeln!(output, "{reply}")?;
        output.flush()?;
    }
    Ok(())
}

/// The reply to one message.
pub fn respond(msg: &Value) -> Value {
    let id = msg["id"].clone();
    match msg["kind"].as_str() {
        Some("start") => json!({ "id": id, "tool": "wengert" }),
        Some("define") => {
            let module = msg["module"].as_str().unwrap_or("");
            if evals::MODULES.contains(&module) {
                json!({ "id": id, "success": true })
            } else {
                json!({ "id": id, "success": false, "error": format!("wengert has no module {module:?}") })
            }
        }
        Some("evaluate") => match evaluate(msg) {
            Ok((output, timings)) => {
                json!({ "id": id, "success": true, "output": output, "timings": timings })
            }
            Err(e) => json!({ "id": id, "success": false, "error": e }),
        },
        _ => json!({ "id": id }),
    }
}

fn evaluate(msg: &Value) -> Result<(Value, Vec<Value>), String> {
    let module = msg["module"].as_str().ok_or("evaluate without a module")?;
    let function = msg["function"]
        .as_str()
        .ok_or("evaluate without a function")?;
    let input = &msg["input"];
    let min_runs = input
        .get("min_runs")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1);
    let min_seconds = input
        .get("min_seconds")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);

    let start = Instant::now();
    let Prepared { mut run, format } = evals::prepare(module, function, input)?;
    let mut timings = vec![timing("prepare", start.elapsed().as_nanos())];

    let mut out = Vec::new();
    let mut elapsed = 0.0;
    let mut runs = 0;
    while runs < min_runs || elapsed < min_seconds {
        let start = Instant::now();
        out = run();
        let ns = start.elapsed().as_nanos();
        timings.push(timing("evaluate", ns));
        elapsed += ns as f64 * 1e-9;
        runs += 1;
    }
    Ok((format(out), timings))
}

fn timing(name: &str, ns: u128) -> Value {
    json!({ "name": name, "nanoseconds": ns as u64 })
}
