"""Findings rendered file by file, in the same characters :func:`~.findings.render` writes for all of them at once.

``lint/stream.py`` checks files in sorted order and renders each file's findings (sorted) on its own, in whichever
process checked it; the pieces, joined in order, are what ``render`` writes for the sorted list of every finding:
its findings sort by path first, and a file's findings are all located in it. The pieces need no state from one
another, so :class:`Piece` is plain data a worker can send back, and :class:`FindingsWriter` only adds what goes
between and around them, the text summary from the counts, and the run-wide ``:n`` of SARIF fingerprints (two
spellings of one path share a URI). ``tests/test_stream.py`` holds every format to ``render``.
"""

from __future__ import annotations

from ..lint.diagnostics import Finding
from ..record import Record
from . import findings as F


class Piece(Record):
    """One file's findings, rendered: the text of its items (without what separates it from the previous file's),
    the counts the summary needs, and for SARIF the fingerprint of each result, in order (their ``:n`` are numbered
    over the whole run when the piece is written)."""

    text: str
    severities: tuple[tuple[str, int], ...]
    digests: tuple[str, ...] = ()


def render_piece(findings: list[Finding], fmt: str, *, color: bool = False, root: str | None = None) -> Piece:
    """``findings`` (one file's, sorted) as a piece of the ``fmt`` rendering."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    if not findings:
        text = ""
    elif fmt == "text":
        text = F.text_lines(findings, color=color)
    elif fmt == "github":
        text = F._render_github(findings, root=root)
    elif fmt == "json":
        from .jsontext import dumps

        text = ",\n  ".join(dumps(F.finding_to_dict(f), level=1) for f in findings)
    else:
        text = F.SARIF_RESULTS_SEP.join(F.sarif_result_items(findings, root=root, seen=None))
        uris = {f.location.path: F._artifact_location(f.location.path, root)["uri"] for f in findings}
        return Piece(text, tuple(counts.items()), tuple(F.fingerprint(f, uris[f.location.path]) for f in findings))
    return Piece(text, tuple(counts.items()))


class FindingsWriter:
    """``begin()``, then ``add(piece)`` for each file's piece in order, then ``end()``: together, what ``render``
    writes. As ``wasmlint check`` prints it, text with no findings at all is empty (no summary line)."""

    def __init__(
        self, fmt: str, *, color: bool = False, tool_version: str = "0+unknown", root: str | None = None
    ) -> None:
        if fmt not in F.FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; choose one of {', '.join(F.FORMATS)}")
        self.fmt = fmt
        self.color = color
        self.tool_version = tool_version
        self.root = root
        self.severities: dict[str, int] = {}
        self.files = 0
        self.seen: dict[str, int] = {}  # SARIF fingerprints met so far in the run
        self.tail = ""

    def begin(self) -> str:
        if self.fmt != "sarif":
            return ""
        F._ARTIFACTS.clear()
        head, self.tail = F.sarif_frame(tool_version=self.tool_version, root=self.root)
        return head

    def add(self, piece: Piece) -> str:
        if not piece.text:
            return ""
        first = not self.files
        self.files += 1
        for severity, count in piece.severities:
            self.severities[severity] = self.severities.get(severity, 0) + count
        if self.fmt == "json":
            return ("[\n  " if first else ",\n  ") + piece.text
        if self.fmt == "sarif":
            parts = piece.text.split(F.SARIF_COUNT_MARK)
            numbered = [parts[0]]
            for digest, after in zip(piece.digests, parts[1:], strict=True):
                self.seen[digest] = self.seen.get(digest, 0) + 1
                numbered += [str(self.seen[digest]), after]
            return (F.SARIF_RESULTS_OPEN if first else F.SARIF_RESULTS_SEP) + "".join(numbered)
        return piece.text

    def end(self) -> str:
        if self.fmt == "text":
            return F.summary_line(self._summary(), color=self.color) if self.files else ""
        if self.fmt == "github":
            return ""
        if self.fmt == "json":
            return "\n]\n" if self.files else "[]\n"
        return (F.SARIF_RESULTS_CLOSE if self.files else "[]") + self.tail

    def _summary(self) -> str:
        """``Found ... in N files.``, as ``render`` words it for the whole list."""
        counts = [(severity, self.severities.get(severity, 0)) for severity in F._SARIF_LEVEL]
        parts = ", ".join(F._plural(n, severity) for severity, n in counts if n)
        return f"Found {parts} in {F._plural(self.files, 'file')}."
