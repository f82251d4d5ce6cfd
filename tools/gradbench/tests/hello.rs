//! Replays a `hello` exchange against the built tool binary.
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn hello_exchange() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wengert-gradbench"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let msgs = concat!(
        r#"{"id":0,"kind":"start","eval":"hello"}"#,
        "\n",
        r#"{"id":1,"kind":"define","module":"hello"}"#,
        "\n",
        r#"{"id":2,"kind":"evaluate","module":"hello","function":"square","input":3.0}"#,
        "\n",
        r#"{"id":3,"kind":"evaluate","module":"hello","function":"double","input":3.0}"#,
        "\n",
    );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(msgs.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["success"], true);
    // square(3) = 9; d/dx x^2 = 2x = 6 at x = 3.
    assert_eq!(lines[2]["output"], 9.0);
    assert_eq!(lines[3]["output"], 6.0);
}
