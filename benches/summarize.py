#!/usr/bin/env python3
"""Prints the medians criterion left in target/criterion as Markdown tables, with the ratios
docs/benchmarks.md quotes. Run after `cargo bench`: `python3 benches/summarize.py [target/criterion]`.
"""
import json
import os
import sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
med = defaultdict(dict)  # group -> {(function, value): median ns}
for dirpath, _, files in os.walk(root):
    if "benchmark.json" in files and os.path.basename(dirpath) == "new":
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            b = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            e = json.load(f)
        med[b["group_id"]][(b["function_id"], b.get("value_str"))] = e["median"]["point_estimate"]


def fmt(ns):
    if ns is None:
        return "–"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def table(group, base=None):
    data = med.get(group)
    if not data:
        return
    funcs = list(dict.fromkeys(k[0] for k in sorted(data, key=lambda k: (k[0],))))
    order = []
    for k in data:
        if k[0] not in order:
            order.append(k[0])
    values = sorted({k[1] for k in data}, key=lambda v: int(v) if v and v.isdigit() else 0)
    print(f"\n### {group}\n")
    cols = order + ([f"{f} ÷ {base}" for f in order if f != base] if base else [])
    print("| n | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for v in values:
        row = [fmt(data.get((f, v))) for f in order]
        if base:
            b = data.get((base, v))
            for f in order:
                if f == base:
                    continue
                t = data.get((f, v))
                row.append(f"{t / b:.2f}" if t and b else "–")
        print(f"| {v} | " + " | ".join(row) + " |")


for g in ("scalar/rosenbrock", "scalar/softplus_sin"):
    table(g, base="plain_f64")
for g in ("fvr/rosenbrock", "fvr/softplus_sin"):
    table(g, base="wengert_reverse")
table("tensor/matmul256")
table("tensor/mlp")
mlp = med.get("tensor/mlp", {})
if mlp:
    print("\n| width | fwd+bwd ÷ fwd |\n|---|---|")
    for w in ("16", "32", "64", "256"):
        a, b = mlp.get(("fwd_bwd", w)), mlp.get(("fwd", w))
        if a and b:
            print(f"| {w} | {a / b:.2f} |")
mm = med.get("tensor/matmul256", {})
if mm:
    print()
    for what in ("fwd", "fwd_bwd"):
        a, b = mm.get((f"wengert_{what}", None)), mm.get((f"matrixmultiply_{what}", None))
        if a and b:
            flops = 2 * 256**3 * (3 if what == "fwd_bwd" else 1)
            print(f"matmul {what}: wengert {flops / a:.2f} GFLOP/s, matrixmultiply {flops / b:.2f} GFLOP/s, "
                  f"ratio {b / a:.1%}")
