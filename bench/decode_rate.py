#!/usr/bin/env python3
"""Decoding cost per byte of the sections wasmlint decodes, module by module: is WasmGC as cheap as the rest?

    python bench/decode_rate.py                      # the batch's modules (bench/batch.py fetches them)
    python bench/decode_rate.py --callgrind FILE...  # instruction counts too (valgrind; a few seconds per file)

Only the type, import, function, table, memory, tag, global and export sections are decoded (code, data and
element sections are passed by; custom sections other than name/producers are not read), so the rate that
compares modules fairly is time / bytes of those sections. Printed per module: those bytes, the best of many
in-process decodes (min: least disturbed by other load), ns per byte, and with ``--callgrind`` the instructions
of one decode (a process that decodes the file 5 times minus one that decodes it once, divided by 4, so start-up
and imports cancel out) per byte.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from wasmlint import decode_path  # noqa: E402
from wasmlint.decode.module import CUSTOM  # noqa: E402

DECODED = {1, 2, 3, 4, 5, 6, 7, 13}  # type, import, function, table, memory, global, export, tag
COLLECTED = re.compile(r"^==\d+== Collected\s*:\s*(\d+)\s*$", re.MULTILINE)
SECTION_NAMES = {1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export", 13: "tag"}


def decoded_bytes(path: Path) -> dict[str, int]:
    sections = decode_path(path).sections
    return {SECTION_NAMES[s.id]: s.size for s in sections if s.id != CUSTOM and s.id in DECODED}


def best_time(path: Path, budget: float = 0.3) -> float:
    decode_path(path)
    best = float("inf")
    start = time.perf_counter()
    runs = 0
    while runs < 5 or (time.perf_counter() - start < budget and runs < 2000):
        t0 = time.perf_counter()
        decode_path(path)
        best = min(best, time.perf_counter() - t0)
        runs += 1
    return best


def instructions(path: Path, times: int) -> int | None:
    code = f"from wasmlint import decode_path\nfor _ in range({times}): decode_path({os.fspath(path)!r})"
    res = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)},
    )
    found = COLLECTED.findall(res.stderr)
    return int(found[-1]) if found else None


def section_rates(files: list[Path], repeats: int = 20) -> dict[tuple[str, str], list[float]]:
    """Seconds and bytes per (module group, section), timing each known section's decoding (the best of
    ``repeats`` decodes of each file). The group is "gc" for a module with a WasmGC type (struct or array)."""
    from wasmlint.decode import module as M
    from wasmlint.model import ArrayType, StructType

    timings: dict[int, float] = {}
    original = M._ModuleDecoder.known_section

    def timed(self: Any, section_id: int, r: Any, end: int) -> None:
        t0 = time.perf_counter()
        original(self, section_id, r, end)
        timings[section_id] = min(timings.get(section_id, float("inf")), time.perf_counter() - t0)

    totals: dict[tuple[str, str], list[float]] = {}
    M._ModuleDecoder.known_section = timed  # type: ignore[method-assign]
    try:
        for path in files:
            timings.clear()
            for _ in range(repeats):
                module = decode_path(path)
            group = "gc" if any(isinstance(t, (StructType, ArrayType)) for t in _types(path)) else "other"
            for section in module.sections:
                if section.id in SECTION_NAMES and section.id in timings:
                    key = (group, SECTION_NAMES[section.id])
                    seconds, size = totals.get(key, [0.0, 0.0])
                    totals[key] = [seconds + timings[section.id], size + section.size]
    finally:
        M._ModuleDecoder.known_section = original  # type: ignore[method-assign]
    return totals


def _types(path: Path) -> list[Any]:
    from wasmlint.decode.module import _ModuleDecoder

    data = path.read_bytes()
    decoder = _ModuleDecoder(data, False)
    decoder.decode()
    return list(decoder.types)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--callgrind", action="store_true", help="count instructions too (needs valgrind)")
    parser.add_argument("--top", type=int, default=15, help="rows to print, slowest per byte first (default 15)")
    args = parser.parse_args(argv)
    files = args.files
    if not files:
        import batch

        if batch.main(["--quiet"]) != 0:
            return 1
        files = batch.files()
    if args.callgrind and shutil.which("valgrind") is None:
        raise SystemExit("--callgrind needs valgrind on PATH")
    rows = []
    for path in files:
        sizes = decoded_bytes(path)
        total = sum(sizes.values()) or 1
        seconds = best_time(path)
        ins = None
        if args.callgrind:
            once, five = instructions(path, 1), instructions(path, 5)
            ins = (five - once) / 4 if once and five else None
        rows.append((seconds / total * 1e9, path, total, seconds, ins, sizes))
    rows.sort(key=lambda row: -row[0])
    all_bytes = sum(r[2] for r in rows)
    all_time = sum(r[3] for r in rows)
    print(
        f"{len(rows)} modules: {all_bytes:,} bytes of decoded sections, {all_time * 1e3:.1f} ms in all "
        f"({all_time / all_bytes * 1e9:.0f} ns/byte overall)"
    )
    print(f"{'ns/byte':>8} {'ins/byte':>8} {'decoded B':>10} {'best':>9}  module (largest sections)")
    for rate, path, total, seconds, ins, sizes in rows[: args.top]:
        biggest = ", ".join(f"{k} {v:,}" for k, v in sorted(sizes.items(), key=lambda kv: -kv[1])[:3])
        shown = f"{ins / total:8.0f}" if ins else f"{'-':>8}"
        print(f"{rate:8.0f} {shown} {total:>10,} {seconds * 1e3:7.2f}ms  {path.name} ({biggest})")
    rates = sorted(r[0] for r in rows)
    print(f"median {rates[len(rates) // 2]:.0f} ns/byte; slowest {rates[-1]:.0f}; fastest {rates[0]:.0f}")
    print("\nBy section (best of 20 decodes per file, summed): ns per byte; gc = modules with WasmGC types")
    for (group, name), (seconds, size) in sorted(section_rates(files).items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"  {name:>8} {group:>5}: {seconds / size * 1e9:6.0f} ns/byte over {size:>9,.0f} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
