#!/usr/bin/env python3
"""GradBench's C++ tool runner (`gradbench/cpp.py TOOL`), except that `define` runs plain
`make` instead of `make -B`: run.sh builds each tool once, and rebuilding on every define
would cost minutes. Run from the GradBench checkout's root with PYTHONPATH=python/gradbench.
"""
import subprocess
import sys

from gradbench import cpp


def define(*, args, module):
    try:
        subprocess.check_output(
            ["make", "-C", f"tools/{args.tool}", f"bin/{module}"],
            text=True,
            stderr=subprocess.STDOUT,
        )
    except subprocess.CalledProcessError as e:
        return {"success": False, "error": f"make bin/{module} failed:\n{e.output}"}
    return {"success": True}


cpp.define = define
if __name__ == "__main__":
    sys.exit(cpp.main())
