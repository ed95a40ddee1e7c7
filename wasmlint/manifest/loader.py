"""Read and validate a manifest file: TOML in, :class:`~wasmlint.manifest.Manifest` out.

Every fault is a :class:`~wasmlint.manifest.ManifestError` with the file and line, never a traceback; ``extends``
is followed and presets (data files in ``presets/``) are expanded here.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from typing import Any

from ..model import DEFAULT_PAGE_SIZE, EXTERN_KINDS, ExternType, GlobalType, MemoryType, TableType, TagType
from ..record import Record
from .presetinfo import PresetInfo
from .signature import NUMERIC, SignatureError, parse_signature, parse_valtype
from .tomlpos import key_lines, line_of
from .values import (
    ANY_SIGNATURE,
    PRESET_ALIASES,
    PRESET_DIR,
    PRESETS,
    RUN_PHASE,
    ExportSpec,
    LintSettings,
    Manifest,
    ManifestError,
    Phase,
    Provided,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CODE_PATTERN = re.compile(r"^(ALL|WL[0-9]{0,3})$")

TOP_KEYS = {"host", "imports", "exports", "phases", "lint"}
PRESET_TOP_KEYS = TOP_KEYS | {"preset"}
HOST_KEYS = {"name", "presets", "extends", "description", "versions", "world", "wit"}
IMPORT_KEYS = {
    "kind",
    "pattern",
    "signature",
    "deprecated",
    "forbidden",
    "min",
    "max",
    "shared",
    "index",
    "page_size",
    "element",
    "type",
    "mutable",
    "since",
    "until",
}
EXPORT_KEYS = {"kind", "signature", "required", "type", "mutable", "since", "until"}
PRESET_ENTRY_KEYS = {"source", "versions", "sdk-only", "long-name", "limits-from-import"}
PRESET_EXPORT_KEYS = {"source", "versions", "sdk-only", "required-until", "required-one-of", "alternatives"}
"""Keys that only a preset's own entries have (a manifest copied from ``wasmlint presets`` shows them as comments)."""
PHASE_KEYS = {"provides", "missing", "description"}
LINT_KEYS = {"select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore"}
"""``exclude``, ``extend-exclude`` and ``respect-gitignore`` say which files a folder yields; ``batch/discover.py``
reads them, from a ``wasmlint.toml``'s own ``[lint]`` (validated here too, so that ``check`` names the line)."""


class Document(Record, frozen=False):
    path: str
    text: str
    data: dict[str, Any]
    _lines: dict[tuple[str, ...], int] | None = None

    def line(self, keys: tuple[str, ...]) -> int | None:
        """The line defining ``keys``; the document is indexed once, on the first question."""
        if self._lines is None:
            self._lines = key_lines(self.text)
        return line_of(self._lines, keys)

    def fail(self, keys: tuple[str, ...], message: str) -> ManifestError:
        return ManifestError(self.path, self.line(keys), message)


class Loader:
    """Reads and validates manifests; ``sources`` lists every file it read, as (absolute path, text)."""

    def __init__(self) -> None:
        self.sources: list[tuple[str, str]] = []

    def load(self, path: str, chain: tuple[str, ...]) -> Manifest:
        doc = self.read(path)
        resolved = os.path.realpath(path)
        if resolved in chain:
            raise doc.fail(("host", "extends"), "`extends` forms a cycle: " + " -> ".join(map(str, chain)))
        self.check_keys(doc, (), doc.data, TOP_KEYS, "top-level table")
        host = self.table(doc, ("host",))
        self.check_keys(doc, ("host",), host, HOST_KEYS, "[host]")
        base: Manifest | None = None
        extends = host.get("extends")
        if extends is not None:
            if not isinstance(extends, str):
                raise doc.fail(("host", "extends"), "`extends` must be the path of another manifest, as a string")
            base_path = os.path.join(os.path.dirname(path), extends)
            if not os.path.isfile(base_path):
                raise doc.fail(("host", "extends"), f"`extends` names {extends!r}, which is not a file")
            base = self.load(base_path, (*chain, resolved))
        name = host.get("name", base.host if base else os.path.splitext(os.path.basename(path))[0])
        if not isinstance(name, str):
            raise doc.fail(("host", "name"), "`name` must be a string")
        host_versions = self.host_versions(doc, host)
        presets = self.presets(doc, host)
        provided: dict[tuple[str, str, tuple[str, ...] | None], Provided] = {}
        exports: dict[tuple[str, tuple[str, ...] | None], ExportSpec] = (
            {(e.name, e.versions): e for e in base.exports} if base else {}
        )
        infos = {info.name: info for info in base.preset_info} if base else {}
        pins = dict(base.preset_pins) if base else {}
        if base is not None:
            provided.update(((p.namespace, p.name, p.versions), p) for p in base.provided)
        line = doc.line(("host", "presets"))
        for spec in presets:
            from .preset_loader import preset_bundle

            bundle = preset_bundle(self, spec, doc.path, line)
            taken = {(ns, n) for ns, n, _ in provided}
            for entry in bundle.provided:
                if (entry.namespace, entry.name) not in taken:
                    provided[(entry.namespace, entry.name, entry.versions)] = entry
            taken_exports = {n for n, _ in exports}
            for spec_export in bundle.exports:
                if spec_export.name not in taken_exports:
                    exports[(spec_export.name, spec_export.versions)] = spec_export
            if bundle.info is not None:
                infos.setdefault(bundle.info.name, bundle.info)
            if bundle.pin is not None:
                pins[bundle.name] = bundle.pin
        own = self.imports(doc)
        for entry in own:
            for key in [key for key in provided if key[:2] == (entry.namespace, entry.name)]:
                del provided[key]
        for entry in own:
            provided[(entry.namespace, entry.name, None)] = entry
        own_exports = self.exports(doc)
        for spec_export in own_exports:
            group = None
            for export_key in [export_key for export_key in exports if export_key[0] == spec_export.name]:
                group = group or exports.pop(export_key).one_of
            if group is not None:  # a re-declared member of a preset's group stays in the group
                from ..record import replace

                spec_export = replace(spec_export, one_of=group)
            exports[(spec_export.name, None)] = spec_export
        if host_versions is None:
            host_versions = base.host_versions if base else ()
            label = base.host_label if base else ""
        else:
            label = name
        if not host_versions and not label:
            adopted = next((info for info in infos.values() if info.host_versions), None)
            if adopted is not None:
                host_versions, label = adopted.host_versions, adopted.host or adopted.name
        self.check_axis(doc, [*own, *own_exports], host_versions)
        phases = {p.name: p for p in base.phases} if base else {}
        world, wit, world_line = self.world(doc, host, path, base)
        keys = {entry.key for entry in provided.values()}
        phases.update((p.name, p) for p in self.phases(doc, keys, world_declared=world is not None))
        lint = self.lint(doc) or (base.lint if base else LintSettings())
        return Manifest(
            path=doc.path,
            host=name,
            presets=tuple(dict.fromkeys((*(base.presets if base else ()), *(p.split("@")[0] for p in presets)))),
            provided=tuple(provided.values()),
            exports=tuple(exports.values()),
            phases=tuple(phases.values()),
            lint=lint,
            host_versions=host_versions,
            host_label=label,
            preset_info=tuple(infos.values()),
            preset_pins=tuple(pins.items()),
            world=world,
            wit=wit,
            world_line=world_line,
        )

    def presets_only(self, specs: list[str]) -> Manifest:
        """The manifest of ``--preset`` given alone: the presets' entries, exports and versions."""
        from .preset_loader import preset_bundle

        provided: dict[tuple[str, str, tuple[str, ...] | None], Provided] = {}
        exports: dict[tuple[str, tuple[str, ...] | None], ExportSpec] = {}
        infos: list[PresetInfo] = []
        pins: list[tuple[str, str]] = []
        names = []
        shown = []
        for spec in specs:
            base, at, version = spec.partition("@")
            bundle = preset_bundle(self, PRESET_ALIASES.get(base, base) + at + version, "<command line>", None)
            names.append(bundle.name)
            shown.append(bundle.name + at + version)
            taken = {(ns, n) for ns, n, _ in provided}  # as in a manifest: the first preset naming a function wins
            for entry in bundle.provided:
                if (entry.namespace, entry.name) not in taken:
                    provided[(entry.namespace, entry.name, entry.versions)] = entry
            taken_exports = {n for n, _ in exports}
            for spec_export in bundle.exports:
                if spec_export.name not in taken_exports:
                    exports[(spec_export.name, spec_export.versions)] = spec_export
            if bundle.info is not None:
                infos.append(bundle.info)
            if bundle.pin is not None:
                pins.append((bundle.name, bundle.pin))
        adopted = next((info for info in infos if info.host_versions), None)
        return Manifest(
            path="<presets>",
            host="+".join(shown),
            presets=tuple(names),
            provided=tuple(provided.values()),
            exports=tuple(exports.values()),
            host_versions=adopted.host_versions if adopted else (),
            host_label=(adopted.host or adopted.name) if adopted else "",
            preset_info=tuple(infos),
            preset_pins=tuple(pins),
        )

    def host_versions(self, doc: Document, host: dict[str, Any]) -> tuple[str, ...] | None:
        """``[host] versions``: the host's releases, oldest first (None when not declared)."""
        if "versions" not in host:
            return None
        versions = host["versions"]
        if not isinstance(versions, list) or not versions or not all(isinstance(v, str) and v for v in versions):
            raise doc.fail(("host", "versions"), '`versions` must be a list of version strings, oldest first: ["1.0"]')
        if len(set(versions)) != len(versions):
            raise doc.fail(("host", "versions"), "`versions` names a version twice")
        return tuple(versions)

    @staticmethod
    def check_axis(doc: Document, entries: list[Provided | ExportSpec], versions: tuple[str, ...]) -> None:
        """``since`` and ``until`` name declared host versions, and ``since`` comes before ``until``."""
        entries = [entry for entry in entries if entry.since is not None or entry.until is not None]
        if not entries:
            return
        from .axes import earlier

        for entry in entries:
            where = ("imports", entry.namespace, entry.name) if isinstance(entry, Provided) else ("exports", entry.name)
            shown = entry.key if isinstance(entry, Provided) else f"export {entry.name}"
            for key in ("since", "until"):
                value = getattr(entry, key)
                if value is not None and versions and value not in versions:
                    raise doc.fail(
                        where,
                        f"{shown}: `{key}` names {value!r}, which is not in [host] versions ({', '.join(versions)})",
                    )
            if entry.since is not None and entry.until is not None and not earlier(entry.since, entry.until, versions):
                raise doc.fail(where, f"{shown}: `until` ({entry.until}) must come after `since` ({entry.since})")

    @staticmethod
    def world(
        doc: Document, host: dict[str, Any], path: str, base: Manifest | None
    ) -> tuple[str | None, str | None, int | None]:
        """``[host] world`` and ``wit`` (the package's path, resolved against the manifest's folder)."""
        world, wit = host.get("world"), host.get("wit")
        if world is None and wit is None:
            return (base.world, base.wit, base.world_line) if base else (None, None, None)
        if not isinstance(world, str) or not world:
            raise doc.fail(("host", "world"), '`world` must name a WIT world, e.g. "my:host/plugins"')
        if not isinstance(wit, str) or not wit:
            raise doc.fail(
                ("host", "wit" if "wit" in host else "world"),
                "`wit` must be the path of the WIT package that defines the world (its binary form, written by "
                "`wasm-tools component wit DIR --wasm -o host.wasm`, or a .wit file or directory)",
            )
        return world, os.path.join(os.path.dirname(path), wit), doc.line(("host", "world"))

    def read(self, path: str) -> Document:
        shown = path
        try:
            with open(path, encoding="utf-8") as file:
                text = file.read()
        except OSError as exc:
            raise ManifestError(shown, None, f"cannot read the manifest: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise ManifestError(shown, None, f"cannot read the manifest: {exc}") from None
        self.sources.append((os.path.abspath(path), text))
        return self.parse(shown, text)

    @staticmethod
    def parse(shown: str, text: str) -> Document:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            message = str(exc)
            if line is None:
                found = re.search(r"\(at line (\d+), column \d+\)", message)
                line = int(found.group(1)) if found else None
            raise ManifestError(shown, line, f"invalid TOML: {message}") from None
        return Document(shown, text, data)

    @staticmethod
    def check_keys(doc: Document, where: tuple[str, ...], table: dict[str, Any], allowed: set[str], what: str) -> None:
        for key in table:
            if key not in allowed:
                raise doc.fail(
                    (*where, key), f"unknown key {key!r} in {what}; expected one of: {', '.join(sorted(allowed))}"
                )

    @staticmethod
    def table(doc: Document, keys: tuple[str, ...]) -> dict[str, Any]:
        value: Any = doc.data
        for key in keys:
            value = value.get(key, {}) if isinstance(value, dict) else None
        if not isinstance(value, dict):
            raise doc.fail(keys, f"[{'.'.join(keys)}] must be a table")
        return value

    def presets(self, doc: Document, host: dict[str, Any]) -> list[str]:
        presets = host.get("presets", [])
        if not isinstance(presets, list) or not all(isinstance(p, str) for p in presets):
            raise doc.fail(("host", "presets"), "`presets` must be a list of preset names")
        names = []
        for preset in presets:
            base, at, version = preset.partition("@")
            canonical = PRESET_ALIASES.get(base, base)
            if canonical not in PRESETS:
                raise doc.fail(
                    ("host", "presets"), f"unknown preset {preset!r}; built-in presets: {', '.join(PRESETS)}"
                )
            names.append(canonical + at + version)
        return names

    def preset(self, name: str, source: str, line: int | None) -> list[Provided]:
        from .preset_loader import preset_bundle

        return preset_bundle(self, name, source, line).provided

    def read_preset(self, name: str) -> Document:
        """The data file of preset ``name``, noted among the sources (the cache compares it on every use)."""
        preset_path = os.path.join(PRESET_DIR, f"{name}.toml")
        with open(preset_path, encoding="utf-8") as file:
            text = file.read()
        self.sources.append((preset_path, text))
        return self.parse(f"preset:{name}", text)

    def imports(self, doc: Document) -> list[Provided]:
        imports = self.table(doc, ("imports",))
        entries = []
        for namespace, names in imports.items():
            if not isinstance(names, dict):
                raise doc.fail(
                    ("imports", namespace),
                    f"[imports.{namespace}] must be a table of names (quote namespaces such as "
                    '[imports."extism:host/user"])',
                )
            for name, value in names.items():
                entries.append(self.import_entry(doc, namespace, name, value))
        return entries

    def import_entry(self, doc: Document, namespace: str, name: str, value: Any) -> Provided:
        keys = ("imports", namespace, name)
        line = doc.line(keys)
        if isinstance(value, str):
            value = {"signature": value}
        if not isinstance(value, dict):
            raise doc.fail(keys, f"{namespace}.{name}: expected a signature string or a table")
        preset_keys = PRESET_ENTRY_KEYS if doc.path.startswith("preset:") else set()
        self.check_keys(doc, keys, value, IMPORT_KEYS | preset_keys, f"{namespace}.{name}")
        pattern = value.get("pattern", "*" in name or "?" in name)
        if not isinstance(pattern, bool):
            raise doc.fail(keys, f"{namespace}.{name}: `pattern` must be true or false")
        kind = value.get("kind", "func")
        if kind not in EXTERN_KINDS:
            raise doc.fail(keys, f"{namespace}.{name}: unknown kind {kind!r}; expected {', '.join(EXTERN_KINDS)}")
        try:
            extern = self.extern_type(kind, value, allow_any=pattern)
            deprecated = _reason(value.get("deprecated"), "deprecated")
            forbidden = _reason(value.get("forbidden"), "forbidden")
            since, until = _version(value.get("since"), "since"), _version(value.get("until"), "until")
        except (SignatureError, ValueError) as exc:
            raise ManifestError(doc.path, line, f"{namespace}.{name}: {exc}") from None
        return Provided(
            namespace,
            name,
            kind,
            extern,
            pattern=pattern,
            deprecated=deprecated,
            forbidden=forbidden,
            source=doc.path,
            line=line,
            since=since,
            until=until,
        )

    @staticmethod
    def extern_type(kind: str, value: dict[str, Any], allow_any: bool) -> ExternType | None:
        if kind in ("func", "tag"):
            signature = value.get("signature")
            if not isinstance(signature, str):
                raise ValueError('a function needs `signature`, e.g. signature = "(i64) -> i64"')
            if signature.strip() == ANY_SIGNATURE:
                if not allow_any:
                    raise ValueError('signature "*" (any) is allowed only for name patterns such as "invoke_*"')
                return None
            func = parse_signature(signature)
            return func if kind == "func" else TagType(func.params, func.results)
        if kind == "global":
            value_type = value.get("type")
            if not isinstance(value_type, str):
                raise ValueError('a global needs `type`, e.g. type = "i32"')
            return GlobalType(parse_valtype(value_type), _bool(value.get("mutable", False), "mutable"))
        minimum = _int(value.get("min", 0), "min")
        maximum = None if value.get("max") is None else _int(value["max"], "max")
        if maximum is not None and maximum < minimum:
            raise ValueError(f"`max` ({maximum}) is below `min` ({minimum})")
        index = value.get("index", "i32")
        if index not in ("i32", "i64"):
            raise ValueError('`index` must be "i32" or "i64"')
        if kind == "memory":
            page_size = _int(value.get("page_size", DEFAULT_PAGE_SIZE), "page_size")
            if page_size not in (1, DEFAULT_PAGE_SIZE):
                raise ValueError("`page_size` must be 1 or 65536 (custom-page-sizes proposal)")
            shared = _bool(value.get("shared", False), "shared")
            if shared and maximum is None:
                raise ValueError("a shared memory needs `max`")
            limit = (1 << (32 if index == "i32" else 64)) // page_size
            for key, pages in (("min", minimum), ("max", maximum)):
                if pages is not None and pages > limit:
                    raise ValueError(f"`{key}` ({pages}) exceeds {limit} pages, the most an {index} memory can have")
            return MemoryType(minimum, maximum, shared, index, page_size)
        element = value.get("element", "funcref")
        if not isinstance(element, str):
            raise ValueError('`element` must be a reference type such as "funcref"')
        element_type = parse_valtype(element)
        if element_type in NUMERIC:
            raise ValueError(f"`element` must be a reference type such as funcref or externref, not {element}")
        return TableType(element_type, minimum, maximum, index)

    def exports(self, doc: Document) -> list[ExportSpec]:
        return [self.export_entry(doc, name, value) for name, value in self.table(doc, ("exports",)).items()]

    def export_entry(self, doc: Document, name: str, value: Any) -> ExportSpec:
        keys = ("exports", name)
        line = doc.line(keys)
        if isinstance(value, str):
            value = {"signature": value}
        if not isinstance(value, dict):
            raise doc.fail(keys, f"export {name}: expected a signature string or a table")
        preset_keys = PRESET_EXPORT_KEYS if doc.path.startswith("preset:") else set()
        self.check_keys(doc, keys, value, EXPORT_KEYS | preset_keys, f"export {name}")
        kind = value.get("kind", "func")
        if kind not in EXTERN_KINDS:
            raise doc.fail(keys, f"export {name}: unknown kind {kind!r}")
        required = value.get("required", True)
        if not isinstance(required, bool):
            raise doc.fail(keys, f"export {name}: `required` must be true or false")
        try:
            typed = any(key in value for key in IMPORT_KEYS - {"kind", "pattern", "since", "until"})
            extern = self.extern_type(kind, value, allow_any=False) if typed else None
            since, until = _version(value.get("since"), "since"), _version(value.get("until"), "until")
        except (SignatureError, ValueError) as exc:
            raise ManifestError(doc.path, line, f"export {name}: {exc}") from None
        return ExportSpec(name, kind, extern, required, doc.path, line, since=since, until=until)

    def phases(self, doc: Document, keys: set[str], world_declared: bool = False) -> list[Phase]:
        phases = []
        for name, value in self.table(doc, ("phases",)).items():
            where = ("phases", name)
            if name == RUN_PHASE:
                raise doc.fail(where, "the phase `run` is the top-level tables themselves; name this phase otherwise")
            if not isinstance(value, dict):
                raise doc.fail(where, f"[phases.{name}] must be a table")
            self.check_keys(doc, where, value, PHASE_KEYS, f"[phases.{name}]")
            provides = value.get("provides", [])
            if not isinstance(provides, list) or not all(isinstance(p, str) for p in provides):
                raise doc.fail((*where, "provides"), '`provides` must be a list of "namespace.name" strings')
            for key in provides:
                if world_declared and (":" in key or "." not in key):
                    continue  # an import of the world (checked against the world, which check decodes)
                if not any(fnmatch.fnmatchcase(known, key) for known in keys):
                    raise doc.fail(
                        (*where, "provides"),
                        f"phase {name} provides {key!r}, which the manifest does not declare "
                        "(declare it under [imports.NAMESPACE] first)",
                    )
            missing = value.get("missing", "error")
            if missing not in ("error", "dummy"):
                raise doc.fail((*where, "missing"), '`missing` must be "error" or "dummy"')
            phases.append(Phase(name, tuple(provides), missing, doc.path, doc.line(where)))
        return phases

    def lint(self, doc: Document) -> LintSettings | None:
        if "lint" not in doc.data:
            return None
        table = self.table(doc, ("lint",))
        self.check_keys(doc, ("lint",), table, LINT_KEYS, "[lint]")
        for key in ("exclude", "extend-exclude"):
            value = table.get(key, [])
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise doc.fail(("lint", key), f"`{key}` must be a list of glob patterns (strings)")
        if not isinstance(table.get("respect-gitignore", True), bool):
            raise doc.fail(("lint", "respect-gitignore"), "`respect-gitignore` must be true or false")
        return lint_settings(table, doc.fail, ("lint",))


def lint_settings(table: dict[str, Any], fail: Any, where: tuple[str, ...]) -> LintSettings:
    """``select``, ``ignore`` and ``per-file-ignores`` from ``[lint]`` or ``[tool.wasmlint]``."""

    def codes(key: str, value: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and CODE_PATTERN.match(v) for v in value):
            raise fail(keys, f'`{key}` must be a list of rule codes or prefixes such as "WL1", "WL301" or "ALL"')
        return tuple(value)

    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise fail((*where, "per-file-ignores"), "`per-file-ignores` must be a table of glob = [codes]")
    ignores = [(glob, codes(glob, value, (*where, "per-file-ignores", glob))) for glob, value in per_file.items()]
    return LintSettings(
        codes("select", table.get("select", []), (*where, "select")),
        codes("ignore", table.get("ignore", []), (*where, "ignore")),
        tuple(ignores),
    )


def _reason(value: Any, what: str) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return what
    if isinstance(value, str):
        return value
    raise ValueError(f"`{what}` must be true or a reason string")


def _version(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f'`{key}` must be a version string, e.g. {key} = "1.4" (quoted)')
    return value


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"`{key}` must be true or false")
    return value


def _int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"`{key}` must be a non-negative integer")
    return value
