"""Checks a nabla-navierstokes Taylor-Green output file against facts that
do not come from nabla:
  - the grid is the lattice of cell centres, (i + 1/2) h on [0, 2 pi];
  - every step holds velocity (3-vector, third component 0), u, v, p, omega
    with shape [ny][nx] (a non-square grid catches swapped axes);
  - the fields equal the exact Taylor-Green solution (Taylor & Green 1937)
    put through the same cell-centre formulas (face values averaged to the
    centre; the vertex curl v_x - u_y averaged over the four corners;
    pressure with zero mean), computed here with numpy, to the solver's
    discretisation error: velocity and vorticity 1e-2, pressure 3e-2 of the
    largest value (measured at 48 x 32: relative L2 errors 2.6e-3 and
    9.6e-3 at t = 1, largest deviations 4.0e-3 and 1.24e-2; a field shifted
    by one cell would be off by ~0.13);
  - the run's results are in /metadata.
With --paraview (run under pvpython): ParaView's XDMF readers open the .xmf
sidecar, place the data on [h/2, 2 pi - h/2] in x (ParaView's X axis) and y,
and show the same omega as the HDF5 file.
usage: python3 ns_check_output.py FILE.h5 NSTEPS [--paraview]"""
import os
import sys

import h5py
import numpy as np

path, nsteps = sys.argv[1], int(sys.argv[2])
f = h5py.File(path, "r")
md = f["metadata"].attrs
assert md["case"] in (b"taylorgreen", "taylorgreen"), md["case"]
nu = float(md["nu"])
nx, ny = int(f["grid"].attrs["nx"]), int(f["grid"].attrs["ny"])
L = 2 * np.pi
hx, hy = L / nx, L / ny
xc, yc = (np.arange(nx) + 0.5) * hx, (np.arange(ny) + 0.5) * hy
assert np.allclose(f["grid/x"][:], xc, rtol=0, atol=1e-12), "x is not the lattice of cell centres"
assert np.allclose(f["grid/y"][:], yc, rtol=0, atol=1e-12), "y is not the lattice of cell centres"
times = f["time"][:]
assert len(times) == nsteps and times[0] == 0, times
assert any(k.startswith("result: ") for k in md), "no results in /metadata"


def exact_cell_fields(t):
    F = np.exp(-2 * nu * t)
    X, Y = np.meshgrid(xc, yc)  # [ny][nx]
    # MAC face values of the exact solution, averaged to the cell centre
    u = 0.5 * (np.sin(X - hx / 2) + np.sin(X + hx / 2)) * np.cos(Y) * F
    v = -np.cos(X) * 0.5 * (np.sin(Y - hy / 2) + np.sin(Y + hy / 2)) * F

    def curl(xv, yv):  # discrete v_x - u_y at the vertex (xv, yv) from exact face values
        vx = (-np.cos(xv + hx / 2) + np.cos(xv - hx / 2)) * np.sin(yv) / hx
        uy = np.sin(xv) * (np.cos(yv + hy / 2) - np.cos(yv - hy / 2)) / hy
        return (vx - uy) * F

    om = sum(curl(X + sx * hx / 2, Y + sy * hy / 2) for sx in (-1, 1) for sy in (-1, 1)) / 4
    p = 0.25 * (np.cos(2 * X) + np.cos(2 * Y)) * F * F
    return u, v, p - p.mean(), om


worst = {}
for k, t in enumerate(times):
    s = f["steps"][f"{k:06d}"]
    assert abs(s.attrs["time"] - t) < 1e-14
    vel = s["velocity"][()]
    assert vel.shape == (ny, nx, 3), vel.shape
    for name in ("u", "v", "p", "omega"):
        assert s[name].shape == (ny, nx), (name, s[name].shape)
    assert np.array_equal(vel[..., 0], s["u"][()]) and np.array_equal(vel[..., 1], s["v"][()]) and not vel[..., 2].any()
    ue, ve, pe, oe = exact_cell_fields(t)
    for name, ex, tol in (("u", ue, 1e-2), ("v", ve, 1e-2), ("omega", oe, 1e-2), ("p", pe, 3e-2)):
        d = np.abs(s[name][()] - ex).max() / np.abs(ex).max()
        worst[name] = max(worst.get(name, 0), d)
        assert d <= tol, f"step {k} (t = {t}): {name} differs from the exact solution by {d:.3e} > {tol}"
print(f"{nsteps} steps on {nx} x {ny} cell centres; largest relative deviations from exact: " + ", ".join(f"{k} {v:.2e}" for k, v in sorted(worst.items())))

if "--paraview" in sys.argv:
    from paraview import servermanager as sm
    from paraview.simple import XDMFReader, Xdmf3ReaderS
    from vtk.numpy_interface import dataset_adapter as dsa

    xmf = os.path.abspath(path[:-3] + ".xmf")
    for make in (lambda: XDMFReader(FileNames=[xmf]), lambda: Xdmf3ReaderS(FileName=[xmf])):
        r = make()
        r.UpdatePipelineInformation()
        ts = np.array(r.TimestepValues)
        assert np.allclose(ts, times, rtol=0, atol=1e-14), f"{r.GetXMLName()}: times {ts}"
        r.UpdatePipeline(times[-1])
        d = sm.Fetch(r)
        if d.IsA("vtkMultiBlockDataSet"):
            d = d.GetBlock(0)
        b = d.GetBounds()
        assert np.allclose(b[:4], [hx / 2, L - hx / 2, hy / 2, L - hy / 2], atol=1e-12), f"{r.GetXMLName()}: bounds {b}"
        om = dsa.WrapDataObject(d).PointData["omega"]
        assert np.array_equal(np.asarray(om).reshape(ny, nx), f["steps"][f"{nsteps - 1:06d}"]["omega"][()]), "ParaView's omega differs"
        pts = np.array([d.GetPoint(i) for i in range(d.GetNumberOfPoints())])
        X, Y = np.meshgrid(xc, yc)
        assert np.allclose(pts[:, 0], X.ravel(), atol=1e-12) and np.allclose(pts[:, 1], Y.ravel(), atol=1e-12), "point coordinates"
        print(f"{r.GetXMLName()}: {len(ts)} steps, bounds {b[:4]}, omega identical")
    print("ParaView checks passed")
