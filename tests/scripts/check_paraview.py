#!/usr/bin/env python3
"""Opens an Aeon run's XDMF temporal collection in ParaView and checks what ParaView shows.

Two halves, because ParaView's HDF5 and h5py's must not share one process:

  pvbatch check_paraview.py read COLLECTION.xmf READER...
      (inside ParaView) opens the collection with each READER (XDMFReader, Xdmf3ReaderS,
      Xdmf3ReaderT) and saves to READER.npz, for every time ParaView reports, the grid's
      dimensions, origin, spacing and every cell and point array.

  python3 check_paraview.py compare COLLECTION.xmf OUT.npz --n NX NY NZ --xmin X Y Z --xmax X Y Z --steps S...
      (with h5py) checks those against the deck and the snapshots RUNDIR/fields_STEP.h5 of the given
      steps: one time per step, equal to the snapshot's time attribute; N+1 points a side from xmin with
      spacing (xmax - xmin) / N; the fields as cell arrays (no point arrays) equal bit for bit to the
      datasets /levels/0/fields/NAME.

Exits 0 when everything matches, 1 with a message naming the problem otherwise.
"""
import os
import sys


def fail(msg):
    print(f"check_paraview: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def first_leaf(obj):
    """The first non-composite dataset of a (possibly multiblock) output."""
    if obj is not None and obj.IsA("vtkCompositeDataSet"):
        it = obj.NewIterator()
        it.InitTraversal()
        return None if it.IsDoneWithTraversal() else it.GetCurrentDataObject()
    return obj


def geometry(ds):
    """Dimensions (points), origin and spacing of image data or a rectilinear grid, x y z order."""
    import numpy as np

    dims = list(ds.GetDimensions())
    if ds.IsA("vtkImageData"):
        return dims, list(ds.GetOrigin()), list(ds.GetSpacing())
    if ds.IsA("vtkRectilinearGrid"):
        from vtk.util.numpy_support import vtk_to_numpy

        c = [vtk_to_numpy(a) for a in (ds.GetXCoordinates(), ds.GetYCoordinates(), ds.GetZCoordinates())]
        sp = [float(np.diff(x).mean()) if len(x) > 1 else 0.0 for x in c]
        return dims, [float(x[0]) for x in c], sp
    if ds.IsA("vtkStructuredGrid"):
        p = ds.GetPoints()
        o = p.GetPoint(0)
        sp = [p.GetPoint(1)[0] - o[0], p.GetPoint(dims[0])[1] - o[1], p.GetPoint(dims[0] * dims[1])[2] - o[2]]
        return dims, list(o), sp
    fail(f"ParaView produced a {ds.GetClassName()}, not a structured grid")


def read(coll, out, reader_name):
    import numpy as np
    import paraview.simple as pv
    from paraview import servermanager as sm
    from vtk.util.numpy_support import vtk_to_numpy

    make = getattr(pv, reader_name, None)
    if make is None:
        fail(f"this ParaView has no reader {reader_name}")
    reader = make(FileNames=[coll]) if reader_name == "XDMFReader" else make(FileName=[coll])
    if reader_name == "XDMFReader":  # the legacy reader loads only the arrays switched on
        reader.PointArrayStatus = reader.GetProperty("PointArrayInfo")[::2]
        reader.CellArrayStatus = reader.GetProperty("CellArrayInfo")[::2]
    times = [float(t) for t in reader.TimestepValues]
    saved = {"times": np.array(times)}
    cell_names = point_names = None
    for i, t in enumerate(times):
        reader.UpdatePipeline(t)
        ds = first_leaf(sm.Fetch(reader))
        if ds is None:
            fail(f"{reader_name}: no data at time {t}")
        dims, origin, spacing = geometry(ds)
        saved[f"dims{i}"], saved[f"origin{i}"], saved[f"spacing{i}"] = dims, origin, spacing
        cd, pd = ds.GetCellData(), ds.GetPointData()
        cn = [cd.GetArrayName(k) for k in range(cd.GetNumberOfArrays())]
        pn = [pd.GetArrayName(k) for k in range(pd.GetNumberOfArrays())]
        cell_names, point_names = cell_names or cn, point_names or pn
        if cn != cell_names or pn != point_names:
            fail(f"{reader_name}: arrays change with time ({cn} {pn} at t={t})")
        for name in cn:
            saved[f"cell{i}_{name}"] = vtk_to_numpy(cd.GetArray(name)).copy()
    saved["cell_names"] = np.array(cell_names or [], dtype="U64")
    saved["point_names"] = np.array([n for n in (point_names or []) if not n.startswith("vtk")], dtype="U64")
    np.savez(out, **saved)
    print(f"check_paraview: {reader_name} read {len(times)} time(s), cell arrays {cell_names}, point arrays "
          f"{point_names}")


def compare(coll, npz, args):
    import argparse

    import h5py
    import numpy as np

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs=3, required=True)
    ap.add_argument("--xmin", type=float, nargs=3, required=True)
    ap.add_argument("--xmax", type=float, nargs=3, required=True)
    ap.add_argument("--steps", type=int, nargs="+", required=True)
    a = ap.parse_args(args)
    got = np.load(npz)
    rundir = os.path.dirname(os.path.abspath(coll))
    times = list(got["times"])
    if len(times) != len(a.steps):
        fail(f"ParaView reports {len(times)} time(s) {times}, the run has {len(a.steps)} snapshots {a.steps}")
    spacing = [(a.xmax[d] - a.xmin[d]) / a.n[d] for d in range(3)]
    cell_names = list(got["cell_names"])
    if len(got["point_names"]):
        fail(f"point arrays {list(got['point_names'])}: the fields are cell-centred")
    for i, step in enumerate(a.steps):
        h5 = os.path.join(rundir, f"fields_{step:06d}.h5")
        with h5py.File(h5, "r") as f:
            if times[i] != float(f.attrs["time"]):
                fail(f"time {i}: ParaView says {times[i]!r}, {h5} says {float(f.attrs['time'])!r}")
            fields = sorted(f["levels/0/fields"].keys())
            if sorted(cell_names) != fields:
                fail(f"time {i}: cell arrays {cell_names}, the snapshot has {fields}")
            if list(got[f"dims{i}"]) != [n + 1 for n in a.n]:
                fail(f"time {i}: {list(got[f'dims{i}'])} points, expected {[n + 1 for n in a.n]} (N+1 a side)")
            if not np.allclose(got[f"origin{i}"], a.xmin, rtol=0, atol=1e-12):
                fail(f"time {i}: origin {list(got[f'origin{i}'])}, the deck's xmin is {a.xmin}")
            if not np.allclose(got[f"spacing{i}"], spacing, rtol=1e-12, atol=0):
                fail(f"time {i}: spacing {list(got[f'spacing{i}'])}, expected {spacing}")
            for name in fields:
                want = f["levels/0/fields"][name][...].ravel()  # [z][y][x]: x fastest, as VTK orders cells
                have = got[f"cell{i}_{name}"].ravel()
                if have.shape != want.shape or not np.array_equal(have, want):
                    bad = np.flatnonzero(have != want)[:3] if have.shape == want.shape else []
                    fail(f"time {i}: array {name} differs from {h5} (shapes {have.shape} {want.shape}, "
                         f"first differing cells {list(bad)})")
    print(f"check_paraview: OK: {len(times)} times {times}, cell arrays {cell_names}, geometry and values match")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "read":
        for reader in sys.argv[3:]:  # one ParaView start for all
            read(sys.argv[2], reader + ".npz", reader)
    elif len(sys.argv) >= 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
