"""docs/ngap.1, the man page (issue 16): generated from the commands themselves by scripts/make_manpage.py,
never out of date, rendered by man/groff without a warning at 80 columns, shipped in the package."""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tomllib

import pytest

from conftest import ROOT

PAGE = ROOT / "docs" / "ngap.1"


def _script():
    spec = importlib.util.spec_from_file_location("make_manpage", ROOT / "scripts" / "make_manpage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_page_is_what_the_script_writes():
    assert _script().build() == PAGE.read_text(encoding="utf-8"), \
        "docs/ngap.1 n'est pas à jour : python scripts/make_manpage.py"


def test_check_mode_says_when_the_page_is_stale(tmp_path, monkeypatch, capsys):
    script = _script()
    assert script.main(["--check"]) == 0
    stale = tmp_path / "ngap.1"
    stale.write_text(PAGE.read_text(encoding="utf-8").replace("Affiche la version", "Montre la version"),
                     encoding="utf-8")
    monkeypatch.setattr(script, "TARGET", stale)
    monkeypatch.setattr(script, "ROOT", tmp_path)
    assert script.main(["--check"]) == 1
    assert "n'est pas à jour" in capsys.readouterr().err


def test_every_command_option_and_help_text_is_in_the_page():
    import typer.main

    from ngapcli.cli import app

    page = PAGE.read_text(encoding="utf-8").replace("\\-", "-").replace("\\~", " ")
    for section in ("NOM", "SYNOPSIS", "DESCRIPTION", "COMMANDES", "CODES DE SORTIE", "FICHIERS", "VOIR AUSSI"):
        assert f"\n.SH {section}\n" in page, section
    for name, command in typer.main.get_command(app).commands.items():
        assert f'.SS "ngap {name}"' in page, name
        assert " ".join((command.help or "").split()) in " ".join(page.split()) or \
            " ".join(command.help.split("\n\n")[0].split()) in " ".join(page.split()), name
        for param in command.params:
            for opt in param.opts if param.param_type_name == "option" else []:
                assert f"\\fB{opt}\\fR" in page, (name, opt)
            if param.help:
                assert " ".join(param.help.split()) in " ".join(page.split()), (name, param.name)
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f".I docs/{doc.name}" in page


def _rendered(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat", "LC_ALL": "C.UTF-8"}
    return subprocess.run(command, capture_output=True, text=True, env=env, encoding="utf-8")


def test_groff_renders_it_without_a_warning():
    if shutil.which("groff") is None:
        pytest.skip("groff n'est pas installé sur cette machine : rendu non vérifié")
    r = _rendered(["groff", "-man", "-Tutf8", "-k", "-ww", "-z", str(PAGE)])
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_man_shows_it_at_80_columns_in_french_without_a_warning():
    if shutil.which("man") is None or shutil.which("groff") is None:
        pytest.skip("man ou groff n'est pas installé sur cette machine : rendu non vérifié")
    r = _rendered(["man", "--warnings", "-l", str(PAGE)])
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = re.sub(r".\x08", "", r.stdout)           # no overstrike bold/underline left
    for line in out.splitlines():
        assert len(line) <= 80, line
    assert "\u2010" not in out, "a word hyphenated at a line end"
    assert not re.search(r"«\s*$", out, re.M) and not re.search(r"^\s*[»:;]", out, re.M)
    assert "CODES DE SORTIE" in out and "ngap report [OPTIONS] [CHEMIN...]" in out
    assert "-f, --format table|json|csv|csv-fr" in out and "[par défaut : table]" in out


def test_the_page_ships_in_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "ngapcli.man" in config["packages"]
    folder = ROOT / config["package-dir"]["ngapcli.man"]
    assert config["package-data"]["ngapcli.man"] == ["ngap.1"] and (folder / "ngap.1") == PAGE

