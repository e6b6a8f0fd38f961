"""Opens the point-cloud sidecar written by test_points with ParaView's XDMF
reader: two rounds (times 0 and 5); point count = the sum of the ranks'
counts; every point's field equals x + 2y of ParaView's own coordinates and
the coordinates are (g/100, sin g, 0) for g = 0..N-1 in order.
usage: pvpython pv_points_check.py FILE.xmf NRANKS"""
import os
import sys

import numpy as np
from paraview import servermanager as sm
from paraview.simple import XDMFReader
from vtk.numpy_interface import dataset_adapter as dsa

xmf = os.path.abspath(sys.argv[1])
size = int(sys.argv[2])
r = XDMFReader(FileNames=[xmf])
r.UpdatePipelineInformation()
ts = list(r.TimestepValues)
assert ts == [0.0, 5.0], f"times {ts}"
for k, t in enumerate(ts):
    r.UpdatePipeline(t)
    d = sm.Fetch(r)
    if d.IsA("vtkMultiBlockDataSet"):
        d = d.GetBlock(0)
    n = sum(0 if p == 1 else 10 + 7 * p + k for p in range(size))
    assert d.GetNumberOfPoints() == n, f"round {k}: {d.GetNumberOfPoints()} points, expected {n}"
    pts = np.array([d.GetPoint(i) for i in range(n)])
    g = np.arange(n)
    assert np.allclose(pts[:, 0], g / 100.0, rtol=0, atol=1e-15) and np.allclose(pts[:, 1], np.sin(g), rtol=0, atol=1e-15)
    assert np.all(pts[:, 2] == 0)
    val = np.array(dsa.WrapDataObject(d).PointData["value"])
    assert np.allclose(val, pts[:, 0] + 2 * pts[:, 1], rtol=0, atol=1e-14)
    print(f"round {k}: {n} points at t = {t}: coordinates and field as written")
print("ParaView point checks passed")
