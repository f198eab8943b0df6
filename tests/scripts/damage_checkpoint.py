#!/usr/bin/python3
"""Damages copies of a good Aeon checkpoint for tests/scripts/test_checkpoint_faults.sh.

  damage_checkpoint.py corpus GOOD.h5 OTHER.h5 SNAPSHOT.h5 OUTDIR   writes one file per case into OUTDIR
  damage_checkpoint.py flip FILE.h5                                 flips one bit of /fields/u's data in place

GOOD.h5 and OTHER.h5 are checkpoints of the same run at different steps. Each case prints one line
'NAME<TAB>what was done<TAB>refuse|accept': whether Aeon must refuse the file or accept it (a copy
rewritten in another HDF5 layout with the same values, or a flip that changes nothing h5py reads).
Never touches GOOD.h5, OTHER.h5 or SNAPSHOT.h5 themselves.
"""
import os
import shutil
import struct
import sys

import h5py
import numpy as np


FIELDS = "/levels/0/fields"


def data_extent(path, dset, which="first"):
    """(byte offset, size) in the file of dset's data: the whole extent of a contiguous dataset, or of chunk 0
    ('first') or the largest chunk ('largest') of a chunked one."""
    with h5py.File(path, "r") as f:
        d = f[dset].id
        if d.get_create_plist().get_layout() != h5py.h5d.CHUNKED:
            return d.get_offset(), d.get_storage_size()
        if which == "first":
            info = d.get_chunk_info(0)
        else:
            infos = [d.get_chunk_info(i) for i in range(d.get_num_chunks())]
            info = max(infos, key=lambda c: c.size)
        # the same chunk again by its coordinates, as a cross-check of the index
        same = d.get_chunk_info_by_coord(info.chunk_offset)
        assert same.byte_offset == info.byte_offset and same.size == info.size
        return info.byte_offset, info.size


def flip_at(path, at, bit):
    with open(path, "r+b") as f:
        f.seek(at)
        b = f.read(1)[0]
        f.seek(at)
        f.write(bytes([b ^ (1 << bit)]))


def flip_bit(path, dset="/fields/u"):
    off, size = data_extent(path, dset, "first")
    at = off + size // 2
    flip_at(path, at, 4)
    return "bit 4 of byte %d flipped (data of %s: %d bytes at %d)" % (at, dset, size, off)


def values(path):
    """Every field's values as h5py reads them (None if a read fails)."""
    try:
        with h5py.File(path, "r") as f:
            return {k: f[FIELDS][k][...] for k in f[FIELDS]}
    except Exception:
        return None


def same_values(a, b):
    return a is not None and b is not None and a.keys() == b.keys() and \
        all(np.array_equal(a[k].view(np.uint64), b[k].view(np.uint64)) for k in a)


def rewrite_chunked(good, out):
    """Copies good with every field chunked by z-planes with Fletcher32, in the earliest file format (a version-1
    B-tree chunk index, which carries no checksum of its own); metadata and values unchanged."""
    with h5py.File(good, "r") as src, h5py.File(out, "w", libver="earliest") as dst:
        for name in src.attrs:
            dst.attrs.create(name, src.attrs[name], dtype=src.attrs.get_id(name).dtype)
        for name in ("tiers", "receipts"):
            src.copy(src[name], dst, name)
        g = dst.create_group("levels/0/fields")
        dst["levels/0"].attrs.create("level", src["levels/0"].attrs["level"])
        dst["fields"] = h5py.SoftLink("/levels/0/fields")
        for name, d in src[FIELDS].items():
            g.create_dataset(name, data=d[...], chunks=(1,) + d.shape[1:], fletcher32=True)


def index_entries(path, dset):
    """File offsets of the chunk index's child pointers to dset's chunks (found by the chunks' addresses),
    one per chunk, in chunk order."""
    data = open(path, "rb").read()
    with h5py.File(path, "r") as f:
        d = f[dset].id
        infos = [d.get_chunk_info(i) for i in range(d.get_num_chunks())]
    spans = [(c.byte_offset, c.byte_offset + c.size) for c in infos]
    where = []
    for c in infos:
        i = data.find(struct.pack("<Q", c.byte_offset))
        while i >= 0 and any(a <= i < b for a, b in spans):
            i = data.find(struct.pack("<Q", c.byte_offset), i + 1)
        assert i >= 0, "chunk address %d not found in the file" % c.byte_offset
        where.append(i)
    return where


def index_flips(good, out, cases):
    """Chunk-index flips at many offsets: in a chunked copy of good, bits of the child pointers (chunk
    addresses) and of the keys before them (chunk size, filter mask, chunk coordinates) of several chunks."""
    base = os.path.join(out, "valid-chunked.h5")
    rewrite_chunked(good, base)
    cases.append(("valid-chunked", "a copy with every field chunked with Fletcher32 and a v1 B-tree index (h5py)",
                  "accept"))
    ref = values(base)
    dset = FIELDS + "/u"
    where = index_entries(base, dset)
    # the v1 B-tree key before each child pointer: chunk size (4 bytes), filter mask (4), 4 coordinates (8 each)
    spots = [("address bit %d" % b, 0 + b // 8, b % 8) for b in (0, 21, 47)] + [("size bit 9", -39, 1)] + \
            [("filter mask bit 0", -36, 0), ("z coordinate bit 0", -32, 0)]
    for k in sorted({0, len(where) - 1}):
        for label, rel, bit in spots:
            name = "index-chunk%d-%s" % (k, label.replace(" ", "-"))
            p = os.path.join(out, name + ".h5")
            shutil.copyfile(base, p)
            flip_at(p, where[k] + rel, bit)
            v = values(p)
            effect = "h5py then cannot read it" if v is None else \
                "h5py reads the same values" if same_values(v, ref) else "h5py reads different values"
            cases.append((name, "%s of %s chunk %d's index entry (byte %d) flipped in valid-chunked.h5: %s"
                          % (label, dset, k, where[k] + rel, effect), "accept" if same_values(v, ref) else "refuse"))


def substitute(good, other, out, cases):
    """Fields replaced by another checkpoint's (same run, another step) through HDF5, so every checksum and
    the file structure stay consistent."""
    for name, fields, chunked in (("substituted-u", ["u"], False), ("substituted-all", None, False),
                                  ("substituted-chunked", None, True)):
        p = os.path.join(out, name + ".h5")
        if chunked:
            rewrite_chunked(good, p)
        else:
            shutil.copyfile(good, p)
        with h5py.File(other, "r") as o, h5py.File(p, "r+") as f:
            for k in fields or list(f[FIELDS]):
                f[FIELDS][k][...] = o[FIELDS][k][...]
            which = ", ".join(fields or list(f[FIELDS]))
        cases.append((name, "field%s %s replaced by those of %s (h5py%s)" % ("" if fields else "s", which,
                      os.path.basename(other), ", chunked with Fletcher32 recomputed" if chunked else ""), "refuse"))
    p = os.path.join(out, "swapped-fields.h5")
    shutil.copyfile(good, p)
    with h5py.File(p, "r+") as f:
        a, b = sorted(f[FIELDS])[:2]
        x = f[FIELDS][a][...]
        f[FIELDS][a][...] = f[FIELDS][b][...]
        f[FIELDS][b][...] = x
    cases.append(("swapped-fields", "the values of fields %s and %s swapped (h5py)" % (a, b), "refuse"))


def corpus(good, other, snapshot, out):
    os.makedirs(out, exist_ok=True)
    size = os.path.getsize(good)

    def copy(name):
        p = os.path.join(out, name)
        shutil.copyfile(good, p)
        return p

    cases = []
    for name, n in (("truncated-50pct", size // 2), ("truncated-4096", 4096), ("truncated-0", 0)):
        p = copy(name + ".h5")
        os.truncate(p, n)
        cases.append((name, "truncated to %d of %d bytes" % (n, size)))

    p = copy("bitflip-field.h5")
    cases.append(("bitflip-field", flip_bit(p)))

    p = copy("zeros-4k.h5")
    off, n = data_extent(p, "/fields/u", "largest")
    at = max(0, off + n // 2 - 2048)
    with open(p, "r+b") as f:
        f.seek(at)
        f.write(bytes(4096))
    cases.append(("zeros-4k", "4096 zero bytes at %d (middle of the data of /fields/u, %d bytes at %d)"
                  % (at, n, off)))

    p = copy("data-address.h5")
    off, n = data_extent(p, "/fields/u")
    raw = open(p, "rb").read()
    at = raw.find(struct.pack("<Q", off))
    flip_at(p, at + 1, 0)
    cases.append(("data-address", "bit 8 of /fields/u's data address (stored at byte %d) flipped" % at))

    os.mkfifo(os.path.join(out, "fifo.h5"))
    cases.append(("fifo", "a FIFO (named pipe)"))
    os.mkdir(os.path.join(out, "chk_99999999.h5"))
    cases.append(("chk_99999999", "a directory named like a checkpoint"))

    substitute(good, other, out, cases)
    index_flips(good, out, cases)

    p = copy("superblock.h5")
    with open(p, "r+b") as f:
        f.write(b"\x89XYZ")
    cases.append(("superblock", "first 4 bytes of the HDF5 signature replaced"))

    p = os.path.join(out, "foreign-snapshot.h5")
    shutil.copyfile(snapshot, p)
    cases.append(("foreign-snapshot", "an Aeon field snapshot (%s)" % os.path.basename(snapshot)))

    p = os.path.join(out, "foreign-h5py.h5")
    with h5py.File(p, "w") as f:
        f.create_dataset("data", data=np.arange(10.0))
        f.attrs["format"] = "something-else"
    cases.append(("foreign-h5py", "a small HDF5 file made by h5py"))

    with open(os.path.join(out, "text.h5"), "w") as f:
        f.write("this is not a checkpoint\n" * 10)
    cases.append(("text", "a text file"))

    cases.append(("nonexistent", "a path that does not exist"))

    p = copy("receipt3.h5")
    with h5py.File(p, "r+") as f:
        d = f["receipts"]
        base = 136 if bytes(d[:8]) == b"AEONRCPT" else 0  # the anchor before the receipts (receipt_log.c)
        k = base + 3 * 200 + 48  # receipt 3, first byte of its detail text
        d[k] = d[k] ^ 0x01
    cases.append(("receipt3", "one byte of receipt 3's detail changed in place (h5py)"))

    p = copy("tiers-garbage.h5")
    with h5py.File(p, "r+") as f:
        d = f["tiers"]
        n = d.shape[0]
        d[...] = np.random.default_rng(12345).integers(0, 256, n, dtype=np.uint8)
    cases.append(("tiers-garbage", "/tiers overwritten with %d random bytes (h5py)" % n))

    p = copy("attr-step.h5")
    with h5py.File(p, "r+") as f:
        a = f.attrs["step_nsteps_tick"].copy()
        a[0] -= 1
        f.attrs.modify("step_nsteps_tick", a)
    cases.append(("attr-step", "attribute step_nsteps_tick changed to %s (h5py)" % list(a)))

    for c in cases:
        print("%s\t%s\t%s" % (c[0], c[1], c[2] if len(c) > 2 else "refuse"))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "corpus":
        corpus(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    elif len(sys.argv) == 3 and sys.argv[1] == "flip":
        print(flip_bit(sys.argv[2]))
    else:
        sys.exit(__doc__)
