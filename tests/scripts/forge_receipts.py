#!/usr/bin/python3
"""Forges the receipts of an Aeon checkpoint as an attacker without the receipt key would, for
tests/scripts/test_receipts.sh: every hash is recomputed with plain SHA-256, in the run directory's
receipts.log and in the checkpoint's /receipts blob, the anchor (count, head, checksum) is rewritten with
the key flag cleared, and the metadata digest is recomputed. Without a key such a forgery verifies (what
the docs say is not protected); with the key, inspect and restart must refuse it.

  forge_receipts.py drop-last CHK.h5   removes the last receipt of the chain
  forge_receipts.py remake K CHK.h5    edits receipt K's detail and re-makes the chain from K on
  forge_receipts.py remove-all CHK.h5  removes every receipt
With FORGE_KEEP_KEYED=1 in the environment the anchor keeps the key flag of the original (a forgery that
pretends to be keyed; its SHA-256 hashes then fail as HMACs).

Formats: src/io/receipts.c (a receipt: 200 bytes, hash = SHA-256(prev | bytes 0..127)), src/io/receipt_log.c
(the blob: 136-byte anchor + receipts first..count-1), src/io/checkpoint.c meta_digest (the metadata digest).
"""
import hashlib
import os
import struct
import sys

import h5py
import numpy as np

R = 200
HEADER = 136


def log_path(chk):
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(chk))), "receipts.log")


def rehash(recs, start):
    """Recomputes the prev and hash fields of recs[start:] (a list of bytearrays) with SHA-256."""
    for i in range(start, len(recs)):
        prev = bytes(recs[i - 1][160:192]) if i > 0 else bytes(32)
        recs[i][128:160] = prev
        recs[i][160:192] = hashlib.sha256(prev + bytes(recs[i][:128])).digest()


def blob(recs, first, step, lineage, keyed):
    """The /receipts blob of an anchor over recs (checksum by SHA-256), storing recs[first:]."""
    count = len(recs)
    first = min(first, count)
    head = bytes(recs[-1][160:192]) if count else bytes(32)
    lin = lineage.ljust(32, b"\0")[:32]
    mac = hashlib.sha256(b"aeon-receipt-anchor" + lin + struct.pack("<qQ", step, count) + head).digest()
    hdr = b"AEONRCPT" + struct.pack("<IIQQq", 1, keyed, count, first, step) + lin + head + mac
    assert len(hdr) == HEADER
    return hdr + b"".join(bytes(r) for r in recs[first:])


def attr_bytes(f, name):
    a = f.attrs[name]
    return a if isinstance(a, bytes) else str(a).encode()


def meta_digest(f, receipts):
    """SHA-256 of the metadata as src/io/checkpoint.c meta_digest computes it."""
    step, nsteps, tick = (int(x) for x in f.attrs["step_nsteps_tick"])
    sched = [int(x) for x in f.attrs["regime_rollbacks_halvings"]]
    t, dt, wall = (float(x) for x in f.attrs["t_dt_wall"])
    tiers = bytes(f["tiers"][...].tobytes())
    h = hashlib.sha256(b"aeon-checkpoint")
    h.update(struct.pack("<8q", step, nsteps, tick, len(tiers), len(receipts), *sched))
    h.update(struct.pack("<3d", t, dt, wall))
    for name in ("deck", "effective_parameters", "physics"):
        h.update(attr_bytes(f, name) + b"\0")
    h.update(tiers)
    h.update(receipts)
    if int(f.attrs["format_version"]) >= 3:
        h.update(attr_bytes(f, "field_digests") + b"\0")
    return h.hexdigest()


def forge(chk, what, k=None):
    with h5py.File(chk, "r") as f:
        old = bytes(f["receipts"][...].tobytes())
    assert old[:8] == b"AEONRCPT", "not an anchored checkpoint"
    count, first, step = struct.unpack("<QQq", old[16:40])
    lineage = old[40:72].rstrip(b"\0")
    lp = log_path(chk)
    with open(lp, "rb") as g:
        data = g.read()
    recs = [bytearray(data[i * R:(i + 1) * R]) for i in range(count)]
    recs[first:] = [bytearray(old[HEADER + i * R:HEADER + (i + 1) * R]) for i in range(count - first)]
    if what == "drop-last":
        recs = recs[:-1]
        rehash(recs, 0)
    elif what == "remake":
        recs[k][48] ^= 0x01  # first byte of its detail text
        rehash(recs, 0)
    elif what == "remove-all":
        recs = []
    keyed = struct.unpack("<I", old[12:16])[0] if os.environ.get("FORGE_KEEP_KEYED") == "1" else 0
    new = blob(recs, first, step, lineage, keyed)
    with open(lp, "wb") as g:
        g.write(b"".join(bytes(r) for r in recs))
    with h5py.File(chk, "r+") as f:
        del f["receipts"]
        f.create_dataset("receipts", data=np.frombuffer(new, np.uint8), chunks=(len(new),), fletcher32=True)
        f.attrs.create("meta_sha256", data=np.bytes_(meta_digest(f, new)), dtype=h5py.string_dtype("utf-8", 65))
    return "%s: chain of %d receipts now %d (stored from %d), anchor and digest recomputed" % (
        what, count, len(recs), min(first, len(recs)))


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 2 and a[0] in ("drop-last", "remove-all"):
        print(forge(a[1], a[0]))
    elif len(a) == 3 and a[0] == "remake":
        print(forge(a[2], "remake", int(a[1])))
    else:
        sys.exit(__doc__)
