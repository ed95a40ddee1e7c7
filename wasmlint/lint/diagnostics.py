"""Findings: what a check says about one module, in one shape that every output format renders.

Every finding goes through :func:`sorted_findings` before it is rendered, so output is deterministic whatever the
order in which files were checked or batched.
"""

from __future__ import annotations

from typing import Literal

from ..record import Record

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


class Location(Record):
    """Where a finding points: a byte offset in a module, or a line of the manifest."""

    path: str
    offset: int | None = None
    line: int | None = None


class Finding(Record):
    code: str
    """Stable rule code, such as ``WL101``; see ``wasmlint rules``."""
    severity: Severity
    message: str
    location: Location
    """The module (with the byte offset of the import or export), or the manifest for findings about it."""
    related: tuple[Location, ...] = ()
    """Secondary places, such as the manifest line that declares what the module should have imported."""
    phase: str | None = None
    subject: str = ""
    """What the finding is about, e.g. ``env.ws_connect``: with the code, it identifies the finding stably."""

    @property
    def path(self) -> str:
        return self.location.path


def sort_key(finding: Finding) -> tuple[str, int, int, str, str, str]:
    loc = finding.location
    return (
        loc.path,
        loc.offset if loc.offset is not None else -1,
        loc.line if loc.line is not None else -1,
        finding.code,
        finding.phase or "",
        finding.message,
    )


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=sort_key)
