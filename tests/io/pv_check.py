"""Opens a nabla .xmf with ParaView's own XDMF readers (pvpython, headless)
and checks what a ParaView user would see against the HDF5 file and against
the exact solution evaluated here, independently of nabla:
  - the number of time steps and their values;
  - the data bounds: x along ParaView's X axis (and y along Y);
  - the point data equal the HDF5 datasets bit for bit;
  - u_exact at each ParaView point equals the exact solution at that point's
    coordinates (Cole-Hopf by numpy quadrature in 1-D, Fletcher in 2-D), so
    the coordinates ParaView assigns are the right ones.
usage: pvpython --force-offscreen-rendering pv_check.py FILE.xmf NSTEPS"""
import os
import sys

import h5py
import numpy as np
from paraview import servermanager as sm
from paraview.simple import XDMFReader, Xdmf3ReaderS
from vtk.numpy_interface import dataset_adapter as dsa

xmf = os.path.abspath(sys.argv[1])  # Xdmf3 resolves the .h5 relative to an absolute .xmf path
nsteps = int(sys.argv[2])
h5 = h5py.File(xmf[:-4] + ".h5", "r")
dim = int(h5["/grid"].attrs["dim"])
nu = float(h5["/metadata"].attrs["nu"])
times = h5["/time"][:]
assert len(times) == nsteps, f"{len(times)} steps in the HDF5 file, expected {nsteps}"


def cole_hopf(x, t):
    """u(t,x) for u0 = -sin(pi x), Basdevant et al. (1986): Cole-Hopf,
    heat-kernel quadrature on a fine grid (independent of nabla's C code)."""
    if t == 0:
        return -np.sin(np.pi * x)
    s = np.linspace(-1.5, 1.5, 60001)[None, :]
    e = -np.cos(np.pi * (x[:, None] - s)) / (2 * np.pi * nu) - s**2 / (4 * nu * t)
    w = np.exp(e - e.max(axis=1, keepdims=True))
    return -(np.sin(np.pi * (x[:, None] - s)) * w).sum(1) / w.sum(1)


def fletcher(x, y, t):
    e = np.exp((-4 * x + 4 * y - t) / (32 * nu))
    return 0.75 - 1 / (4 * (1 + e)), 0.75 + 1 / (4 * (1 + e))


def fetch(reader, t):
    reader.UpdatePipeline(t)
    d = sm.Fetch(reader)
    if d.IsA("vtkMultiBlockDataSet"):
        d = d.GetBlock(0)
    return d


for make in (lambda: XDMFReader(FileNames=[xmf]), lambda: Xdmf3ReaderS(FileName=[xmf])):
    r = make()
    r.UpdatePipelineInformation()
    ts = np.array(r.TimestepValues)
    name = r.GetXMLName()
    assert len(ts) == nsteps, f"{name}: {len(ts)} time steps, expected {nsteps}"
    assert np.allclose(ts, times, rtol=0, atol=1e-14), f"{name}: times {ts} != {times}"
    for step in (0, nsteps - 1):
        d = fetch(r, ts[step])
        b = d.GetBounds()
        g = h5["/grid"].attrs
        want = [g["x_lower"], g["x_upper"], 0, 0, 0, 0]
        if dim == 2:
            want[2:4] = [g["y_lower"], g["y_upper"]]
        assert np.allclose(b, want, atol=1e-12), f"{name}: bounds {b}, expected {want}"
        w = dsa.WrapDataObject(d)
        pts = np.array([d.GetPoint(i) for i in range(d.GetNumberOfPoints())])
        grp = h5[f"/steps/{step:06d}"]
        for field in grp:
            pv = np.array(w.PointData[field])
            ref = grp[field][:].reshape(pv.shape)
            assert np.array_equal(pv, ref), f"{name}: {field} differs from the HDF5 data"
        if dim == 1:
            sub = slice(0, None, max(1, len(pts) // 256))  # 257 of the 4097 points keep numpy's memory small
            ex = cole_hopf(pts[sub, 0], ts[step])
            err = np.abs(np.array(w.PointData["u_exact"])[sub] - ex).max()
        else:
            eu, ev = fletcher(pts[:, 0], pts[:, 1], ts[step])
            err = max(np.abs(np.array(w.PointData["u_exact"]) - eu).max(),
                      np.abs(np.array(w.PointData["v_exact"]) - ev).max())
            vel = np.array(w.PointData["velocity"])
            assert vel.shape[1] == 3 and np.array_equal(vel[:, 0], np.array(w.PointData["u"])), "velocity is not (u, v, 0)"
        # two independent quadratures of the same integral agree far below 1e-9
        assert err < 1e-9, f"{name}: u_exact at ParaView's coordinates differs from the exact solution by {err}"
        print(f"{name} step {step}: t = {ts[step]:g}, bounds {b}, exact-solution mismatch {err:.2e}")
print("ParaView checks passed")
