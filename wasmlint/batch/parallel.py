"""Spread per-file work over forked processes, and hand the results back in the files' order.

The files are cut into as many contiguous slices as there are processes, of about equal bytes. The calling
process forks one child per slice but the first, works through the first slice itself (so its results, and the
output made from them, come at once), then reads each child's results in turn. A child writes its results with
``marshal`` into an anonymous temporary file, not a pipe, so that it never waits for the parent to read, and
nothing of a finished file stays in memory. Results must therefore be plain data (records travel as
:func:`~wasmlint.record.to_plain` tuples; they are frozen and do not pickle).

A file's result never depends on which process computed it: every process runs the same function on one file at a
time, so the output is identical, byte for byte, to a run with ``--jobs 1``. A child that fails for any reason has
its slice done again by the parent. Where ``fork`` is missing (Windows), or for a small batch, which forking would
only slow down, all the work stays in the calling process. Forking rather than ``multiprocessing`` saves importing
it and pickling every result through a pipe, which cost more than the work on a batch of plugins
(``bench/throughput.py``).
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

MIN_FILES_PER_WORKER = 64
"""Below this many files per process, forking costs about what it saves (a pre-commit batch stays in one)."""


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, where the platform says), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def workers_for(count: int, jobs: int | None) -> int:
    """How many processes to use for ``count`` files: ``jobs`` (None or 0: the available CPUs), but fewer when
    there are too few files for more to pay off, and one where processes cannot be forked."""
    wanted = jobs or available_cpus()
    if wanted <= 1 or not hasattr(os, "fork"):
        return 1
    return max(1, min(wanted, count // MIN_FILES_PER_WORKER))


def map_in_order(
    work: Callable[[T], Any], items: Sequence[T], workers: int, weight: Callable[[T], int] | None = None
) -> Iterator[Any]:
    """``map(work, items)``, computed by ``workers`` processes (only this one when ``workers`` is 1), in order.
    ``weight`` (default: 1 each) balances the slices; results must be data ``marshal`` can write."""
    if workers <= 1 or len(items) < 2:
        yield from map(work, items)
        return
    slices = _slices(items, workers, weight)
    for stream in (sys.stdout, sys.stderr):  # a child must not write out what the parent had buffered
        stream.flush()
    children = [_fork(work, part) for part in slices[1:]]
    try:
        yield from map(work, slices[0])
        for (pid, results), part in zip(children, slices[1:]):
            _, status = os.waitpid(pid, 0)
            given = 0
            if os.waitstatus_to_exitcode(status) == 0:
                results.seek(0)
                try:
                    for _ in part:  # one result at a time: a slice's results are never all in memory
                        found = marshal.load(results)
                        given += 1
                        yield found
                except (EOFError, ValueError, TypeError):
                    pass  # cut short: the rest is done here
            results.close()
            yield from map(work, part[given:])
    finally:  # stopped early (an error while writing): leave no child behind
        for pid, results in children:
            if not results.closed:
                results.close()
                try:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass


def file_size(path: str) -> int:
    """A file's size, as the weight of its work (0 when it cannot be read: its error is quick)."""
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def _slices(items: Sequence[T], count: int, weight: Callable[[T], int] | None) -> list[Sequence[T]]:
    """``items`` cut into ``count`` contiguous slices of about equal weight, none empty."""
    weights = [max(1, weight(item)) for item in items] if weight else [1] * len(items)
    total = sum(weights)
    slices: list[Sequence[T]] = []
    start = 0
    running = 0
    for index, w in enumerate(weights):
        running += w
        left = count - len(slices) - 1  # slices still to start after the current one
        if left and running >= total * (len(slices) + 1) / count and len(items) - index - 1 >= left:
            slices.append(items[start : index + 1])
            start = index + 1
    slices.append(items[start:])
    return slices


def _fork(work: Callable[[T], Any], part: Sequence[T]) -> tuple[int, Any]:
    import tempfile

    results = tempfile.TemporaryFile()  # noqa: SIM115 - closed by map_in_order once read
    pid = os.fork()
    if pid == 0:  # the child: work through its slice, write the results, and leave without cleaning up
        code = 0
        try:
            with open(results.fileno(), "wb", closefd=False) as out:
                for item in part:
                    marshal.dump(work(item), out)
        except BaseException:  # any failure: the parent does the slice again
            code = 70
        os._exit(code)
    return pid, results
