"""Docs that cannot drift: every command and every named question appears in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from econkg.cli import COMMANDS
from econkg.queries import list_queries

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    assert f"econkg {command}" in README


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
