"""Differential fuzzing: wasmlint's listing of random valid modules from ``wasm-tools smith``.

A fixed-seed batch (``WASMLINT_SMITH_COUNT`` modules, default 200, from ``WASMLINT_SMITH_SEED``) cycles through
the smith profiles of ``tests/reference.py``: plain (what wasmtime can express), gc (GC types, memory64/table64,
custom page sizes), leb (smith's --min-uleb-size and random custom sections), export-all and shared
(shared-everything threads).  Every module is compared
with ``wasm-tools print`` and, where wasmtime can express it, with wasmtime; a copy of it with over-long LEB128
in section framing, imports and exports (``reference.stretch_lebs``: smith's ``--min-uleb-size`` does not reach
those) is compared with ``wasm-tools print`` of that copy.  For longer runs:
``python scripts/fuzz_campaign.py --count N --seed S``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import reference as R

ROOT = Path(__file__).resolve().parent.parent
COUNT = int(os.environ.get("WASMLINT_SMITH_COUNT", "200"))
SEED = int(os.environ.get("WASMLINT_SMITH_SEED", "20261127"))
PROFILES = tuple(R.SMITH_PROFILES)
INDICES = range(COUNT)


def _ident(n: int) -> str:
    return f"{PROFILES[n % len(PROFILES)]}-{SEED}-{n}"


@pytest.fixture(scope="session")
def smith_results(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "wasmlint", "inspect", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode != 0:
        pytest.skip(f"wasmlint CLI not available: {proc.stderr.strip()[-300:]}")
    directory = tmp_path_factory.mktemp("smith")
    made: dict[int, Path] = {}
    for n in INDICES:
        got = R.smith_module(directory, SEED, n, PROFILES)
        if got is not None:
            made[n] = got[1]
    order = sorted(made)
    paths = [made[n] for n in order]
    wasm_tools: list[Any] = []
    for p in paths:
        try:
            wasm_tools.append(R.wasm_tools_listing(p))
        except (R.Unsupported, R.ToolError) as exc:
            wasm_tools.append(exc)
    try:
        import wasmtime  # noqa: F401
    except ImportError:
        wasmtime_results: list[Any] = [R.Unsupported("wasmtime-py is not installed")] * len(paths)
    else:
        wasmtime_results = R.wasmtime_listings(paths, [w if isinstance(w, dict) else None for w in wasm_tools])
    # The same modules with over-long LEB128 in section framing, imports and exports.
    stretched: dict[int, Path] = {}
    for n in order:
        data = R.stretch_lebs(made[n].read_bytes())
        if data is not None:
            stretched[n] = made[n].with_name(made[n].stem + "-leb.wasm")
            stretched[n].write_bytes(data)
    ours = R.wasmlint_listings_safe(paths + [stretched[n] for n in order if n in stretched])
    ours_stretched = dict(zip([n for n in order if n in stretched], ours[len(paths) :], strict=True))
    out: dict[int, dict[str, Any]] = {}
    for n, o, w, m in zip(order, ours[: len(paths)], wasm_tools, wasmtime_results, strict=True):
        out[n] = {"path": made[n], "wasmlint": o, "wasm-tools": w, "wasmtime": m}
        if n in stretched:
            try:
                long_ref: Any = R.wasm_tools_listing(stretched[n])
            except (R.Unsupported, R.ToolError) as exc:
                long_ref = exc
            out[n]["stretched"] = {
                "path": stretched[n],
                "wasmlint": ours_stretched[n],
                "wasm-tools": long_ref,
                "wasmtime": R.Unsupported("not run on stretched copies"),
            }
    return out


def _check(n: int, reference: str, results: dict[int, dict[str, Any]], stretched: bool = False) -> None:
    if n not in results:
        pytest.skip("smith declined these random bytes")
    r = results[n]
    if stretched:
        if "stretched" not in r:
            pytest.skip("the LEB stretcher does not follow this module (shared-everything encodings)")
        original = r["wasm-tools"]
        r = r["stretched"]
        if isinstance(original, dict) and isinstance(r["wasm-tools"], dict):
            sanity = R.compare_references(original, r["wasm-tools"], "original", "stretched")
            assert not sanity, "stretch_lebs changed the module's meaning:\n" + "\n".join(sanity)
    ref, ours, path = r[reference], r["wasmlint"], r["path"]
    if isinstance(ours, Exception):
        pytest.fail(f"wasmlint crashed on {path}: {ours}")
    if isinstance(ref, R.ToolError):
        pytest.fail(f"{reference} rejects the smith module {path}: {ref}")
    if isinstance(ref, R.Unsupported):
        pytest.skip(f"{reference}: {ref}")
    diffs = R.compare(ours, ref, reference)
    if diffs:
        pytest.fail(
            f"{path}: wasmlint and {reference} disagree\n"
            + "\n".join(diffs[:20])
            + f"\nrebuild it with: python scripts/fuzz_campaign.py --seed {SEED} --start {n} --count 1"
            f" --profiles {','.join(PROFILES)} --keep DIR"
            + ("  (then reference.stretch_lebs on it)" if stretched else "")
            + f"\n-- wasmlint: {json.dumps(ours)[:3000]}",
            pytrace=False,
        )


@pytest.mark.parametrize("n", INDICES, ids=_ident)
def test_smith_matches_wasm_tools(n: int, smith_results: dict[int, dict[str, Any]]) -> None:
    _check(n, "wasm-tools", smith_results)


@pytest.mark.parametrize("n", INDICES, ids=_ident)
def test_smith_matches_wasmtime(n: int, smith_results: dict[int, dict[str, Any]]) -> None:
    _check(n, "wasmtime", smith_results)


@pytest.mark.parametrize("n", INDICES, ids=_ident)
def test_smith_overlong_leb_matches_wasm_tools(n: int, smith_results: dict[int, dict[str, Any]]) -> None:
    _check(n, "wasm-tools", smith_results, stretched=True)


def test_smith_batch_is_mostly_compared(smith_results: dict[int, dict[str, Any]]) -> None:
    """Guard against a converter that quietly gives up: most modules must reach each reference."""
    if COUNT < 40:
        pytest.skip("batch too small to judge")
    made = len(smith_results)
    by_wasm_tools = sum(isinstance(r["wasm-tools"], dict) for r in smith_results.values())
    by_wasmtime = sum(isinstance(r["wasmtime"], dict) for r in smith_results.values())
    assert made >= 0.9 * COUNT, f"smith built only {made} of {COUNT} modules"
    assert by_wasm_tools == made, "wasm-tools print could not be read for some smith modules"
    if "wasmtime" in sys.modules:
        # The plain profile (a fifth of the batch) is meant for wasmtime; the others reach it sometimes.
        assert by_wasmtime >= 0.2 * made, f"wasmtime compared only {by_wasmtime} of {made}"
