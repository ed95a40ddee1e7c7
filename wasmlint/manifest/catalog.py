"""The built-in presets as a catalogue: what ``wasmlint presets`` lists, and each preset written out as a manifest.

``wasmlint presets NAME[@VERSION]`` prints a plain manifest (``[host]``, ``[imports.NAMESPACE]``, ``[exports]``)
that ``wasmlint check --manifest`` loads as it is, so that a user can copy it and extend it. A version, given or
the newest, selects the entries of that version; host releases stay as ``[host] versions`` with ``since`` and
``until`` on the entries; what only a preset knows (its sources, SDK-only entries, long names, markers) becomes
comments.
"""

from __future__ import annotations

from ..model import FuncType, GlobalType, MemoryType, TableType, TagType
from ..record import Record
from .presetinfo import PresetInfo
from .values import PRESET_ALIASES, PRESETS, ExportSpec, ManifestError, Provided


class Summary(Record):
    name: str
    info: PresetInfo | None
    provided: tuple[Provided, ...]
    exports: tuple[ExportSpec, ...]
    source_comment: tuple[str, ...] = ()
    """The leading comment of an original preset's file (its sources)."""


def summary(spec: str) -> tuple[Summary, str | None]:
    """Preset ``spec`` (``NAME`` or ``NAME@VERSION``) and the version asked for; raises ManifestError."""
    from .loader import Loader
    from .preset_loader import preset_bundle

    base, at, version = spec.partition("@")
    name = PRESET_ALIASES.get(base, base)
    loader = Loader()
    bundle = preset_bundle(loader, name + at + version, "<command line>", None)
    text = loader.sources[-1][1]
    leading = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        leading.append(line[1:].strip())
    return Summary(name, bundle.info, tuple(bundle.provided), tuple(bundle.exports), tuple(leading)), bundle.pin


def listing() -> str:
    """Every preset: versions, namespaces with function counts, sources (``wasmlint presets``)."""
    lines = []
    for name in PRESETS:
        try:
            found, _ = summary(name)
        except ManifestError as exc:  # pragma: no cover - shipped data is tested
            lines.append(f"{name}: cannot be read: {exc}")
            continue
        info = found.info
        counts: dict[str, int] = {}
        for entry in found.provided:
            counts.setdefault(entry.namespace, 0)
        for namespace, _ in {(e.namespace, e.name) for e in found.provided if e.kind == "func"}:
            counts[namespace] += 1
        aliases = [alias for alias, target in PRESET_ALIASES.items() if target == name]
        head = name + (f" (alias {', '.join(aliases)})" if aliases else "")
        lines.append(head)
        if info is not None and info.title:
            lines.append(f"  {info.title}")
        if info is not None and info.versions:
            marker = f"; marker: {info.marker}" if info.marker else ""
            lines.append(f"  versions ({info.version_label}): {', '.join(info.versions)}{marker}")
        if info is not None and info.host_versions:
            lines.append(f"  host versions ({info.host}; --host-version): {', '.join(info.host_versions)}")
        spaces = ", ".join(f"{ns} ({counts[ns]})" for ns in sorted(counts))
        lines.append(f"  namespaces (functions): {spaces}")
        sdk_only = sum(1 for e in found.provided if e.sdk_only)
        if sdk_only:
            lines.append(f"  {sdk_only} known only from an SDK (`wasmlint presets {name}` marks them)")
        if info is not None:
            lines.extend(f"  source {cited}: {citation}" for cited, citation in info.sources)
        else:
            lines.extend(f"  {line}" for line in found.source_comment if line.lower().startswith("source"))
        lines.append("")
    return "\n".join(lines)


def as_manifest(spec: str) -> str:
    """Preset ``spec`` as a plain manifest, at the version given or the newest (``wasmlint presets NAME``)."""
    from ..gen.scaffold import toml_key, toml_string

    found, pin = summary(spec)
    info = found.info
    version = pin or (info.versions[-1] if info and info.versions else None)
    lines = [f"# wasmlint presets {spec}: the preset {found.name} as a manifest, to copy and extend."]
    if info is not None:
        if info.title:
            lines.append(f"# {info.title}")
        if version is not None:
            pinned = "" if pin else " (the newest; NAME@VERSION picks another)"
            lines.append(f"# {info.version_label} {version}{pinned}; versions: {', '.join(info.versions)}.")
        if info.marker:
            lines.append(
                f'# Modules declare their version ({info.marker}); presets = ["{found.name}"] in [host] checks the '
                "marker too, which this copy does not."
            )
        lines.append("# Sources:")
        lines.extend(f"#   {key}: {citation}" for key, citation in info.sources)
        lines.extend(f"# Note: {note}" for note in info.notes)
        if any(e.sdk_only for e in found.provided):
            lines.append("# SDK-ONLY marks an entry known from an SDK's declaration only, not from the host's source.")
    else:
        lines.extend(f"# {line}" for line in found.source_comment)
    lines += ["", "[host]", f"name = {toml_string(found.name)}"]
    if info is not None and info.host_versions:
        lines.append(f"versions = [{', '.join(toml_string(v) for v in info.host_versions)}]  # {info.host}")
    entries = [e for e in found.provided if version is None or e.versions is None or version in e.versions]
    for namespace in sorted({e.namespace for e in entries}):
        lines += ["", f"[imports.{toml_key(namespace)}]"]
        for entry in sorted((e for e in entries if e.namespace == namespace), key=lambda e: e.name):
            line = _entry_line(entry, info, version)
            if line:
                lines.append(line)
    exports = [e for e in found.exports if version is None or e.versions is None or version in e.versions]
    if exports:
        lines += ["", "[exports]"]
        for spec_export in sorted(exports, key=lambda e: e.name):
            line = _export_line(spec_export, info, version)
            if line:
                lines.append(line)
    return "\n".join(lines) + "\n"


def _window_keys(entry: Provided | ExportSpec, info: PresetInfo | None, version: str | None) -> tuple[list[str], str]:
    """``since``/``until`` on the host axis stay keys; on the preset's own axis they are resolved at ``version``
    (the entry is left out, as a comment, when that version lacks it)."""
    from .axes import in_window

    keys: list[str] = []
    if entry.axis == "preset" and info is not None and version is not None:
        if not in_window(version, entry.since, entry.until, info.versions):
            return [], f"not in {info.label(version)}"
        return [], ""
    if entry.since is not None:
        keys.append(f"since = {_quoted(entry.since)}")
    if entry.until is not None:
        keys.append(f"until = {_quoted(entry.until)}")
    return keys, ""


def _entry_line(entry: Provided, info: PresetInfo | None, version: str | None) -> str:
    from ..gen.scaffold import toml_key

    window, absent = _window_keys(entry, info, version)
    notes = [f"source: {entry.cite}"] if entry.cite else []
    if entry.any_limits:
        notes.insert(0, "the host sizes it by the import: set min and max to your module's")
    if entry.long_name:
        notes.insert(0, entry.long_name)
    if entry.sdk_only:
        notes.insert(0, "SDK-ONLY")
    comment = f"  # {'; '.join(notes)}" if notes else ""
    value = _type_keys(entry.kind, entry.type)
    if absent:
        return f"# {toml_key(entry.name)} = {_table(value, window)}  # {absent}"
    return f"{toml_key(entry.name)} = {_table(value, window)}{comment}"


def _export_line(spec: ExportSpec, info: PresetInfo | None, version: str | None) -> str:
    from ..gen.scaffold import toml_key

    window, absent = _window_keys(spec, info, version)
    keys = _type_keys(spec.kind, spec.type) if spec.type is not None else []
    if spec.kind != "func" and not any(k.startswith("kind") for k in keys):
        keys.insert(0, f"kind = {_quoted(spec.kind)}")
    if not spec.required:
        keys.append("required = false")
    notes = [f"source: {spec.cite}"] if spec.cite else []
    if spec.required_until:
        notes.append(f"required until {spec.required_until}")
    if spec.one_of:
        notes.append(f"the host needs one export of group {spec.one_of} (presets = [...] checks it; a copy does not)")
    notes += [f"also {alt}" + (f" from {since}" if since else "") for alt, since in spec.alternatives]
    comment = f"  # {'; '.join(notes)}" if notes else ""
    if absent:
        return f"# {toml_key(spec.name)} = {_table(keys, window)}  # {absent}"
    return f"{toml_key(spec.name)} = {_table(keys, window)}{comment}"


def _table(keys: list[str], window: list[str]) -> str:
    every = keys + window
    if len(every) == 1 and every[0].startswith("signature = "):
        return every[0][len("signature = ") :]
    return "{ " + ", ".join(every) + " }" if every else "{}"


def _quoted(text: str) -> str:
    from ..gen.scaffold import toml_string

    return toml_string(text)


def _type_keys(kind: str, extern: object) -> list[str]:
    if extern is None:
        return [f"kind = {_quoted(kind)}"] if kind != "func" else []
    if isinstance(extern, FuncType):
        return [f"signature = {_quoted(str(extern))}"]
    if isinstance(extern, TagType):
        return ['kind = "tag"', f"signature = {_quoted(str(FuncType(extern.params, extern.results)))}"]
    if isinstance(extern, MemoryType):
        keys = ['kind = "memory"', f"min = {extern.min}"]
        if extern.max is not None:
            keys.append(f"max = {extern.max}")
        if extern.shared:
            keys.append("shared = true")
        if extern.index != "i32":
            keys.append(f"index = {_quoted(extern.index)}")
        return keys
    if isinstance(extern, TableType):
        keys = ['kind = "table"', f"element = {_quoted(extern.element)}", f"min = {extern.min}"]
        if extern.max is not None:
            keys.append(f"max = {extern.max}")
        return keys
    if isinstance(extern, GlobalType):
        return ['kind = "global"', f"type = {_quoted(extern.value)}"] + (["mutable = true"] if extern.mutable else [])
    return []
