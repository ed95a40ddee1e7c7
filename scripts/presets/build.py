"""Render the verified source records of the ecosystem presets into the preset data files that ship in the package.

    python scripts/presets/build.py            # write wasmlint/presets/NAME.toml for every sources/NAME.json
    python scripts/presets/build.py --check    # write nothing; exit 1 with a diff when a shipped file is stale

Each ``scripts/presets/sources/NAME.json`` (format: ``scripts/presets/README.md``) becomes ``NAME.toml``: a manifest
(``[host]``, ``[imports.NAMESPACE]``, ``[exports]``) plus a ``[preset]`` table with the versions, the marker, the
host versions, the sources and the capabilities. Every entry keeps its citation (``source``), its versions and its
``since``/``until``; keys of an entry that the manifest format does not have are kept as a comment beside it. The
output is deterministic (sorted by namespace and name, no timestamps), so that ``--check`` can compare it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = ROOT / "scripts" / "presets" / "sources"
OUTPUT = ROOT / "wasmlint" / "presets"
SCHEMA = ROOT / "wasmlint" / "schemas" / "manifest.schema.json"
ORIGINAL_PRESETS = ["wasi_snapshot_preview1", "extism", "wasi", "extism:host/env"]
"""The two original presets and their aliases: hand-written data files, not rendered here."""

VERSION_LABELS = {
    "proxy-wasm": "ABI",
    "cosmwasm": "interface version",
    "soroban": "protocol",
    "shopify-functions": "API",
    "ic": "target",
    "near": "protocol",
    "stylus": "version",
    "wasi-threads": "version",
}
"""How each preset's versions are named in messages (``proxy-wasm ABI 0.2.1``), unless the record says
``versions.label``."""

TYPE_KEYS = ("kind", "signature", "min", "max", "shared", "index", "page_size", "element", "type", "mutable")
ENTRY_KEYS = {
    "namespace": None,
    "name": None,
    "source": "source",
    "versions": "versions",
    "since": "since",
    "until": "until",
    "sdk_only": "sdk-only",
    "long_name": "long-name",
    "required": "required",
    "required_until": "required-until",
    "required_one_of": "required-one-of",
    "limits_from_import": "limits-from-import",
    "alternative_signatures": "alternatives",
}
"""Keys of a source entry and their spelling in the preset file (None: the entry's place, not a key)."""

PRESET_KEYS = {"preset", "title", "sources", "versions", "host_versions", "imports", "exports", "capabilities", "notes"}


class SourceError(Exception):
    """A source record that cannot be rendered: the file and what is wrong."""


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML also wants DEL escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(text: str) -> str:
    bare = text and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)
    return text if bare else toml_string(text)


def toml_value(value: Any) -> str:
    """A TOML value on one line: strings, booleans, integers, arrays and inline tables (keys in source order)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return (
            "{ " + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None) + " }"
        )
    raise SourceError(f"cannot write {value!r} as TOML")


def comment(text: str, prefix: str = "# ") -> list[str]:
    return [(prefix + line).rstrip() for line in str(text).splitlines() or [""]]


def entry_table(entry: dict[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An entry as the preset file's table, and its other keys (kept as a comment)."""
    table: dict[str, Any] = {}
    for key in TYPE_KEYS:
        if key in entry:
            table[key] = entry[key]
    if "source" not in entry:
        raise SourceError(f"{where}: every entry needs `source`")
    other = {}
    for key, value in entry.items():
        if key in TYPE_KEYS:
            continue
        if key in ENTRY_KEYS:
            spelled = ENTRY_KEYS[key]
            if spelled is not None:
                if key == "alternative_signatures":
                    value = [{k: v for k, v in alt.items() if k in ("signature", "since")} for alt in value]
                table[spelled] = value
        else:
            other[key] = value
    return table, other


def entry_line(name: str, table: dict[str, Any], other: dict[str, Any]) -> str:
    line = f"{toml_key(name)} = {toml_value(table)}"
    if other:
        line += "  # " + "; ".join(f"{k}: {v if isinstance(v, str) else json.dumps(v)}" for k, v in other.items())
    return line


def render(record: dict[str, Any], source_name: str) -> str:
    """The preset file for one source record."""
    name = record.get("preset")
    if not isinstance(name, str) or not name:
        raise SourceError(f"{source_name}: `preset` (the preset's name) is required")
    lines = [
        f"# Built-in preset {name}: {record.get('title', '')}".rstrip(),
        f"# Generated by scripts/presets/build.py from scripts/presets/sources/{source_name}: edit that file,",
        "# then run the script; `python scripts/presets/build.py --check` tells whether this file is current.",
        "",
        "[host]",
        f"name = {toml_string(name)}",
        "",
        "[preset]",
    ]
    if record.get("title"):
        lines.append(f"title = {toml_string(record['title'])}")
    versions = record.get("versions") or {}
    if versions.get("values"):
        lines.append(f"versions = {toml_value(versions['values'])}")
        label = versions.get("label", VERSION_LABELS.get(name, "version"))
        lines.append(f"version-label = {toml_string(label)}")
    if versions.get("marker"):
        lines.append(f"marker = {toml_string(versions['marker'])}")
    if versions.get("about"):
        lines.append(f"versions-about = {toml_string(versions['about'])}")
    hosts = record.get("host_versions") or {}
    if hosts.get("values"):
        lines.append(f"host = {toml_string(hosts.get('host', name))}")
        lines.append(f"host-versions = {toml_value(hosts['values'])}")
        if hosts.get("about"):
            lines.append(f"host-versions-about = {toml_string(hosts['about'])}")
    if record.get("notes"):
        lines.append("notes = [")
        lines.extend(f"  {toml_string(note)}," for note in record["notes"])
        lines.append("]")
    tables: list[str] = []  # the record's own keys: plain values here, tables and arrays of tables after [preset]
    for key in sorted(set(record) - PRESET_KEYS):
        spelled = toml_key(key.replace("_", "-") if key.isidentifier() else key)
        value = record[key]
        if isinstance(value, dict) and value:
            tables += ["", f"[preset.{spelled}]"]
            tables.extend(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items() if v is not None)
        elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            for item in value:
                tables += ["", f"[[preset.{spelled}]]"]
                tables.extend(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in item.items() if v is not None)
        else:
            lines.append(f"{spelled} = {toml_value(value)}")
    lines += tables
    sources = record.get("sources") or {}
    if not isinstance(sources, dict):
        raise SourceError(f"{source_name}: `sources` must be an object of key: citation")
    lines += ["", "[preset.sources]"]
    lines.extend(f"{toml_key(key)} = {toml_string(value)}" for key, value in sources.items())
    for capability in record.get("capabilities") or []:
        table = {
            "name": capability.get("capability") or str(capability.get("marker", "")).removeprefix("requires_"),
            "since": capability.get("since"),
            "source": capability.get("source"),
        }
        other = {k: v for k, v in capability.items() if k not in ("capability", "marker", "since", "source")}
        lines += ["", "[[preset.capabilities]]"]
        lines.extend(f"{key} = {toml_value(value)}" for key, value in table.items() if value is not None)
        for key, value in other.items():
            lines.extend(comment(f"{key}: {value if isinstance(value, str) else json.dumps(value)}"))
    by_namespace: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for index, entry in enumerate(record.get("imports") or []):
        where = f"{source_name}: imports[{index}]"
        if not isinstance(entry.get("namespace"), str) or not isinstance(entry.get("name"), str):
            raise SourceError(f"{where}: `namespace` and `name` are required")
        by_namespace.setdefault(entry["namespace"], {}).setdefault(entry["name"], []).append(entry)
    for namespace in sorted(by_namespace):
        lines += ["", f"[imports.{toml_key(namespace)}]"]
        for entry_name in sorted(by_namespace[namespace]):
            lines.extend(entry_lines(entry_name, by_namespace[namespace][entry_name], f"{source_name}: {namespace}"))
    exports: dict[str, list[dict[str, Any]]] = {}
    unnamed = []
    for index, entry in enumerate(record.get("exports") or []):
        if isinstance(entry.get("name"), str):
            exports.setdefault(entry["name"], []).append(entry)
        elif isinstance(entry.get("name_prefix"), str) or isinstance(entry.get("name_pattern"), str):
            unnamed.append(entry)
        else:
            raise SourceError(f"{source_name}: exports[{index}]: `name` is required")
    for entry in unnamed:
        if isinstance(entry.get("name_prefix"), str) and isinstance(entry.get("signature"), str):
            # a family of exports by prefix: the host calls each with this type (WL202 otherwise)
            family = {"prefix": entry["name_prefix"], "signature": entry["signature"], "source": entry.get("source")}
            lines += ["", "[[preset.export-families]]"]
            lines.extend(f"{key} = {toml_value(value)}" for key, value in family.items() if value is not None)
    if exports or unnamed:
        lines += ["", "[exports]"]
        for entry in unnamed:  # documented beside the named exports (manifests name exports one by one)
            family_name = entry.get("name_pattern") or entry["name_prefix"] + "*"
            rest = "; ".join(f"{k}: {v}" for k, v in entry.items() if k not in ("name_prefix", "name_pattern"))
            lines.append(f"# exports named {toml_string(family_name)}: {rest}")
        for export_name in sorted(exports):
            lines.extend(entry_lines(export_name, exports[export_name], f"{source_name}: exports"))
    return "\n".join(lines) + "\n"


def entry_lines(name: str, entries: list[dict[str, Any]], where: str) -> list[str]:
    """One name: a table, or (when its versions differ in type) an array of tables, one per set of versions."""
    rendered = [entry_table(entry, f"{where}.{name}") for entry in entries]
    if len(rendered) == 1:
        return [entry_line(name, *rendered[0])]
    lines = [f"{toml_key(name)} = ["]
    for table, other in rendered:
        if "versions" not in table:
            raise SourceError(f"{where}.{name}: listed more than once, so each listing needs `versions`")
        line = f"  {toml_value(table)},"
        if other:
            line += "  # " + "; ".join(f"{k}: {v if isinstance(v, str) else json.dumps(v)}" for k, v in other.items())
        lines.append(line)
    lines.append("]")
    return lines


def outputs(sources: Path = SOURCES) -> dict[str, str]:
    """Every preset file, by file name, rendered from the records in ``sources``."""
    rendered = {}
    for path in sorted(sources.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SourceError(f"{path.name}: {exc}") from None
        if not isinstance(record, dict):
            raise SourceError(f"{path.name}: a source record is a JSON object")
        name = record.get("preset")
        if name != path.stem:
            raise SourceError(f"{path.name}: `preset` must be the file's name, {path.stem!r}")
        rendered[f"{name}.toml"] = render(record, path.name)
    return rendered


def schema_text(current: str, rendered: dict[str, str]) -> str:
    """The manifest schema with ``[host] presets`` enumerating every spelling: the original presets and aliases,
    then each rendered preset by name and as NAME@VERSION for each of its versions."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    schema = json.loads(current)
    spellings = list(ORIGINAL_PRESETS)
    for file_name in sorted(rendered):
        name = file_name[: -len(".toml")]
        versions = tomllib.loads(rendered[file_name]).get("preset", {}).get("versions", [])
        spellings += [name, *(f"{name}@{version}" for version in versions)]
    schema["properties"]["host"]["properties"]["presets"]["items"]["enum"] = spellings
    return json.dumps(schema, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 with a diff when a file is stale")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="the directory of source records")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the directory of preset files")
    parser.add_argument("--schema", type=Path, default=SCHEMA, help="the manifest schema, whose preset names follow")
    args = parser.parse_args(argv)
    try:
        rendered = outputs(args.sources)
        targets = {args.output / name: text for name, text in rendered.items()}
        targets[args.schema] = schema_text(args.schema.read_text(encoding="utf-8"), rendered)
    except (SourceError, OSError, ValueError) as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return 2
    stale = 0
    for target, text in targets.items():
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current == text:
            continue
        if args.check:
            stale += 1
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    str(target),
                    f"{target} (rendered)",
                )
            )
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
    if stale:
        print(f"{stale} preset file(s) stale: run python scripts/presets/build.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
