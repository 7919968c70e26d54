"""Data currency (issue 13 §2): `checked_on` is the date of the newest source the values were checked
against; a tour more than `stale_after_days` after it gets NGAP002 (info) in price, check, report and
audit; `ngap tariffs` shows the date, the pending note and says when a date is outside what is known."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import yaml

from conftest import ROOT, run_cli

VALUES = yaml.safe_load((ROOT / "tariffs" / "values.yaml").read_text(encoding="utf-8"))
HORIZON = date(2026, 5, 18)


def tour_text(day: date) -> str:
    return f"""\
date: {day}
nurse: {{name: Claire Martin}}
patients:
  - id: P1
    visits:
      - time: "09:00"
        acts: [injection_sc]
        billed: "AMI1 + MAU + IFD"
"""


def test_checked_on_is_the_newest_source_with_a_pending_note():
    assert VALUES["checked_on"] == date(2026, 2, 17)     # CNAM proposal for avenant 11, 17/02/2026
    assert VALUES["stale_after_days"] == 90
    assert VALUES["checked_on"] + timedelta(days=VALUES["stale_after_days"]) == HORIZON
    pending = VALUES["pending"]
    assert "avenant 11" in pending and "+0,15 €" in pending and "+0,05 €" in pending and "signé" in pending
    text = (ROOT / "tariffs" / "values.yaml").read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("checked_on:"))
    assert "source la plus récente" in line


def _codes(r) -> list[tuple[str, str]]:
    return [(w["code"], w["severity"]) for w in r.json["warnings"]]


@pytest.mark.parametrize("command", ["price", "check", "report", "audit"])
def test_a_june_2026_tour_gets_ngap002_in_every_command(tmp_path, command):
    june = tmp_path / "juin.yaml"
    june.write_text(tour_text(date(2026, 6, 15)), encoding="utf-8")
    r = run_cli(command, june, "--format", "json")
    assert r.exit_code == 0, r.stderr                  # an info: priced, exit 0
    assert _codes(r) == [("NGAP002", "info")]
    message = r.json["warnings"][0]["message"]
    assert "vérifiés le 17/02/2026" in message and "avenant 11" in message
    assert "ameli.fr" in message and "--tariffs" in message and "docs/tarifs.md" in message
    if command in ("price", "report"):
        totals = r.json["totals"]
        assert totals["amount"] == "7.25"               # AMI 3.15 + MAU 1.35 + IFD 2.75: last known values


@pytest.mark.parametrize("command", ["price", "check", "report", "audit"])
def test_the_horizon_day_itself_gets_no_ngap002(tmp_path, command):
    path = tmp_path / "t.yaml"
    path.write_text(tour_text(HORIZON), encoding="utf-8")
    r = run_cli(command, path, "--format", "json")
    assert r.exit_code == 0 and _codes(r) == []
    path.write_text(tour_text(HORIZON + timedelta(days=1)), encoding="utf-8")
    assert _codes(run_cli(command, path, "--format", "json")) == [("NGAP002", "info")]


def test_ngap002_in_the_tables_of_check_and_audit(tmp_path):
    june = tmp_path / "juin.yaml"
    june.write_text(tour_text(date(2026, 6, 15)), encoding="utf-8")
    check = " ".join(run_cli("check", june).stdout.split())
    assert "NGAP002" in check and "ameli.fr" in check
    audit = " ".join(run_cli("audit", june).stdout.split())
    assert "NGAP002" in audit and "17/02/2026" in audit
    assert run_cli("price", june, "--strict").exit_code == 0     # an info, even with --strict


def test_ngap002_is_explained():
    r = run_cli("explain", "NGAP002")
    assert r.exit_code == 0 and "(info)" in r.stdout and "--tariffs" in r.stdout and "ameli.fr" in r.stdout


def test_tariffs_shows_checked_on_pending_and_horizon():
    r = run_cli("tariffs", "--date", "2026-03-01", "--format", "json")
    assert r.exit_code == 0
    d = r.json
    assert (d["checked_on"], d["horizon"], d["stale_after_days"], d["first_date"]) == \
        ("2026-02-17", "2026-05-18", 90, "2009-04-15")
    assert d["pending"] == VALUES["pending"] and d["currency"] == "checked" and d["notes"] == []
    assert d["overlay"] is None
    table = " ".join(run_cli("tariffs", "--date", "2026-03-01").stdout.split())
    assert "vérifiés le 17/02/2026" in table and "horizon : 18/05/2026" in table
    assert "En attente : avenant 11" in table and "Attention" not in table


def test_tariffs_past_the_horizon_says_so():
    d = run_cli("tariffs", "--date", "2026-05-19", "--format", "json").json
    assert d["currency"] == "past_horizon" and len(d["notes"]) == 1
    assert "au-delà de l'horizon" in d["notes"][0] and "NGAP002" in d["notes"][0]
    assert [v["value"] for v in d["values"] if v["key"] == "AMI"] == ["3.15"]   # the last known value
    table = " ".join(run_cli("tariffs", "--date", "2026-12-01").stdout.split())
    assert "Attention : le 01/12/2026 est au-delà de l'horizon des tarifs (18/05/2026" in table
    assert "--tariffs DOSSIER" in table


def test_tariffs_before_the_first_known_value_says_so():
    d = run_cli("tariffs", "--date", "2009-04-14", "--format", "json").json
    assert d["currency"] == "before_first_date" and "NGAP001" in d["notes"][0]
    assert {v["value"] for v in d["values"]} == {None}
    table = " ".join(run_cli("tariffs", "--date", "14/04/2009").stdout.split())
    assert "Attention : le 14/04/2009 précède les premières valeurs connues (15/04/2009)" in table
    assert run_cli("tariffs", "--date", "2009-04-15", "--format", "json").json["currency"] == "checked"


def test_a_bad_pending_note_is_refused(tmp_path):
    import shutil

    folder = tmp_path / "tarifs"
    shutil.copytree(ROOT / "tariffs", folder)
    values = folder / "values.yaml"
    text = values.read_text(encoding="utf-8")
    start = text.index("pending:")
    end = text.index("first_date:")
    values.write_text(text[:start] + "pending: [avenant 11]\n" + text[end:], encoding="utf-8")
    r = run_cli("tariffs", "--tariffs", folder)
    assert r.exit_code == 2 and "pending" in r.stderr and str(values) in r.stderr
