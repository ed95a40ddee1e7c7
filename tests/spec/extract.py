#!/usr/bin/env python3
"""Extract the binary-format cases of the WebAssembly spec test suite into committed test data.

Maintenance script, run by hand; CI never runs it. It reads a copy of the public ``WebAssembly/testsuite``
repository, converts each selected ``.wast`` script with ``wasm-tools json-from-wast`` and writes:

* ``tests/spec/modules/<script-stem>/<line>.wasm`` -- the modules (identical files are stored once: an entry
  may point into another script's folder);
* ``tests/spec/expected.json`` -- one entry per case, read by ``tests/test_spec_binary.py``.

Usage (from the project root, with ``wasm-tools`` on PATH, e.g. ``. /work/venv/bin/activate``)::

    python tests/spec/extract.py [--suite PATH/TO/testsuite] [--audit]

``--suite`` defaults to ``$WASM_TESTSUITE`` or ``/work/shared/wasm-testsuite``. ``--audit`` also runs
``wasm-tools validate`` on every rejected module and prints, for each one, which section wasmparser blames,
flagging ``decoder``-scoped cases that it places inside code/element/data contents (and ``body`` cases it
places elsewhere): a hint for re-checking the hand-written classification after a suite update.

What is collected from each script:

* ``module`` / ``module_definition`` commands, and the modules of ``assert_unlinkable`` /
  ``assert_uninstantiable`` (they pass validation, so they decode) -> outcome ``valid``;
* ``assert_malformed`` whose ``module_type`` is ``binary`` -> outcome ``malformed`` (text-format ones are
  skipped: they test the text parser);
* ``assert_invalid`` with a binary module -> outcome ``invalid`` (well-formed binary, fails validation).

Every malformed case is in scope ``decoder`` unless listed in ``BODY`` below with the reason: a ``body`` case
is malformed only inside a function body or inside element/data segments, which wasmlint skips by design.
The script stops with an error when a ``BODY``/``ALSO_ACCEPTED`` key no longer matches a case (line numbers
drift when the suite changes): re-check those entries by reading the scripts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = HERE / "modules"
EXPECTED = HERE / "expected.json"

# (script path relative to the suite root). Order matters: it is the order of expected.json, and the first
# script holding a given module file owns the stored copy.
SCRIPTS = [
    # Binary format proper.
    "binary.wast",
    "binary0.wast",
    "binary-leb128.wast",
    "binary_leb128_64.wast",
    "binary-gc.wast",
    "custom.wast",
    "names.wast",
    "utf8-custom-section-id.wast",
    "utf8-import-field.wast",
    "utf8-import-module.wast",
    # utf8-invalid-encoding.wast is left out: all its cases are text-format (module quote).
    # Sections the decoder reads: imports/exports, types (GC), memories, tables, globals, tags, start.
    "imports.wast",
    "imports0.wast",
    "imports1.wast",
    "imports2.wast",
    "imports3.wast",
    "imports4.wast",
    "exports.wast",
    "exports0.wast",
    "type-rec.wast",
    "type-subtyping.wast",
    "struct.wast",
    "array.wast",
    "i31.wast",
    "global.wast",
    "simd_linking.wast",
    "memory.wast",
    "memory64.wast",
    "memory64-imports.wast",
    "memory-multi.wast",
    "table.wast",
    "table64.wast",
    "tag.wast",
    "start.wast",
    # Sections the decoder skips (element/data contents) -- valid modules must still decode.
    "data.wast",
    "elem.wast",
    "align.wast",
    # Custom sections written from annotations (name section, branch hints, arbitrary custom sections).
    "custom/name_annot.wast",
    "custom/custom_annot.wast",
    "custom/branch_hint.wast",
    # Proposals whose binary encoding the decoder claims to understand.
    "proposals/custom-page-sizes/binary.wast",
    "proposals/custom-page-sizes/custom-page-sizes.wast",
    "proposals/custom-page-sizes/custom-page-sizes-invalid.wast",
    "proposals/custom-page-sizes/memory_max.wast",
    "proposals/custom-page-sizes/memory_max_i64.wast",
    "proposals/threads/memory.wast",
    "proposals/threads/imports.wast",
]

_END = "missing `end` of a function body"
_LOCALS = "local declarations at the start of a function body"
_MEMARG = "memarg immediate of a load/store instruction in a function body"
_ELEM = "element segment contents (the element section is skipped by size)"
_DATA = "data segment contents (only the data section's count is read)"
_DATAREQ = "needs scanning function bodies for memory.init/data.drop"

# (script, line) -> (message the suite expects, why the fault lies in skipped contents)
_BINARY_BODY = {
    56: ("END opcode expected", _END + " (the next body follows inside the same code section)"),
    77: ("unexpected end of section or function", _END + " at the end of the code section"),
    93: (
        "section size mismatch",
        _END + "; the reference interpreter reads the next section's id 0x0b as `end` and then reports the "
        "code section as too long, while the framing itself is consistent",
    ),
    126: ("integer too large", "local count LEB > u32 in the " + _LOCALS),
    143: ("integer too large", "local count LEB > u32 in the " + _LOCALS),
    160: ("too many locals", "total local count > 2^32-1 in the " + _LOCALS),
    176: ("too many locals", "total local count > 2^32-1 in the " + _LOCALS),
    303: ("data count section required", "memory.init without a data count section: " + _DATAREQ),
    326: ("data count section required", "data.drop without a data count section: " + _DATAREQ),
    346: ("illegal opcode", "bad opcode in an element expression: " + _ELEM),
    374: ("malformed reference type", "non-reference element type of a passive segment: " + _ELEM),
    793: ("unexpected end", "element section declares 2 segments, holds 1: " + _ELEM),
    809: ("unexpected end", "element section declares 2 segments, holds 1.5: " + _ELEM),
    826: ("section size mismatch", "element section declares 1 segment, holds 2: " + _ELEM),
    852: ("unexpected end of section or function", "data section declares 2 segments, holds 1: " + _DATA),
    865: ("section size mismatch", "data section declares 1 segment, holds 2: " + _DATA),
    878: ("unexpected end of section or function", "data segment byte length 7, 6 bytes given: " + _DATA),
    892: ("section size mismatch", "data segment byte length 5, 6 bytes given: " + _DATA),
    923: ("unexpected end of section or function", "br_table target count in a function body"),
    1219: ("illegal opcode ff", "opcode 0xff in a function body"),
}

_LEB_BODY = {
    235: ("integer representation too long", "overlong memory index of a data segment: " + _DATA),
    246: ("integer representation too long", "overlong table index of an element segment: " + _ELEM),
    405: ("integer representation too long", "overlong offset in the " + _MEMARG),
    424: ("integer representation too long", "overlong alignment in the " + _MEMARG),
    443: ("integer representation too long", "overlong alignment in the " + _MEMARG),
    462: ("integer representation too long", "overlong offset in the " + _MEMARG),
    560: ("integer too large", "memory index of a data segment with unused bits set: " + _DATA),
    571: ("integer too large", "table index of an element segment with unused bits set: " + _ELEM),
    731: ("integer too large", "offset with unused bits set in the " + _MEMARG),
    750: ("integer too large", "offset with unused bits set in the " + _MEMARG),
    769: ("integer too large", "alignment with unused bits set in the " + _MEMARG),
    787: ("integer too large", "alignment with unused bits set in the " + _MEMARG),
    806: ("integer too large", "alignment with unused bits set in the " + _MEMARG),
    825: ("integer too large", "alignment with unused bits set in the " + _MEMARG),
    844: ("integer too large", "offset with unused bits set in the " + _MEMARG),
    863: ("integer too large", "offset with unused bits set in the " + _MEMARG),
    985: ("integer representation too long", "overlong 0xfc-prefixed opcode LEB in a function body"),
}

BODY: dict[tuple[str, int], tuple[str, str]] = {
    **{("binary.wast", line): v for line, v in _BINARY_BODY.items()},
    # The proposal's copy of binary.wast differs only at line 661 (a decoder case).
    **{("proposals/custom-page-sizes/binary.wast", line): v for line, v in _BINARY_BODY.items()},
    **{("binary-leb128.wast", line): v for line, v in _LEB_BODY.items()},
    ("binary_leb128_64.wast", 17): (
        "integer too large",
        "memarg offset 2^64 (u64 overflow) in a function body",
    ),
    ("align.wast", 968): ("malformed memop flags", "alignment flags >= 0x80 in the " + _MEMARG),
    ("align.wast", 987): ("malformed memop flags", "alignment flags > 0xff in the " + _MEMARG),
}

# (script, line) -> (message, other accepted message prefixes, note)
ALSO_ACCEPTED: dict[tuple[str, int], tuple[str, list[str], str]] = {
    ("binary.wast", 661): (
        "malformed limits flags",
        ["unexpected end"],
        "memory limits flags 0x08: malformed in core Wasm 3.0, but with the custom-page-sizes proposal "
        "(which wasmlint decodes) bit 3 announces a page size, so the module ends early instead; the "
        "proposal's copy of binary.wast uses flags 0x10 here",
    ),
}


def stem_of(script: str) -> str:
    rel = script.removeprefix("proposals/").removesuffix(".wast")
    return rel.replace("/", "__")


def convert(suite: Path, script: str, tmp: Path) -> tuple[Path, dict]:
    out = tmp / stem_of(script)
    out.mkdir(parents=True)
    subprocess.run(
        [
            "wasm-tools",
            "json-from-wast",
            str(suite / script),
            "-o",
            str(out / "out.json"),
            "--wasm-dir",
            str(out),
        ],
        check=True,
    )
    return out, json.loads((out / "out.json").read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--suite", type=Path, default=Path(os.environ.get("WASM_TESTSUITE", "/work/shared/wasm-testsuite"))
    )
    parser.add_argument("--audit", action="store_true")
    args = parser.parse_args()
    suite: Path = args.suite

    if MODULES.exists():
        shutil.rmtree(MODULES)
    MODULES.mkdir(parents=True)
    stored: dict[str, str] = {}  # sha256 -> path relative to HERE
    entries: list[dict] = []
    used_body: set[tuple[str, int]] = set()
    used_alt: set[tuple[str, int]] = set()
    audit_rows: list[tuple[dict, Path]] = []

    with tempfile.TemporaryDirectory() as tmpdir:
        for script in SCRIPTS:
            out, data = convert(suite, script, Path(tmpdir))
            names_used: set[str] = set()
            for cmd in data["commands"]:
                kind = cmd["type"]
                if cmd.get("module_type") != "binary":
                    continue
                if kind in ("module", "module_definition", "assert_unlinkable", "assert_uninstantiable"):
                    outcome = "valid"
                elif kind == "assert_malformed":
                    outcome = "malformed"
                elif kind == "assert_invalid":
                    outcome = "invalid"
                else:
                    continue
                line = cmd["line"]
                blob = (out / cmd["filename"]).read_bytes()
                digest = hashlib.sha256(blob).hexdigest()
                if digest not in stored:
                    name = f"{line}.wasm"
                    k = 1
                    while name in names_used:
                        k += 1
                        name = f"{line}-{k}.wasm"
                    names_used.add(name)
                    target = MODULES / stem_of(script) / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(blob)
                    stored[digest] = target.relative_to(HERE).as_posix()
                entry: dict = {
                    "file": stored[digest],
                    "script": script,
                    "line": line,
                    "outcome": outcome,
                    "message": cmd.get("text", ""),
                    "scope": "decoder",
                }
                if kind not in ("module", "assert_malformed", "assert_invalid"):
                    entry["command"] = kind
                key = (script, line)
                if outcome == "malformed" and key in BODY:
                    message, why = BODY[key]
                    if message != entry["message"]:
                        raise SystemExit(f"{script}:{line}: BODY expects {message!r}, suite says {entry['message']!r}")
                    entry["scope"] = "body"
                    entry["why"] = why
                    used_body.add(key)
                if outcome == "malformed" and key in ALSO_ACCEPTED:
                    message, alts, note = ALSO_ACCEPTED[key]
                    if message != entry["message"]:
                        raise SystemExit(f"{script}:{line}: ALSO_ACCEPTED expects {message!r}")
                    entry["also_accepted"] = alts
                    entry["note"] = note
                    used_alt.add(key)
                entries.append(entry)
                if args.audit and outcome == "malformed":
                    audit_rows.append((entry, HERE / entry["file"]))

    stale = (set(BODY) - used_body) | (set(ALSO_ACCEPTED) - used_alt)
    if stale:
        raise SystemExit(f"classification keys that match no malformed case (suite changed?): {sorted(stale)}")

    with EXPECTED.open("w") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(e, ensure_ascii=False) for e in entries))
        f.write("\n]\n")

    counts: dict[tuple[str, str], int] = {}
    for e in entries:
        k = (e["outcome"], e["scope"] if e["outcome"] == "malformed" else "")
        counts[k] = counts.get(k, 0) + 1
    print(
        f"{len(entries)} cases, {len(stored)} distinct modules:",
        {"/".join(filter(None, k)): v for k, v in counts.items()},
    )

    if args.audit:
        audit(audit_rows)
    return 0


# --- audit ---------------------------------------------------------------------------------------------


def _uleb(b: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, i


def _locate(b: bytes, off: int) -> str:
    """Which section (by id) and part (count or contents) holds byte ``off``, by a lenient framing walk."""
    i = 8
    while i < len(b):
        try:
            sid = b[i]
            size, start = _uleb(b, i + 1)
            _, after_count = _uleb(b, start)
        except IndexError:
            return f"framing@{i}"
        if i <= off <= start + size:
            return f"section {sid} " + ("count" if off < after_count else "contents")
        i = start + size
    return "after sections"


# Decoder-scoped faults that wasmparser reports at the end of a skipped section: they compare counts.
COUNT_CHECKS = {
    "data count and data section have inconsistent lengths",
    "function and code section have inconsistent lengths",
}


def audit(rows: list[tuple[dict, Path]]) -> None:
    for entry, path in rows:
        proc = subprocess.run(["wasm-tools", "validate", "-f", "all", str(path)], capture_output=True, text=True)
        m = re.search(r"\(at offset (0x[0-9a-f]+)\)", proc.stderr)
        where = _locate(path.read_bytes(), int(m.group(1), 16)) if m else "-"
        in_skipped = bool(re.match(r"section (9|10|11) contents", where))
        flag = ""
        if entry["scope"] == "decoder" and in_skipped and entry["message"] not in COUNT_CHECKS:
            flag = "  <-- decoder scope, but wasmparser blames skipped contents"
        elif entry["scope"] == "body" and not in_skipped and where != "-":
            flag = "  <-- body scope, but wasmparser blames elsewhere"
        print(f"{entry['script']}:{entry['line']} [{entry['scope']}] {entry['message']!r} :: {where}{flag}")


if __name__ == "__main__":
    sys.exit(main())
