"""Rendering at the speed of decoding, with the same bytes as before, and output that streams.

The listing and the JSON and SARIF formats are written by hand-built writers (``render/jsontext.py``,
``listing.module_json_text``, the SARIF results writer) instead of ``json.dumps(indent=2)``, which encodes in pure
Python. Their output is a public contract, so each writer is held here to the route it replaced, on the corpus,
on hostile names and on random JSON values; and ``inspect --format json`` must not hold a batch in memory.
"""

from __future__ import annotations

import enum
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from wasmlint import decode_bytes, decode_path
from wasmlint.cli import main
from wasmlint.lint.diagnostics import sorted_findings
from wasmlint.lint.run import run_check
from wasmlint.render import jsontext
from wasmlint.render.findings import _render_sarif, render, sarif_log
from wasmlint.render.listing import module_json_text, module_to_json

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted((ROOT / "corpus").rglob("*.wasm"))
PLUSEV = ROOT / "corpus" / "hosts" / "plusev-terminal.toml"
DART = ROOT / "corpus" / "thirdparty" / "powersync-community-sync-config-rewriter-0.1.4" / "compiled.wasm"
HOSTILE = [
    "x\"); __import__('os')",
    "line\nbreak\r\n",
    'quote " back \\ slash',
    "日本語 emoji😀 \u202e rtl \u2028 \u2029",
    "tab\there\x7f\x1b[31m\x00nul",
    "",
    "%25 :: , ;",
]


def leb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def name(text: str) -> bytes:
    data = text.encode()
    return leb(len(data)) + data


def section(section_id: int, body: bytes) -> bytes:
    return bytes([section_id]) + leb(len(body)) + body


def hostile_module() -> bytes:
    """Imports and exports named by every hostile string: functions of two types, a global and a memory."""
    types = section(1, leb(2) + b"\x60\x01\x7f\x01\x7f" + b"\x60\x02\x6f\x64\x00\x00")
    imports = [name(ns) + name(n) + b"\x00" + leb(i % 2) for i, (ns, n) in enumerate(itertools.pairwise(HOSTILE))]
    imports.append(name("env") + name("g") + b"\x03\x7e\x01")
    imports.append(name("env") + name("memory") + b"\x02\x01\x01\x02")
    exports = [name(n) + b"\x00" + leb(i) for i, n in enumerate(HOSTILE[:5])]
    return (
        b"\x00asm\x01\x00\x00\x00"
        + types
        + section(2, leb(len(imports)) + b"".join(imports))
        + section(7, leb(len(exports)) + b"".join(exports))
    )


# --- jsontext against json.dumps --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec="utf-8")),
    lambda inner: (
        st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None)
@given(json_values, st.booleans(), st.integers(0, 5))
def test_jsontext_writes_what_json_dumps_writes(value: Any, ascii_only: bool, level: int) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=ascii_only).replace("\n", "\n" + "  " * level)
    assert jsontext.dumps(value, ensure_ascii=ascii_only, level=level) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(json_values, max_size=5))
def test_array_items_make_the_array(values: list[Any]) -> None:
    text = "".join(jsontext.array_item(v, first=i == 0) for i, v in enumerate(values))
    assert text + jsontext.array_end(not values) == json.dumps(values, indent=2)


class Colour(enum.IntEnum):
    RED = 1


def test_jsontext_falls_back_to_json_for_what_it_does_not_spell() -> None:
    for value in [{1: "a", None: [True]}, {"k": Colour.RED}, [Colour.RED, 1.5], {"a": {"b": {2.5: None}}}]:
        assert jsontext.dumps(value, level=2) == json.dumps(value, indent=2).replace("\n", "\n    ")
    with pytest.raises(TypeError):
        jsontext.dumps({"x": object()})


# --- the listing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_listing_text_is_the_listing_dict_dumped(path: Path) -> None:
    module = decode_path(path)
    expected = jsontext.dumps(module_to_json(str(path), module), ensure_ascii=False, level=1)
    assert module_json_text(str(path), module) == expected
    assert expected == json.dumps(module_to_json(str(path), module), indent=2, ensure_ascii=False).replace("\n", "\n  ")


def test_listing_text_of_hostile_names_is_the_listing_dict_dumped() -> None:
    module = decode_bytes(hostile_module())
    assert len(module.imports) == len(HOSTILE) + 1 and len(module.exports) == 5
    for path in HOSTILE:
        expected = json.dumps(module_to_json(path, module), indent=2, ensure_ascii=False).replace("\n", "\n  ")
        assert module_json_text(path, module) == expected


def inspect_json(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["inspect", "--format", "json", *map(str, args)])
    return result.exit_code, result.stdout


def test_inspect_json_is_json_dumps_of_every_entry(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.wasm"
    hostile.write_bytes(hostile_module())
    broken = tmp_path / "broken.wasm"
    broken.write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x05")
    files = [*CORPUS, hostile, broken, tmp_path / "missing.wasm", ROOT / "README.md"]
    code, out = inspect_json(*files)
    assert code == 2
    entries = json.loads(out)
    assert out == json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
    assert [e["path"] for e in entries] == [str(f) for f in files]
    listed = {e["path"]: e for e in entries if "error" not in e}
    for path in [*CORPUS, hostile]:
        module = decode_path(path)
        if module.kind == "component":  # listed in WIT (render/components.py)
            from wasmlint.decode.component import decode_component_path
            from wasmlint.render.components import component_to_json

            assert listed[str(path)] == component_to_json(str(path), decode_component_path(path))
        else:
            assert listed[str(path)] == module_to_json(str(path), module)
    code, out = inspect_json(tmp_path / "missing.wasm")
    assert code == 2 and json.loads(out)[0]["error"]["offset"] is None


def peak_rss_kib(args: list[str]) -> int:
    """The peak resident set of one wasmlint process (its output discarded), from wait4's rusage of that child."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "wasmlint", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return usage.ru_maxrss


@pytest.mark.skipif(not hasattr(os, "wait4"), reason="needs wait4's rusage")
def test_inspect_json_memory_does_not_grow_with_the_number_of_files() -> None:
    """A WasmGC module with 1,230 imports listed 20 and 200 times: the same peak, within the issue's 1.5x (the
    whole listing held in memory, as before, grew by about 1 MiB per copy)."""
    few = peak_rss_kib(["inspect", "--format", "json", *[str(DART)] * 20])
    many = peak_rss_kib(["inspect", "--format", "json", *[str(DART)] * 200])
    assert many < few * 1.5, (few, many)
    assert many < few + 20 * 1024, (few, many)


# --- findings ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Findings of the corpus and a module of hostile names against a manifest that provides little, with names
    near the manifest's (WL103 and WL102 carry related locations)."""
    folder = tmp_path_factory.mktemp("hostile")
    module = folder / "hostile.wasm"
    module.write_bytes(hostile_module())
    manifest = folder / "host.toml"
    manifest.write_text(
        PLUSEV.read_text() + '\n[imports."extism:host/user"]\nws_connect = "(i64) -> i64"\nlog_recrd = "(i64) -> i64"\n'
    )
    found = run_check([*map(str, CORPUS), str(module)], manifest=str(manifest)).findings
    assert any(f.related for f in found) and len(found) > 100
    return sorted_findings(found)


@pytest.mark.parametrize("root", [None, str(ROOT), "/tmp"])
def test_sarif_is_json_dumps_of_the_sarif_log(findings: list[Any], root: str | None) -> None:
    expected = json.dumps(sarif_log(findings, tool_version="9.9", root=root), indent=2) + "\n"
    assert _render_sarif(findings, tool_version="9.9", root=root) == expected
    assert (
        render([], "sarif", tool_version="9.9")
        == json.dumps(sarif_log([], tool_version="9.9", root=None), indent=2) + "\n"
    )


def test_findings_json_is_json_dumps(findings: list[Any]) -> None:
    from wasmlint.render.findings import finding_to_dict

    assert render(findings, "json") == json.dumps([finding_to_dict(f) for f in findings], indent=2) + "\n"
    assert render([], "json") == "[]\n"
