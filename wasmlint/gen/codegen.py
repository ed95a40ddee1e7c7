"""`wasmlint gen`: a host's import table, rendered from a manifest and/or modules through a Jinja template.

This module builds the template context (the data model documented in the README under "wasmlint gen") and refuses
what the target cannot express (see :mod:`wasmlint.targets`); :mod:`wasmlint.templating` renders. All target-specific
text lives in ``templates/``; names from binaries reach templates only through the literal filters (``py_str``,
``go_str``, ``json``) and the sanitised identifiers ``ident``/``camel``, so no name can become code.
"""

from __future__ import annotations

import fnmatch
import keyword
import os
import re
import shlex
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__
from ..escape import escape_text
from ..hosts.start import start_may_call_keys
from ..lint.run import CheckResult, run_check
from ..manifest.load import load_manifest, preset_manifest
from ..manifest.values import RUN_PHASE, Manifest, ManifestError
from ..model import ExternType, FuncType, GlobalType, MemoryType, Module, TableType, TagType
from ..record import Record, field
from .targets import ON_CALL_MODES, TARGETS, Target, crowded_memories, custom_target, refusal
from .templating import render_template

SCHEMA_VERSION = 1
HEADER_WIDTH = 96
DEFAULT_PACKAGE = "hostfuncs"
GO_KEYWORDS = frozenset(
    {
        *("break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough", "for", "func", "go"),
        *("goto", "if", "import", "interface", "map", "package", "range", "return", "select", "struct", "switch"),
        *("type", "var"),
    }
)
RESERVED = frozenset({*keyword.kwlist, *keyword.softkwlist, *GO_KEYWORDS})
PLURALS = (("func", "functions"), ("memory", "memories"), ("table", "tables"), ("global", "globals"), ("tag", "tags"))


class GenError(Exception):
    """Bad usage or unreadable input: exit status 2."""


class Refused(Exception):
    """The target cannot express these imports or choices: exit status 1, one sentence per reason; ``keys`` are
    the refused imports' keys (namespace.name), in the order of the reasons that name them."""

    def __init__(self, reasons: list[str], keys: Sequence[str] = ()) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.keys = list(keys)


class CheckFailed(Exception):
    """Modules import what the manifest does not provide: the findings of ``check``."""

    def __init__(self, result: CheckResult) -> None:
        super().__init__("check failed")
        self.result = result


class Entry(Record, frozen=False):
    namespace: str
    name: str
    kind: str
    type: ExternType
    sources: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.namespace}.{self.name}"


class Generated(Record):
    text: str
    notes: list[str]
    """What each phase leaves to dummies, and what was skipped: for standard error."""


def generate(
    *,
    target: str | None,
    manifest: str | None,
    files: Sequence[str],
    on_call: Sequence[str] = (),
    template: str | None = None,
    package: str = DEFAULT_PACKAGE,
    output: str = "-",
) -> Generated:
    """Everything ``wasmlint gen`` does short of writing: raises GenError, CheckFailed or Refused."""
    from ..decode.module import decode_path
    from ..decode.reader import DecodeError

    if target is None and template is None:
        raise GenError("pass --target (one of " + ", ".join(TARGETS) + ") or --template PATH.j2")
    if manifest is None and not files:
        raise GenError("pass --manifest, module FILEs, or both")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", package) or package in GO_KEYWORDS:
        raise GenError(f"--package {package!r} is not a Go package name (lowercase letters, digits, _)")
    chosen = TARGETS[target] if target is not None else None
    if template is not None:
        if not Path(template).is_file():
            raise GenError(f"--template {template}: no such file")
        chosen = custom_target(template, chosen)
    assert chosen is not None
    root = repository_root(Path.cwd())
    loaded = None
    if manifest is not None:
        try:
            from ..lint.versions import at_versions

            loaded = (repo_path(manifest, root), at_versions(load_manifest(manifest)))
        except ManifestError as exc:
            raise GenError(str(exc)) from None
        if files:
            result = run_check(list(files), manifest=manifest, phases=(RUN_PHASE,))
            if result.exit_status != 0:
                raise CheckFailed(result)
    modules: list[tuple[str, Module]] = []
    start_calls: dict[str, frozenset[str]] = {}
    for path in dict.fromkeys(files):
        try:
            module = decode_path(path)
        except (DecodeError, OSError) as exc:
            raise GenError(f"{path}: {exc}") from None
        if module.kind == "component":
            raise GenError(f"{path}: a component: use --target python-wasmtime-component")
        modules.append((repo_path(path, root), module))
        if "start" in chosen.reasons and module.start is not None:
            try:
                start_calls[repo_path(path, root)] = start_may_call_keys(Path(path).read_bytes(), module)
            except OSError as exc:
                raise GenError(f"{path}: {exc}") from None
    modules.sort(key=lambda item: item[0])
    entries, notes = collect(chosen, loaded, modules, start_calls=start_calls)
    phases = phase_table(loaded[1] if loaded else None, entries)
    rules = on_call_rules(chosen, on_call, {p["name"] for p in phases}, {e.key for e in entries})
    command = ["wasmlint", "gen", "--target" if target else "--template", target or repo_path(template or "", root)]
    if target and template:
        command += ["--template", repo_path(template, root)]
    if loaded:
        command += ["--manifest", loaded[0]]
    command += [arg for spec in sorted(on_call) for arg in ("--on-call", spec)]
    if package != DEFAULT_PACKAGE:
        command += ["--package", package]
    if output != "-":
        command += ["-o", repo_path(output, root)]
    command += [path for path, _ in modules]
    context = build_context(chosen, loaded, modules, entries, phases, rules, command, package)
    for phase in phases:
        left = phase["dummies"]
        shown = ": " + ", ".join(escape_text(key) for key in left) if left else ""
        where = f"phase {phase['name']}" if loaded else "no manifest, so no phases"
        notes.append(f"{where}: {len(left)} of {len(entries)} imports left to dummies{shown}")
    return Generated(render(chosen, context), notes)


def collect(
    target: Target,
    manifest: tuple[str, Manifest] | None,
    modules: Sequence[tuple[str, Module]],
    supplied: Manifest | None = None,
    *,
    start_calls: Mapping[str, frozenset[str]] | None = None,
) -> tuple[list[Entry], list[str]]:
    """What to generate, sorted by namespace and name; raises Refused naming each import the target cannot express.
    ``supplied``: the manifest of the target's supplied presets, when the caller has it loaded already.
    ``start_calls``: by module path, the keys of the imported functions its start function may call
    (``hosts/start.py``); a target with a ``start`` reason refuses to define them, the host's own or dummies alike,
    since the table defines both."""
    found: dict[tuple[str, str], Entry] = {}
    refusals: list[str] = []
    refused: list[str] = []
    notes: list[str] = []

    def add(namespace: str, name: str, kind: str, extern: ExternType, source: str) -> None:
        known = found.setdefault((namespace, name), Entry(namespace, name, kind, extern))
        if (known.kind, known.type) != (kind, extern):
            refused.append(known.key)
            refusals.append(
                f"{_shown(known)}: {source} imports it as {_type_text(kind, extern)}, {known.sources[0]} as "
                f"{_type_text(known.kind, known.type)}; no host can provide both"
            )
        elif source not in known.sources:
            known.sources.append(source)

    if manifest is not None:
        path, loaded = manifest
        for declared in loaded.provided:
            if declared.pattern:
                if not modules:
                    notes.append(f"pattern {escape_text(declared.key)} names no function: pass modules to generate it")
                continue
            if declared.preset in target.supplies or declared.type is None:
                continue
            source = path if declared.preset is None else declared.source
            add(declared.namespace, declared.name, declared.kind, declared.type, source)
        for source, module in modules:
            for imp in module.imports:
                provided = loaded.lookup(imp.module, imp.name)
                if provided is not None and provided.pattern:
                    add(imp.module, imp.name, imp.kind, imp.type, source)
    else:
        for source, module in modules:
            for imp in module.imports:
                add(imp.module, imp.name, imp.kind, imp.type, source)
    supplied = supplied or preset_manifest(list(target.supplies))
    entries = []
    for entry in sorted(found.values(), key=lambda e: (e.namespace, e.name)):
        if entry.namespace in target.supplied_namespaces:
            have = supplied.lookup(entry.namespace, entry.name)
            if have is not None and (have.kind, have.type) == (entry.kind, entry.type):
                continue
            offer = f"which provides it as {have.type}" if have is not None else "which has no such name"
            refused.append(entry.key)
            refusals.append(
                f"{_shown(entry)}: the {target.name} runtime supplies namespace "
                f"{escape_text(entry.namespace)} itself, {offer}"
            )
            continue
        why = refusal(target, entry.namespace, entry.name, entry.kind, entry.type)
        if why is not None:
            refused.append(entry.key)
            refusals.append(f"{_shown(entry)}: {why}")
        else:
            entries.append(entry)
    if "start" in target.reasons and start_calls:
        for entry in entries:
            starts = sorted(path for path, keys in start_calls.items() if entry.kind == "func" and entry.key in keys)
            if starts:
                refused.append(entry.key)
                refusals.append(f"{_shown(entry)}: in {', '.join(starts)}, {target.reasons['start']}")
    if "multi_memory" in target.reasons:
        module_paths = {path for path, _ in modules}
        memories = [e for e in entries if e.kind == "memory"]
        described = [(e.namespace, e.key, [s for s in e.sources if s in module_paths]) for e in memories]
        for index, crowding in sorted(crowded_memories(described).items()):
            refused.append(memories[index].key)
            refusals.append(f"{_shown(memories[index])}: {target.reasons['multi_memory']} ({crowding} is one too)")
    keys: dict[str, Entry] = {}
    for entry in entries:
        other = keys.setdefault(entry.key, entry)
        if other is not entry:
            refused.append(entry.key)
            refusals.append(
                f"{_shown(entry)} and {_shown(other)} share the key {escape_text(entry.key)} "
                "(namespace.name), by which hosts pass implementations"
            )
    if refusals:
        raise Refused(refusals, refused)
    return entries, notes


def phase_table(manifest: Manifest | None, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """``run`` first, then the manifest's phases: which keys the host provides in each, and which are dummies."""
    keys = [entry.key for entry in entries]
    if manifest is None:
        return [{"name": RUN_PHASE, "provides": [], "dummies": keys, "missing": "dummy"}]
    phases = [{"name": RUN_PHASE, "provides": keys, "dummies": [], "missing": "error"}]
    for phase in manifest.phases:
        provides = []
        for entry in entries:
            declared = manifest.lookup(entry.namespace, entry.name)
            if (declared is not None and manifest.in_phase(phase, declared)) or any(
                fnmatch.fnmatchcase(entry.key, pattern) for pattern in phase.provides
            ):
                provides.append(entry.key)
        dummies = [key for key in keys if key not in provides]
        phases.append({"name": phase.name, "provides": provides, "dummies": dummies, "missing": phase.missing})
    return phases


def on_call_rules(target: Target, specs: Iterable[str], phases: set[str], keys: set[str]) -> dict[str, str]:
    """``--on-call [SELECTOR=]MODE`` as {selector: mode}; a selector is ``*``, a phase name or an import key."""
    rules: dict[str, str] = {}
    for spec in specs:
        selector, sep, mode = spec.rpartition("=")
        selector = selector if sep else "*"
        if mode not in ON_CALL_MODES:
            raise GenError(f"--on-call {spec!r}: choose {', '.join(ON_CALL_MODES)}, optionally after SELECTOR=")
        if selector != "*" and selector not in keys and selector not in phases:
            raise GenError(
                f"--on-call {escape_text(spec)!r}: {escape_text(selector)!r} is neither * nor a phase "
                f"({', '.join(sorted(phases))}) nor the key (namespace.name) of a generated import"
            )
        rules[selector] = mode
    refused = sorted({mode for mode in rules.values() if mode not in target.on_call})
    if refused:
        raise Refused([f"--on-call {mode}: {target.reasons.get(mode, 'not supported')}" for mode in refused])
    return dict(sorted(rules.items()))


def build_context(
    target: Target,
    manifest: tuple[str, Manifest] | None,
    modules: Sequence[tuple[str, Module]],
    entries: Sequence[Entry],
    phases: list[dict[str, Any]],
    rules: dict[str, str],
    command: list[str],
    package: str,
) -> dict[str, Any]:
    """The template context: plain dicts, lists, strings, numbers and booleans (README: the data model)."""
    names = identifiers(entries)
    items: dict[str, list[dict[str, Any]]] = {"func": [], "memory": [], "table": [], "global": [], "tag": []}
    for entry, (ident, camel) in zip(entries, names):
        item: dict[str, Any] = {
            "namespace": entry.namespace,
            "name": entry.name,
            "key": entry.key,
            "kind": entry.kind,
            "type": _type_text(entry.kind, entry.type),
            "ident": ident,
            "camel": camel,
            "sources": list(entry.sources),
            "provided_in": [p["name"] for p in phases if entry.key in p["provides"]],
            "on_call": {p["name"]: _mode(rules, p["name"], entry.key) for p in phases},
        }
        item.update(_type_fields(entry.type))
        items[entry.kind].append(item)
    inputs = ([manifest[0]] if manifest else []) + [path for path, _ in modules]
    header = [f"Code generated by wasmlint {__version__}; DO NOT EDIT."]
    header += _wrap(f"Target {target.name}, from: {', '.join(escape_text(p) for p in inputs)}.")
    header += ["Regenerate (from the repository root) with:"]
    header += _wrap(shlex.join(escape_text(arg) for arg in command), "  ")
    namespaces = sorted({entry.namespace for entry in entries})
    return {
        "schema": SCHEMA_VERSION,
        "wasmlint_version": __version__,
        "target": {
            "name": target.name,
            "supplied_namespaces": list(target.supplied_namespaces),
            "on_call_modes": list(target.on_call),
        },
        "inputs": {"manifest": manifest[0] if manifest else None, "modules": [path for path, _ in modules]},
        "host": manifest[1].host if manifest else None,
        "command": command,
        "header_lines": header,
        "namespaces": [
            {"name": ns, **{plural: [i for i in items[kind] if i["namespace"] == ns] for kind, plural in PLURALS}}
            for ns in namespaces
        ],
        "functions": items["func"],
        "memories": items["memory"],
        "tables": items["table"],
        "globals": items["global"],
        "tags": items["tag"],
        "phases": phases,
        "on_call": [{"selector": selector, "mode": mode} for selector, mode in rules.items()],
        "options": {"package": package},
    }


def identifiers(entries: Sequence[Entry]) -> list[tuple[str, str]]:
    """A unique snake_case and CamelCase identifier per entry: ASCII letters, digits and ``_``, never a keyword."""
    used_snake: set[str] = set()
    used_camel: set[str] = set()
    result = []
    for entry in entries:
        words = re.findall(r"[A-Za-z0-9]+", f"{entry.namespace} {entry.name}") or ["import"]
        snake = "_".join(word.lower() for word in words)
        camel = "".join(word[0].upper() + word[1:] for word in words)
        if snake[0].isdigit():
            snake, camel = f"n{snake}", f"N{camel}"
        if snake in RESERVED:
            snake += "_"
        if camel in RESERVED:
            camel += "_"
        result.append((_unique(snake, used_snake, "_"), _unique(camel, used_camel, "")))
    return result


def _unique(base: str, used: set[str], separator: str) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}{separator}{number}", number + 1
    used.add(candidate)
    return candidate


def _mode(rules: dict[str, str], phase: str, key: str) -> str:
    return rules.get(key) or rules.get(phase) or rules.get("*") or "zero"


def _type_fields(extern: ExternType) -> dict[str, Any]:
    if isinstance(extern, FuncType):
        return {"params": list(extern.params), "results": list(extern.results)}
    if isinstance(extern, TagType):
        return {"params": list(extern.params), "results": list(extern.results)}
    if isinstance(extern, MemoryType):
        return {
            "min": extern.min,
            "max": extern.max,
            "shared": extern.shared,
            "index": extern.index,
            "page_size": extern.page_size,
            "page_size_log2": extern.page_size.bit_length() - 1,
        }
    if isinstance(extern, TableType):
        return {"element": extern.element, "min": extern.min, "max": extern.max, "index": extern.index}
    assert isinstance(extern, GlobalType)
    return {"value": extern.value, "mutable": extern.mutable}


def _type_text(kind: str, extern: ExternType) -> str:
    return str(extern) if kind == "func" else f"({kind} {extern})"


def _shown(entry: Entry) -> str:
    return f"{escape_text(entry.key)} {_type_text(entry.kind, entry.type)} (from {', '.join(entry.sources)})"


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(
        text, HEADER_WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    ) or [indent]


# --- paths -----------------------------------------------------------------------------------------------------------


def repository_root(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        if (folder / ".git").exists():
            return folder
    return None


def repo_path(path: str, root: Path | None) -> str:
    """``path`` relative to the repository root (else to the working directory), with ``/`` separators."""
    base = root or Path.cwd()
    relative = os.path.relpath(os.path.abspath(path), base)
    if relative == ".." or relative.startswith(".." + os.sep):
        return Path(path).as_posix()
    return Path(relative).as_posix()


# --- rendering ---------------------------------------------------------------------------------------------------


def render_target(template: str, context: dict[str, Any]) -> str:
    """A built-in template by name; raises GenError for a template fault."""
    try:
        return render_template(template, context)
    except jinja2.TemplateError as exc:
        raise GenError(f"template {template}: {exc}") from None


def render(target: Target, context: dict[str, Any]) -> str:
    user_template = Path(target.template) if target.language == "text" else None
    try:
        return render_template(user_template or target.template, context)
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise GenError(f"template {Path(target.template).name}: {where}{exc}") from None
