#!/usr/bin/python3
"""Renders a nabla-burgers -method pinn output to PNG: the loss history and
the reference, PINN and error fields (1-D: x-t images over the output
frames; 2-D: u at the final time).

usage: /usr/bin/python3 plot_pinn.py burgers.h5 [prefix]
writes prefix-loss.png and prefix-fields.png (prefix defaults to the file name)."""
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

path = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else path[:-3]
f = h5py.File(path, "r")
if "/history/loss" not in f:
    sys.exit(f"{path} has no /history/loss: was it written by nabla-burgers -method pinn?")

loss = f["/history/loss"][:]
nadam = int(f["/history/loss_adam_steps"][0])
fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogy(np.arange(len(loss)), loss, lw=1)
if 0 < nadam < len(loss):
    ax.axvline(nadam, color="k", ls="--", lw=0.8)
    ax.text(nadam, loss.max(), " L-BFGS", va="top")
ax.set_xlabel("Adam step, then L-BFGS iteration")
ax.set_ylabel("loss")
ax.set_title("PINN training loss")
fig.tight_layout()
fig.savefig(prefix + "-loss.png", dpi=120)

dim = int(f["/grid"].attrs["dim"])
times = f["/time"][:]
steps = sorted(f["/steps"].keys())
if dim == 1:
    x = f["/grid/x"][:]
    get = lambda name: np.array([f[f"/steps/{s}/{name}"][:] for s in steps])  # noqa: E731
    fields = [("u (PETSc reference)", get("u")), ("u_pinn", get("u_pinn")), ("u_pinn - u", get("u_pinn_err"))]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for ax, (title, a) in zip(axes, fields):
        lim = np.abs(a).max() if "-" in title else None  # errors: symmetric around 0
        im = ax.pcolormesh(x, times, a, shading="nearest", cmap="RdBu_r" if lim else "viridis",
                           vmin=-lim if lim else None, vmax=lim)
        ax.set_xlabel("x")
        ax.set_ylabel("t")
        ax.set_title(title)
        fig.colorbar(im, ax=ax)
else:
    x, y = f["/grid/x"][:], f["/grid/y"][:]
    last = steps[-1]
    fields = [(f"u (reference), t = {times[-1]:g}", f[f"/steps/{last}/u"][:]),
              ("u_pinn", f[f"/steps/{last}/u_pinn"][:]), ("u_pinn - u", f[f"/steps/{last}/u_pinn_err"][:])]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (title, a) in zip(axes, fields):
        lim = np.abs(a).max() if "-" in title else None
        im = ax.pcolormesh(x, y, a, shading="nearest", cmap="RdBu_r" if lim else "viridis",
                           vmin=-lim if lim else None, vmax=lim)
        ax.set_aspect("equal")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.set_title(title)
        fig.colorbar(im, ax=ax)
fig.tight_layout()
fig.savefig(prefix + "-fields.png", dpi=120)
print(f"wrote {prefix}-loss.png and {prefix}-fields.png")
