"""`ngap report` (issue 5): batch totals, who pays, rétrocession, what-if tariffs, price JSON on stdin.

The cabinet month (tests/data/cabinet_month/, written once by tests/data/make_cabinet_month.py) is January
2026 of Claire Martin and Paul Durand, who share their patients (mornings / evenings), with Léa Petit
replacing Paul in week 4. Expected figures come from `ngap price` on the same files (an independent path:
one `price()` call over everything) or are computed by hand.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT, price_json, run_cli

MONTH = Path(__file__).resolve().parent / "data" / "cabinet_month"
MONTH_FILES = sorted(MONTH.rglob("*.yaml"))
REMPLACEMENT = EXAMPLES / "remplacement"
AVENANT11 = EXAMPLES / "avenant11_proposal"
CENT = Decimal("0.01")


def D(text) -> Decimal:
    return Decimal(str(text))


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def report_json(*args, env=None, input=None):
    r = run_cli("report", *args, "--format", "json", input=input, env=env)
    assert "Traceback" not in r.stdout + r.stderr
    return r


@pytest.fixture(scope="module")
def month_price() -> dict:
    """`ngap price` over every file of the month in one call: the oracle for the report."""
    return price_json(*MONTH_FILES)


BY_ALL = [w for dim in ("day", "week", "month", "patient", "code", "nurse") for w in ("--by", dim)]


@pytest.fixture(scope="module")
def month_report() -> dict:
    r = report_json(MONTH, *BY_ALL)
    assert r.exit_code == 0, r.stderr
    return r.json


def sum_lines(lines) -> Decimal:
    return sum((D(l["amount"]) for l in lines), Decimal("0.00"))


# -- 1. batch over folders: totals and groups ------------------------------------------------------

def test_month_folder_is_read_recursively_and_priced_like_price(month_report, month_price):
    assert len(MONTH_FILES) == 10
    assert [f["path"] for f in month_report["files"]] == [str(f) for f in MONTH_FILES]
    assert {f["status"] for f in month_report["files"]} == {"ok"}
    t, p = month_report["totals"], month_price["totals"]
    assert (t["amount"], t["amo"], t["patient_share"]) == (p["amount"], p["amo"], p["patient_share"])
    assert t["by_code"] == p["by_code"]
    assert t["by_patient"] == dict(sorted(p["by_patient"].items()))
    assert t["lines"] == len(month_price["lines"])
    assert D(t["amount"]) == sum_lines(month_price["lines"])
    assert month_report["ngap_version"]
    order = lambda w: (w["date"] or "", w["file"], w["line"] or 0, w["time"] or "")  # noqa: E731
    assert month_report["warnings"] == sorted(month_price["warnings"], key=order)


def test_warnings_spilled_to_disk_come_back_in_the_same_order(monkeypatch, month_report, month_price):
    """A year's warnings are kept sorted in a temporary file past a few thousand (issue 7: memory must not
    grow with the files); with a tiny buffer the month spills many runs and must give the same output."""
    from ngapcli import spool

    # 7, and 31 NGAP139 (info): P01's forfait, billed each day by the first of the two nurses who see him
    assert len(month_price["warnings"]) == 38
    assert sum(w["code"] == "NGAP139" for w in month_price["warnings"]) == 31
    table = run_cli("report", MONTH, env={"NGAP_WORKERS": "1"})
    monkeypatch.setattr(spool, "LIMIT", 2)
    monkeypatch.setattr(spool, "BLOCK", 1)
    r = report_json(MONTH, *BY_ALL, env={"NGAP_WORKERS": "1"})
    assert r.exit_code == 0, r.stderr
    assert r.json == month_report
    spilled = run_cli("report", MONTH, env={"NGAP_WORKERS": "1"})
    assert spilled.stdout == table.stdout and "NGAP111" in table.stdout


def test_patients_are_shared_between_the_nurses_files(month_report):
    # P01 (BSB) is seen every day by the morning nurse and the evening nurse, in two different files:
    # priced together, the forfait is billed once a day (31 × 18.20); each file alone would bill it.
    assert month_report["totals"]["by_code"]["BSB"] == str(31 * D("18.20")) == "564.20"
    alone = [price_json(f) for f in MONTH_FILES]
    bsb_alone = sum((D(d["totals"]["by_code"].get("BSB", "0")) for d in alone), Decimal(0))
    assert bsb_alone == 2 * 31 * D("18.20")
    assert sum((D(d["totals"]["amount"]) for d in alone), Decimal(0)) > D(month_report["totals"]["amount"])


def test_groups_by_every_dimension_add_up(month_report, month_price):
    groups = month_report["groups"]
    total = D(month_report["totals"]["amount"])
    for dim in ("day", "week", "month", "patient", "code", "nurse"):
        rows = [g for g in groups if g["by"] == dim]
        assert sum((D(g["amount"]) for g in rows), Decimal(0)) == total, dim
        assert sum((D(g["amo"]) for g in rows), Decimal(0)) == D(month_report["totals"]["amo"]), dim
        assert sum(g["lines"] for g in rows) == month_report["totals"]["lines"], dim
    days = [g["key"] for g in groups if g["by"] == "day"]
    assert days == [f"2026-01-{d:02d}" for d in range(1, 32)]
    assert [g["key"] for g in groups if g["by"] == "week"] == [f"2026-W0{w}" for w in range(1, 6)]
    assert [(g["key"], g["amount"]) for g in groups if g["by"] == "month"] == [("2026-01", str(total))]
    assert {g["key"]: g["amount"] for g in groups if g["by"] == "code"} == month_price["totals"]["by_code"]
    # by nurse: the sum of each nurse's lines in the price output
    by_nurse = defaultdict(Decimal)
    for l in month_price["lines"]:
        by_nurse[l["nurse"]] += D(l["amount"])
    assert {g["key"]: D(g["amount"]) for g in groups if g["by"] == "nurse"} == dict(by_nurse)
    assert set(by_nurse) == {"Claire Martin", "Paul Durand", "Léa Petit"}
    # a day by hand: 2026-01-01 is a holiday (Thursday); P01 forfait + insulin with the daily prescription
    jan1 = [l for l in month_price["lines"] if l["date"] == "2026-01-01"]
    assert next(g for g in groups if g["key"] == "2026-01-01")["amount"] == str(sum_lines(jan1))


def test_by_is_repeatable_a_comma_crosses_and_checked():
    a = report_json(MONTH, "--by", "nurse", "--by", "code").json
    assert a["by"] == ["nurse", "code"]
    crossed = report_json(MONTH, "--by", "nurse,code").json          # issue 16: a comma crosses
    assert crossed["by"] == ["nurse+code"] == report_json(MONTH, "--by", "nurse+code").json["by"]
    cells = {tuple(g["keys"].values()): g["amount"] for g in crossed["groups"]}
    nurses = {g["key"] for g in a["groups"] if g["by"] == "nurse"}
    codes = {g["key"] for g in a["groups"] if g["by"] == "code"}
    assert {n for n, _ in cells} == nurses and {c for _, c in cells} <= codes
    for nurse in nurses:    # each nurse's row of the crossed table sums to her row of the plain one
        row = next(g["amount"] for g in a["groups"] if g["by"] == "nurse" and g["key"] == nurse)
        assert sum(Decimal(v) for (n, _), v in cells.items() if n == nurse) == Decimal(row)
    default = report_json(MONTH).json
    assert default["by"] == ["day", "patient", "code", "nurse"]
    bad = run_cli("report", MONTH, "--by", "semaines")   # « semaine » is French for week: accepted
    assert bad.exit_code == 2 and "« semaines » inconnu" in bad.stderr and "Traceback" not in bad.stderr


def test_from_to_filter_the_lines(month_report, month_price):
    r = report_json(MONTH, "--from", "2026-01-05", "--to", "2026-01-11", "--by", "week")
    assert r.exit_code == 0
    data = r.json
    kept = [l for l in month_price["lines"] if "2026-01-05" <= l["date"] <= "2026-01-11"]
    assert data["totals"]["amount"] == str(sum_lines(kept))
    assert data["totals"]["amount"] == next(g["amount"] for g in month_report["groups"] if g["key"] == "2026-W02")
    assert [g["key"] for g in data["groups"]] == ["2026-W02"]
    assert data["period"] == {"from": "2026-01-05", "to": "2026-01-11"}
    only_from = report_json(MONTH, "--from", "2026-01-31").json
    assert only_from["totals"]["amount"] == str(sum_lines(l for l in month_price["lines"] if l["date"] == "2026-01-31"))


def test_csv_has_one_row_per_group_then_the_total(month_report):
    r = run_cli("report", MONTH, "--by", "nurse", "--format", "csv")
    assert r.exit_code == 0
    rows = r.stdout.splitlines()
    assert rows[0] == "by,key,amount,amo,patient_share,franchise,lines"
    nurses = [g for g in month_report["groups"] if g["by"] == "nurse"]
    assert rows[1:-1] == [f"nurse,{g['key']},{g['amount']},{g['amo']},{g['patient_share']},{g['franchise']},{g['lines']}"
                          for g in nurses]
    t = month_report["totals"]
    assert rows[-1] == f"total,,{t['amount']},{t['amo']},{t['patient_share']},{t['franchise']},{t['lines']}"


def test_table_output_in_french():
    r = run_cli("report", MONTH, "--by", "nurse", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert r.exit_code == 0
    for text in ("Montant facturé", "Part AMO", "franchise", "Par infirmière", "Claire Martin",
                 "Rétrocession aux remplaçants", "frais de cabinet 12,5 % → 274,20 € dus à Léa Petit"):
        assert text in r.stdout
    assert r.stderr == ""


# -- unreadable files ------------------------------------------------------------------------------------

def test_an_unreadable_file_is_skipped_with_its_place_and_exit_2(tmp_path, month_report):
    bad = tmp_path / "cassé.yaml"
    bad.write_text("date: 2026-01-12\npatients:\n  - id: X\n    visits:\n      - time: 25:00\n        acts: [injection_sc]\n",
                   encoding="utf-8")
    r = report_json(MONTH, bad, tmp_path / "absent.yaml")
    assert r.exit_code == 2
    data = r.json
    files = {f["path"]: f for f in data["files"]}
    assert files[str(bad)]["status"] == "skipped"
    assert files[str(bad)]["reason"].startswith(f"{bad}:5:")
    assert "25:00" in files[str(bad)]["reason"]
    assert files[str(tmp_path / "absent.yaml")]["reason"].endswith("fichier introuvable")
    assert sum(1 for f in data["files"] if f["status"] == "ok") == 10
    assert data["totals"]["amount"] == month_report["totals"]["amount"]      # the others still count
    assert f"ignoré : {bad}:5:" in r.stderr


def test_a_folder_without_tour_files_is_reported(tmp_path):
    (tmp_path / "notes.txt").write_text("rien", encoding="utf-8")
    r = report_json(tmp_path)
    assert r.exit_code == 2
    assert r.json["files"] == [{"path": str(tmp_path), "status": "skipped",
                                "reason": f"{tmp_path}: aucun fichier .yaml ou .yml dans ce dossier"}]


def test_bad_usage_exits_2_in_french(tmp_path):
    cases = [
        (["report"], "aucun fichier"),
        (["report", MONTH, "--from", "2026-13-01"], "impossible"),
        (["report", MONTH, "--from", "2026-01-10", "--to", "2026-01-01"], "est après"),
        (["report", MONTH, "--compare-tariffs", tmp_path / "rien"], "dossier de tarifs introuvable"),
    ]
    for args, message in cases:
        r = run_cli(*args)
        assert r.exit_code == 2, args
        assert message in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stdout + r.stderr


def test_missing_franchise_data_is_a_clear_input_error(tmp_path):
    folder = tmp_path / "tarifs"
    shutil.copytree(ROOT / "tariffs", folder)
    (folder / "franchise.yaml").unlink()
    r = run_cli("report", MONTH, "--tariffs", folder)
    assert r.exit_code == 2
    assert "franchise.yaml" in r.stderr and "manquant" in r.stderr


# -- 2. who pays: AMO, patient share, franchise -------------------------------------------------------------

EXEMPT = {"P04", "P11"} | {"P05", "P06", "P07"}     # minors | maternity, CSS, AME


def franchise_by_hand(lines, exempt=frozenset(), per_act=D("1.00"), day_cap=D("4.00"), year_cap=D("50.00")):
    per_day = defaultdict(int)
    for l in lines:
        if l["kind"] == "act" and D(l["amount"]) > 0 and l["patient"] not in exempt:
            per_day[(l["patient"], l["date"])] += 1
    per_patient = defaultdict(Decimal)
    for (patient, _), n in per_day.items():
        per_patient[patient] += min(n * per_act, day_cap)
    return {p: min(v, year_cap) for p, v in per_patient.items()}


def test_franchise_of_the_month(month_report, month_price):
    expected = franchise_by_hand(month_price["lines"], EXEMPT)
    assert month_report["totals"]["franchise"] == str(sum(expected.values()))
    patients = {g["key"]: g for g in month_report["groups"] if g["by"] == "patient"}
    for pid in EXEMPT:
        assert patients[pid]["franchise"] == "0.00", pid
    # P02 (ALD, not exempt): 4 acts a day, 4 € a day: the annual cap of 50 € is reached on 13 January
    assert patients["P02"]["franchise"] == "50.00"
    days = {g["key"]: g for g in month_report["groups"] if g["by"] == "day"}
    assert D(days["2026-01-14"]["franchise"]) == D(sum_franchise_day(month_price, "2026-01-14", EXEMPT | {"P02"}))
    t = month_report["totals"]
    assert D(t["amo_net"]) == D(t["amo"]) - D(t["franchise"])


def sum_franchise_day(price, day, exempt):
    return sum(franchise_by_hand([l for l in price["lines"] if l["date"] == day], exempt).values())


def test_franchise_values_before_and_after_2024_03_31_and_exemptions(tour):
    path = tour("""
        date: 2024-03-30
        nurse: {name: Claire Martin}
        patients:
          - id: A
            age: 70
            coverage: ald
            visits:
              - {time: "08:30", acts: [surveillance_glycemie_insuline, injection_insuline]}
              - {time: "12:00", acts: [surveillance_glycemie_insuline, injection_insuline]}
              - {time: "18:30", acts: [surveillance_glycemie_insuline, injection_insuline]}
              - {date: 2024-03-31, time: "08:30", acts: [surveillance_glycemie_insuline, injection_insuline]}
              - {date: 2024-03-31, time: "12:00", acts: [surveillance_glycemie_insuline, injection_insuline]}
              - {date: 2024-03-31, time: "18:30", acts: [surveillance_glycemie_insuline, injection_insuline]}
          - id: B
            age: 50
            visits:
              - {time: "09:00", acts: [injection_sc]}
              - {date: 2024-03-31, time: "09:00", acts: [injection_sc]}
          - id: C
            birth_date: 2007-04-01
            visits:
              - {time: "10:00", acts: [injection_sc]}
              - {date: 2024-03-31, time: "10:00", acts: [injection_sc]}
          - id: D
            age: 17
            visits: [{time: "10:30", acts: [injection_sc]}]
          - id: E
            age: 30
            coverage: maternity
            visits: [{time: "11:00", acts: [injection_sc]}]
          - id: F
            age: 30
            coverage: css
            visits: [{time: "11:15", acts: [injection_sc]}]
          - id: G
            age: 30
            coverage: ame
            visits: [{time: "11:30", acts: [injection_sc]}]
        """)
    data = report_json(path, "--by", "patient", "--by", "day").json
    fr = {g["key"]: g["franchise"] for g in data["groups"]}
    # A: 6 acts a day. 30 March: 6 × 0.50 = 3.00, capped at 2.00; 31 March: 6 × 1.00 capped at 4.00
    assert fr["A"] == "6.00"
    # B: 0.50 on 30 March, 1.00 on 31 March; C is 16 on 30 March and 17 on 31 March: exempt; D minor
    assert (fr["B"], fr["C"], fr["D"]) == ("1.50", "0.00", "0.00")
    assert (fr["E"], fr["F"], fr["G"]) == ("0.00", "0.00", "0.00")
    assert (fr["2024-03-30"], fr["2024-03-31"]) == ("2.50", "5.00")
    assert data["totals"]["franchise"] == "7.50"


def test_amo_share_by_coverage_and_zone(tour):
    text = """
        date: 2025-03-10
        zone: {zone}
        nurse: {{name: Claire Martin}}
        patients:
          - id: S
            age: 50
            visits: [{{time: "09:00", place: office, acts: [injection_sc]}}]
          - id: L
            age: 50
            coverage: ald
            visits: [{{time: "09:30", place: office, acts: [injection_sc]}}]
        """
    metro = report_json(tour(text.format(zone="metropole")), "--by", "patient").json
    alsace = report_json(tour(text.format(zone="alsace_moselle")), "--by", "patient").json
    # AMI 1 3.15 + MAU 1.35 = 4.50 each; AMO line by line, rounded half-up
    s = {g["key"]: g for g in metro["groups"]}
    assert (s["S"]["amount"], s["S"]["amo"], s["S"]["patient_share"]) == ("4.50", "2.70", "1.80")   # 60 %
    assert (s["L"]["amo"], s["L"]["patient_share"]) == ("4.50", "0.00")                                # ALD 100 %
    a = {g["key"]: g for g in alsace["groups"]}
    assert (a["S"]["amo"], a["S"]["patient_share"]) == ("4.06", "0.44")   # 90 %: 2.835 → 2.84, 1.215 → 1.22
    assert metro["totals"]["amo"] == "7.20" and metro["totals"]["patient_share"] == "1.80"


# -- 3. remplacement -------------------------------------------------------------------------------------------

def test_remplacement_example_gives_the_sources_retrocession():
    r = report_json(REMPLACEMENT)
    assert r.exit_code == 0
    data = r.json
    assert data["totals"]["amount"] == "1014.70" and data["totals"]["by_code"]["IK"] == "14.70"
    assert data["retrocession"] == [{
        "titulaire": "Paul Durand", "remplacant": "Léa Petit", "from": "2025-06-02", "to": "2025-06-07",
        "base": "fees_without_ik", "base_amount": "1000.00", "fee_percent": "10", "amount": "900.00"}]
    # the same fees priced by `ngap price`: 1 000.00 € without IK
    lines = price_json(*sorted(REMPLACEMENT.glob("*.yaml")))["lines"]
    assert sum_lines(l for l in lines if l["code"] != "IK") == D("1000.00")
    fees = report_json(REMPLACEMENT, "--retrocession-base", "fees").json["retrocession"][0]
    assert (fees["base"], fees["base_amount"], fees["amount"]) == ("fees", "1014.70", "913.23")
    table = run_cli("report", REMPLACEMENT)
    assert "900,00 €" in table.stdout and "hors IK" in table.stdout
    # the same through the pipe: the price JSON says who replaces whom (« nurses »)
    priced = run_cli("price", *sorted(REMPLACEMENT.glob("*.yaml")), "--format", "json")
    assert {"nurse": "Léa Petit", "replaces": "Paul Durand", "cabinet_fee_percent": "10"}.items() <= \
        next(n for n in json.loads(priced.stdout)["nurses"] if n["nurse"] == "Léa Petit").items()
    piped = report_json("-", input=priced.stdout)
    assert piped.json["retrocession"] == data["retrocession"] and piped.json["totals"] == data["totals"]


def test_from_to_keeps_the_yearly_franchise_cap_of_the_acts_before_the_period(tour):
    """The 50 € yearly cap counts every act of the files given, also those before --from (found by review):
    4 injections a day (4 € a day) from 2025-12-01 reach 50 € on 12-13 (2 €), nothing after."""
    visits = "".join(f'      - {{time: "{h}:00", date: 2025-12-{d:02d}, place: office, acts: [injection_sc]}}\n'
                     for d in range(1, 31) for h in (8, 12, 16, 19))
    path = tour("date: 2025-12-01\npatients:\n  - id: P1\n    age: 50\n    visits:\n" + visits)
    whole = report_json(path, "--by", "day").json
    franchise = {g["key"]: g["franchise"] for g in whole["groups"]}
    assert (franchise["2025-12-12"], franchise["2025-12-13"], franchise["2025-12-14"]) == ("4.00", "2.00", "0.00")
    assert whole["totals"]["franchise"] == "50.00"
    cut = report_json(path, "--by", "day", "--from", "2025-12-10", "--to", "2025-12-15").json
    assert [g["franchise"] for g in cut["groups"]] == ["4.00", "4.00", "4.00", "2.00", "0.00", "0.00"]
    assert cut["totals"]["franchise"] == "14.00"
    assert report_json(path, "--from", "2025-12-20").json["totals"]["franchise"] == "0.00"


def test_retrocession_of_the_month(month_report, month_price):
    lea = [l for l in month_price["lines"] if l["nurse"] == "Léa Petit"]
    base = sum_lines(l for l in lea if l["code"] not in ("IK", "IKM", "IKS"))
    assert month_report["retrocession"] == [{
        "titulaire": "Paul Durand", "remplacant": "Léa Petit", "from": "2026-01-19", "to": "2026-01-25",
        "base": "fees_without_ik", "base_amount": str(base), "fee_percent": "12.5",
        "amount": str(money(base * D("0.875")))}]


def test_retrocession_help_says_the_default_and_exit_codes():
    r = run_cli("report", "--help", env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert r.exit_code == 0
    text = " ".join(r.stdout.split())
    assert "fees_without_ik" in text and "recommande l'ordre" in text
    assert "le code de sortie est alors 2" in text


REPLACING = """
    date: 2026-01-12
    nurse: {{name: Zoé Remy, replaces: {who}, cabinet_fee_percent: 10}}
    patients:
      - id: {pid}
        age: 60
        visits: [{{time: "{time}", acts: [injection_sc]}}]
    """


def test_remplacant_for_three_titulaires_on_one_day_across_files(tour):
    one = tour(textwrap.dedent(REPLACING.format(who="Anne A", pid="Z1", time="08:00")) + "---\n"
               + textwrap.dedent(REPLACING.format(who="Bruno B", pid="Z2", time="09:00")))
    two = tour(REPLACING.format(who="Chloé C", pid="Z3", time="10:00"))
    alone = report_json(one)
    assert "NGAP160" not in [w["code"] for w in alone.json["warnings"]]
    r = report_json(one, two, "--by", "nurse")
    assert r.exit_code == 1          # an error (contract §3: a remplaçant's third titulaire)
    w = [w for w in r.json["warnings"] if w["code"] == "NGAP160"]
    assert len(w) == 1 and w[0]["date"] == "2026-01-12" and w[0]["severity"] == "error"
    assert "Zoé Remy remplace 3 titulaires" in w[0]["message"]
    assert report_json(one, "--strict").exit_code == 0
    retro = r.json["retrocession"]
    # Chloé C, the third titulaire of the day, is billed nothing (contract §3: an error is not billed):
    # nothing to hand back either; the other two keep 7.25 × 0.9 = 6.53 each
    assert [(x["titulaire"], x["base_amount"], x["amount"]) for x in retro] == [
        ("Anne A", "7.25", "6.53"), ("Bruno B", "7.25", "6.53"), ("Chloé C", "0.00", "0.00")]
    assert "pour Chloé C ne sont pas facturés" in w[0]["message"]
    assert r.json["totals"]["amount"] == "14.50" and r.json["totals"]["by_patient"]["Z3"] == "0.00"
    assert {g["key"]: g["amount"] for g in r.json["groups"]} == {"Zoé Remy": "14.50"}


# -- 4. what-if tariffs ----------------------------------------------------------------------------------------

def test_compare_with_the_avenant11_proposal(month_report):
    r = report_json(MONTH, "--by", "nurse", "--compare-tariffs", AVENANT11)
    assert r.exit_code == 0
    data = r.json
    other = price_json(*MONTH_FILES, extra=("--tariffs", AVENANT11))
    c = data["comparison"]
    assert c["tariffs"] == str(AVENANT11)
    base_total, new_total = D(month_report["totals"]["amount"]), D(other["totals"]["amount"])
    assert c["total"] == {"amount": str(base_total), "compared": str(new_total),
                          "difference": str(new_total - base_total),
                          "percent": str(money((new_total - base_total) * 100 / base_total))}
    rows = {x["code"]: x for x in c["by_code"]}
    assert {k: v["compared"] for k, v in rows.items()} == other["totals"]["by_code"]
    # only AMI and AMX change: AMI 1 3.15 → 3.30 is +4.76 %, and every AMI line moves by the same rate
    assert {k for k, v in rows.items() if v["difference"] != "0.00"} == {"AMI", "AMX"}
    assert rows["AMI"]["percent"] == "4.76"
    nurse_rows = [g for g in data["groups"] if g["by"] == "nurse"]
    assert sum((D(g["difference"]) for g in nurse_rows), Decimal(0)) == new_total - base_total
    csv = run_cli("report", MONTH, "--by", "code", "--format", "csv", "--compare-tariffs", AVENANT11).stdout
    assert csv.splitlines()[0].endswith(",compared,difference,percent")
    table = run_cli("report", MONTH, "--by", "code", "--compare-tariffs", AVENANT11).stdout
    assert "Comparaison avec les tarifs" in table and "+4,76 %" in table


def test_compare_by_hand_on_the_two_proposed_dates(tour):
    path = tour("""
        date: 2026-02-02
        patients:
          - id: A
            age: 50
            visits:
              - {time: "09:00", place: office, acts: [injection_sc]}
              - {date: 2027-11-02, time: "09:00", place: office, acts: [injection_sc]}
        """)
    c = report_json(path, "--compare-tariffs", AVENANT11).json["comparison"]
    ami = next(x for x in c["by_code"] if x["code"] == "AMI")
    # 3.15 + 3.15 now; 3.30 (2026) + 3.35 (2027-11) under the proposal
    assert (ami["amount"], ami["compared"], ami["difference"], ami["percent"]) == ("6.30", "6.65", "0.35", "5.56")


def test_avenant11_folder_is_labelled_a_proposal_and_is_an_overlay():
    """The proposal holds only what it changes (an overlay, docs/tarifs.md): it cannot drift from tariffs/."""
    values = (AVENANT11 / "values.yaml").read_text(encoding="utf-8")
    assert "PROPOSITION CNAM" in values.splitlines()[1] and "PAS LE DROIT EN VIGUEUR" in values.upper()[:400]
    readme = (AVENANT11 / "README.md").read_text(encoding="utf-8")
    assert "proposition" in readme.lower() and "PAS le droit" in readme
    assert sorted(p.name for p in AVENANT11.iterdir()) == ["README.md", "overlay.yaml", "values.yaml"]
    assert yaml.safe_load((AVENANT11 / "overlay.yaml").read_text(encoding="utf-8"))["overlay"] is True
    ours = yaml.safe_load(values)
    assert list(ours) == ["values"] and list(ours["values"]) == ["AMI", "AMX"]
    for key in ("AMI", "AMX"):
        rows = ours["values"][key]["metropole"]
        assert [(str(r["from"]), r["value"]) for r in rows] == [("2026-01-01", "3.30"), ("2027-11-01", "3.35")]


# -- 5. the JSON of `ngap price` on standard input -----------------------------------------------------------

def test_price_json_piped_into_report(month_report):
    priced = run_cli("price", *MONTH_FILES, "--format", "json")
    r = report_json("-", "--by", "code", "--by", "nurse", input=priced.stdout)
    assert r.exit_code == 0
    data = r.json
    t, m = data["totals"], month_report["totals"]
    assert (t["amount"], t["amo"], t["patient_share"], t["lines"]) == (m["amount"], m["amo"], m["patient_share"],
                                                                       m["lines"])
    assert data["files"] == [{"path": "<stdin>", "status": "ok", "reason": None}]
    keys = ("key", "amount", "amo", "patient_share", "lines")
    assert [{k: g[k] for k in keys} for g in data["groups"] if g["by"] == "nurse"] == \
        [{k: g[k] for k in keys} for g in month_report["groups"] if g["by"] == "nurse"]
    # the JSON says each patient's age and coverage: the franchise and its exemptions as on the files
    assert (t["franchise"], t["amo_net"]) == (m["franchise"], m["amo_net"])
    assert not any("exonérations" in n for n in data["notes"])
    assert sorted(map(str, data["warnings"])) == sorted(map(str, json.loads(priced.stdout)["warnings"]))
    doc = json.loads(priced.stdout)
    assert {(p["patient"], p["coverage"], p["age"]) for p in doc["patients"]} >= {
        ("P05", "maternity", 31), ("P06", "css", 52), ("P07", "ame", 45), ("P11", "standard", 3)}


def test_price_json_without_patients_gets_the_franchise_without_exemptions_and_a_note(month_report):
    """The JSON of an earlier ngap (no « patients »): every act pays its franchise, and a note says why."""
    doc = json.loads(run_cli("price", *MONTH_FILES, "--format", "json").stdout)
    del doc["patients"]
    r = report_json("-", input=json.dumps(doc))
    assert r.exit_code == 0
    t = r.json["totals"]
    assert t["franchise"] == str(sum(franchise_by_hand(doc["lines"]).values()))
    assert D(t["franchise"]) > D(month_report["totals"]["franchise"])
    assert any("sans exonérations" in n for n in r.json["notes"])


@pytest.mark.parametrize("nurses, said", [
    ([{"replaces": "Paul"}], "nurses[1] : objet avec « nurse » attendu"),
    ([{"nurse": "Léa", "cabinet_fee_percent": "beaucoup"}], "« cabinet_fee_percent » doit être un nombre de 0 à 100"),
    ([{"nurse": "Léa", "cabinet_fee_percent": 120}], "« cabinet_fee_percent » doit être un nombre de 0 à 100"),
    ([{"nurse": "Léa", "replaces": ["Paul"]}], "« replaces » doit être un nom"),
])
def test_bad_nurses_in_price_json_are_input_errors(nurses, said):
    assert_price_json_refused("nurses", nurses, said)


def assert_price_json_refused(section: str, value, said: str) -> None:
    """`ngap report -` on a price JSON whose ``section`` is replaced by ``value``: exit 2, ``said`` on stderr."""
    doc = json.loads(run_cli("price", EXAMPLES / "morning_round.yaml", "--format", "json").stdout)
    doc[section] = value
    r = run_cli("report", "-", input=json.dumps(doc))
    assert r.exit_code == 2
    assert said in r.stderr and "<stdin>" in r.stderr


@pytest.mark.parametrize("patients, said", [
    ([{"patient": "P1"}], "patients[1] : objet avec « patient » et « coverage »"),
    ([{"patient": "P1", "coverage": "css", "age": "douze", "date": "2026-01-05"}], "« age » doit être un nombre"),
    ([{"patient": "P1", "coverage": "css", "age": 12}], "« date » manque pour situer « age »"),
    ([{"patient": "P1", "coverage": "css", "birth_date": "2026-13-01"}], "« birth_date » ou « date » illisible"),
])
def test_bad_patients_in_price_json_are_input_errors(patients, said):
    assert_price_json_refused("patients", patients, said)


def test_a_tour_on_standard_input():
    text = (EXAMPLES / "morning_round.yaml").read_text(encoding="utf-8")
    r = report_json("-", input=text)
    assert r.exit_code == 0
    assert r.json["totals"]["amount"] == "64.46" and r.json["totals"]["amo"] == "42.30"
    assert r.json["notes"] == []


def test_broken_price_json_on_stdin_is_skipped():
    r = report_json("-", input='{"lines": [{"date": "2025-03-10", "patient": "P1", "code": "AMI"}]}')
    assert r.exit_code == 2
    assert "« amount » manquant" in r.json["files"][0]["reason"]
    r = run_cli("report", "-", "--compare-tariffs", AVENANT11, input='{"lines": []}')
    assert r.exit_code == 2 and "--compare-tariffs" in r.stderr


# -- progress bar ------------------------------------------------------------------------------------------------

def only_diagnostics(stderr: str, doc: dict) -> bool:
    """stderr of a JSON run holds the diagnostics, one line each (contract §3), and nothing else (no bar)."""
    lines = stderr.splitlines()
    return len(lines) == len(doc["warnings"]) and all(
        re.fullmatch(r"\S.*?:\d+: NGAP\d{3} (error|warning|info) .+", line) for line in lines)


def test_no_progress_bar_when_stderr_is_not_a_terminal():
    r = report_json(MONTH)
    assert r.exit_code == 0 and only_diagnostics(r.stderr, r.json)


def test_progress_bar_when_forced_and_not_with_quiet():
    env = {"NO_COLOR": "1", "NGAP_FORCE_PROGRESS": "1"}
    r = report_json(MONTH, env=env)
    assert r.exit_code == 0
    assert "Tarification" in r.stderr and "10/10" in r.stderr
    json.loads(r.stdout)                   # stdout is still nothing but data
    quiet = report_json(MONTH, "--quiet", env=env)
    assert only_diagnostics(quiet.stderr, quiet.json)


def test_progress_bar_when_the_terminal_check_says_yes(monkeypatch):
    from ngapcli.render import report_table

    monkeypatch.setattr(report_table, "stderr_is_terminal", lambda: True)
    r = report_json(MONTH, env={"NO_COLOR": "1"})
    assert "Lecture des tournées" in r.stderr or "Tarification" in r.stderr
    json.loads(r.stdout)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="pas de pseudo-terminal sur ce système")
def test_progress_bar_on_a_real_terminal_and_not_in_piped_output():
    # stderr on a pseudo-terminal, stdout on a pipe: the bar goes to the terminal, the JSON to the pipe
    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NGAP_FORCE_PROGRESS"}
    env.update(TERM="xterm", COLUMNS="100")
    chunks: list[bytes] = []

    def drain():  # read the terminal while the command runs: a full pty buffer would block it
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "ngapcli", "report", str(MONTH), "--format", "json"],
                              stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, env=env, timeout=60)
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0
    assert "Tarification" in terminal
    data = json.loads(proc.stdout)
    assert data["totals"]["lines"] > 0 and b"\x1b" not in proc.stdout
    # and with both streams piped: no bar on stderr, only the diagnostics
    piped = subprocess.run([sys.executable, "-m", "ngapcli", "report", str(MONTH), "--format", "json"],
                           capture_output=True, cwd=ROOT, env=env, timeout=60)
    assert piped.returncode == 0 and only_diagnostics(piped.stderr.decode(), json.loads(piped.stdout))


# -- the chunks (streaming) -------------------------------------------------------------------------------------

def test_the_examples_folder_skips_the_tariff_folder_inside():
    r = report_json(EXAMPLES, "--by", "nurse")
    assert r.exit_code == 0, r.stderr
    data = r.json
    assert not [f for f in data["files"] if "avenant11_proposal" in f["path"]]
    assert any("Dossier de tarifs ignoré" in n and "avenant11_proposal" in n for n in data["notes"])
    assert len(data["files"]) == len(list(EXAMPLES.rglob("*.yaml"))) - len(list(AVENANT11.glob("*.yaml")))


def test_a_billing_error_exits_1_like_price(tour):
    path = tour("""
        date: 2008-06-02
        patients:
          - id: A
            age: 50
            visits: [{time: "09:00", acts: [injection_sc]}]
        """)
    r = report_json(path)
    assert r.exit_code == 1
    assert [w["code"] for w in r.json["warnings"]] == ["NGAP001"]
    assert r.json["totals"]["amount"] == "0.00"


def test_a_skipped_file_is_told_once_on_the_error_output_and_counted_in_the_table(tmp_path):
    missing = tmp_path / "absente.yaml"
    r = run_cli("report", missing, EXAMPLES / "morning_round.yaml")
    assert r.exit_code == 2
    assert r.stderr.count("fichier introuvable") == 1 and "fichier introuvable" not in r.stdout
    assert f"1 fichier ignoré : {missing}" in r.stdout.replace("\n", "")
