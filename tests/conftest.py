"""Shared helpers: every test runs the real CLI (typer's CliRunner) on real YAML files."""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ngapcli.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)


def run_cli(*args: str, input: str | None = None, env: dict | None = None) -> Run:
    runner = CliRunner()
    result = runner.invoke(app, [str(a) for a in args], input=input, env=env or {"NO_COLOR": "1"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def tour(tmp_path):
    """Write a YAML tour (dedented) to a file and return its path."""
    counter = {"n": 0}

    def make(text: str, name: str | None = None) -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"tour{counter['n']}.yaml")
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return make


def price_json(*paths, extra=()) -> dict:
    """`ngap price --format json` on the files; asserts the run did not fail on input."""
    r = run_cli("price", *paths, "--format", "json", *extra)
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return r.json


def lines_of(data: dict, **match) -> list[dict]:
    return [l for l in data["lines"] if all(l.get(k) == v for k, v in match.items())]


def total(data: dict) -> Decimal:
    return Decimal(data["totals"]["amount"])


def codes(data: dict) -> list[str]:
    return [w["code"] for w in data["warnings"]]
