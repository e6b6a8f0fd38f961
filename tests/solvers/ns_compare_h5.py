"""Rank-count independence of nabla-navierstokes output: two runs of the same
problem on different rank counts must store the same grid, the same times
and, step by step, fields that agree to TOL relative to each field's
largest magnitude (max |a - b| / max |a|). Independent of nabla: h5py only.
usage: python3 ns_compare_h5.py A.h5 B.h5 TOL"""
import sys

import h5py
import numpy as np

a, b, tol = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), float(sys.argv[3])
for key in ("x", "y"):
    assert np.array_equal(a["grid"][key][:], b["grid"][key][:]), f"grid/{key} differs"
assert np.array_equal(a["time"][:], b["time"][:]), f"times differ: {a['time'][:]} vs {b['time'][:]}"
steps = sorted(a["steps"].keys())
assert steps == sorted(b["steps"].keys()), "different steps"
worst = {}
for s in steps:
    fa, fb = a["steps"][s], b["steps"][s]
    assert sorted(fa.keys()) == sorted(fb.keys()), f"step {s}: fields {sorted(fa.keys())} vs {sorted(fb.keys())}"
    for f in fa:
        x, y = fa[f][()], fb[f][()]
        assert x.shape == y.shape, f"step {s} {f}: shapes {x.shape} vs {y.shape}"
        assert np.all(np.isfinite(x)) and np.all(np.isfinite(y)), f"step {s} {f}: not finite"
        big = np.abs(x).max()
        d = np.abs(x - y).max() / (big if big > 0 else 1.0)
        worst[f] = max(worst.get(f, 0.0), d)
ra, rb = a["metadata"].attrs["ranks"], b["metadata"].attrs["ranks"]
print(f"{len(steps)} steps, ranks {ra} vs {rb}: largest relative differences " + ", ".join(f"{k} {v:.2e}" for k, v in sorted(worst.items())))
bad = {k: v for k, v in worst.items() if v > tol}
if bad:
    sys.exit(f"fields differ beyond {tol:g}: {bad}")
