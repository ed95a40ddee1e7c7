#!/usr/bin/env python3
"""A long campaign for WL509's wasm features: wasmlint against ``wasm-tools validate --features`` on smith modules.

    python scripts/feature_campaign.py --count 5000 --seed 7
    python scripts/feature_campaign.py --seed 7 --start 1234 --count 1 --keep /tmp/one   # rebuild one module
    python scripts/feature_campaign.py --preset cosmwasm --release 1.4 --count 2000       # one host release
    python scripts/feature_campaign.py --preset near --release 62 --count 2000            # a nearcore protocol
    python scripts/feature_campaign.py --preset stylus --count 3000     # or ic: that host's base and profiles

The modules and the reference are ``tests/feature_reference.py``'s (a base of what the host accepts, one smith
profile per proposal). For each module: wasmlint's verdict (any refused feature, WL509, through the library's
``Checker`` with the preset) must be the reference's. For ``soroban`` (one set for every release) that is
wasm-tools with the preset's ``wasm_features_reference`` and no instruction ``wasm-tools print`` shows that the
preset refuses more finely (``feature_reference.host_accepts_features``: Soroban's constant expressions, Stylus's
refused instructions), and for a refused module wasm-tools with the features wasmlint named added must accept it
(``--no-naming`` skips that second call). For a preset whose set changes per host release (``cosmwasm``, ``near``:
``--release``, default its newest) it is wasm-tools with that release's ``reference`` and no operator, in
``wasm-tools print``'s function bodies, of a feature the release refuses as operators. For ``stylus`` and ``ic``,
the modules are ``tests/feature_hosts.py``'s (that host's base of accepted features) and the reference is the same
as Soroban's.
Disagreements are printed and the modules kept in ``--out`` (default ``$TMPDIR/wasmlint-feature-mismatches``).
Exit status: 0 when nothing disagreed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import feature_hosts as H  # noqa: E402
import feature_reference as F  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000, help="modules to try (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="campaign seed (default 0)")
    parser.add_argument("--start", type=int, default=0, help="index of the first module (default 0)")
    parser.add_argument("--no-naming", action="store_true", help="check verdicts only")
    parser.add_argument("--keep", type=Path, help="keep every module in this directory")
    parser.add_argument(
        "--preset",
        choices=[F.PRESET, *F.RELEASE_SMITH, *H.BASES],
        default=F.PRESET,
        help=f"the host (default {F.PRESET})",
    )
    parser.add_argument("--release", help="the host release, for a preset with a set per release (default newest)")
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "wasmlint-feature-mismatches", help="mismatches"
    )
    args = parser.parse_args(argv)
    entry = None
    if args.preset == F.PRESET:
        checker = F.soroban_checker()
        reference = F.reference_features()
    elif args.preset in H.BASES:
        checker = H.checker(args.preset)
        reference = F.reference_features(args.preset)
    else:
        (info,) = F.load_presets([args.preset]).preset_info
        release = args.release or info.host_versions[-1]
        checker = F.release_checker(args.preset, release)
        entry = F.entry_for(args.preset, release)
        reference = str(entry["reference"])
        names = F.feature_names()
        print(f"{args.preset} {release}: reference {reference}; refused as operators {entry['refused_operators']}")
    counts: collections.Counter[str] = collections.Counter()
    by_profile: collections.Counter[tuple[str, str]] = collections.Counter()
    named: collections.Counter[str] = collections.Counter()
    bad = 0
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        for n in range(args.start, args.start + args.count):
            if args.preset in H.BASES:
                made = H.smith_module(directory, args.preset, args.seed, n)
            elif entry is None:
                made = F.smith_module(directory, args.seed, n)
            else:
                made = F.smith_module(directory, args.seed, n, *F.RELEASE_SMITH[args.preset])
            if made is None:
                counts["declined by smith"] += 1
                continue
            ident, path = made
            if entry is None:
                accepted, said = F.host_accepts_features(path, args.preset)
                refused = (
                    H.refused_by_wasmlint(args.preset, checker, path)
                    if args.preset in H.BASES
                    else F.refused_by_wasmlint(checker, path)
                )
            else:
                accepted, said = F.host_accepts(path, entry)
                refused = F.feature_refusals(checker, path, names)
            named.update(refused)
            verdict = "accepted" if accepted else "refused"
            by_profile[ident.split(f"-{args.seed}-")[0], verdict] += 1
            problem = None
            if accepted == bool(refused):
                problem = f"verdict: wasm-tools {verdict} ({said[-160:]}), wasmlint refused {refused}"
            elif refused and "unknown" not in refused and not args.no_naming and entry is None:
                enough, still = F.validates(path, F.with_named(reference, refused))
                counts["named enough" if enough else "named too few"] += 1
                if not enough:
                    problem = f"naming: wasmlint named {refused}; wasm-tools still refuses: {still[-160:]}"
            counts[verdict] += 1
            if problem is not None:
                bad += 1
                print(f"{ident}: {problem}")
                args.out.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, args.out / path.name)
    elapsed = time.monotonic() - began
    print(
        f"{args.count} {args.preset} modules (seed {args.seed}, from {args.start}) in {elapsed:.0f} s: {dict(counts)}"
    )
    print("by profile: " + ", ".join(f"{p} {v} {c}" for (p, v), c in sorted(by_profile.items())))
    print("features named: " + ", ".join(f"{f} {c}" for f, c in named.most_common()))
    print(f"disagreements: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
