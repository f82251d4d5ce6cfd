#!/usr/bin/env python3
"""Reads run.sh's logs (LOGDIR/<eval>-<tool>.jsonl, the harness's message/response pairs) and
prints a Markdown table per eval: for each workload, the derivative function's time per tool
(the fastest of its evaluate runs, in ms), its ratio to manual, and whether the eval's
validation passed (✗ marks an invalid output, — a function the tool does not have).
"""
import json
import sys
from collections import defaultdict
from pathlib import Path

DERIVATIVE = {
    "hello": ["double"], "lse": ["gradient"], "gmm": ["jacobian"], "lstm": ["jacobian"],
    "ode": ["gradient"], "llsq": ["gradient"], "det": ["gradient"], "kmeans": ["dir"],
    "ba": ["jacobian"], "ht": ["jacobian"], "particle": ["ff", "fr", "rf", "rr"],
    "saddle": ["ff", "fr", "rf", "rr"],
}
TOOLS = ["wengert", "manual", "adol-c", "jax"]


def read(path):
    """{(function, description): (ns or None, valid)} for one eval and tool."""
    out = {}
    pending = {}
    for line in open(path):
        r = json.loads(line)
        msg, resp = r["message"], r["response"]
        if msg["kind"] == "evaluate":
            key = (msg["function"], msg.get("description", ""))
            ts = [t["nanoseconds"] for t in resp.get("timings") or [] if t["name"] == "evaluate"]
            ok = resp.get("success", False) and ts
            out[key] = [min(ts) if ok else None, None]
            pending[msg["id"]] = key
        elif msg["kind"] == "analysis" and msg["of"] in pending:
            out[pending[msg["of"]]][1] = msg["valid"]
    return out


def cell(ns, valid):
    if ns is None:
        return "—"
    ms = ns / 1e6
    s = f"{ms:.3g}" if ms < 1000 else f"{ms:.0f}"
    return s + ("" if valid is not False else " ✗")


def main():
    logdir = Path(sys.argv[1])
    evals = sys.argv[2].split() if len(sys.argv) > 2 else list(DERIVATIVE)
    for ev in evals:
        data = {t: read(p) for t in TOOLS if (p := logdir / f"{ev}-{t}.jsonl").exists()}
        if not data:
            continue
        tools = [t for t in TOOLS if t in data]
        keys = []
        for t in tools:
            for k in data[t]:
                if k[0] in DERIVATIVE[ev] and k not in keys:
                    keys.append(k)
        print(f"\n### {ev}\n")
        head = ["function", "workload"] + [f"{t} (ms)" for t in tools]
        head += [f"{t} / manual" for t in tools if t != "manual" and "manual" in tools]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for k in keys:
            row = [k[0], k[1]]
            vals = {t: data[t].get(k, [None, None]) for t in tools}
            row += [cell(*vals[t]) for t in tools]
            m = vals.get("manual", [None])[0]
            for t in tools:
                if t == "manual" or "manual" not in tools:
                    continue
                v = vals[t][0]
                row.append(f"{v / m:.2f}" if v and m else "—")
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
