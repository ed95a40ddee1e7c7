#!/usr/bin/env python3
"""A long differential-fuzzing campaign: wasmlint's listing of wasm-tools smith modules against references.

    python scripts/fuzz_campaign.py --count 5000 --seed 7
    python scripts/fuzz_campaign.py --count 2000 --seed 7 --profiles plain,gc,leb,export-all,compact --objdump
    python scripts/fuzz_campaign.py --seed 7 --start 1234 --count 1 --keep /tmp/one   # rebuild one module

Module ``n`` of seed ``S`` is built from its own random bytes (``random.Random(f"{S}:{n}")``), so any module
can be rebuilt alone with ``--start n --count 1``.  Every module is compared with ``wasm-tools print`` and,
where they can express it, wasmtime (and WABT's ``wasm-objdump`` with ``--objdump``).  Mismatches are printed
and saved, with the module and every listing, to ``--out`` (default ``$TMPDIR/wasmlint-fuzz-mismatches``).
``--refs-only`` compares the references with each other and leaves wasmlint out (to find converter bugs).
Each module is also re-encoded with over-long LEB128 (``reference.stretch_lebs``) and that copy compared with
``wasm-tools print`` of it (``--no-stretch`` to skip).

Exit status: 0 when nothing disagreed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import reference as R  # noqa: E402


def _reason(exc: Exception) -> str:
    text = str(exc)
    if text.startswith("wasm-objdump: "):  # drop the offset WABT leads with
        text = "wasm-objdump: " + text.split(": ", 2)[-1]
    return f"{type(exc).__name__}: {text[:90]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="modules to try (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="campaign seed (default 0)")
    parser.add_argument("--start", type=int, default=0, help="index of the first module (default 0)")
    parser.add_argument(
        "--profiles",
        default=",".join(R.SMITH_PROFILES),
        help=f"smith profiles to cycle through (default {','.join(R.SMITH_PROFILES)}; "
        f"also: {','.join(R.OPTIONAL_SMITH_PROFILES)})",
    )
    parser.add_argument("--batch", type=int, default=200, help="modules per round (default 200)")
    parser.add_argument("--objdump", action="store_true", help="also compare with wasm-objdump -x")
    parser.add_argument("--no-stretch", action="store_true", help="skip the over-long LEB128 copies")
    parser.add_argument("--refs-only", action="store_true", help="compare the references with each other only")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "wasmlint-fuzz-mismatches",
        help="where mismatches are saved (default: wasmlint-fuzz-mismatches in the temporary directory)",
    )
    parser.add_argument("--keep", type=Path, help="keep every generated module in this directory")
    parser.add_argument("--max-shown", type=int, default=8, help="diff lines shown per mismatch (default 8)")
    args = parser.parse_args(argv)

    profiles = tuple(args.profiles.split(","))
    unknown = [p for p in profiles if p not in R.SMITH_PROFILES and p not in R.OPTIONAL_SMITH_PROFILES]
    if unknown:
        parser.error(f"unknown profiles {unknown}")
    refs = ["wasm-tools", "wasmtime"] + (["objdump"] if args.objdump else [])
    shown = [*refs, "wasm-tools (over-long LEB copy)"]

    tried = declined = 0
    compared: collections.Counter[str] = collections.Counter()
    skipped: dict[str, collections.Counter[str]] = {r: collections.Counter() for r in shown}
    mismatches: list[tuple[str, str, list[str]]] = []
    per_profile: collections.Counter[str] = collections.Counter()
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="wasmlint-fuzz-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for first in range(args.start, args.start + args.count, args.batch):
            n_here = min(args.batch, args.start + args.count - first)
            batch = R.smith_batch(workdir, n_here, args.seed, profiles, start=first)
            tried += n_here
            declined += n_here - len(batch)
            if not batch:
                continue
            paths = [p for _, p in batch]
            listings: dict[str, list[Any]] = {"wasm-tools": []}
            for p in paths:
                try:
                    listings["wasm-tools"].append(R.wasm_tools_listing(p))
                except (R.Unsupported, R.ToolError) as exc:
                    listings["wasm-tools"].append(exc)
            prescans = [w if isinstance(w, dict) else None for w in listings["wasm-tools"]]
            listings["wasmtime"] = list(R.wasmtime_listings(paths, prescans))
            if args.objdump:
                listings["objdump"] = []
                for p in paths:
                    try:
                        listings["objdump"].append(R.objdump_listing(p))
                    except (R.Unsupported, R.ToolError) as exc:
                        listings["objdump"].append(exc)
            # Over-long LEB128 copies (section framing, imports, exports), checked against wasm-tools on the copy.
            stretched: dict[int, Path] = {}
            if not args.no_stretch:
                for i, p in enumerate(paths):
                    data = R.stretch_lebs(p.read_bytes())
                    if data is not None:
                        stretched[i] = p.with_name(p.stem + "-leb.wasm")
                        stretched[i].write_bytes(data)
            long_refs: dict[int, Any] = {}
            for i, p in stretched.items():
                try:
                    long_refs[i] = R.wasm_tools_listing(p)
                except (R.Unsupported, R.ToolError) as exc:
                    long_refs[i] = exc
            ours: list[Any] = []
            ours_long: dict[int, Any] = {}
            if not args.refs_only:
                everything = R.wasmlint_listings_safe(paths + list(stretched.values()))
                ours = everything[: len(paths)]
                ours_long = dict(zip(stretched, everything[len(paths) :], strict=True))

            for i, (ident, path) in enumerate(batch):
                per_profile[ident.rsplit("-", 2)[0]] += 1
                problems: list[tuple[str, list[str]]] = []
                base = listings["wasm-tools"][i]
                for ref in refs:
                    theirs = listings[ref][i]
                    if isinstance(theirs, Exception):
                        skipped[ref][_reason(theirs)] += 1
                        if ref == "wasm-tools":
                            problems.append((ref, [f"wasm-tools cannot list a smith module: {theirs}"]))
                        continue
                    if args.refs_only:
                        if ref == "wasm-tools":
                            continue
                        diffs = R.compare_references(base, theirs, "wasm-tools", ref)
                    else:
                        mine = ours[i]
                        if isinstance(mine, Exception):
                            diffs = [f"wasmlint crashed: {mine}"]
                        else:
                            diffs = R.compare(mine, theirs, ref)
                    compared[ref] += 1
                    if diffs:
                        problems.append((ref, diffs))
                if i in stretched:
                    long_ref = long_refs[i]
                    if isinstance(long_ref, Exception) or isinstance(base, Exception):
                        skipped["wasm-tools (over-long LEB copy)"][_reason(long_ref)] += 1
                    else:
                        diffs = R.compare_references(base, long_ref, "original", "over-long LEB copy")
                        compared["wasm-tools (over-long LEB copy)"] += 1
                        if diffs:  # a bug of stretch_lebs, not of wasmlint
                            problems.append(("stretch_lebs", diffs))
                        elif not args.refs_only:
                            mine = ours_long[i]
                            diffs = (
                                [f"wasmlint crashed: {mine}"]
                                if isinstance(mine, Exception)
                                else R.compare(mine, long_ref, "wasm-tools")
                            )
                            if diffs:
                                problems.append(("wasm-tools (over-long LEB copy)", diffs))
                for ref, diffs in problems:
                    mismatches.append((ident, ref, diffs))
                    print(f"MISMATCH {ident} vs {ref}:", flush=True)
                    for line in diffs[: args.max_shown]:
                        print(f"    {line}")
                    if len(diffs) > args.max_shown:
                        print(f"    ... {len(diffs) - args.max_shown} more")
                if problems:
                    args.out.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, args.out / path.name)
                    if i in stretched:
                        shutil.copy(stretched[i], args.out / stretched[i].name)
                    record = {
                        "id": ident,
                        "rebuild": f"python scripts/fuzz_campaign.py --seed {args.seed} --start "
                        f"{ident.rsplit('-', 1)[1]} --count 1 --profiles {','.join(profiles)} --keep DIR",
                        "diffs": {ref: diffs for ref, diffs in problems},
                        "wasmlint": None if args.refs_only else _jsonable(ours[i]),
                        **{ref: _jsonable(listings[ref][i]) for ref in refs},
                        "over-long LEB copy": {
                            "wasmlint": _jsonable(ours_long.get(i)),
                            "wasm-tools": _jsonable(long_refs.get(i)),
                        },
                    }
                    (args.out / f"{ident}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))
            print(
                f"[{time.monotonic() - started:6.1f}s] {tried} tried, {len(mismatches)} mismatches",
                file=sys.stderr,
                flush=True,
            )

    built = tried - declined
    print()
    print(f"seed {args.seed}, modules {args.start}..{args.start + args.count - 1}, profiles {','.join(profiles)}")
    print(f"tried {tried}, smith declined {declined}, built {built} ({dict(per_profile)})")
    for ref in shown:
        print(f"compared with {ref}: {compared[ref]}" + (f" of {built}" if built else ""))
        for reason, n in skipped[ref].most_common(8):
            print(f"    not compared ({n}): {reason}")
    print(f"mismatches: {len(mismatches)} ({len({m[0] for m in mismatches})} modules)")
    for ident, ref, diffs in mismatches:
        print(f"  {ident} vs {ref}: {diffs[0]}")
    if mismatches:
        print(f"saved to {args.out}")
    print(f"time {time.monotonic() - started:.1f}s")
    return 1 if mismatches else 0


def _jsonable(value: Any) -> Any:
    return {"exception": f"{type(value).__name__}: {value}"} if isinstance(value, Exception) else value


if __name__ == "__main__":
    sys.exit(main())
