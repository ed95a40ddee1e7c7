"""`wasmlint check`: the gate for pre-commit and CI."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..cli import EXIT_HELP, JOBS_OPTION, Command, exclusion_options, expand_paths


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [code.strip().upper() for code in value.split(",") if code.strip()]


@click.command(cls=Command, epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--manifest",
    "-m",
    metavar="FILE",
    help="Host ABI manifest. Default: the nearest wasmlint.toml above each file, else [tool.wasmlint] "
    "`manifest` in the nearest pyproject.toml.",
)
@click.option(
    "--preset",
    "presets",
    multiple=True,
    metavar="NAME[@VERSION]",
    help="Check against built-in presets alone, with no manifest file (repeatable); `wasmlint presets` lists them. "
    "The version is read from each module's marker unless @VERSION pins it.",
)
@click.option(
    "--host-version",
    "host_versions",
    multiple=True,
    metavar="VERSION",
    help="Check against this host release (repeatable: each in one run). Default: the newest the manifest declares.",
)
@click.option(
    "--phase",
    "phases",
    multiple=True,
    help="Check only this phase (repeatable); `run` is the full run. Default: every phase the manifest declares.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text: `path: CODE message` lines; json; sarif (SARIF 2.1.0 for code scanning); github (annotations).",
)
@click.option("--select", help="Comma-separated rule codes or prefixes to enable (e.g. WL1,WL401; ALL).")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to disable.")
@JOBS_OPTION
@exclusion_options
def check(
    files: tuple[str, ...],
    manifest: str | None,
    presets: tuple[str, ...],
    host_versions: tuple[str, ...],
    phases: tuple[str, ...],
    output_format: str,
    select: str | None,
    ignore: str | None,
    jobs: int | None = 1,
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
) -> None:
    """Check that each FILE imports only what its host provides, in every phase, and exports what it calls.

    Every problem of every file is reported in one run, with stable rule codes (`wasmlint rules` explains each).
    Findings go to standard output; failures to read a manifest go to standard error. A FILE may be a folder (its
    .wasm files are checked, but what .gitignore or the exclusions skip) or a glob.
    """
    files = tuple(expand_paths(files, exclude, extend_exclude))
    from ..lint.stream import check_each
    from ..render.findings import use_color
    from ..render.stream import FindingsWriter

    # File by file, each file's findings rendered and written as soon as it is checked (lint/stream.py): the same
    # output as rendering every finding at the end, in memory that does not grow with the number of files.
    color = output_format == "text" and use_color(sys.stdout)
    writer = FindingsWriter(output_format, color=color, tool_version=__version__)
    write = sys.stdout.write
    write(writer.begin())
    reported: set[str] = set()
    status = 0
    for outcome in check_each(
        files,
        output_format,
        color=color,
        manifest=manifest,
        presets=presets,
        phases=phases,
        host_versions=host_versions,
        select=_codes(select),
        ignore=_codes(ignore),
        jobs=jobs,
    ):
        for message in outcome.failures:
            if message not in reported:
                reported.add(message)
                click.echo(f"wasmlint: error: {message}", err=True)
        status = max(status, outcome.exit_status)
        write(writer.add(outcome.piece))
    write(writer.end())
    sys.exit(status)
