#!/usr/bin/env python3
"""Shrinks a recorded `ht` fixture: keeps the first N points of each message (correspondences,
points, us), recomputes the expected output with the `manual` tool, and stores the hand model
once (first line `{"model": ...}`; the messages' `input.data.model` becomes "shared").

Run from the GradBench checkout's root: shrink_ht.py IN OUT [N]
"""
import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from harness import manual_output  # noqa: E402


def main():
    src, dst = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    model = None
    out = []
    for line in open(src):
        r = json.loads(line)
        msg = r["message"]
        inp = msg["input"]
        d = inp["data"]
        d["correspondences"] = d["correspondences"][:n]
        d["points"] = d["points"][:n]
        if inp.get("us"):
            inp["us"] = inp["us"][:n]
        expected = manual_output("ht", msg["function"], inp)
        if model is None:
            model = d["model"]
        assert d["model"] == model, "one model per fixture"
        d["model"] = "shared"
        out.append({"message": msg, "expected": expected})
    with open(dst, "w") as f:
        f.write(json.dumps({"model": model}) + "\n")
        for r in out:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
