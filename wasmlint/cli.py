"""The command line: reads files, calls the library, renders, and chooses the exit status.

Each subcommand lives in ``wasmlint/commands/`` and is imported only when it runs (or when help lists it), so
that a pre-commit run of ``wasmlint check`` pays for no other command.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Any

import click

from . import __version__


class Exit:
    """Exit statuses, the same for every subcommand (plain ints: an enum class costs start-up time)."""

    OK = 0
    """Nothing at error severity was found."""
    FINDINGS = 1
    """A finding at error severity (check), or a stale generated file (gen --check)."""
    ERROR = 2
    """A usage error, or an input that could not be read or decoded."""


EXIT_HELP = "Exit status: 0 clean, 1 findings at error severity, 2 usage error or unreadable/malformed input."

COMMANDS = ("check", "inspect", "init", "gen", "rules", "presets")


HELP_OPTION_TEXT = "Show this message and exit."
VERSION_OPTION_TEXT = "Show the version and exit."


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"wasmlint, version {__version__}", color=ctx.color)
        ctx.exit()


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Worker processes for a large batch (0 or unset: the CPUs available; a small batch stays in one process). "
    "The output is the same, byte for byte and in order, whatever N is.",
)
"""``-j/--jobs``, for the commands that take many files (``parallel.py`` does the work)."""


def exclusion_options(function: Any) -> Any:
    """``--exclude`` and ``--extend-exclude``, for the commands that take folders (``discover.py``)."""
    function = click.option(
        "--extend-exclude",
        multiple=True,
        metavar="PATTERN",
        help="Also skip files and folders that match PATTERN when searching folders (repeatable).",
    )(function)
    return click.option(
        "--exclude",
        multiple=True,
        metavar="PATTERN",
        help="Skip files and folders that match PATTERN when searching folders, instead of the defaults "
        "(.git, node_modules, virtual environments, caches...; repeatable). A file named is always used.",
    )(function)


def expand_paths(arguments: tuple[str, ...], exclude: tuple[str, ...], extend_exclude: tuple[str, ...]) -> list[str]:
    """The files the arguments name (``discover.expand``); exits with status 2 on unusable exclusion settings."""
    if not any(os.path.isdir(argument) or any(c in argument for c in "*?[") for argument in arguments):
        return list(arguments)  # files only, as pre-commit passes them: nothing to search, nothing to import
    from .batch.discover import DiscoveryError, expand

    try:
        found = list(expand(arguments, exclude, extend_exclude))
    except DiscoveryError as exc:
        click.echo(f"wasmlint: error: {exc}", err=True)
        sys.exit(Exit.ERROR)
    if not found:
        click.echo(f"wasmlint: warning: no .wasm file found in {', '.join(arguments)}", err=True)
    return found


class Command(click.Command):
    """A click command whose ``--help`` option is worded here rather than looked up through gettext.

    click asks ``gettext`` for the wording of its help and version options on every run; the first lookup
    imports ``locale`` and searches the message catalogues, over a millisecond that pre-commit would pay on
    every commit for English text wasmlint never translates. So both options are declared here, with the
    behaviour of click's own (``--version`` on the group, below); and ``check`` and ``inspect``, which
    pre-commit runs on every commit, take plain strings rather than ``click.Path``, whose constructor makes the
    same lookup (they report an unreadable file, a directory included, in place and go on with the others).
    """

    _english_help_option: click.Option | None = None

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._english_help_option is None:
            self._english_help_option = click.Option(
                names, is_flag=True, is_eager=True, expose_value=False, callback=_show_help, help=HELP_OPTION_TEXT
            )
        return self._english_help_option


class LazyGroup(Command, click.Group):
    """A group whose subcommands are the modules of ``wasmlint.commands``, imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = getattr(importlib.import_module(f"wasmlint.commands.{cmd_name}"), cmd_name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
@click.option(
    "--version", is_flag=True, is_eager=True, expose_value=False, callback=_show_version, help=VERSION_OPTION_TEXT
)
def main() -> None:
    """Stop WebAssembly plugins from failing at load time.

    wasmlint decodes .wasm files itself (no runtime needed), lists what they import and export, and checks
    those imports against a host ABI manifest.
    """


def run() -> None:
    """The ``wasmlint`` command (console script and ``python -m wasmlint``): run :func:`main`, flush the output,
    and end the process without finalising the interpreter.

    Finalisation frees every object of every imported module one by one: about ten milliseconds for click and
    its imports, longer than wasmlint's own work on a typical pre-commit run, for a process that is about to end
    anyway. Every file wasmlint writes is closed before this point, and it registers no exit handlers. Under a
    tracer or profiler (a debugger, coverage, cProfile) the process ends normally, so that they can report.
    Called as a function (``main(...)``, click's test runner), nothing of this applies.
    """
    try:
        main()
    except SystemExit as exc:
        status = exc.code
    else:  # pragma: no cover - click's standalone mode always ends with SystemExit
        status = 0
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(status)
    if status is None:
        status = 0
    elif not isinstance(status, int):
        print(status, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (``| head``): as click treats a broken pipe during the run
        status = 1
    with contextlib.suppress(OSError):
        sys.stderr.flush()
    os._exit(status)
