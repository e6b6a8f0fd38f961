#!/usr/bin/python3
"""Renders a nabla-burgers -method pinn -uq ... output to PNG: the
calibration curve (observed vs nominal coverage of central intervals,
against the PETSc reference) and the mean, std and error-of-the-mean fields
(1-D: x-t images over the output frames; 2-D: u at the final time).

usage: /usr/bin/python3 plot_uq.py burgers.h5 [prefix]
writes prefix-calibration.png and prefix-uq-fields.png."""
from plotlib import field, image, open_output, plt

f, prefix = open_output("/history/calibration_nominal",
                        "no calibration table: was it written by nabla-burgers -method pinn -uq ...?")
nom = f["/history/calibration_nominal"][:]
obs = f["/history/calibration_observed"][:]
method = f["/metadata"].attrs.get("result: UQ method", b"").decode() if isinstance(f["/metadata"].attrs.get("result: UQ method", b""), bytes) else ""
fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.plot([0, 1], [0, 1], "k--", lw=0.8, label="perfect calibration")
ax.plot(nom, obs, "o-", label=method or "observed")
ax.set_xlabel("nominal coverage of the central interval")
ax.set_ylabel("observed coverage of the reference")
ax.set_xlim(0, 1)
ax.set_ylim(0, 1)
ax.legend(loc="upper left")
fig.tight_layout()
fig.savefig(prefix + "-calibration.png", dpi=120)

dim = int(f["/grid"].attrs["dim"])
names = [("mean", "u_mean"), ("std", "u_std"), ("mean - reference", "u_mean_err")]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
for ax, (title, name) in zip(axes, names):
    a, x, y, labels = field(f, name)
    if dim == 2:
        title += f", t = {f['/time'][-1]:g}"
    image(fig, ax, x, y, a, "u " + title, labels, diverging="reference" in title)
fig.tight_layout()
fig.savefig(prefix + "-uq-fields.png", dpi=120)
print(f"wrote {prefix}-calibration.png and {prefix}-uq-fields.png")
