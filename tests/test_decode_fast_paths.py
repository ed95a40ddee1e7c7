"""The decoder's fast paths against its general readers, on random and faulty encodings.

The type and constant-expression decoders read the common encodings in place (a regular expression for whole
constant expressions, lookups of one-, two- and three-byte value types, field types remembered by their bytes);
everything else goes to the general reader, which has the spec's checks. A fast path must never accept what the
general reader would refuse, nor stop anywhere else: for every input, both must end at the same byte with the
same value, or the fast path must decline.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wasmlint.decode import types as T
from wasmlint.decode.constexpr import match_common, simple_end, skip_constant_expression, skip_each_instruction
from wasmlint.decode.reader import DecodeError, Reader


def leb(value: int, pad: int = 0, signed: bool = False) -> bytes:
    """LEB128 of ``value``, stretched by ``pad`` redundant bytes (over-long but still well-formed, up to limits)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40) if signed else value == 0
        if done:
            out.append(byte)
            break
        out.append(byte | 0x80)
    for _ in range(pad):
        out[-1] |= 0x80
        out.append(0x7F if signed and value < 0 else 0x00)
    return bytes(out)


# Any LEB128 shape: continuation bytes then a last byte, too long or too large as often as not.
raw_leb = st.builds(
    lambda n, fill, last: bytes([0x80 | fill] * n) + bytes([last]),
    st.integers(0, 10),
    st.sampled_from([0x00, 0x7F, 0x15]),
    st.integers(0, 0x7F),
)
u32 = st.one_of(st.builds(leb, st.integers(0, 2**32 - 1), st.integers(0, 2)), raw_leb)
s32 = st.one_of(st.builds(lambda v, p: leb(v, p, True), st.integers(-(2**31), 2**31 - 1), st.integers(0, 2)), raw_leb)
s64 = st.one_of(st.builds(lambda v, p: leb(v, p, True), st.integers(-(2**63), 2**63 - 1), st.integers(0, 2)), raw_leb)
heap = st.one_of(
    st.sampled_from([bytes([b]) for b in range(0x68, 0x76)]), st.builds(leb, st.integers(0, 5000)), raw_leb
)

instruction = st.one_of(
    st.builds(lambda v: b"\x41" + v, s32),
    st.builds(lambda v: b"\x42" + v, s64),
    st.builds(lambda v: b"\x43" + v, st.binary(min_size=4, max_size=4)),
    st.builds(lambda v: b"\x44" + v, st.binary(min_size=8, max_size=8)),
    st.builds(lambda op, v: op + v, st.sampled_from([b"\x23", b"\xd2"]), u32),
    st.builds(lambda h: b"\xd0" + h, heap),
    st.sampled_from([bytes([b]) for b in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E)]),
    st.builds(lambda sub, v: b"\xfb" + sub + v, st.sampled_from([b"\x00", b"\x01", b"\x06", b"\x07"]), u32),
    st.builds(lambda a, b: b"\xfb\x08" + a + b, u32, u32),
    st.sampled_from([b"\xfb\x1a", b"\xfb\x1b", b"\xfb\x1c", b"\xfe\x72"]),
    st.builds(lambda v: b"\xfd\x0c" + v, st.binary(min_size=16, max_size=16)),
    st.binary(min_size=1, max_size=3),  # anything at all
)


def mutated(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, byte in edits:
        if out:
            out[at % len(out)] = byte
    return bytes(out)


@st.composite
def expressions(draw: st.DrawFn) -> bytes:
    body = b"".join(draw(st.lists(instruction, max_size=6))) + b"\x0b"
    edits = draw(st.lists(st.tuples(st.integers(0, 64), st.integers(0, 255)), max_size=2))
    cut = draw(st.integers(0, len(body)))
    return mutated(body, edits)[: cut if draw(st.booleans()) else None] + draw(st.binary(max_size=2))


def outcome(read: object, data: bytes, start: int = 0) -> tuple[object, ...]:
    r = Reader(data, start)
    try:
        value = read(r)  # type: ignore[operator]
    except DecodeError as exc:
        return ("error", exc.offset, exc.message)
    return ("ok", r.pos, value)


@settings(max_examples=1500, deadline=None)
@given(expressions())
def test_constant_expression_fast_path_agrees(data: bytes) -> None:
    general = outcome(skip_each_instruction, data)
    found = match_common(data, 0, len(data))
    if found is not None:
        assert general == ("ok", found.end(), None)
    after = simple_end(data, 0, len(data))
    if after >= 0:
        assert general == ("ok", after, None)
    assert outcome(skip_constant_expression, data) == general


valtype_bytes = st.one_of(
    st.sampled_from([bytes([b]) for b in [*T.NUMERIC_TYPES, *T.ABSTRACT_HEAP_TYPES, 0x78, 0x77]]),
    st.builds(lambda p, h: p + h, st.sampled_from([b"\x63", b"\x64", b"\x65"]), heap),
    st.binary(min_size=1, max_size=3),
)


@st.composite
def value_runs(draw: st.DrawFn) -> bytes:
    body = b"".join(draw(st.lists(valtype_bytes, max_size=6)))
    edits = draw(st.lists(st.tuples(st.integers(0, 32), st.integers(0, 255)), max_size=1))
    return mutated(body, edits) + draw(st.binary(max_size=3))


@settings(max_examples=1000, deadline=None)
@given(value_runs())
def test_valtype_fast_path_agrees(data: bytes) -> None:
    assert outcome(T.valtype, data) == outcome(T._valtype, data)


@settings(max_examples=1000, deadline=None)
@given(value_runs(), st.integers(0, 6))
def test_function_type_fast_path_agrees(values: bytes, split: int) -> None:
    """A function type's params and results (counts in front), read in place or by the general reader."""
    data = bytes([min(split, 127)]) + values
    data = data[:1] + data[1:] + bytes([len(values) // 3 % 128]) + values[::-1]
    general = outcome(T.functype, data)
    fast = T._plain_functype(data, 0, len(data))
    if fast is not None:
        assert general == ("ok", fast[1], fast[0])


@settings(max_examples=1000, deadline=None)
@given(value_runs(), st.lists(st.integers(0, 2), max_size=6), st.integers(0, 6))
def test_struct_fields_fast_path_agrees(values: bytes, mutability: list[int], count: int) -> None:
    """Fields read twice (the second time from the remembered encodings) equal the general reader's fields."""
    chunks = [values[i : i + 2] + bytes([m]) for i, m in zip(range(0, len(values), 2), mutability)]
    data = bytes([count]) + b"".join(chunks) + values

    def general(r: Reader) -> tuple[T.FieldType, ...]:
        return tuple(T.fieldtype(r) for _ in range(r.count()))

    expected = outcome(general, data)
    assert outcome(T.fieldtypes, data) == expected
    assert outcome(T.fieldtypes, data) == expected  # now with whatever the first call remembered


@settings(max_examples=1500, deadline=None)
@given(st.lists(u32, max_size=8), st.integers(0, 9), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 255))))
def test_function_section_fast_path_agrees(indices: list[bytes], count: int, edits: list[tuple[int, int]]) -> None:
    """A function section's entries checked in one pass, and decoded by tokens, against the u32 reader."""
    from wasmlint.decode.module import _FunctionSection, _short_lebs

    chunk = mutated(b"".join(indices), edits)
    r = Reader(chunk)
    try:
        values = [r.u32() for _ in range(count)]
        general_ok = r.pos == len(chunk)
    except DecodeError:
        general_ok = False
    if _short_lebs(chunk, count):
        assert general_ok
        section = _FunctionSection(chunk, 0, len(chunk), count, False)
        assert [section.type_index(i) for i in range(count)] == values


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from([b"\x41", b"\x42", b"\x23", b"\xd2", b"\x43", b"\x0b"]), raw_leb, st.binary(max_size=2))
def test_one_instruction_fast_path_agrees(opcode: bytes, immediate: bytes, after: bytes) -> None:
    """The initialiser almost every global has, one instruction with one immediate, read in place."""
    for data in (opcode + immediate + b"\x0b" + after, opcode + immediate + after):
        general = outcome(skip_each_instruction, data)
        end = simple_end(data, 0, len(data))
        if end >= 0:
            assert general == ("ok", end, None)
