"""What plot_pinn.py and plot_uq.py share: the output file named on the
command line, a field as an image over x-t (1-D) or x-y (2-D), and pyplot
set up to draw without a display (Agg)."""
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402,F401  (for the scripts)


def open_output(key, missing):
    """The HDF5 file argv[1] and the prefix of the PNGs (argv[2], default the
    file name without .h5); exits saying 'FILE has <missing>' if the file has
    no `key`."""
    path = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else path[:-3]
    f = h5py.File(path, "r")
    if key not in f:
        sys.exit(f"{path} has {missing}")
    return f, prefix


def field(f, name):
    """Field `name` as an image (a, x, y, axis labels): 1-D, every output
    frame stacked (x-t); 2-D, the last frame."""
    steps = sorted(f["/steps"].keys())
    if int(f["/grid"].attrs["dim"]) == 1:
        return np.array([f[f"/steps/{s}/{name}"][:] for s in steps]), f["/grid/x"][:], f["/time"][:], ("x", "t")
    return f[f"/steps/{steps[-1]}/{name}"][:], f["/grid/x"][:], f["/grid/y"][:], ("x", "y")


def image(fig, ax, x, y, a, title, labels, diverging):
    """a on the grid (x, y) with a colour bar; diverging (an error): red-blue,
    symmetric about 0."""
    lim = np.abs(a).max() if diverging else None
    im = ax.pcolormesh(x, y, a, shading="nearest", cmap="RdBu_r" if lim else "viridis",
                       vmin=-lim if lim else None, vmax=lim)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title(title)
    fig.colorbar(im, ax=ax)
