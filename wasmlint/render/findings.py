"""Rendering findings: ``text`` for people, ``json`` for scripts, ``sarif`` for code scanning, ``github`` for Actions.

Every format sorts the findings with :func:`~wasmlint.diagnostics.sorted_findings` first, so the output does not
depend on the order in which files were checked. Every rendered string ends with a newline (``github`` with no
findings renders as the empty string).

Names in messages come from untrusted binaries and may hold newlines, quotes, ``%``, ``::`` or terminal escapes;
each format renders them so that they cannot forge lines, commands or colours:

``text``
    One line per finding, then a summary line::

        plugin.wasm:0x1f: WL101 import env.ws_connect (i64) -> i64 is not provided [phase meta]
        wasmlint.toml:12: WL401 env.ws_close is declared but no checked module imports it
        Found 1 error, 1 info in 2 files.

    The location is ``path:LINE:`` for a manifest line (as compilers print it), ``path:0xOFFSET:`` for a byte
    offset in a module (hexadecimal, as ``wasm-tools`` and ``wasm-objdump`` print offsets), ``path:`` otherwise.
    A finding's phase is appended as ``[phase NAME]`` unless the message already starts with ``phase NAME:``.
    Non-printable characters (controls, line and paragraph separators, bidirectional overrides) in paths and
    messages are shown as Python-style escapes (``\\n``, ``\\x1b``, ``\\u202e``), so a name can neither colour the
    terminal nor start a line of its own. Colour (``color=True``) is ANSI: the code is bold and red for errors,
    yellow for warnings, cyan for info.

``json``
    A list of objects with the keys ``path``, ``offset``, ``line``, ``code``, ``name`` (the rule name, ``null`` for
    a code not in the registry), ``severity``, ``message``, ``phase``, ``subject`` and ``related`` (a list of
    ``{"path", "offset", "line"}``); ``offset``, ``line`` and ``phase`` may be ``null``. Paths are as given.

``sarif``
    SARIF 2.1.0 in the subset GitHub code scanning accepts: one run whose ``tool.driver.rules`` lists every rule
    of :data:`~wasmlint.rules.RULES`, and one result per finding. Artifact URIs are relative POSIX paths
    (percent-encoded) against ``uriBaseId`` ``%SRCROOT%``, which is ``root`` when given (else the directory the
    paths are relative to); a path outside ``root``, or an absolute path when there is no ``root``, becomes a
    ``file://`` URI. A module location's region is ``{"startLine": 1, "byteOffset": N, "byteLength": 1}``: code
    scanning needs a ``startLine`` even for binary artifacts. ``partialFingerprints.primaryLocationLineHash`` is a
    hash of the code, URI, subject and phase (not of offsets, which move whenever the module is rebuilt), with
    ``:n`` numbering findings that would otherwise share a hash.

``github``
    GitHub Actions workflow commands, one line per finding::

        ::error file=plugin.wasm,line=1,title=WL101 missing-import::import env.ws_connect ... [phase meta]

    ``error``, ``warning`` and ``notice`` for the three severities. ``line`` is the manifest line for manifest
    locations, else 1 (a binary file has no lines; line 1 attaches the annotation to the file, and matches the
    SARIF region). ``file`` is relative to ``root`` when given. Values are escaped as the Actions toolkit does:
    ``%``, CR and LF in the message, and also ``:`` and ``,`` in properties.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TextIO

from ..escape import escape_text
from ..lint.diagnostics import Finding, Location, sorted_findings
from ..lint.rules import RULES, RULES_BY_CODE, Rule, rule_documentation

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github")

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
_ANSI_SEVERITY = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}
_ANSI_BOLD = "\x1b[1m"
_ANSI_RESET = "\x1b[0m"


def render(
    findings: list[Finding],
    fmt: str,
    *,
    color: bool = False,
    tool_version: str = "0+unknown",
    root: str | None = None,
    files_checked: int | None = None,
) -> str:
    """Render ``findings`` in format ``fmt`` (one of :data:`FORMATS`).

    ``color`` applies to ``text`` only; ``tool_version`` to ``sarif``; ``root`` (the directory artifact paths are
    made relative to) to ``sarif`` and ``github``; ``files_checked`` to the summary line of ``text``.
    """
    ordered = sorted_findings(list(findings))
    if fmt == "text":
        return _render_text(ordered, color=color, files_checked=files_checked)
    if fmt == "json":
        return _render_json(ordered)
    if fmt == "sarif":
        return _render_sarif(ordered, tool_version=tool_version, root=root)
    if fmt == "github":
        return _render_github(ordered, root=root)
    raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour output written to ``stream``.

    ``NO_COLOR`` set to any non-empty value disables colour (https://no-color.org) and wins over everything;
    ``FORCE_COLOR`` set to any non-empty value enables it (https://force-color.org); otherwise colour is used when
    ``stream`` is a terminal and ``TERM`` is not ``dumb``.
    """
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


# --- helpers shared by the formats ---------------------------------------------------------------------------------


def _display_message(finding: Finding) -> str:
    """The message, with the phase appended unless the message already names it."""
    phase = finding.phase
    if phase and not finding.message.startswith(f"phase {phase}:"):
        return f"{finding.message} [phase {phase}]"
    return finding.message


def _relative_path(path: str, root: str | None) -> str | None:
    """``path`` as a POSIX path relative to ``root`` (or as given without ``root``); None if it is not under it."""
    if root is not None:
        try:
            rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
        except ValueError:  # another drive on Windows
            return None
    elif os.path.isabs(path):
        return None
    else:
        rel = os.path.normpath(path)
    rel = rel.replace(os.sep, "/")
    if rel == ".." or rel.startswith("../"):
        return None
    return rel


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "info" else f"{count} {word}s"


# --- text ----------------------------------------------------------------------------------------------------------


def _text_location(loc: Location) -> str:
    path = escape_text(loc.path)
    if loc.line is not None:
        return f"{path}:{loc.line}:"
    if loc.offset is not None:
        return f"{path}:0x{loc.offset:x}:"
    return f"{path}:"


def _render_text(findings: list[Finding], *, color: bool, files_checked: int | None) -> str:
    return text_lines(findings, color=color) + summary_line(_summary(findings, files_checked), color=color)


def text_lines(findings: list[Finding], *, color: bool) -> str:
    """One line per finding (each ending in a newline): the text format without its summary."""
    lines: list[str] = []
    for finding in findings:
        code = finding.code
        if color:
            code = f"{_ANSI_SEVERITY.get(finding.severity, _ANSI_BOLD)}{code}{_ANSI_RESET}"
        lines.append(f"{_text_location(finding.location)} {code} {escape_text(_display_message(finding))}\n")
    return "".join(lines)


def summary_line(summary: str, *, color: bool) -> str:
    return (f"{_ANSI_BOLD}{summary}{_ANSI_RESET}" if color else summary) + "\n"


def _summary(findings: list[Finding], files_checked: int | None) -> str:
    if not findings:
        if files_checked is None:
            return "No findings."
        return f"No findings in {_plural(files_checked, 'file')} checked."
    counts = {severity: 0 for severity in _SARIF_LEVEL}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    parts = ", ".join(_plural(n, severity) for severity, n in counts.items() if n)
    files = len({finding.path for finding in findings})
    where = _plural(files, "file") if files_checked is None else f"{files} of {_plural(files_checked, 'file')}"
    return f"Found {parts} in {where}."


# --- json ----------------------------------------------------------------------------------------------------------


def _json_location(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "offset": loc.offset, "line": loc.line}


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding as the ``json`` format renders it."""
    rule = RULES_BY_CODE.get(finding.code)
    return {
        **_json_location(finding.location),
        "code": finding.code,
        "name": rule.name if rule else None,
        "severity": finding.severity,
        "message": finding.message,
        "phase": finding.phase,
        "subject": finding.subject,
        "related": [_json_location(loc) for loc in finding.related],
    }


def _render_json(findings: list[Finding]) -> str:
    from .jsontext import dumps

    return dumps([finding_to_dict(f) for f in findings]) + "\n"


# --- sarif ---------------------------------------------------------------------------------------------------------


def _artifact_location(path: str, root: str | None) -> dict[str, str]:
    found = _ARTIFACTS.get((path, root))
    if found is None:
        found = _ARTIFACTS[(path, root)] = _new_artifact_location(path, root)
    return dict(found)


_ARTIFACTS: dict[tuple[str, str | None], dict[str, str]] = {}
"""Artifact locations by (path, root) for one rendering: a file has as many findings as it has problems, and
working out its URI (absolute path, relative path, percent-encoding) costs more than rendering one of them."""


def _new_artifact_location(path: str, root: str | None) -> dict[str, str]:
    from urllib.parse import quote

    rel = _relative_path(path, root)
    if rel is None:
        from pathlib import Path

        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def _region(loc: Location) -> dict[str, int]:
    if loc.line is not None:
        return {"startLine": loc.line}
    if loc.offset is not None:
        return {"startLine": 1, "byteOffset": loc.offset, "byteLength": 1}
    return {"startLine": 1}


def _sarif_location(loc: Location, root: str | None) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": _artifact_location(loc.path, root), "region": _region(loc)}}


def _rule_markdown(rule: Rule) -> str:
    default = "" if rule.default_enabled else "\n\nOff by default; enable it with `--select`."
    return (
        f"**{rule.code} {rule.name}**: {rule.summary}{default}\n\n"
        f"## Why is this bad?\n\n{rule.why}\n\n"
        f"## Example\n\n```\n{rule.example}\n```\n\n"
        f"## Fix\n\n{rule.fix}\n"
    )


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    configuration: dict[str, Any] = {"level": _SARIF_LEVEL[rule.severity]}
    if not rule.default_enabled:
        configuration["enabled"] = False
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} {rule.why}"},
        "help": {"text": rule_documentation(rule), "markdown": _rule_markdown(rule)},
        "defaultConfiguration": configuration,
    }


def fingerprint(finding: Finding, uri: str) -> str:
    """The hash part of ``primaryLocationLineHash``: the code, artifact URI, subject and phase, not the offset."""
    import hashlib
    import json

    key = json.dumps([finding.code, uri, finding.subject, finding.phase or ""])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def sarif_log(findings: list[Finding], *, tool_version: str, root: str | None) -> dict[str, Any]:
    """The SARIF log of ``findings`` (already sorted) as a value: what the ``sarif`` format renders."""
    _ARTIFACTS.clear()  # paths are resolved against the working directory of this rendering
    rule_index = {rule.code: index for index, rule in enumerate(RULES)}
    seen: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for finding in findings:
        location = _sarif_location(finding.location, root)
        digest = fingerprint(finding, location["physicalLocation"]["artifactLocation"]["uri"])
        seen[digest] = seen.get(digest, 0) + 1
        result: dict[str, Any] = {"ruleId": finding.code}
        if finding.code in rule_index:
            result["ruleIndex"] = rule_index[finding.code]
        result["level"] = _SARIF_LEVEL.get(finding.severity, "warning")
        result["message"] = {"text": _display_message(finding)}
        result["locations"] = [location]
        if finding.related:
            result["relatedLocations"] = [
                {"id": index, **_sarif_location(loc, root)} for index, loc in enumerate(finding.related, start=1)
            ]
        result["partialFingerprints"] = {"primaryLocationLineHash": f"{digest}:{seen[digest]}"}
        properties: dict[str, Any] = {"subject": finding.subject}
        if finding.phase is not None:
            properties["phase"] = finding.phase
        result["properties"] = properties
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "wasmlint",
                        "version": tool_version,
                        "rules": [_sarif_rule(rule) for rule in RULES],
                    }
                },
                "results": results,
            }
        ],
    }
    return log


def _render_sarif(findings: list[Finding], *, tool_version: str, root: str | None) -> str:
    """``json.dumps(sarif_log(...), indent=2)``, with the results written straight from the findings: a result is
    nine small JSON objects, and a location's text (its artifact and region) is made once per location."""
    head, tail = sarif_frame(tool_version=tool_version, root=root)
    _ARTIFACTS.clear()
    items = sarif_result_items(findings, root=root, seen={})
    return head + (SARIF_RESULTS_OPEN + SARIF_RESULTS_SEP.join(items) + SARIF_RESULTS_CLOSE if items else "[]") + tail


SARIF_RESULTS_OPEN = "[\n" + "  " * 4
SARIF_RESULTS_SEP = ",\n" + "  " * 4
SARIF_RESULTS_CLOSE = "\n" + "  " * 3 + "]"


def sarif_frame(*, tool_version: str, root: str | None) -> tuple[str, str]:
    """The SARIF log around the value of its results: the text before it, and the text after it (with the final
    newline)."""
    from .jsontext import dumps

    head, sep, tail = dumps(sarif_log([], tool_version=tool_version, root=root)).rpartition('"results": []')
    assert sep, "the SARIF log's shape changed: results must stay the run's last key"
    return head + '"results": ', tail + "\n"


SARIF_COUNT_MARK = "\x00"
"""Stands for a fingerprint's ``:n`` in results written without ``seen`` (JSON text never holds a raw NUL)."""


def sarif_result_items(findings: list[Finding], *, root: str | None, seen: dict[str, int] | None) -> list[str]:
    """The text of each finding's SARIF result, at its depth in the log. ``seen`` counts the fingerprints met so
    far in the run (``:n`` numbers findings that share one); without it, each ``n`` is left as
    :data:`SARIF_COUNT_MARK`, to be filled in by whoever knows the whole run (``render/stream.py``)."""
    from json.encoder import encode_basestring_ascii as enc

    from .jsontext import dumps

    rule_index = {rule.code: index for index, rule in enumerate(RULES)}
    n4, n5, n6, n7 = ("\n" + "  " * depth for depth in (4, 5, 6, 7))
    places: dict[tuple[str, int | None, int | None], tuple[str, str]] = {}

    def place(loc: Location) -> tuple[str, str]:
        """A location's URI, and the text of its physicalLocation at depth 7."""
        key = (loc.path, loc.offset, loc.line)
        found = places.get(key)
        if found is None:
            artifact = _artifact_location(loc.path, root)
            physical = {"artifactLocation": artifact, "region": _region(loc)}
            found = places[key] = (artifact["uri"], dumps(physical, level=7))
        return found

    items: list[str] = []
    for finding in findings:
        uri, physical = place(finding.location)
        digest = fingerprint(finding, uri)
        if seen is None:
            hashed = f'"{digest}:{SARIF_COUNT_MARK}"'  # a hex digest needs no escaping
        else:
            seen[digest] = seen.get(digest, 0) + 1
            hashed = enc(f"{digest}:{seen[digest]}")
        code = finding.code
        parts = [f'"ruleId": {enc(code)}']
        if code in rule_index:
            parts.append(f'"ruleIndex": {rule_index[code]}')
        parts.append(f'"level": {enc(_SARIF_LEVEL.get(finding.severity, "warning"))}')
        parts.append(f'"message": {{{n6}"text": {enc(_display_message(finding))}{n5}}}')
        parts.append(f'"locations": [{n6}{{{n7}"physicalLocation": {physical}{n6}}}{n5}]')
        if finding.related:
            related = [
                f'{{{n7}"id": {index},{n7}"physicalLocation": {place(loc)[1]}{n6}}}'
                for index, loc in enumerate(finding.related, start=1)
            ]
            parts.append(f'"relatedLocations": [{n6}' + f",{n6}".join(related) + f"{n5}]")
        parts.append(f'"partialFingerprints": {{{n6}"primaryLocationLineHash": {hashed}{n5}}}')
        properties: dict[str, Any] = {"subject": finding.subject}
        if finding.phase is not None:
            properties["phase"] = finding.phase
        parts.append(f'"properties": {dumps(properties, level=5)}')
        items.append("{" + n5 + f",{n5}".join(parts) + n4 + "}")
    return items


# --- github --------------------------------------------------------------------------------------------------------


def escape_github_data(value: str) -> str:
    """Escape a workflow command's message as the Actions toolkit does (``%``, CR, LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_github_property(value: str) -> str:
    """Escape a workflow command's property value as the Actions toolkit does (also ``:`` and ``,``)."""
    return escape_github_data(value).replace(":", "%3A").replace(",", "%2C")


def _render_github(findings: list[Finding], *, root: str | None) -> str:
    lines: list[str] = []
    for finding in findings:
        loc = finding.location
        path = _relative_path(loc.path, root) or loc.path
        rule = RULES_BY_CODE.get(finding.code)
        title = f"{finding.code} {rule.name}" if rule else finding.code
        properties = {"file": path, "line": str(loc.line if loc.line is not None else 1), "title": title}
        props = ",".join(f"{key}={escape_github_property(value)}" for key, value in properties.items())
        command = _GITHUB_COMMAND.get(finding.severity, "warning")
        lines.append(f"::{command} {props}::{escape_github_data(_display_message(finding))}")
    return "".join(line + "\n" for line in lines)
