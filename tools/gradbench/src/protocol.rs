//! GradBench's protocol: one JSON object per line; each message has an `id` and a `kind`
//! (`start`, `define`, `evaluate`, anything else); every message gets one reply line with the
//! same `id`. An `evaluate` reply carries `output` and `timings` (nanoseconds of the call).
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::time::Instant;

/// Answers every message read from `input` on `output`, until end of input.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let msg: Value = serde_json::from_str(&line)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
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
        Some("define") => json!({ "id": id, "success": msg["module"] == "hello" }),
        Some("evaluate") => evaluate(id, msg),
        _ => json!({ "id": id }),
    }
}

fn evaluate(id: Value, msg: &Value) -> Value {
    let input = &msg["input"];
    let f: fn(f64) -> f64 = match (msg["module"].as_str(), msg["function"].as_str()) {
        (Some("hello"), Some("square")) => crate::hello::square,
        (Some("hello"), Some("double")) => crate::hello::double,
        _ => return json!({ "id": id, "error": "unknown module or function" }),
    };
    let Some(x) = input.as_f64() else {
        return json!({ "id": id, "error": format!("hello expects a number, got {input}") });
    };
    let start = Instant::now();
    let out = f(x);
    let ns = start.elapsed().as_nanos() as u64;
    json!({ "id": id, "output": out, "timings": [{ "name": "evaluate", "nanoseconds": ns }] })
}
