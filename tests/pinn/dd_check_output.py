#!/usr/bin/env python3
"""nabla-burgers -method pinn -pinn_dd <type>: the HDF5/XDMF output.

Runs the program untrained (0 steps, so every number below is a pure
function of the seed) on 1 rank and on `ranks` ranks, and checks:
  1. u_pinn, the assembled solution on the reference grid, is the same on
     both (points travel to the ranks owning their subdomains and back):
     1e-13 absolute, a few ulps of |u| <= O(1) (measured: identical);
  2. the field `subdomain` at every node of every frame is the cell of the
     partition that contains it, computed here from the grid and the parts
     (half-open cells, the last one closed), or from -pinn_dd_cuts_x/_t when
     given among the options;
  3. mean r^2 over the collocation point cloud of round 0 (residual from
     the graph adaptive samplers use, which evaluates every network that
     may overlap a point) equals the residual term of the loss (the
     training graph, split by regions): 1e-10 relative, round-off of two
     summation orders over a few hundred points;
  4. the XDMF sidecar describes u_pinn and subdomain.
usage: check_output.py <mpiexec> <nabla-burgers> <ranks> <type> <px,pt> [options...]
"""
import os
import re
import subprocess
import sys

import h5py
import numpy as np

mpiexec, exe, ranks, ddtype, parts = sys.argv[1:6]
extra = sys.argv[6:]
base = ["-method", "pinn", "-pinn_dd", ddtype, "-pinn_dd_parts", parts,
        "-pinn_adam_steps", "0", "-pinn_lbfgs_steps", "0"] + extra


def run(n, name):
    out = subprocess.run([mpiexec, "-n", str(n), exe] + base + ["-output", name],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"run on {n} ranks failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


log = run(ranks, "dd_out_np.h5")
run(1, "dd_out_np1.h5")
fail = []
with h5py.File("dd_out_np.h5", "r") as a, h5py.File("dd_out_np1.h5", "r") as b:
    steps = sorted(a["steps"].keys())
    x = a["grid/x"][:]
    t = a["time"][:]
    px, pt = (int(v) for v in parts.split(","))
    lo, hi, T = x[0], x[-1], t[-1]

    def cell(v, n, a, b, opt):
        # the index of the cell holding v: n equal cells of [a, b], or the given cuts
        if opt in extra:
            cuts = np.array([float(c) for c in extra[extra.index(opt) + 1].split(",")])
            return np.searchsorted(cuts, v, side="right")
        return np.clip(np.floor((v - a) / ((b - a) / n)).astype(int), 0, n - 1)

    diff = 0.0
    bad = 0
    for k, s in enumerate(steps):
        diff = max(diff, float(np.max(np.abs(a[f"steps/{s}/u_pinn"][:] - b[f"steps/{s}/u_pinn"][:]))))
        ix = cell(x, px, lo, hi, "-pinn_dd_cuts_x")
        it = int(cell(np.array([t[k]]), pt, 0.0, T, "-pinn_dd_cuts_t")[0])
        bad += int(np.sum(a[f"steps/{s}/subdomain"][:].astype(int) != ix + px * it))
    print(f"u_pinn on {ranks} ranks vs 1 rank: largest difference {diff:.2e} over {len(steps)} frames")
    print(f"subdomain field: {bad} nodes disagree with the partition {parts}")
    if diff > 1e-13:
        fail.append("u_pinn differs between rank counts")
    if bad:
        fail.append("subdomain field wrong")
    pts = a["points/collocation/000000"]
    r = pts["residual"][:]
    sub = pts["subdomain"][:]
    mean = float(np.mean(r * r))
    m = re.search(r"PINN final residual term\s+(\S+)", log)
    term = float(m.group(1))
    rel = abs(mean - term) / term
    print(f"collocation cloud: {len(r)} points in {len(set(sub.astype(int)))} subdomains, "
          f"mean r^2 {mean:.12e}, loss residual term {term:.12e}, rel. diff {rel:.2e}")
    if rel > 1e-10:
        fail.append("sampler residual and training residual disagree")
xmf = open("dd_out_np.xmf").read()
for field in ("u_pinn", "subdomain"):
    if f'Name="{field}"' not in xmf:
        fail.append(f"{field} missing from the XDMF")
for f in ("dd_out_np.h5", "dd_out_np1.h5"):
    os.remove(f)
if fail:
    sys.exit("FAILED: " + "; ".join(fail))
print("output checks passed")
