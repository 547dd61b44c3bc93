"""Docs that cannot drift: every command and every named question appears in the README."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from econkg.cli import COMMANDS
from econkg.queries import list_queries

README_PATH = Path(__file__).resolve().parents[1] / "README.md"
README = README_PATH.read_text(encoding="utf-8")


def _documented(words: str) -> bool:
    """`econkg query` is documented only by itself, not inside `econkg queries`."""
    return re.search(rf"\b{re.escape(words)}(?![\w-])", README) is not None


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    assert _documented(f"econkg {command}")


def _analyze_subcommands() -> list[str]:
    from econkg.commands.analyze import analyze

    return sorted(analyze.commands)


@pytest.mark.parametrize("sub", _analyze_subcommands())
def test_every_analysis_is_documented(sub):
    """Each analysis is named after `econkg analyze` (alone, or in the README's list
    `econkg analyze paths|centrality|…`)."""
    lines = [line for line in README.splitlines() if "econkg analyze" in line]
    assert any(re.search(rf"econkg analyze (?:[\w-]+\\?\|)*{sub}(?![\w-])", line)
               for line in lines), sub


def test_documented_match_is_exact():
    assert _documented("econkg build")
    assert not _documented("econkg buil")
    assert not _documented("econkg no-such-command")


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_named_question_is_documented(name):
    assert f"`{name}`" in README


def test_readme_has_exactly_two_fenced_shell_commands():
    blocks = README.split("```sh")[1:]
    assert len(blocks) == 2
    assert "econkg build" in blocks[0] and "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    test_command = README.split("```sh")[2].split("```")[0].strip()
    assert test_command.replace("python3 -m pip install", "python3 -m pip install --quiet") in ci


# --- samples: the README's example outputs are what the commands print --------------------

SAMPLE = re.compile(r"<!-- sample: (?P<command>econkg [^>]*?) -->\n```text\n(?P<output>.*?)```",
                    re.S)


def _run(command: str) -> str:
    from click.testing import CliRunner

    from econkg.cli import main

    res = CliRunner().invoke(main, shlex.split(command)[1:])
    assert res.exit_code == 0, (command, res.output)
    return res.stdout


def test_readme_has_samples():
    assert len(SAMPLE.findall(README)) >= 3


def test_readme_samples_are_what_the_commands_print(request):
    """Run every `<!-- sample: econkg … -->` command and compare the whole output; with
    --generate-snapshots, write the outputs into the README instead."""
    if request.config.getoption("--generate-snapshots"):
        text = SAMPLE.sub(lambda m: f"<!-- sample: {m['command']} -->\n```text\n"
                                    f"{_run(m['command'])}```", README)
        README_PATH.write_text(text, encoding="utf-8")
        return
    for m in SAMPLE.finditer(README):
        assert _run(m["command"]) == m["output"], m["command"]
