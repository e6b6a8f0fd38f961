#!/usr/bin/python3
"""Renders a nabla-burgers -method pinn output to PNG: the loss history and
the reference, PINN and error fields (1-D: x-t images over the output
frames; 2-D: u at the final time).

usage: /usr/bin/python3 plot_pinn.py burgers.h5 [prefix]
writes prefix-loss.png and prefix-fields.png (prefix defaults to the file name)."""
import numpy as np
from plotlib import field, image, open_output, plt

f, prefix = open_output("/history/loss", "no /history/loss: was it written by nabla-burgers -method pinn?")

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
reference = "u (PETSc reference)" if dim == 1 else f"u (reference), t = {f['/time'][-1]:g}"
fields = [(reference, "u"), ("u_pinn", "u_pinn"), ("u_pinn - u", "u_pinn_err")]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6 if dim == 1 else 3.8))
for ax, (title, name) in zip(axes, fields):
    a, x, y, labels = field(f, name)
    image(fig, ax, x, y, a, title, labels, diverging="-" in title)
    if dim == 2:
        ax.set_aspect("equal")
fig.tight_layout()
fig.savefig(prefix + "-fields.png", dpi=120)
print(f"wrote {prefix}-loss.png and {prefix}-fields.png")
