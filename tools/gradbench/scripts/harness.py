#!/usr/bin/env python3
"""Runs one GradBench eval against one tool without Docker, as `gradbench run` would.

The eval's stdout is the tool's stdin and the other way round; every message and reply is
logged, one JSON object per line, to --log. With --record FILE, the exchange is also written
as a test fixture for `cargo test -p wengert-gradbench`: each evaluate message (min_runs and
min_seconds reset to 1 and 0) with the `manual` tool's output as the expected one.

Run from the GradBench checkout's root (the evals read their data relative to it).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

# Evals the manual tool lacks: GradBench's evals check a constant (evals/*/run.py).
CONSTANT = {
    "particle": 0.2071918746486116,
    "saddle": [8.246324826140356e-06] * 4,
}


def manual_output(module, function, input):
    if module in CONSTANT:
        return CONSTANT[module]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as tmp:
        json.dump(input, tmp)
        tmp.flush()
        out = subprocess.run(
            [f"tools/manual/bin/{module}", tmp.name, function],
            text=True, capture_output=True, check=True,
        )
    return json.loads(out.stdout.splitlines()[0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--eval", required=True, help="eval command, e.g. 'python3 -m gradbench.evals.lse.run -n 100'")
    p.add_argument("--tool", required=True, help="tool command")
    p.add_argument("--log", required=True)
    p.add_argument("--record")
    args = p.parse_args()

    ev = subprocess.Popen(args.eval, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    tool = subprocess.Popen(args.tool, shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    fixture = []
    invalid = 0
    with open(args.log, "w") as log:
        for line in ev.stdout:
            msg = json.loads(line)
            if msg["kind"] == "end":
                break
            tool.stdin.write(line)
            tool.stdin.flush()
            reply_line = tool.stdout.readline()
            if not reply_line:
                print(f"tool closed its output at message {msg['id']}", file=sys.stderr)
                break
            reply = json.loads(reply_line)
            log.write(json.dumps({"message": msg, "response": reply}) + "\n")
            log.flush()
            if msg["kind"] == "analysis" and not msg["valid"]:
                invalid += 1
                print(f"invalid: message {msg['of']}: {msg.get('error', '')[:2000]}", file=sys.stderr)
            if msg["kind"] == "evaluate":
                t = [x["nanoseconds"] for x in reply.get("timings", []) if x["name"] == "evaluate"]
                status = "ok" if reply.get("success") else "FAILED " + str(reply.get("error"))[:300]
                print(f"{msg['module']} {msg['function']} {msg.get('description', '')}: {status} runs={len(t)}", file=sys.stderr)
                if args.record:
                    inp = dict(msg["input"]) if isinstance(msg["input"], dict) else msg["input"]
                    if isinstance(inp, dict):
                        inp.update(min_runs=1, min_seconds=0)
                    m = dict(msg, input=inp)
                    fixture.append({"message": m, "expected": manual_output(msg["module"], msg["function"], inp)})
            sys.stderr.flush()
            ev.stdin.write(reply_line)
            ev.stdin.flush()
    tool.stdin.close()
    ev.stdin.close()
    tool.wait()
    ev.wait()
    if args.record:
        with open(args.record, "w") as f:
            for r in fixture:
                f.write(json.dumps(r) + "\n")
    sys.exit(1 if invalid else 0)


if __name__ == "__main__":
    main()
