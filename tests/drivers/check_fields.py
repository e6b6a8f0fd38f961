#!/usr/bin/env python3
"""Recomputes, from the fields a nabla program wrote, the relative L2 error of
a method's solution against the reference (or the exact solution) over every output step, and checks
it against a tolerance and against the row the program reported.

usage: check_fields.py FILE.h5 SUFFIX TOL ROW COMPONENT...
  SUFFIX     _pinn or _mean (the method's fields are <component><SUFFIX>)
  TOL        largest error allowed
  ROW        the result row holding the program's own value (metadata
             attribute "result: ROW")
  COMPONENT  reference fields compared together (u; u v); c=r compares
             c<SUFFIX> with the field r instead (u=u_exact)
The recomputed error must equal the reported one to the 4 digits it is
printed with (relative 1e-3), and finite std fields must be >= 0."""
import sys

import h5py
import numpy as np

fname, sfx, tol, row = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
comps = sys.argv[5:]
num = den = 0.0
with h5py.File(fname, "r") as f:
    steps = sorted(f["steps"])
    assert steps, "no output steps"
    for s in steps:
        g = f["steps"][s]
        for spec in comps:
            c, _, ref = spec.partition("=")
            a, r = g[c + sfx][()], g[ref or c][()]
            assert np.all(np.isfinite(a)), f"step {s}: {c}{sfx} not finite"
            num += ((a - r) ** 2).sum()
            den += (r ** 2).sum()
            if sfx == "_mean":
                sd = g[c + "_std"][()]
                assert np.all(np.isfinite(sd)) and np.all(sd >= 0), f"step {s}: {c}_std not finite or negative"
    reported = float(f["metadata"].attrs["result: " + row])
err = np.sqrt(num / den)
names = "+".join(c.split("=")[0] + sfx for c in comps)
refs = "+".join(c.split("=")[-1] for c in comps)
print(f"{fname}: rel. L2 error of {names} vs {refs} over {len(steps)} steps {err:.4e} (reported {reported:.4e}, tolerance {tol:.1e})")
assert abs(err - reported) <= 1e-3 * reported, "the reported error is not the one the fields give"
assert err <= tol, f"error {err:.3e} above {tol:.1e}"
print("fields check passed")
