"""The fast paths of issue 7 behave like the slow ones: tariff cache, single-command typer app, process end
without teardown, JSON writer, batch serialisation and guards. (Timings: benchmarks/run.py, not tests.)"""
from __future__ import annotations

import io
import json
import pickle
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ngapcli import batch, cache
from ngapcli.cli import _app_for, app
from ngapcli.errors import InputError
from ngapcli.render.data import write_json
from ngapcli.tariffs import TariffStore, default_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "morning_round.yaml"


# -- tariff cache ---------------------------------------------------------------------------------------------

@pytest.fixture
def tariffs(tmp_path, monkeypatch):
    folder = tmp_path / "tariffs"
    shutil.copytree(default_dir(), folder)
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    return folder


def test_the_store_is_cached_and_a_changed_file_is_a_miss(tariffs, tmp_path):
    first = TariffStore.load(tariffs)
    entries = list((tmp_path / "cache").glob("*.pickle"))
    assert len(entries) == 1
    again = TariffStore.load(tariffs)
    assert again is not first and again.acts.keys() == first.acts.keys() and again.directory == tariffs
    values = tariffs / "values.yaml"
    values.write_text(values.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    TariffStore.load(tariffs)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_another_folder_with_the_same_files_keeps_its_own_path(tariffs, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(tariffs, other)
    assert TariffStore.load(tariffs).directory == tariffs
    assert TariffStore.load(other).directory == other


def test_a_broken_cache_entry_is_a_miss(tariffs, tmp_path):
    TariffStore.load(tariffs)
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert "injection_sc" in TariffStore.load(tariffs).acts


def test_the_cache_can_be_disabled(tariffs, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.folder() is None
    TariffStore.load(tariffs)
    assert not (tmp_path / "cache").exists()


def test_a_faulty_tariff_folder_is_never_cached(tariffs, tmp_path):
    (tariffs / "acts.yaml").write_text("acts: [\n", encoding="utf-8")
    with pytest.raises(InputError):
        TariffStore.load(tariffs)
    assert not list((tmp_path / "cache").glob("*.pickle"))


# -- the command line -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["price", "--help"], ["report", "--help"], ["price", "--format", "xml", "x.yaml"],
                                  ["--help"], ["nope"], []])
def test_the_single_command_app_says_the_same(args):
    runner = CliRunner()
    full = runner.invoke(app, args, env={"NO_COLOR": "1"})
    one = runner.invoke(_app_for(args), args, env={"NO_COLOR": "1"})
    assert (one.exit_code, one.stdout, one.stderr) == (full.exit_code, full.stdout, full.stderr)


def test_single_command_app_has_one_command():
    assert len(_app_for(["price", "x"]).registered_commands) == 1
    assert _app_for(["--version"]) is app
    assert len(app.registered_commands) > 1


def _ngap(*args, **kw):
    return subprocess.run([sys.executable, "-m", "ngapcli", *map(str, args)], capture_output=True, text=True, **kw)


def test_the_process_ends_with_its_output_and_exit_code(tmp_path):
    out = _ngap("price", EXAMPLE, "--format", "json")
    assert out.returncode == 0 and json.loads(out.stdout)["totals"]["amount"] == "64.46"
    assert _ngap("price", tmp_path / "absent.yaml").returncode == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("date: 2025-03-10\npatients:\n  - id: P1\n    visits:\n      - {time: '08:00', acts: [injection_sx]}\n",
                   encoding="utf-8")
    err = _ngap("price", bad)
    assert err.returncode == 2 and "injection_sx" in err.stderr and "bad.yaml:5" in err.stderr
    assert _ngap("--version").stdout.strip().startswith("ngap ")


# -- JSON ------------------------------------------------------------------------------------------------------------

def test_json_writer_writes_what_json_reads():
    doc = {"a": [], "b": {}, "lines": [{"x": "é", "n": 1.5, "none": None}, [1, 2]], "t": {"k": {"z": "\"q\""}},
           "s": "s", "n": 3, "flag": True}
    buf = io.StringIO()
    write_json(doc, buf)
    text = buf.getvalue()
    assert json.loads(text) == doc and text.endswith("}\n") and "é" in text
    assert '\n    {"x": "é", "n": 1.5, "none": null},\n' in text     # one record per line


# -- batch internals ---------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def store():
    return TariffStore.load()


def test_tours_and_results_survive_the_transfer(store):
    from ngapcli.rules import price
    from ngapcli.tourfile import load_tours

    tours = load_tours(str(EXAMPLE), store.act_ids, store.letters)
    result = price(tours, store)
    back = pickle.loads(batch._dumps((tours, result)))
    assert back[0] == tours and back[1].lines == result.lines and back[1].diagnostics == result.diagnostics


def test_a_day_missed_by_the_scan_stops_the_batch(store, tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    batch._init(store, None)
    with pytest.raises(RuntimeError, match="2025-03-10"):
        batch._parse_chunk(([(0, str(f), None)], frozenset({date(2025, 3, 11)})))


def test_an_input_error_of_the_compare_hook_reaches_the_caller(store):
    def compare(tours):
        raise InputError("dossier de comparaison incomplet", "autre/")

    with pytest.raises(InputError, match="autre/"):
        list(batch.iter_priced([str(EXAMPLE)], store, workers=1, compare=compare))


@pytest.mark.parametrize("days, per_year, per_month, reached", [
    ([date(2025, 1, 1), date(2025, 6, 1)], 2, None, False),
    ([date(2025, 1, 1), date(2025, 6, 1), date(2025, 12, 31)], 2, None, True),
    ([date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 2)], 2, None, False),
    ([date(2025, 3, d) for d in (1, 8, 15, 22)], None, 4, False),
    ([date(2025, 3, d) for d in (1, 8, 15, 22, 29)], None, 4, True),
])
def test_may_reach(days, per_year, per_month, reached):
    assert batch._may_reach(days, per_year, per_month) is reached


def test_workers_from_the_environment(monkeypatch):
    monkeypatch.setenv("NGAP_WORKERS", "3")
    assert batch.default_workers(1) == 3
    monkeypatch.setenv("NGAP_WORKERS", "")
    assert batch.default_workers(1) == 1


def test_mapped_lists_are_written_like_lists():
    from ngapcli.render.data import Mapped

    items = Mapped([1, 2, 3], lambda x: {"n": x})
    assert len(items) == 3 and items[1] == {"n": 2} and items[1:] == [{"n": 2}, {"n": 3}] and list(items)[0] == {"n": 1}
    buf = io.StringIO()
    write_json({"items": items, "none": Mapped([], str)}, buf)
    assert json.loads(buf.getvalue()) == {"items": [{"n": 1}, {"n": 2}, {"n": 3}], "none": []}
