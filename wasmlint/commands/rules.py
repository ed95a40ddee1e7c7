"""`wasmlint rules`: explain the rule codes."""

from __future__ import annotations

import click

from ..cli import Command


@click.command(cls=Command)
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """Explain rule CODE (what it does, why, an example and the fix), or list every rule."""
    from ..lint.rules import RULES, RULES_BY_CODE, rule_documentation

    if code is None:
        for rule in RULES:
            default = "" if rule.default_enabled else " (off by default)"
            click.echo(f"{rule.code}  {rule.name:<28} {rule.severity:<8} {rule.summary}{default}")
        return
    found = RULES_BY_CODE.get(code.upper())
    if found is None:
        raise click.UsageError(f"unknown rule {code!r}; `wasmlint rules` lists them")
    click.echo(rule_documentation(found), nl=False)
