#!/usr/bin/env python3
"""Recomputes, from the trajectories nabla-node wrote, the relative L2 error
of the learned held-out trajectories against the reference (all observation
times after t = 0, both components, all held-out members) and checks it
against a tolerance and against the value the program reported (metadata
"result: held-out rel. L2 error vs reference", printed with 5 digits: equal
to 1e-3 relative). Also checks that the noisy training data differ from
the clean reference by about the requested noise (relative RMS within a
factor 2 of it).

usage: check_node.py FILE.h5 TOL NOISE
       check_node.py --compare A.h5 B.h5 TOL
The second form checks that two runs (e.g. on 1 and 2 ranks) wrote the same
histories (loss, data, trajectories) to TOL relative."""
import sys

import h5py
import numpy as np

if sys.argv[1] == "--compare":
    tol = float(sys.argv[4])
    with h5py.File(sys.argv[2], "r") as a, h5py.File(sys.argv[3], "r") as b:
        ha, hb = a["history"], b["history"]
        assert sorted(ha) == sorted(hb), "the two files hold different histories"
        worst = max(np.max(np.abs(ha[k][()] - hb[k][()])) / max(np.max(np.abs(ha[k][()])), 1e-300) for k in ha)
        count = len(ha)
    print(f"{count} histories, largest relative difference {worst:.2e} (allowed {tol:g})")
    assert worst <= tol, "the runs differ"
    print("node check passed")
    sys.exit(0)

fname, tol, noise = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
with h5py.File(fname, "r") as f:
    h = f["history"]
    t = h["time"][()]
    assert t[0] == 0 and np.all(np.diff(t) > 0), "observation times must increase from 0"
    num = den = 0.0
    m = 0
    while f"heldout_learned{m}_prey" in h:
        for c in ("prey", "predator"):
            a = h[f"heldout_learned{m}_{c}"][()][1:]
            r = h[f"heldout_reference{m}_{c}"][()][1:]
            assert len(a) == len(t) - 1
            num += np.sum((a - r) ** 2)
            den += np.sum(r**2)
        m += 1
    assert m > 0, "no held-out trajectories in the file"
    err = np.sqrt(num / den)
    rep = float(f["metadata"].attrs["result: held-out rel. L2 error vs reference"])
    dn = dd = 0.0
    k = 0
    while f"train_data{k}_prey" in h:
        for c in ("prey", "predator"):
            d = h[f"train_data{k}_{c}"][()][1:]
            r = h[f"train_reference{k}_{c}"][()][1:]
            dn += np.sum(((d - r) / r) ** 2)
            dd += len(r)
        k += 1
    rms = np.sqrt(dn / dd)
print(f"held-out trajectories {m}: rel. L2 error {err:.4e} (reported {rep:.4e}, bound {tol:g}); training data noise {rms:.4f} (asked {noise:g})")
assert abs(err - rep) <= 1e-3 * rep, "the recomputed error differs from the reported one"
assert err <= tol, f"held-out error {err:.3e} above the bound {tol:g}"
assert noise / 2 <= rms <= 2 * noise, "the training data do not carry the requested noise"
print("node check passed")
