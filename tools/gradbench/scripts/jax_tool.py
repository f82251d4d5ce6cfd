#!/usr/bin/env python3
"""GradBench's JAX tool (python/gradbench/gradbench/tools/jax/run.py), with each timed call
waiting for its result (`jax.block_until_ready`). JAX dispatches asynchronously, so the
tool's own timings (`gradbench.wrap.multiple_runs` around a jitted function) measure the
dispatch, not the computation: 0.05 ms for a 160 000-element lse gradient. Run from the
GradBench checkout's root with PYTHONPATH=python/gradbench.
"""
import runpy
import sys
from pathlib import Path

import jax
from gradbench import wrap

_multiple_runs = wrap.multiple_runs


def multiple_runs(**kwargs):
    decorate = _multiple_runs(**kwargs)

    def decorator(function):
        return decorate(lambda x: jax.block_until_ready(function(x)))

    return decorator


wrap.multiple_runs = multiple_runs
run = Path("python/gradbench/gradbench/tools/jax/run.py").resolve()
sys.path.insert(0, str(run.parent))
sys.argv = [str(run)] + sys.argv[1:]
runpy.run_path(str(run), run_name="__main__")
