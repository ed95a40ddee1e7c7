"""`check` over a batch, one file at a time, so that a registry-sized run's memory does not grow with its files.

Renderers sort findings by path first (:func:`~wasmlint.lint.diagnostics.sort_key`), and every finding but WL401's
is located in the module it is about. So the files are checked in sorted order, one :func:`run_check` each (sharing
one :class:`~wasmlint.manifest.config.ConfigFinder`, so that configuration is found once per directory), and each
file's findings, sorted and rendered (``render/stream.py``), can be written before the next file is read: joined,
they are exactly what rendering all the findings of one run gives. A file named more than once is checked in one
run of its copies, whose findings interleave as one run's would. With ``jobs`` the files are checked and rendered
by worker processes (``batch/parallel.py``: forked, each with a slice of the files), and come back in the same order.

WL401 (a manifest entry no checked module imports) is about the whole set of files: when it may be reported, the
batch is checked in one run, as before, and only then rendered.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ..batch.parallel import file_size, map_in_order, workers_for
from ..manifest.config import ConfigFinder
from ..manifest.values import ManifestError
from ..record import Record, field, from_plain, to_plain
from ..render.stream import Piece, render_piece
from .diagnostics import sorted_findings
from .rules import enabled_codes
from .run import run_check

UNUSED = "WL401"


class FileOutcome(Record):
    """What checking one file (or all, for WL401) gives: its rendered findings, and what decides the exit."""

    piece: Piece
    failures: tuple[str, ...] = field(default=())
    exit_status: int = 0


def check_each(
    files: tuple[str, ...] | list[str],
    fmt: str,
    *,
    color: bool = False,
    manifest: str | None = None,
    presets: tuple[str, ...] = (),
    phases: tuple[str, ...] = (),
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    jobs: int | None = 1,
    **more: Any,
) -> Iterator[FileOutcome]:
    """Check ``files`` one by one in sorted order, each file's findings rendered in ``fmt``. ``more`` goes to
    :func:`run_check` with the options named here.

    ``jobs``: worker processes (None or 0: the available CPUs; fewer when the batch is small). Failures (a manifest
    that cannot be used, a file with no manifest) come with the file they stopped; the caller reports each message
    once, as a single run does.
    """
    options: dict[str, Any] = {
        "manifest": manifest,
        "presets": presets,
        "phases": phases,
        "select": select,
        "ignore": ignore,
        **more,
    }
    # One finder for the run: it loads each manifest once, here, and forked workers start with what it holds.
    finder = ConfigFinder(manifest or None)
    work = CheckOne(options, fmt, color, finder)
    ordered = sorted(files)
    if _may_report_unused(ordered, finder, options):
        yield work.outcome(ordered)
        return
    groups = [(path, len(list(copies))) for path, copies in itertools.groupby(ordered)]
    workers = workers_for(len(groups), jobs)
    if workers == 1:
        yield from map(work, groups)
    else:
        weight = lambda group: file_size(group[0]) * group[1]  # noqa: E731
        yield from map(from_plain, map_in_order(work.plain, groups, workers, weight))


class CheckOne:
    """Check one file (all its copies, when it is named more than once) and render its findings: the same work in
    this process or in a worker. The finder finds a directory's configuration once per process."""

    def __init__(self, options: dict[str, Any], fmt: str, color: bool, finder: ConfigFinder) -> None:
        self.options = options
        self.fmt = fmt
        self.color = color
        self.finder = finder

    def __call__(self, group: tuple[str, int]) -> FileOutcome:
        path, copies = group
        return self.outcome([path] * copies)

    def plain(self, group: tuple[str, int]) -> Any:
        """The outcome as plain data, for a worker to send back (records do not pickle)."""
        return to_plain(self(group))

    def outcome(self, files: list[str]) -> FileOutcome:
        result = run_check(files, finder=self.finder, **self.options)
        piece = render_piece(sorted_findings(result.findings), self.fmt, color=self.color)
        return FileOutcome(piece, tuple(result.failures), result.exit_status)


def _may_report_unused(files: list[str], finder: ConfigFinder, options: dict[str, Any]) -> bool:
    """Whether WL401 is enabled for any file: by ``--select``, or by the lint settings of a file's configuration."""
    select, ignore = options["select"], options["ignore"]
    if select is not None:
        return UNUSED in enabled_codes(select, ignore or [])
    if options["presets"] and not options["manifest"]:
        return False  # built-in presets alone have no lint settings
    seen: set[int] = set()
    for path in files[:1] if options["manifest"] else files:  # --manifest: one configuration for every file
        try:
            config = finder.for_file(path)
        except ManifestError:
            continue  # reported when the file is checked
        if config is None or id(config.lint) in seen:
            continue
        seen.add(id(config.lint))
        if UNUSED in enabled_codes(list(config.lint.select) or None, ignore or list(config.lint.ignore)):
            return True
    return False
