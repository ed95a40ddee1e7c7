"""`wasmlint inspect`: list imports and exports."""

from __future__ import annotations

import sys

import click

from ..cli import EXIT_HELP, JOBS_OPTION, Command, Exit, exclusion_options, expand_paths


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
@JOBS_OPTION
@exclusion_options
def inspect(
    files: tuple[str, ...],
    output_format: str,
    jobs: int | None = 1,
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
) -> None:
    """List the imports and exports of each FILE, with their types and producers; a component's in WIT.

    Every file is listed even when another cannot be read; then the exit status is 2. A FILE may be a folder (its
    .wasm files are listed, but what .gitignore or the exclusions skip) or a glob.
    """
    files = tuple(expand_paths(files, exclude, extend_exclude))
    from ..batch.parallel import file_size, map_in_order, workers_for

    failed = False
    # Each file's listing is written as soon as it is decoded, so memory does not grow with the number of files:
    # a JSON array element by element (the same characters json.dumps(indent=2) writes for the whole array). With
    # workers, listings come back in the files' order. Output goes straight to stdout, which flushes at each line
    # on a terminal and in blocks into a pipe (click.echo flushes every call); names from the binary are already
    # escaped by the renderer.
    write = sys.stdout.write
    as_json = output_format == "json"
    written = 0
    listings = map_in_order(ListOne(as_json), files, workers_for(len(files), jobs), file_size)
    for text, error in listings:
        if error is not None:
            failed = True
            if not as_json:
                click.echo(error, err=True)
                continue
        if as_json:
            write(("[\n  " if not written else ",\n  ") + text)
            written += 1
        else:
            write(text)
    if as_json:
        write("\n]\n" if written else "[]\n")
    sys.exit(Exit.ERROR if failed else Exit.OK)


class ListOne:
    """One file's listing: (its text, or its JSON entry's text; the error message, or None). The same work in this
    process or in a worker, so the output does not depend on which ran it."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def __call__(self, path: str) -> tuple[str, str | None]:
        from ..decode.module import decode_path
        from ..decode.reader import DecodeError
        from ..render.listing import error_to_json, module_json_text, module_to_text

        component = None
        try:
            module = decode_path(path)
            if module.kind == "component":
                from ..decode.component import decode_component_path

                component = decode_component_path(path)
        except DecodeError as exc:
            entry = error_to_json(path, exc.offset, exc.message)
            return self.error_text(entry), f"{path}: error: {exc}"
        except OSError as exc:
            entry = error_to_json(path, None, exc.strerror or str(exc))
            return self.error_text(entry), f"{path}: error: {entry['error']['message']}"
        if component is not None:
            from ..render.components import component_to_json, component_to_text

            if not self.as_json:
                return component_to_text(path, component), None
            from ..render.jsontext import dumps

            return dumps(component_to_json(path, component), ensure_ascii=False, level=1), None
        return (module_json_text(path, module) if self.as_json else module_to_text(path, module)), None

    def error_text(self, entry: dict[str, object]) -> str:
        if not self.as_json:
            return ""
        from ..render.jsontext import dumps

        return dumps(entry, ensure_ascii=False, level=1)
