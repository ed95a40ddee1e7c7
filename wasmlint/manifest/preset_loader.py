"""Read a built-in preset's data file: its entries (per version), the exports its host calls, and its ``[preset]``.

A preset named in a manifest (``presets = ["proxy-wasm@0.2.1"]``) or on the command line (``--preset``) is read
here into a :class:`Bundle`. Every fault is a :class:`~wasmlint.manifest.ManifestError` naming the preset (or the
manifest line that names it), never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..record import Record, replace
from .presetinfo import Capability, PresetInfo
from .values import PRESETS, ExportSpec, ManifestError, Provided

if TYPE_CHECKING:
    from .loader import Document, Loader

INFO_KEYS = {
    "title",
    "versions",
    "marker",
    "version-label",
    "host",
    "host-versions",
    "sources",
    "capabilities",
    "notes",
}
"""The keys of [preset] read into PresetInfo's fields; any other key is kept as data (``PresetInfo.extra``)."""


class Bundle(Record):
    name: str
    pin: str | None
    provided: list[Provided]
    exports: list[ExportSpec]
    info: PresetInfo | None


def preset_bundle(loader: Loader, spec: str, source: str, line: int | None) -> Bundle:
    """Preset ``spec`` (``NAME`` or ``NAME@VERSION``), read with ``loader``; ``source``/``line`` name who asked."""
    name, _, pin = spec.partition("@")
    if name not in PRESETS:
        raise ManifestError(source, line, f"unknown preset {spec!r}; built-in presets: {', '.join(PRESETS)}")
    doc = loader.read_preset(name)
    where = f"preset:{name}"
    info = preset_info(doc, name) if "preset" in doc.data else None
    if pin:
        known = info.versions if info else ()
        if pin not in known:
            offer = f"its versions: {', '.join(known)}" if known else "it has no versions"
            raise ManifestError(source, line, f"preset {name} has no version {pin!r}; {offer}")
    elif spec.endswith("@"):
        raise ManifestError(source, line, f"preset {spec!r}: a version must follow '@'")
    raw = doc.data.get("imports", {})
    provided = []
    spaces = info.extra_value("namespace-long-names") if info else None
    for entry, table in _import_entries(loader, doc, raw):
        extra = _entry_extra(doc, info, ("imports", entry.namespace, entry.name), table)
        if "long_name" in extra and isinstance(spaces, dict) and isinstance(spaces.get(entry.namespace), str):
            extra["long_name"] = f"{spaces[entry.namespace]}.{extra['long_name']}"
        provided.append(replace(entry, source=where, preset=name, **extra))
    exports = []
    raw_exports = doc.data.get("exports", {})
    if not isinstance(raw_exports, dict):
        raise doc.fail(("exports",), "[exports] must be a table")
    for export_name, value in raw_exports.items():
        for table in value if isinstance(value, list) else [value]:
            exports.append(_export(loader, doc, info, where, name, export_name, table))
    return Bundle(name, pin or None, provided, exports, info)


def _export(
    loader: Loader, doc: Document, info: PresetInfo | None, where: str, name: str, export_name: str, table: Any
) -> ExportSpec:
    spec_export = loader.export_entry(doc, export_name, table)
    extra = _entry_extra(doc, info, ("exports", spec_export.name), table)
    extra.pop("long_name", None)
    extra.update(_export_extra(doc, ("exports", spec_export.name), table))
    return replace(spec_export, source=where, preset=name, **extra)


def _import_entries(loader: Loader, doc: Document, raw: Any) -> list[tuple[Provided, Any]]:
    """Each import entry with its table; a name whose type differs between versions is an array of tables."""
    if not isinstance(raw, dict):
        raise doc.fail(("imports",), "[imports] must be a table")
    found = []
    for namespace, names in raw.items():
        if not isinstance(names, dict):
            raise doc.fail(("imports", namespace), f"[imports.{namespace}] must be a table of names")
        for name, value in names.items():
            for table in value if isinstance(value, list) else [value]:
                if isinstance(table, dict) and table.get("limits-from-import") is True:
                    entry = loader.import_entry(doc, namespace, name, {**table, "max": table.get("max", 65536)})
                    found.append((replace(entry, any_limits=True), table))
                else:
                    found.append((loader.import_entry(doc, namespace, name, table), table))
    return found


def preset_info(doc: Document, name: str) -> PresetInfo:
    table = doc.data.get("preset")
    if not isinstance(table, dict):
        raise doc.fail(("preset",), "[preset] must be a table")

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise doc.fail(("preset", key), f"`{key}` must be a list of strings")
        return tuple(value)

    def text(key: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise doc.fail(("preset", key), f"`{key}` must be a string")
        return value

    sources = table.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise doc.fail(("preset", "sources"), "`sources` must be a table of key = citation")
    capabilities = []
    for item in table.get("capabilities", []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise doc.fail(("preset", "capabilities"), "each capability must be a table with `name`")
        capabilities.append(Capability(item["name"], item.get("since"), str(item.get("source", ""))))
    extra = tuple((key, value) for key, value in sorted(table.items()) if key not in INFO_KEYS)
    return PresetInfo(
        name=name,
        title=text("title") or "",
        versions=strings("versions"),
        marker=text("marker"),
        version_label=text("version-label") or "version",
        host=text("host"),
        host_versions=strings("host-versions"),
        sources=tuple(sorted((str(k), v) for k, v in sources.items())),
        capabilities=tuple(capabilities),
        extra=extra,
        notes=strings("notes"),
    )


def _entry_extra(doc: Document, info: PresetInfo | None, keys: tuple[str, ...], table: Any) -> dict[str, Any]:
    """The preset-only keys of one entry, checked against the preset's versions."""
    if not isinstance(table, dict):
        table = {}
    extra: dict[str, Any] = {}
    versions = table.get("versions")
    if versions is not None:
        known = info.versions if info else ()
        if not isinstance(versions, list) or not all(isinstance(v, str) and v in known for v in versions):
            raise doc.fail(keys, f"`versions` must list versions of the preset ({', '.join(known)})")
        extra["versions"] = tuple(versions)
    if info is not None:
        extra["axis"] = "host" if info.host_versions else "preset"
    if table.get("sdk-only") is not None:
        if not isinstance(table["sdk-only"], bool):
            raise doc.fail(keys, "`sdk-only` must be true or false")
        extra["sdk_only"] = table["sdk-only"]
    if table.get("long-name") is not None:
        if not isinstance(table["long-name"], str):
            raise doc.fail(keys, "`long-name` must be a string")
        extra["long_name"] = table["long-name"]
    if table.get("source") is not None:
        extra["cite"] = str(table["source"])
    return extra


def _export_extra(doc: Document, keys: tuple[str, ...], table: Any) -> dict[str, Any]:
    """``required-until`` and ``alternatives`` (other accepted signatures, each with an optional ``since``)."""
    from .signature import SignatureError, parse_signature

    if not isinstance(table, dict):
        return {}
    extra: dict[str, Any] = {}
    until = table.get("required-until")
    if until is not None:
        if not isinstance(until, str):
            raise doc.fail(keys, "`required-until` must be a version string")
        extra["required_until"] = until
    alternatives = []
    for item in table.get("alternatives", []):
        if not isinstance(item, dict) or not isinstance(item.get("signature"), str):
            raise doc.fail(keys, "each of `alternatives` must be a table with `signature`")
        try:
            alternatives.append((parse_signature(item["signature"]), item.get("since")))
        except SignatureError as exc:
            raise doc.fail(keys, f"alternative signature: {exc}") from None
    if alternatives:
        extra["alternatives"] = tuple(alternatives)
    group = table.get("required-one-of")
    if group is not None:
        if not isinstance(group, str):
            raise doc.fail(keys, "`required-one-of` must name a group")
        extra["one_of"] = group
    return extra
