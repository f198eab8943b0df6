#!/usr/bin/python3
"""Damages copies of a good Aeon checkpoint for tests/scripts/test_checkpoint_faults.sh.

  damage_checkpoint.py corpus GOOD.h5 SNAPSHOT.h5 OUTDIR   writes one damaged file per case into OUTDIR
  damage_checkpoint.py flip FILE.h5                        flips one bit of /fields/u's field data in place

Each case prints one line 'NAME<TAB>what was done'. Never touches GOOD.h5 or SNAPSHOT.h5 themselves.
"""
import os
import shutil
import sys

import h5py
import numpy as np


def chunk_extent(path, dset, which):
    """(byte offset, size) in the file of chunk 0 ('first') or of the largest chunk ('largest') of dset."""
    with h5py.File(path, "r") as f:
        d = f[dset].id
        if which == "first":
            info = d.get_chunk_info(0)
        else:
            infos = [d.get_chunk_info(i) for i in range(d.get_num_chunks())]
            info = max(infos, key=lambda c: c.size)
        # the same chunk again by its coordinates, as a cross-check of the index
        same = d.get_chunk_info_by_coord(info.chunk_offset)
        assert same.byte_offset == info.byte_offset and same.size == info.size
        return info.byte_offset, info.size


def flip_bit(path, dset="/fields/u"):
    off, size = chunk_extent(path, dset, "first")
    at = off + size // 2
    with open(path, "r+b") as f:
        f.seek(at)
        b = f.read(1)[0]
        f.seek(at)
        f.write(bytes([b ^ 0x10]))
    return "bit 4 of byte %d flipped (chunk 0 of %s: %d bytes at %d)" % (at, dset, size, off)


def corpus(good, snapshot, out):
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

    p = copy("zeros-4k-chunk.h5")
    off, n = chunk_extent(p, "/fields/u", "largest")
    at = max(0, off + n // 2 - 2048)
    with open(p, "r+b") as f:
        f.seek(at)
        f.write(bytes(4096))
    cases.append(("zeros-4k-chunk", "4096 zero bytes at %d (middle of the largest /fields/u chunk, %d bytes at %d)"
                  % (at, n, off)))

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

    for name, what in cases:
        print("%s\t%s" % (name, what))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "corpus":
        corpus(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 3 and sys.argv[1] == "flip":
        print(flip_bit(sys.argv[2]))
    else:
        sys.exit(__doc__)
