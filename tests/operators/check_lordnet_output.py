"""Checks the output of nabla-poisson -method lordnet independently of nabla.

For every frame (held-out sample) of FILE:
  - the five-point operator assembled here in numpy from the written kappa
    and f annihilates the written PETSc u: max |A u - f| / max |f| <= 1e-8
    (the solve stops at ||r|| <= 1e-10 ||b||; the max norm of r is at most
    its 2-norm, and ||b|| <= N^(1/2) max |f| with N = 65^2: 1e-10 * 65 < 1e-8);
    u = 0 on the boundary to 1e-10 max|u| (identity rows, solved to the same
    tolerance), u_lordnet = 0 there exactly (the mask);
  - u_lordnet_err = u_lordnet - u to 1e-15 relative (one rounding);
  - max kappa / min kappa = CONTRAST to 1e-12.
The mean and worst relative L2 errors recomputed from the frames equal the
reported ones to 1e-12 (the same norms summed in another order). With a
second file (the same run on other ranks) the reported mean error agrees to
1e-8: the training histories of 1/2/4 ranks agree to ~1e-15 per step
(operators_msr tests), and round-off grows by at most a few orders over
the run's steps.
usage: check_lordnet_output.py CONTRAST FILE [FILE2]"""
import sys

import h5py
import numpy as np


def residual(kappa, f, u):
    ny, nx = u.shape
    hx, hy = 1.0 / (nx - 1), 1.0 / (ny - 1)
    k, c = kappa, u[1:-1, 1:-1]
    ke = 0.5 * (k[1:-1, 1:-1] + k[1:-1, 2:])
    kw = 0.5 * (k[1:-1, 1:-1] + k[1:-1, :-2])
    kn = 0.5 * (k[1:-1, 1:-1] + k[2:, 1:-1])
    ks = 0.5 * (k[1:-1, 1:-1] + k[:-2, 1:-1])
    au = (ke * (c - u[1:-1, 2:]) + kw * (c - u[1:-1, :-2])) / hx**2 + (kn * (c - u[2:, 1:-1]) + ks * (c - u[:-2, 1:-1])) / hy**2
    return au - f[1:-1, 1:-1]


def check(contrast, name):
    fh = h5py.File(name, "r")
    errs = []
    for step in sorted(fh["steps"].keys()):
        g = fh["steps"][step]
        kappa, f, u, ul, e = (np.array(g[n]) for n in ("kappa", "f", "u", "u_lordnet", "u_lordnet_err"))
        r = np.abs(residual(kappa, f, u)).max() / np.abs(f).max()
        assert r <= 1e-8, f"{name} frame {step}: the PETSc u leaves residual {r:.2e}"
        edge = np.concatenate([u[0], u[-1], u[:, 0], u[:, -1]])
        assert np.abs(edge).max() <= 1e-10 * np.abs(u).max(), f"{name} frame {step}: u is not 0 on the boundary"
        ledge = np.concatenate([ul[0], ul[-1], ul[:, 0], ul[:, -1]])
        assert np.all(ledge == 0), f"{name} frame {step}: u_lordnet is not 0 on the boundary"
        d = np.abs(e - (ul - u)).max() / max(np.abs(ul).max(), np.abs(u).max())
        assert d <= 1e-15, f"{name} frame {step}: u_lordnet_err is not u_lordnet - u ({d:.1e})"
        c = kappa.max() / kappa.min()
        assert abs(c / contrast - 1) <= 1e-12, f"{name} frame {step}: contrast {c} != {contrast}"
        errs.append(np.linalg.norm(e) / np.linalg.norm(u))
    meta = fh["metadata"].attrs
    mean = float(meta["result: held-out rel. L2 error vs PETSc, mean"])
    worst = float(meta["result: held-out rel. L2 error vs PETSc, worst"])
    # the report prints 4 significant digits
    assert abs(np.mean(errs) / mean - 1) <= 5e-4 and abs(max(errs) / worst - 1) <= 5e-4, f"{name}: reported {mean}, {worst}; frames give {np.mean(errs)}, {max(errs)}"
    print(f"{name}: {len(errs)} frames, PETSc u verified, held-out error mean {np.mean(errs):.6e} worst {max(errs):.6e}")
    return np.mean(errs)


def main():
    contrast = float(sys.argv[1])
    e1 = check(contrast, sys.argv[2])
    if len(sys.argv) > 3:
        e2 = check(contrast, sys.argv[3])
        assert abs(e2 / e1 - 1) <= 1e-8, f"the held-out error depends on the ranks: {e1:.15e} vs {e2:.15e}"
        print(f"same held-out error on both rank counts to {abs(e2 / e1 - 1):.1e}")


main()
