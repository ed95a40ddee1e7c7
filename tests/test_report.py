"""Output formats: each renders hand-built findings deterministically and safely; SARIF validates against the schema."""

from __future__ import annotations

import io
import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wasmlint.escape import escape_text
from wasmlint.lint.diagnostics import Finding, Location, sorted_findings
from wasmlint.lint.rules import RULES
from wasmlint.render.findings import FORMATS, render, use_color

SCHEMA_PATH = Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json"

HOSTILE = 'ws_\n::error file=x::pwned"%0A%\r\x1b[31mred\x07\u202ebidi\u2028sep'

MODULE = "build/plugin.wasm"
MANIFEST = "wasmlint.toml"


def _findings() -> list[Finding]:
    return [
        Finding(
            "WL101",
            "error",
            "import env.ws_connect (i64) -> i64 is not provided",
            Location(MODULE, offset=0x1F),
            related=(Location(MANIFEST, line=3),),
            phase="meta",
            subject="env.ws_connect",
        ),
        Finding(
            "WL101",
            "error",
            "import env.ws_connect (i64) -> i64 is not provided",
            Location(MODULE, offset=0x1F),
            phase="run",
            subject="env.ws_connect",
        ),
        Finding(
            "WL103",
            "error",
            f"import env.{HOSTILE} is not provided; did you mean env.ws_connect?",
            Location(MODULE, offset=0x44),
            subject=f"env.{HOSTILE}",
        ),
        Finding("WL109", "warning", "import env.log is deprecated: use env.log_record", Location(MODULE, offset=0x60)),
        Finding(
            "WL302",
            "info",
            "phase meta: import env.ws_close is served by a dummy",
            Location(MODULE, offset=0x70),
            phase="meta",
            subject="env.ws_close",
        ),
        Finding("WL001", "error", "unexpected end of file (at offset 0x8)", Location("other dir/bad%20.wasm")),
        Finding(
            "WL401",
            "info",
            "env.ws_close is declared but no checked module imports it",
            Location(MANIFEST, line=12),
            subject="env.ws_close",
        ),
    ]


def _sarif(findings: list[Finding], **kwargs: Any) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render(findings, "sarif", tool_version="1.2.3", **kwargs))
    return log


def _results(findings: list[Finding], **kwargs: Any) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = _sarif(findings, **kwargs)["runs"][0]["results"]
    return results


# --- every format --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_does_not_depend_on_input_order(fmt: str) -> None:
    findings = _findings()
    expected = render(findings, fmt)
    rng = random.Random(1234)
    for _ in range(20):
        shuffled = findings[:]
        rng.shuffle(shuffled)
        assert render(shuffled, fmt) == expected
    assert render(list(reversed(findings)), fmt) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_ends_with_newline_and_has_no_carriage_return(fmt: str) -> None:
    out = render(_findings(), fmt)
    assert out.endswith("\n")
    assert "\r" not in out


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown output format"):
        render(_findings(), "xml")


# --- text ----------------------------------------------------------------------------------------------------------


def test_text_has_one_line_per_finding_and_a_summary() -> None:
    findings = _findings()
    lines = render(findings, "text").split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == len(findings) + 1
    assert lines[-1] == "Found 4 errors, 1 warning, 2 info in 3 files."
    assert "build/plugin.wasm:0x1f: WL101 import env.ws_connect (i64) -> i64 is not provided [phase meta]" in lines
    assert "wasmlint.toml:12: WL401 env.ws_close is declared but no checked module imports it" in lines
    assert "other dir/bad%20.wasm: WL001 unexpected end of file (at offset 0x8)" in lines
    # The phase is not repeated when the message starts with it.
    assert "build/plugin.wasm:0x70: WL302 phase meta: import env.ws_close is served by a dummy" in lines


def test_text_summary_variants() -> None:
    assert render([], "text") == "No findings.\n"
    assert render([], "text", files_checked=3) == "No findings in 3 files checked.\n"
    one = [Finding("WL109", "warning", "m", Location("a.wasm", offset=1))]
    assert render(one, "text", files_checked=1).endswith("Found 1 warning in 1 of 1 file.\n")


def test_text_escapes_control_characters_from_names() -> None:
    out = render(_findings(), "text")
    body = out[:-1]
    for char in body:
        assert char == "\n" or char.isprintable(), repr(char)
    assert "\\x1b[31mred" in out
    assert "\\n::error" in out
    assert "\\u202ebidi" in out
    assert "\\u2028sep" in out
    assert out.count("\n") == len(_findings()) + 1


def test_text_colour_only_when_asked_and_never_from_names() -> None:
    findings = _findings()
    plain = render(findings, "text")
    assert "\x1b" not in plain
    coloured = render(findings, "text", color=True)
    assert "\x1b[1;31mWL101\x1b[0m" in coloured
    assert "\x1b[1;33mWL109\x1b[0m" in coloured
    assert "\x1b[1;36mWL401\x1b[0m" in coloured
    # Removing our own SGR sequences gives back the plain output: names contributed none.
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert coloured.count("\x1b[") == 2 * (len(findings) + 1)


@given(st.text())
def test_escape_text_leaves_only_printable_characters(value: str) -> None:
    escaped = escape_text(value)
    assert escaped.isprintable()
    if value.isprintable():
        assert escaped == value


# --- json ----------------------------------------------------------------------------------------------------------


def test_json_round_trips() -> None:
    findings = _findings()
    data = json.loads(render(findings, "json"))
    assert isinstance(data, list)
    keys = {"path", "offset", "line", "code", "name", "severity", "message", "phase", "subject", "related"}
    assert all(set(item) == keys for item in data)
    rebuilt = [
        Finding(
            item["code"],
            item["severity"],
            item["message"],
            Location(item["path"], item["offset"], item["line"]),
            tuple(Location(r["path"], r["offset"], r["line"]) for r in item["related"]),
            item["phase"],
            item["subject"],
        )
        for item in data
    ]
    assert rebuilt == sorted_findings(findings)
    (meta,) = [item for item in data if item["code"] == "WL101" and item["phase"] == "meta"]
    assert meta["name"] == "missing-import"
    assert meta["related"] == [{"path": MANIFEST, "offset": None, "line": 3}]


def test_json_unknown_code_has_null_name() -> None:
    data = json.loads(render([Finding("WL999", "error", "m", Location("a.wasm"))], "json"))
    assert data[0]["name"] is None


# --- sarif ---------------------------------------------------------------------------------------------------------


def _validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")

    def offline(uri: str) -> Any:
        raise AssertionError(f"schema validation tried to fetch {uri}")

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # what the committed schema declares
    cls.check_schema(schema)
    resource = referencing.Resource.from_contents(schema, default_specification=referencing.jsonschema.DRAFT4)
    registry = referencing.Registry(retrieve=offline).with_resource(schema["id"], resource)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_schema() -> None:
    validator = _validator()
    for findings in (_findings(), [], [Finding("WL999", "warning", "unknown code", Location("x.wasm", offset=3))]):
        for root in (None, ".", "/somewhere/else"):
            log = _sarif(findings, root=root)
            errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
            assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_sarif_schema_catches_invalid_logs() -> None:
    """The validator is not vacuous: a log GitHub would reject fails."""
    validator = _validator()
    log = _sarif(_findings())
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert list(validator.iter_errors(log))
    log = _sarif(_findings())
    del log["runs"][0]["results"][0]["message"]
    assert list(validator.iter_errors(log))


def test_sarif_driver_lists_every_rule() -> None:
    log = _sarif(_findings())
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "wasmlint"
    assert driver["version"] == "1.2.3"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [rule.code for rule in RULES]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor, rule in zip(rules, RULES):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert rule.why in descriptor["fullDescription"]["text"]
        for part in (rule.summary, rule.why, rule.fix):
            assert part in descriptor["help"]["text"]
            assert part in descriptor["help"]["markdown"]
        assert descriptor["defaultConfiguration"]["level"] == levels[rule.severity]
        assert descriptor["defaultConfiguration"].get("enabled", True) is rule.default_enabled


def test_sarif_results_point_at_their_rule_and_location() -> None:
    findings = sorted_findings(_findings())
    log = _sarif(findings)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    results = log["runs"][0]["results"]
    assert len(results) == len(findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(results, findings):
        assert result["ruleId"] == finding.code
        assert rules[result["ruleIndex"]]["id"] == finding.code
        assert result["level"] == levels[finding.severity]
        assert finding.message in result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        region = physical["region"]
        assert region["startLine"] >= 1
        if finding.location.line is not None:
            assert region == {"startLine": finding.location.line}
        elif finding.location.offset is not None:
            assert region == {"startLine": 1, "byteOffset": finding.location.offset, "byteLength": 1}
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert re.fullmatch(r"[0-9a-f]{16}:[0-9]+", result["partialFingerprints"]["primaryLocationLineHash"])
        for related in result.get("relatedLocations", []):
            assert related["physicalLocation"]["region"]["startLine"] >= 1
    wl101 = results[0]
    assert wl101["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == MODULE
    assert wl101["relatedLocations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": MANIFEST, "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3},
    }
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "other%20dir/bad%2520.wasm" in uris  # percent-encoded, so a valid URI reference


def test_sarif_unknown_code_has_no_rule_index() -> None:
    (result,) = _results([Finding("WL999", "warning", "m", Location("x.wasm", offset=3))])
    assert result["ruleId"] == "WL999"
    assert "ruleIndex" not in result


def test_sarif_paths_relative_to_root(tmp_path: Path) -> None:
    inside = tmp_path / "plugins" / "a.wasm"
    outside = tmp_path.parent / "elsewhere.wasm"
    findings = [
        Finding("WL201", "error", "m", Location(str(inside), offset=9)),
        Finding("WL201", "error", "m", Location(str(outside), offset=9)),
    ]
    artifacts = [
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in _results(findings, root=str(tmp_path))
    ]
    assert {"uri": "plugins/a.wasm", "uriBaseId": "%SRCROOT%"} in artifacts
    assert {"uri": outside.as_uri()} in artifacts
    # Without a root, a relative path stays as given (normalised) and an absolute one becomes a file URI.
    (rel,) = _results([Finding("WL201", "error", "m", Location("./x/../plugin.wasm"))])
    assert rel["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "plugin.wasm",
        "uriBaseId": "%SRCROOT%",
    }
    (absolute,) = _results([Finding("WL201", "error", "m", Location(str(inside)))])
    assert absolute["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": inside.as_uri()}


def _hashes(findings: list[Finding], **kwargs: Any) -> list[str]:
    return [r["partialFingerprints"]["primaryLocationLineHash"] for r in _results(findings, **kwargs)]


def _moved(finding: Finding, delta: int) -> Finding:
    loc = finding.location
    offset = None if loc.offset is None else loc.offset + delta
    return Finding(
        finding.code,
        finding.severity,
        finding.message,
        Location(loc.path, offset, loc.line),
        finding.related,
        finding.phase,
        finding.subject,
    )


def test_fingerprints_are_stable_when_offsets_move() -> None:
    findings = sorted_findings(_findings())
    before = _hashes(findings)
    assert _hashes(findings) == before
    after = _hashes([_moved(f, 0x100) for f in findings])
    assert after == before
    # Independent of where the command runs from, when given the same root.
    assert _hashes(findings, root=".") == before
    assert _hashes([_moved(f, 0) for f in findings], root=os.getcwd()) == before


def test_fingerprints_differ_between_findings() -> None:
    hashes = _hashes(_findings())
    assert len(set(hashes)) == len(hashes)
    digests = [h.split(":")[0] for h in hashes]
    assert len(set(digests)) == len(digests)  # differ in code, subject, phase or path: never the same hash


def test_fingerprints_number_findings_that_share_a_hash() -> None:
    twins = [
        Finding("WL001", "error", "bad section at 0x10", Location("a.wasm", offset=0x10)),
        Finding("WL001", "error", "bad section at 0x20", Location("a.wasm", offset=0x20)),
    ]
    first, second = _hashes(twins)
    assert first.split(":")[0] == second.split(":")[0]
    assert (first.split(":")[1], second.split(":")[1]) == ("1", "2")


# --- github --------------------------------------------------------------------------------------------------------

_COMMAND = re.compile(r"::(?P<command>error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)")


def _unescape_data(value: str) -> str:
    # As the Actions runner does: escape sequences first, then %25 last.
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def _parse_github(out: str) -> list[tuple[str, dict[str, str], str]]:
    assert out.endswith("\n")
    parsed = []
    for line in out[:-1].split("\n"):  # the runner splits lines on LF (and CR, which never occurs)
        match = _COMMAND.fullmatch(line)
        assert match, line
        props = dict(item.split("=", 1) for item in match["props"].split(","))
        parsed.append(
            (
                match["command"],
                {key: _unescape_property(value) for key, value in props.items()},
                _unescape_data(match["data"]),
            )
        )
    return parsed


def test_github_commands_parse_back_to_the_findings() -> None:
    findings = sorted_findings(_findings())
    out = render(findings, "github")
    parsed = _parse_github(out)
    assert len(parsed) == len(findings)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for (command, props, message), finding in zip(parsed, findings):
        assert command == commands[finding.severity]
        assert props["file"] == os.path.normpath(finding.path).replace(os.sep, "/")
        expected_line = finding.location.line if finding.location.line is not None else 1
        assert props["line"] == str(expected_line)
        assert props["title"].startswith(finding.code + " ")
        assert message.startswith(finding.message)
        if finding.phase and not finding.message.startswith(f"phase {finding.phase}:"):
            assert message == f"{finding.message} [phase {finding.phase}]"
        else:
            assert message == finding.message
    hostile = [m for _, _, m in parsed if "ws_\n" in m]
    assert hostile == [f"import env.{HOSTILE} is not provided; did you mean env.ws_connect?"]
    assert out.startswith("::")
    assert "\n::error file=x::" not in out


def test_github_properties_are_escaped() -> None:
    finding = Finding("WL999", "warning", "100% done", Location("dir,a:b%.wasm", line=2))
    out = render([finding], "github")
    assert out == "::warning file=dir%2Ca%3Ab%25.wasm,line=2,title=WL999::100%25 done\n"
    ((_, props, message),) = _parse_github(out)
    assert props == {"file": "dir,a:b%.wasm", "line": "2", "title": "WL999"}
    assert message == "100% done"


def test_github_paths_relative_to_root(tmp_path: Path) -> None:
    finding = Finding("WL201", "error", "m", Location(str(tmp_path / "sub" / "p.wasm"), offset=4))
    ((_, props, _),) = _parse_github(render([finding], "github", root=str(tmp_path)))
    assert props["file"] == "sub/p.wasm"


def test_github_no_findings_is_empty() -> None:
    assert render([], "github") == ""


@given(st.text(), st.text(min_size=1))
def test_github_round_trips_any_message_and_path(message: str, path: str) -> None:
    finding = Finding("WL101", "error", message, Location("p/" + path.replace("\x00", ""), line=7))
    ((_, props, data),) = _parse_github(render([finding], "github"))
    assert data == message
    assert props["line"] == "7"


# --- colour decision -----------------------------------------------------------------------------------------------


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("environ", "tty", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),  # empty means unset, per no-color.org
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": ""}, False, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, False, True),
    ],
)
def test_use_color(environ: dict[str, str], tty: bool, expected: bool) -> None:
    stream = _Tty() if tty else io.StringIO()
    assert use_color(stream, environ) is expected


def test_use_color_on_closed_or_odd_stream() -> None:
    stream = io.StringIO()
    stream.close()
    assert use_color(stream, {}) is False
    assert use_color(object(), {}) is False  # type: ignore[arg-type]


def test_use_color_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(_Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(io.StringIO()) is True


def test_all_formats_render_every_rule() -> None:
    findings = [
        Finding(rule.code, rule.severity, rule.example.split(": ", 1)[-1], Location(f"{n}.wasm", offset=n))
        for n, rule in enumerate(RULES)
    ]
    for fmt, order in itertools.product(FORMATS, (findings, findings[::-1])):
        assert render(order, fmt) == render(findings, fmt)
