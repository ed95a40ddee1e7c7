"""wasmlint's import/export listing against independent tools, on every module of the corpus.

The references (see ``tests/reference.py``): wasmtime where it can express the module's types, ``wasm-tools
print`` always, ``wasm-objdump`` where WABT reads the module.  The converters are themselves checked on two
modules whose listing is written out by hand, and against each other on the corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import reference as R

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
REFERENCES = ("wasm-tools", "wasmtime", "objdump")


def corpus_files() -> list[Path]:
    """The corpus's core modules (its components are compared with `wasm-tools component wit` by
    tests/test_components.py; these references list core modules only)."""
    return sorted(p for p in CORPUS.rglob("*.wasm") if p.is_file() and not p.name.endswith(".component.wasm"))


def corpus_id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _listing(name: str, path: Path, prescan: Any = None) -> Any:
    """A reference listing, or the exception that says why there is none."""
    try:
        if name == "wasm-tools":
            return R.wasm_tools_listing(path)
        if name == "wasmtime":
            return R.wasmtime_listing(path, prescan if isinstance(prescan, dict) else None)
        return R.objdump_listing(path)
    except (R.Unsupported, R.ToolError) as exc:
        return exc


@pytest.fixture(scope="session")
def corpus_references() -> dict[Path, dict[str, Any]]:
    files = corpus_files()
    out: dict[Path, dict[str, Any]] = {p: {"wasm-tools": _listing("wasm-tools", p)} for p in files}
    try:
        import wasmtime  # noqa: F401
    except ImportError:
        for p in files:
            out[p]["wasmtime"] = R.Unsupported("wasmtime-py is not installed")
    else:
        prescans = [out[p]["wasm-tools"] if isinstance(out[p]["wasm-tools"], dict) else None for p in files]
        for p, listing in zip(files, R.wasmtime_listings(files, prescans), strict=True):
            out[p]["wasmtime"] = listing
    for p in files:
        out[p]["objdump"] = _listing("objdump", p)
    return out


def _wasmlint_available() -> str | None:
    proc = subprocess.run(
        [sys.executable, "-m", "wasmlint", "inspect", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    return None if proc.returncode == 0 else (proc.stderr.strip().splitlines() or ["wasmlint CLI missing"])[-1]


@pytest.fixture(scope="session")
def corpus_wasmlint() -> dict[Path, Any]:
    missing = _wasmlint_available()
    if missing:
        pytest.skip(f"wasmlint CLI not available: {missing}")
    files = corpus_files()
    return dict(zip(files, R.wasmlint_listings_safe(files), strict=True))


def _show(listing: Any) -> str:
    if isinstance(listing, Exception):
        return f"{type(listing).__name__}: {listing}"
    return "\n".join(f"  {side[:6]} {json.dumps(entry)}" for side in ("imports", "exports") for entry in listing[side])


# --------------------------------------------------------------------------------------------------------
# wasmlint against each reference, for every corpus module


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_listing_matches_reference(
    path: Path, reference: str, corpus_references: dict[Path, dict[str, Any]], corpus_wasmlint: dict[Path, Any]
) -> None:
    ref = corpus_references[path][reference]
    ours = corpus_wasmlint[path]
    if isinstance(ours, Exception):
        pytest.fail(f"wasmlint crashed on {path}: {ours}")
    if isinstance(ref, R.ToolError):
        # The reference cannot parse the binary: wasmlint must not list it either.
        assert "error" in ours, f"{reference} rejects {path} ({ref}) but wasmlint lists it"
        return
    if isinstance(ref, R.Unsupported):
        pytest.skip(f"{reference}: {ref}")
    diffs = R.compare(ours, ref, reference)
    assert not diffs, (
        f"{path}: wasmlint and {reference} disagree:\n"
        + "\n".join(diffs)
        + f"\n-- wasmlint\n{_show(ours) if 'error' not in ours else ours['error']}\n-- {reference}\n{_show(ref)}"
    )


# --------------------------------------------------------------------------------------------------------
# The converters against each other (no wasmlint involved)


@pytest.mark.parametrize("path", corpus_files(), ids=corpus_id)
def test_corpus_references_agree(path: Path, corpus_references: dict[Path, dict[str, Any]]) -> None:
    refs = corpus_references[path]
    base = refs["wasm-tools"]
    if isinstance(base, Exception):
        pytest.skip(f"wasm-tools: {base}")
    compared = []
    for name in ("wasmtime", "objdump"):
        other = refs[name]
        if isinstance(other, Exception):
            continue
        compared.append(name)
        diffs = R.compare_references(base, other, "wasm-tools", name)
        assert not diffs, f"{path}: wasm-tools and {name} disagree:\n" + "\n".join(diffs)
    if not compared:
        pytest.skip("only wasm-tools reads this module")


# --------------------------------------------------------------------------------------------------------
# The converters against listings written out by hand

PORTABLE_WAT = r"""
(module
  (type $sig (func (param i32 i64 f32 f64) (result i32 i64)))
  (import "env" "f" (func $f (type $sig)))
  (import "env" "refs" (func (param externref funcref) (result externref)))
  (import "env" "mem" (memory 1 2))
  (import "env" "shm" (memory 2 10 shared))
  (import "env" "tiny" (memory 0 65536 (pagesize 1)))
  (import "env" "tbl" (table 1 100 funcref))
  (import "env" "g" (global (mut i32)))
  (import "env" "gv" (global v128))
  (import "env" "gref" (global (ref null extern)))
  (import "env" "nnf" (global (ref func)))
  (import "wasi:io/error" "exn \"quoted\" \u{e9}" (tag (param i32 i64)))
  (memory (export "memory") 3)
  (table (export "table") 2 externref)
  (global (export "counter") (mut i64) (i64.const 0))
  (tag (export "oops") (param f64))
  (func (export "run") (param v128) (result f32) (f32.const 0))
  (export "f_again" (func $f))
  (export "mem_again" (memory 0))
)
"""


def _imp(module: str, name: str, kind: str, t: dict[str, Any]) -> dict[str, Any]:
    return {"module": module, "name": name, "kind": kind, "type": t}


def _exp(name: str, kind: str, t: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "kind": kind, "type": t}


_SIG = {"params": ["i32", "i64", "f32", "f64"], "results": ["i32", "i64"]}
_MEM = {"min": 1, "max": 2, "shared": False, "index": "i32"}
PORTABLE_EXPECTED = {
    "kind": "module",
    "imports": [
        _imp("env", "f", "func", _SIG),
        _imp("env", "refs", "func", {"params": ["externref", "funcref"], "results": ["externref"]}),
        _imp("env", "mem", "memory", _MEM),
        _imp("env", "shm", "memory", {"min": 2, "max": 10, "shared": True, "index": "i32"}),
        _imp("env", "tiny", "memory", {"min": 0, "max": 65536, "shared": False, "index": "i32", "page_size": 1}),
        _imp("env", "tbl", "table", {"element": "funcref", "min": 1, "max": 100, "index": "i32"}),
        _imp("env", "g", "global", {"value": "i32", "mutable": True}),
        _imp("env", "gv", "global", {"value": "v128", "mutable": False}),
        _imp("env", "gref", "global", {"value": "externref", "mutable": False}),
        _imp("env", "nnf", "global", {"value": "(ref func)", "mutable": False}),
        _imp("wasi:io/error", 'exn "quoted" \u00e9', "tag", {"params": ["i32", "i64"], "results": []}),
    ],
    "exports": [
        _exp("memory", "memory", {"min": 3, "max": None, "shared": False, "index": "i32"}),
        _exp("table", "table", {"element": "externref", "min": 2, "max": None, "index": "i32"}),
        _exp("counter", "global", {"value": "i64", "mutable": True}),
        _exp("oops", "tag", {"params": ["f64"], "results": []}),
        _exp("run", "func", {"params": ["v128"], "results": ["f32"]}),
        _exp("f_again", "func", _SIG),
        _exp("mem_again", "memory", _MEM),
    ],
}

GC_WAT = r"""
(module
  (rec (type $node (sub (struct (field (mut (ref null $node))))))
       (type $fn (func (param (ref $node)) (result (ref null $node)))))
  (type $arr (array (mut i8)))
  (import "gc" "make" (func (type $fn)))
  (import "gc" "any" (global (ref null any)))
  (import "gc" "i31" (global (mut (ref i31))))
  (import "gc" "arrs" (table 1 (ref null $arr)))
  (import "gc" "t64" (table i64 4 8 funcref))
  (import "gc" "m64" (memory i64 1 (pagesize 1)))
  (import "gc" "exn" (global exnref))
  (import "gc" "bottoms"
    (func (param nullref nullfuncref nullexternref nullexnref eqref structref arrayref i31ref)
          (result (ref none) (ref null 2))))
  (func (export "id") (type $fn) local.get 0)
  (export "t64" (table 1))
  (export "arrs" (table 0))
)
"""

_FN = {"params": ["(ref 0)"], "results": ["(ref null 0)"]}
_T64 = {"element": "funcref", "min": 4, "max": 8, "index": "i64"}
_ARRS = {"element": "(ref null 2)", "min": 1, "max": None, "index": "i32"}
GC_EXPECTED = {
    "kind": "module",
    "imports": [
        _imp("gc", "make", "func", _FN),
        _imp("gc", "any", "global", {"value": "anyref", "mutable": False}),
        _imp("gc", "i31", "global", {"value": "(ref i31)", "mutable": True}),
        _imp("gc", "arrs", "table", _ARRS),
        _imp("gc", "t64", "table", _T64),
        _imp("gc", "m64", "memory", {"min": 1, "max": None, "shared": False, "index": "i64", "page_size": 1}),
        _imp("gc", "exn", "global", {"value": "exnref", "mutable": False}),
        _imp(
            "gc",
            "bottoms",
            "func",
            {
                "params": [
                    "nullref",
                    "nullfuncref",
                    "nullexternref",
                    "nullexnref",
                    "eqref",
                    "structref",
                    "arrayref",
                    "i31ref",
                ],
                "results": ["(ref none)", "(ref null 2)"],
            },
        ),
    ],
    "exports": [
        _exp("id", "func", _FN),
        _exp("t64", "table", _T64),
        _exp("arrs", "table", _ARRS),
    ],
}

SHARED_WAT = r"""
(module
  (type $sf (shared (func (param i32) (result i64))))
  (import "env" "sg" (global (shared mut i32)))
  (import "env" "st" (table shared 1 4 (ref null (shared func))))
  (import "env" "sf" (func (type $sf)))
  (import "env" "sm" (memory 1 2 shared))
  (global (export "i31") (ref (shared i31)) (ref.i31_shared (i32.const 7)))
  (global (export "sx") (shared mut i64) (i64.const 0))
  (export "st" (table 0))
)
"""

_ST = {"element": "(ref null (shared func))", "min": 1, "max": 4, "index": "i32", "shared": True}
SHARED_EXPECTED = {
    "kind": "module",
    "imports": [
        _imp("env", "sg", "global", {"value": "i32", "mutable": True, "shared": True}),
        _imp("env", "st", "table", _ST),
        _imp("env", "sf", "func", {"params": ["i32"], "results": ["i64"]}),
        _imp("env", "sm", "memory", {"min": 1, "max": 2, "shared": True, "index": "i32"}),
    ],
    "exports": [
        _exp("i31", "global", {"value": "(ref (shared i31))", "mutable": False}),
        _exp("sx", "global", {"value": "i64", "mutable": True, "shared": True}),
        _exp("st", "table", _ST),
    ],
}

HAND_WRITTEN = {
    "portable": (PORTABLE_WAT, PORTABLE_EXPECTED),
    "gc": (GC_WAT, GC_EXPECTED),
    "shared": (SHARED_WAT, SHARED_EXPECTED),
}
# What each converter must manage on each hand-written module (otherwise it must say Unsupported).
EXPRESSIBLE = {
    ("portable", "wasm-tools"): True,
    ("portable", "wasmtime"): True,
    ("gc", "wasm-tools"): True,
    ("gc", "wasmtime"): False,  # concrete reference types and a 64-bit table
    ("shared", "wasm-tools"): True,
    ("shared", "wasmtime"): False,  # no shared-everything threads in wasmtime 50
}


@pytest.fixture(scope="module")
def hand_written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    directory = tmp_path_factory.mktemp("hand-written")
    for name, (wat, _) in HAND_WRITTEN.items():
        src = directory / f"{name}.wat"
        src.write_text(wat)
        out[name] = directory / f"{name}.wasm"
        subprocess.run([R.tool("wasm-tools"), "parse", str(src), "-o", str(out[name])], check=True)
    return out


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("module", sorted(HAND_WRITTEN))
def test_converter_on_hand_written_module(module: str, reference: str, hand_written: dict[str, Path]) -> None:
    if reference == "wasmtime":
        pytest.importorskip("wasmtime")
    expected = HAND_WRITTEN[module][1]
    got = _listing(reference, hand_written[module])
    must = EXPRESSIBLE.get((module, reference))
    if isinstance(got, Exception):
        assert must is not True, f"{reference} cannot list {module}: {got}"
        return
    assert must is not False, f"{reference} lists {module}, which it was expected not to express"
    diffs = R.compare_references(expected, got, "hand-written", reference)
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("module", sorted(HAND_WRITTEN))
def test_wasmlint_on_hand_written_module(module: str, hand_written: dict[str, Path]) -> None:
    if _wasmlint_available():
        pytest.skip("wasmlint CLI not available")
    (ours,) = R.wasmlint_listings([hand_written[module]])
    diffs = R.compare(ours, HAND_WRITTEN[module][1], "hand-written")
    assert not diffs, f"{module}.wat:\n" + "\n".join(diffs)


def test_wasmtime_reads_value_types_without_aborting(hand_written: dict[str, Path]) -> None:
    """v128 and GC abstract types come through wasmtime_valtype_new: no abort, and concrete types refused."""
    pytest.importorskip("wasmtime")
    results = R.wasmtime_listings([hand_written["portable"], hand_written["gc"]])
    assert isinstance(results[0], dict)
    assert isinstance(results[1], R.Unsupported)
    assert "concrete" in str(results[1]) or "64-bit" in str(results[1])
