"""ruff reads its settings from pyproject.toml and the code passes them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    if shutil.which("ruff") is None and subprocess.run(
            [sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode != 0:
        pytest.fail("ruff is not installed: it is in the test extra (pip install '.[test]')",
                    pytrace=False)
    settings = subprocess.run([sys.executable, "-m", "ruff", "check", "--show-settings",
                               "graph/econkg/cli.py"], cwd=ROOT, capture_output=True, text=True)
    assert "linter.line_length = 100" in settings.stdout
    res = subprocess.run([sys.executable, "-m", "ruff", "check", "graph", "tests"], cwd=ROOT,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout
