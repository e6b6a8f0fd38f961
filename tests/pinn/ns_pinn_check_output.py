"""Checks a nabla-navierstokes -method pinn output file with h5py and numpy
only (nothing from nabla):
  - every step holds the reference fields (velocity, u, v, p, omega) and the
    neural ones on the same [ny][nx] cell-centre grid: velocity_pinn (a
    3-vector, third component 0), u_pinn, v_pinn, p_pinn and their _err
    versions (with --uq: the _mean, _std and _mean_err versions);
  - velocity_pinn holds (u_pinn, v_pinn, 0); every _err field equals the
    neural field minus the reference (to round-off, 1e-12 of the largest
    value); the neural pressure has zero mean like the reference's
    (1e-12); standard deviations are >= 0;
  - the relative L2 error of the velocity in /metadata ("result: PINN rel.
    L2 error of velocity vs reference, all frames", or the UQ mean's)
    equals the one recomputed here from the fields, to 1e-9 relative.
usage: python3 ns_pinn_check_output.py FILE.h5 NSTEPS [--uq]"""
import sys

import h5py
import numpy as np

path, nsteps = sys.argv[1], int(sys.argv[2])
uq = "--uq" in sys.argv[3:]
sfx = "_mean" if uq else "_pinn"
f = h5py.File(path, "r")
md = f["metadata"].attrs
nx, ny = int(f["grid"].attrs["nx"]), int(f["grid"].attrs["ny"])
steps = sorted(f["steps"].keys())
assert len(steps) == nsteps, f"{len(steps)} steps, expected {nsteps}"
num = den = 0.0
for s in steps:
    g = f["steps"][s]
    want = ["velocity", "u", "v", "p", "omega"] + [q + sfx for q in ("velocity", "u", "v", "p")]
    want += [q + sfx + "_err" for q in ("velocity", "u", "v", "p")] if not uq else [q + "_mean_err" for q in ("velocity", "u", "v", "p")]
    if uq:
        want += [q + "_std" for q in ("velocity", "u", "v", "p")]
    missing = [q for q in want if q not in g]
    assert not missing, f"step {s}: missing {missing}"
    for q in ("u", "v", "p"):
        assert g[q + sfx].shape == (ny, nx), f"step {s}: {q}{sfx} has shape {g[q + sfx].shape}, expected {(ny, nx)}"
    vel = g["velocity" + sfx][()]
    assert vel.shape == (ny, nx, 3), vel.shape
    assert np.array_equal(vel[..., 0], g["u" + sfx][()]) and np.array_equal(vel[..., 1], g["v" + sfx][()]), f"step {s}: velocity{sfx} is not (u{sfx}, v{sfx})"
    assert np.all(vel[..., 2] == 0), f"step {s}: third velocity component not 0"
    errsfx = "_mean_err" if uq else "_pinn_err"
    for q in ("u", "v", "p"):
        a, r, e = g[q + sfx][()], g[q][()], g[q + errsfx][()]
        assert np.all(np.isfinite(a)), f"step {s}: {q}{sfx} not finite"
        scale = max(np.abs(a).max(), np.abs(r).max())
        d = np.abs(e - (a - r)).max()
        assert d <= 1e-12 * scale, f"step {s}: {q}{errsfx} differs from {q}{sfx} - {q} by {d:g}"
    for q in ("p", "p" + sfx):
        m = g[q][()].mean()
        assert abs(m) <= 1e-12 * max(np.abs(g[q][()]).max(), 1e-300), f"step {s}: {q} has mean {m:g}"
    if uq:
        for q in ("u", "v", "p"):
            sd = g[q + "_std"][()]
            assert np.all(np.isfinite(sd)) and np.all(sd >= 0), f"step {s}: {q}_std not finite or negative"
    for q in ("u", "v"):
        num += ((g[q + sfx][()] - g[q][()]) ** 2).sum()
        den += (g[q][()] ** 2).sum()
err = np.sqrt(num / den)
key = "result: UQ velocity: rel. L2 error of the mean vs reference" if uq else "result: PINN rel. L2 error of velocity vs reference, all frames"
reported = float(md[key])
print(f"{path}: {len(steps)} steps of {nx} x {ny} cells; velocity error recomputed {err:.10e}, reported {reported:.10e}")
assert abs(err - reported) <= 1e-9 * err, f"reported error {reported} differs from the fields' {err}"
print("output checks passed")
