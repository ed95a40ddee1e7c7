"""`wasmlint inspect`: list imports and exports."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..cli import EXIT_HELP, Command, Exit


@click.command(cls=Command, epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table per file; json: an array with one object per file (schema: wasmlint/schemas/).",
)
def inspect(files: tuple[str, ...], output_format: str) -> None:
    """List the imports and exports of each FILE, with their types and producers.

    Every file is listed even when another cannot be read; then the exit status is 2.
    """
    from ..decode.module import decode_path
    from ..decode.reader import DecodeError
    from ..render.listing import error_to_json, module_json_text, module_to_text

    failed = False
    # Each file's listing is written as soon as it is decoded, so memory does not grow with the number of files:
    # a JSON array element by element (the same characters json.dumps(indent=2) writes for the whole array).
    # Output goes straight to stdout, which flushes at each line on a terminal and in blocks into a pipe (click.echo
    # flushes every call); names from the binary are already escaped by the renderer.
    write = sys.stdout.write
    as_json = output_format == "json"
    written = 0
    for path in files:
        entry: dict[str, Any] | None = None
        try:
            module = decode_path(path)
        except DecodeError as exc:
            failed = True
            entry = error_to_json(path, exc.offset, exc.message)
            if not as_json:
                click.echo(f"{path}: error: {exc}", err=True)
        except OSError as exc:
            failed = True
            entry = error_to_json(path, None, exc.strerror or str(exc))
            if not as_json:
                click.echo(f"{path}: error: {entry['error']['message']}", err=True)
        else:
            if not as_json:
                write(module_to_text(path, module))
                continue
        if as_json:
            if entry is None:
                text = module_json_text(path, module)
            else:
                from ..render.jsontext import dumps

                text = dumps(entry, ensure_ascii=False, level=1)
            write(("[\n  " if not written else ",\n  ") + text)
            written += 1
    if as_json:
        write("\n]\n" if written else "[]\n")
    sys.exit(Exit.ERROR if failed else Exit.OK)
