"""Hostile and careless uploads, built byte by byte: zips that lie, damaged streams, odd notebooks.

Shared by the intake tests, the intake fuzz test and ``benchmarks/intake_memory.py``.
"""

from __future__ import annotations

import bz2
import io
import json
import struct
import zipfile
import zlib

METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _zeros_compressed(method: int, size: int) -> bytes:
    """``size`` zero bytes compressed with ``method``, made in chunks (no ``size``-byte buffer)."""
    chunk = b"\0" * (1 << 20)
    if method == zipfile.ZIP_STORED:
        return b"\0" * size
    if method == zipfile.ZIP_DEFLATED:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        parts = [c.compress(chunk) for _ in range(size >> 20)]
        return b"".join(parts) + c.flush()
    if method == zipfile.ZIP_BZIP2:
        c = bz2.BZ2Compressor(9)
        parts = [c.compress(chunk) for _ in range(size >> 20)]
        return b"".join(parts) + c.flush()
    if method == zipfile.ZIP_LZMA:
        c = zipfile.LZMACompressor()  # zip's framing: a 4-byte header and the properties, then raw LZMA1
        parts = [c.compress(chunk) for _ in range(size >> 20)]
        return b"".join(parts) + c.flush()
    raise ValueError(method)


def _crc_of_zeros(size: int) -> int:
    crc, chunk = 0, b"\0" * (1 << 20)
    for _ in range(size >> 20):
        crc = zlib.crc32(chunk, crc)
    return crc


def raw_zip(name: str, method: int, payload: bytes, *, claimed_size: int, crc: int = 0, flags: int = 0) -> bytes:
    """A one-member zip written field by field, so its headers can claim anything."""
    encoded = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(payload),
                        claimed_size, len(encoded), 0) + encoded
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, crc,
                          len(payload), claimed_size, len(encoded), 0, 0, 0, 0, 0o644 << 16, 0) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local) + len(payload), 0)
    return local + payload + central + end


def lying_bomb(name: str, method: int, size: int, claimed_size: int = 200) -> bytes:
    """``size`` bytes of zeros whose headers claim ``claimed_size``: the 1.4 KB zip that inflates to 1.5 GiB."""
    return raw_zip(name, method, _zeros_compressed(method, size), claimed_size=claimed_size, crc=_crc_of_zeros(size))


def damaged(data: bytes, method: int, name: str = "linear_regression.py", at: float = 0.0) -> bytes:
    """A zip of ``data`` whose compressed stream has bytes overwritten at fraction ``at`` of the stream."""
    z = make_zip({name: data}, method)
    start = 30 + len(name)  # one member, no extra field: its data follows the local header
    length = zipfile.ZipFile(io.BytesIO(z)).infolist()[0].compress_size
    where = start + int(at * max(length - 8, 0))
    return z[:where] + b"\xff" * 8 + z[where + 8:]


def notebook(cells: list[str], **fields: object) -> bytes:
    nb = {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [], "execution_count": None}
                    for c in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    nb.update(fields)
    return json.dumps(nb).encode()
