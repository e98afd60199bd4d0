"""Reading one zip member against a byte budget, whatever its headers claim.

``zipfile`` trusts the declared sizes and decompresses bzip2 and lzma members in one call, so
a 1.4 KB member can inflate to gigabytes before any check sees it. Here the member's raw bytes
are read in chunks, each decompressor is asked for at most the bytes still allowed, and the read
stops as soon as the output passes the limit. Every method the kit accepts (stored, deflate,
bzip2, lzma) goes through the same loop. Memory stays within the limit plus a chunk.
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zipfile
import zlib
from typing import BinaryIO, Protocol

CHUNK = 64 * 1024
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then (after 22 bytes) name and extra lengths
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate", zipfile.ZIP_BZIP2: "bzip2",
            zipfile.ZIP_LZMA: "lzma"}


class MemberError(Exception):
    """The member cannot be read; the message says why, for the student."""


class _Stream(Protocol):
    def take(self, data: bytes, room: int) -> bytes:
        """At most ``room`` bytes of output, after feeding ``data`` (``b""`` drains what is pending)."""


class _Stored:
    def __init__(self) -> None:
        self.pending = b""

    def take(self, data: bytes, room: int) -> bytes:
        self.pending += data
        out, self.pending = self.pending[:room], self.pending[room:]
        return out


class _Deflate:
    def __init__(self) -> None:
        self.d = zlib.decompressobj(-zlib.MAX_WBITS)

    def take(self, data: bytes, room: int) -> bytes:
        if self.d.eof:
            return b""
        # unconsumed_tail holds the input a previous bounded call left over.
        return self.d.decompress(self.d.unconsumed_tail + data, room)


class _Bounded:
    """bz2 and lzma decompressors: both take ``max_length`` and keep the rest of their input."""

    def __init__(self, d: bz2.BZ2Decompressor | lzma.LZMADecompressor) -> None:
        self.d = d

    def take(self, data: bytes, room: int) -> bytes:
        if self.d.eof or (not data and self.d.needs_input):
            return b""
        return self.d.decompress(data, room)


class _ZipLzma:
    """Zip's lzma: a 4-byte header and 5 property bytes, then a raw LZMA1 stream."""

    def __init__(self, limit: int) -> None:
        self.head = b""
        self.inner: _Bounded | None = None
        self.limit = limit

    def take(self, data: bytes, room: int) -> bytes:
        if self.inner is None:
            self.head += data
            if len(self.head) < 4:
                return b""
            (size,) = struct.unpack("<H", self.head[2:4])
            if len(self.head) < 4 + size:
                return b""
            props, data = self.head[4:4 + size], self.head[4 + size:]
            if size != 5 or props[0] >= 9 * 5 * 5:
                raise MemberError("its lzma header is damaged")
            d = props[0]
            lc, lp, pb = d % 9, d // 9 % 5, d // 45
            # A match never reaches further back than the output so far, and the output stops at the limit:
            # a declared 4 GiB dictionary needs no more than that.
            dict_size = max(4096, min(int.from_bytes(props[1:5], "little"), self.limit + CHUNK))
            filters = [{"id": lzma.FILTER_LZMA1, "lc": lc, "lp": lp, "pb": pb, "dict_size": dict_size}]
            self.inner = _Bounded(lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters))
        return self.inner.take(data, room)


def _stream(method: int, limit: int) -> _Stream:
    if method == zipfile.ZIP_STORED:
        return _Stored()
    if method == zipfile.ZIP_DEFLATED:
        return _Deflate()
    if method == zipfile.ZIP_BZIP2:
        return _Bounded(bz2.BZ2Decompressor())
    if method == zipfile.ZIP_LZMA:
        return _ZipLzma(limit)
    raise MemberError(f"it is compressed with method {method}, which the grader does not read "
                      f"(use {', '.join(_METHODS.values())})")


def read_member(archive: BinaryIO, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's bytes, at most ``limit`` of them: MemberError when it holds more, or is damaged."""
    if info.flag_bits & 0x1:
        raise MemberError("it is encrypted")
    out = bytearray()
    try:  # a listing that lies about offsets fails a seek or a read: damaged, like a bad stream
        archive.seek(info.header_offset)
        header = archive.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            raise MemberError("its local header is damaged")
        _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        archive.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
        stream = _stream(info.compress_type, limit)
        raw_left = info.compress_size
        while True:
            raw = archive.read(min(CHUNK, raw_left)) if raw_left > 0 else b""
            raw_left -= len(raw)
            ended = not raw  # the declared compressed size is read, or the file ended early
            while True:  # drain: a bounded call may leave output pending
                piece = stream.take(raw, limit + 1 - len(out))
                raw = b""
                if not piece:
                    break
                out += piece
                if len(out) > limit:
                    raise MemberError(f"it unpacks to more than {limit // 1024} KiB "
                                      f"(its header claims {info.file_size} bytes)")
            if ended:
                break
    except (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as e:
        what = f"its {_METHODS[info.compress_type]} data" if info.compress_type in _METHODS else "it"
        raise MemberError(f"{what} is damaged ({e})") from None
    if len(out) != info.file_size:
        raise MemberError(f"it is damaged: it unpacks to {len(out)} bytes, its header says {info.file_size}")
    if zlib.crc32(out) != info.CRC:
        raise MemberError("it is damaged (its checksum does not match)")
    return bytes(out)
