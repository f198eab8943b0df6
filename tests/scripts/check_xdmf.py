#!/usr/bin/env python3
"""Checks an XDMF sidecar against the HDF5 file(s) it references.

Usage: check_xdmf.py FILE.xmf

Parses the XDMF (2.x or 3) document, and for every HDF DataItem
("file.h5:/path/to/dataset", the file relative to the .xmf) checks that the
file opens, that the dataset exists, and that its shape equals the DataItem's
Dimensions (and its precision the stated Precision). For a uniform grid it also
checks that node-centred attributes have the topology's dimensions and
cell-centred ones one less in each direction. The grids of a temporal
collection are checked one by one.
Exits 0 when everything matches, 1 with a message naming the problem otherwise.
"""
import os
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print(f"check_xdmf: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def dims_of(elem, what):
    text = elem.get("Dimensions")
    if text is None:
        fail(f"{what} has no Dimensions")
    try:
        return tuple(int(x) for x in text.split())
    except ValueError:
        fail(f"{what}: Dimensions '{text}' are not integers")


def check_item(item, xmf_dir, h5py, files, where):
    ref = (item.text or "").strip()
    if ":" not in ref:
        fail(f"{where}: HDF DataItem '{ref}' is not FILE:/DATASET")
    fname, dset = ref.split(":", 1)
    if os.path.isabs(fname):
        fail(f"{where}: '{fname}' is an absolute path (the run directory could not be moved)")
    path = os.path.join(xmf_dir, fname)
    if path not in files:
        try:
            files[path] = h5py.File(path, "r")
        except OSError as e:
            fail(f"{where}: cannot open '{path}': {e}")
    f = files[path]
    if dset not in f or not isinstance(f[dset], h5py.Dataset):
        fail(f"{where}: '{path}' has no dataset '{dset}'")
    want = dims_of(item, where)
    got = f[dset].shape
    if tuple(got) != want:
        fail(f"{where}: '{path}:{dset}' has shape {tuple(got)}, the XDMF says {want}")
    prec = item.get("Precision")
    if prec is not None and int(prec) != f[dset].dtype.itemsize:
        fail(f"{where}: '{path}:{dset}' has {f[dset].dtype.itemsize}-byte values, the XDMF says {prec}")
    return want


def check_grid(grid, xmf_dir, h5py, files):
    name = grid.get("Name", "?")
    topo = grid.find("Topology")
    tdims = dims_of(topo, f"grid '{name}' Topology") if topo is not None else None
    n = 0
    for attr in grid.iter("Attribute"):
        where = f"grid '{name}' attribute '{attr.get('Name', '?')}'"
        items = attr.findall("DataItem")
        if not items:
            fail(f"{where} has no DataItem")
        for item in items:
            if item.get("Format", "XML").upper() != "HDF":
                continue
            d = check_item(item, xmf_dir, h5py, files, where)
            n += 1
            center = attr.get("Center", "Node")
            if tdims is not None and center == "Node" and d != tdims:
                fail(f"{where}: node-centred data of dims {d} on a topology of dims {tdims}")
            if tdims is not None and center == "Cell" and d != tuple(t - 1 for t in tdims):
                fail(f"{where}: cell-centred data of dims {d} on a topology of dims {tdims} (points)")
    return n


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(1)
    xmf = sys.argv[1]
    try:
        import h5py
    except ImportError:
        fail(f"h5py is not available in {sys.executable}; cannot check '{xmf}'")
    try:
        root = ET.parse(xmf).getroot()
    except (OSError, ET.ParseError) as e:
        fail(f"cannot parse '{xmf}': {e}")
    if root.tag != "Xdmf":
        fail(f"'{xmf}': root element is <{root.tag}>, expected <Xdmf>")
    grids = [g for g in root.iter("Grid") if g.get("GridType", "Uniform") == "Uniform"]
    if not grids:
        fail(f"'{xmf}' has no uniform Grid")
    files = {}
    n = sum(check_grid(g, os.path.dirname(os.path.abspath(xmf)), h5py, files) for g in grids)
    for f in files.values():
        f.close()
    if n == 0:
        fail(f"'{xmf}' references no HDF5 dataset")
    print(f"check_xdmf: OK: {xmf}: {n} dataset(s) match")


if __name__ == "__main__":
    main()
