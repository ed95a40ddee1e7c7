"""The command line: reads files, calls the library, renders, and chooses the exit status.

Each subcommand lives in ``wasmlint/commands/`` and is imported only when it runs (or when help lists it), so
that a pre-commit run of ``wasmlint check`` pays for no other command.
"""

from __future__ import annotations

import enum
import importlib

import click

from . import __version__


class Exit(enum.IntEnum):
    """Exit statuses, the same for every subcommand."""

    OK = 0
    """Nothing at error severity was found."""
    FINDINGS = 1
    """A finding at error severity (check), or a stale generated file (gen --check)."""
    ERROR = 2
    """A usage error, or an input that could not be read or decoded."""


EXIT_HELP = "Exit status: 0 clean, 1 findings at error severity, 2 usage error or unreadable/malformed input."

COMMANDS = ("check", "inspect", "init", "gen", "rules")


class LazyGroup(click.Group):
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
@click.version_option(__version__, prog_name="wasmlint", message="%(prog)s, version %(version)s")
def main() -> None:
    """Stop WebAssembly plugins from failing at load time.

    wasmlint decodes .wasm files itself (no runtime needed), lists what they import and export, and checks
    those imports against a host ABI manifest.
    """
