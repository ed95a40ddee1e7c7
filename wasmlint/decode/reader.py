"""A byte cursor with absolute offsets and the spec's primitive encodings (bytes, LEB128, names).

Every fault raises :class:`DecodeError` with the byte offset and the message the WebAssembly spec test suite
expects, so that a diagnostic can point at the exact byte and the suite's ``assert_malformed`` cases can be
checked word for word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import mmap
    from typing import TypeAlias

    Buffer: TypeAlias = "bytes | bytearray | memoryview | mmap.mmap"
    """What the decoder reads: ``bytes``, ``bytearray``, ``memoryview`` or an ``mmap``."""

T = TypeVar("T")

END_OF_INPUT = "unexpected end"
END_OF_SECTION = "unexpected end of section or function"


class DecodeError(Exception):
    """The one error the decoder raises: a byte offset and a message in the spec's own words."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(offset, message)
        self.offset = offset
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} (at offset 0x{self.offset:x})"


class Reader:
    """Reads ``data[pos:end]``; positions are absolute offsets into the file."""

    __slots__ = ("data", "end", "eof_message", "pos")

    def __init__(self, data: Buffer, pos: int = 0, end: int | None = None, eof_message: str = END_OF_INPUT):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end
        self.eof_message = eof_message

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    def at_end(self) -> bool:
        return self.pos >= self.end

    def fail(self, message: str, offset: int | None = None) -> DecodeError:
        return DecodeError(self.pos if offset is None else offset, message)

    def u8(self) -> int:
        pos = self.pos
        if pos >= self.end:
            raise DecodeError(pos, self.eof_message)
        self.pos = pos + 1
        return self.data[pos]

    def peek(self) -> int:
        if self.pos >= self.end:
            raise DecodeError(self.pos, self.eof_message)
        return self.data[self.pos]

    def bytes(self, n: int) -> bytes:
        pos = self.pos
        if n > self.end - pos:
            raise DecodeError(self.end, self.eof_message)
        self.pos = pos + n
        return bytes(self.data[pos : pos + n])

    def skip(self, n: int) -> None:
        if n > self.end - self.pos:
            raise DecodeError(self.end, self.eof_message)
        self.pos += n

    def u32(self) -> int:
        pos, data = self.pos, self.data
        if pos + 4 < self.end:  # room for the longest encoding: read it unrolled, byte by byte
            byte = data[pos]
            if byte < 0x80:
                self.pos = pos + 1
                return byte
            result = byte & 0x7F
            byte = data[pos + 1]
            if byte < 0x80:
                self.pos = pos + 2
                return result | byte << 7
            result |= (byte & 0x7F) << 7
            byte = data[pos + 2]
            if byte < 0x80:
                self.pos = pos + 3
                return result | byte << 14
            result |= (byte & 0x7F) << 14
            byte = data[pos + 3]
            if byte < 0x80:
                self.pos = pos + 4
                return result | byte << 21
            result |= (byte & 0x7F) << 21
            byte = data[pos + 4]
            if byte < 0x10:  # the last byte: four bits of the value left, and no continuation
                self.pos = pos + 5
                return result | byte << 28
        elif pos < self.end and data[pos] < 0x80:
            self.pos = pos + 1
            return data[pos]
        return self._leb(32, signed=False)  # near the end of the input, or a fault: with the spec's checks

    def u64(self) -> int:
        pos = self.pos
        if pos < self.end:
            byte = self.data[pos]
            if byte < 0x80:
                self.pos = pos + 1
                return byte
        return self._leb(64, signed=False)

    def s32(self) -> int:
        return self._signed(32)

    def s33(self) -> int:
        return self._signed(33)

    def s64(self) -> int:
        return self._signed(64)

    def _signed(self, bits: int) -> int:
        pos = self.pos
        if pos < self.end:
            byte = self.data[pos]
            if byte < 0x80:  # one byte: bit 6 is the sign
                self.pos = pos + 1
                return byte - 0x80 if byte & 0x40 else byte
        return self._leb(bits, signed=True)

    def _leb(self, bits: int, signed: bool) -> int:
        """LEB128 with the spec's limits: at most ceil(bits/7) bytes, and the unused bits of the last byte zero
        (or, for signed integers, copies of the sign bit)."""
        data, pos, end = self.data, self.pos, self.end
        last = pos + (bits - 1) // 7  # where the last byte the encoding may take would be
        result = 0
        shift = 0
        while pos < last:  # the bytes before the last one can hold no fault
            if pos >= end:
                self.pos = pos
                raise DecodeError(pos, self.eof_message)
            byte = data[pos]
            pos += 1
            result |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                self.pos = pos
                if signed and byte & 0x40:
                    result -= 1 << shift
                return result
        if pos >= end:
            self.pos = pos
            raise DecodeError(pos, self.eof_message)
        byte = data[pos]
        used = bits - shift  # the bits of the value that the last byte still carries
        if signed:
            mask = (0x7F << (used - 1)) & 0x7F
            if (byte & mask) not in (0, mask):
                raise DecodeError(pos, "integer too large")
        elif (byte & 0x7F) >> used:
            raise DecodeError(pos, "integer too large")
        if byte & 0x80:
            raise DecodeError(pos + 1, "integer representation too long")
        self.pos = pos + 1
        result |= byte << shift
        if signed and byte & 0x40:
            result -= 1 << (shift + 7)
        return result

    def name(self) -> str:
        """A length-prefixed UTF-8 string, as names are everywhere in the format."""
        data, start, end = self.data, self.pos, self.end
        if start < end and data[start] < 0x80:  # a one-byte length, as most names have
            pos = start + 1
            stop = pos + data[start]
        else:
            length = self.u32()
            pos = self.pos
            stop = pos + length
        if stop > end:
            raise DecodeError(start, "length out of bounds")
        self.pos = stop
        try:
            return str(data[pos:stop], "utf-8")
        except UnicodeDecodeError as exc:
            raise DecodeError(pos + exc.start, "malformed UTF-8 encoding") from None

    def count(self, min_item_size: int = 1) -> int:
        """A vector length, refused before anything is allocated when the items cannot fit in what is left."""
        start = self.pos
        if start < self.end and self.data[start] < 0x80:  # a one-byte count, as most vectors have
            n = self.data[start]
            self.pos = start + 1
        else:
            n = self.u32()
        if n * min_item_size > self.end - self.pos:
            raise DecodeError(start, self.eof_message)
        return n

    def vec(self, item: Callable[[], T], min_item_size: int = 1) -> list[T]:
        return [item() for _ in range(self.count(min_item_size))]
