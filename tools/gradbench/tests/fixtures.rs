//! Replays each eval's recorded exchange (`fixtures/<eval>.jsonl`: the eval's evaluate
//! messages on small workloads, with the `manual` tool's outputs, recorded once with GradBench;
//! see `docs/gradbench.md`) against the tool binary, and compares every output as the eval
//! does (GradBench's `compare_json_objects`: each number within 1e-4 of the expected one,
//! relative to `max(1, |x| + |y|)`; same types, keys and lengths).
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

const TOLERANCE: f64 = 1e-4;

/// The mismatches between `expected` and `actual`, as paths.
fn compare(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            if (e - a).abs() / (e.abs() + a.abs()).max(1.0) > TOLERANCE {
                out.push(format!("{path}: expected {e}, got {a}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} entries, got {}",
                    e.len(),
                    a.len()
                ));
            } else {
                for (i, (x, y)) in e.iter().zip(a).enumerate() {
                    compare(x, y, &format!("{path}[{i}]"), out);
                }
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for k in e.keys().chain(a.keys().filter(|k| !e.contains_key(*k))) {
                match (e.get(k), a.get(k)) {
                    (Some(x), Some(y)) => compare(x, y, &format!("{path}.{k}"), out),
                    _ => out.push(format!("{path}.{k}: present on one side only")),
                }
            }
        }
        (e, a) if e != a => out.push(format!("{path}: expected {e}, got {a}")),
        _ => {}
    }
}

/// Sends `msgs` to a fresh tool process; returns its replies.
fn exchange(msgs: &[Value]) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wengert-gradbench"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the tool binary starts");
    let mut text = String::new();
    for m in msgs {
        text.push_str(&m.to_string());
        text.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    // A thread writes, so a large exchange cannot deadlock on full pipes.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()).unwrap());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(out.status.success(), "the tool exits cleanly");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Replays `fixtures/<eval>.jsonl`; returns how many outputs were compared.
fn replay(eval: &str) -> usize {
    let path = format!("{}/tests/fixtures/{eval}.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut shared_model = None;
    let mut msgs = vec![
        json!({ "id": 0, "kind": "start", "eval": eval }),
        json!({ "id": 1, "kind": "define", "module": eval }),
    ];
    let mut expected = Vec::new();
    for line in text.lines() {
        let mut r: Value = serde_json::from_str(line).unwrap();
        if let Some(m) = r.get("model") {
            shared_model = Some(m.clone());
            continue;
        }
        let mut msg = r["message"].take();
        if msg["input"]["data"]["model"] == "shared" {
            msg["input"]["data"]["model"] = shared_model.clone().expect("the model line first");
        }
        msg["id"] = json!(msgs.len());
        let what = format!("{} {}", msg["function"], msg["description"]);
        msgs.push(msg);
        expected.push((what, r["expected"].take()));
    }
    let replies = exchange(&msgs);
    assert_eq!(replies.len(), msgs.len(), "one reply per message");
    assert_eq!(replies[0]["tool"], "wengert");
    assert_eq!(replies[1]["success"], true, "define {eval}");
    for (reply, (what, want)) in replies[2..].iter().zip(&expected) {
        assert_eq!(reply["success"], true, "{eval} {what}: {}", reply["error"]);
        let evals = reply["timings"].as_array().unwrap();
        assert!(
            evals.iter().any(|t| t["name"] == "evaluate"),
            "{eval} {what}: timings"
        );
        let mut bad = Vec::new();
        compare(want, &reply["output"], "output", &mut bad);
        assert!(
            bad.is_empty(),
            "{eval} {what}: {} mismatches: {:?}",
            bad.len(),
            &bad[..bad.len().min(10)]
        );
    }
    expected.len()
}

#[test]
fn hello() {
    assert_eq!(replay("hello"), 8);
}

#[test]
fn lse() {
    assert_eq!(replay("lse"), 4);
}

#[test]
fn llsq() {
    assert_eq!(replay("llsq"), 4);
}

#[test]
fn det() {
    assert_eq!(replay("det"), 6);
}

#[test]
fn ode() {
    assert_eq!(replay("ode"), 8);
}

#[test]
fn kmeans() {
    assert_eq!(replay("kmeans"), 8);
}

#[test]
fn gmm() {
    assert_eq!(replay("gmm"), 8);
}

#[test]
fn lstm() {
    assert_eq!(replay("lstm"), 8);
}

#[test]
fn ba() {
    assert_eq!(replay("ba"), 4);
}

#[test]
fn ht() {
    assert_eq!(replay("ht"), 4);
}

#[test]
fn particle() {
    assert_eq!(replay("particle"), 4);
}

#[test]
fn saddle() {
    assert_eq!(replay("saddle"), 4);
}
