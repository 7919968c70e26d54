"""`ngap plan`, `--day` and `--from/--to`, `ngap report` prescriptions and `--expiring` (contract §5)."""
from __future__ import annotations

from decimal import Decimal

from tests.conftest import codes, lines_of, price_json, run_cli, total

MONTH = """\
date: 2025-03-03
nurse: {name: Claire Martin}
patients:
  - id: P1
    name: Mme A.
    age: 81
    distance_km: 4
    outside_agglomeration: true
    prescriptions:
      - id: O1
        date: 2025-03-01
        from: 2025-03-03
        until: 2025-03-16
        acts: [injection_insuline, {act: surveillance_glycemie_insuline, per_day: 2}]
        daily: true
      - {id: O2, date: 2025-03-01, days: 30, acts: [{act: pansement_autre, seances: 5}, prelevement_veineux]}
    plan:
      - acts: [injection_insuline, surveillance_glycemie_insuline]
        times: ["07:30", "18:30"]
        prescription: O1
        except: [2025-03-12]
      - acts: [pansement_autre]
        times: ["11:00"]
        days: [lun, mer, ven]
        until: 2025-03-14
    visits:
      - {date: 2025-03-05, time: "11:00", acts: [pansement_autre, prelevement_veineux]}
  - id: P2
    visits:
      - {date: 2025-03-04, time: "09:00", acts: [injection_sc], billed: "AMI1 + MAU + IFD"}
"""


def strip(data: dict) -> list[dict]:
    return [{k: v for k, v in l.items() if k != "file"} for l in data["lines"]]


def test_plan_prints_visits_that_price_the_same(tour, tmp_path):
    src = tour(MONTH, "mars.yaml")
    r = run_cli("plan", src)
    assert r.exit_code == 0, r.stderr
    assert f'# plan : {src}:18' in r.stdout and f"# visite : {src}:27" in r.stdout
    out = tmp_path / "developpe.yaml"
    out.write_text(r.stdout, encoding="utf-8")
    a, b = price_json(src), price_json(out)
    assert strip(a) == strip(b) and a["totals"] == b["totals"]
    # O1 from 03/03 to 16/03 twice a day except 12/03: 26 visits; pansements Mon/Wed/Fri to 14/03: 6 (one of
    # them replaced by the one-off visit of 05/03); P2 once
    assert r.stdout.count("      - {date:") == 26 + 6 + 1


def test_plan_from_to_keeps_the_visits_of_those_days(tour):
    src = tour(MONTH)
    r = run_cli("plan", src, "--from", "10/03/2025", "--to", "2025-03-10")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.count("      - {date: 2025-03-10") == 3 and r.stdout.count("      - {date:") == 3
    assert '# patient "P2" : aucune visite dans la période' in r.stdout


def test_day_prices_the_day_of_a_month_file_with_the_month_amounts(tour):
    src = tour(MONTH)
    month = price_json(src)
    day = price_json(src, extra=("--day", "10/03/2025"))
    assert {l["date"] for l in day["lines"]} == {"2025-03-10"}
    assert strip(day) == [l for l in strip(month) if l["date"] == "2025-03-10"]
    # 07:30 and 18:30: AMI 1 + AMI 1 + IFD (2.75) + IK; 11:00: AMI 2 + IFD + IK ; IK 2 × 4 − 4 = 4 km at 0.35
    assert total(day) == Decimal("3.15") * 4 + Decimal("6.30") + 3 * (Decimal("2.75") + Decimal("1.40"))
    assert all(w["date"] == "2025-03-10" for w in day["warnings"] if w["date"])


def test_from_to_and_check(tour):
    src = tour(MONTH)
    data = price_json(src, extra=("--from", "2025-03-15", "--to", "2025-03-16"))
    assert {l["date"] for l in data["lines"]} == {"2025-03-15", "2025-03-16"}
    # the weekend: two visits a day, F on Sunday 16/03 (« rigoureusement quotidienne »)
    assert len(lines_of(data, code="F")) == 2
    r = run_cli("check", src, "--day", "2025-03-05", "--format", "json")
    assert r.exit_code == 0
    assert {w["date"] for w in r.json["warnings"]} <= {"2025-03-05", None}
    bad = run_cli("price", src, "--day", "2025-03-05", "--from", "2025-03-01")
    assert bad.exit_code == 2 and "--day ne se combine pas avec --from ou --to" in bad.stderr
    bad = run_cli("price", src, "--day", "31/02/2025")
    assert bad.exit_code == 2 and "--day : date « 31/02/2025 » impossible : ce mois n'a pas de jour 31" in bad.stderr


def test_audit_day(tour):
    src = tour(MONTH)
    r = run_cli("audit", src, "--day", "2025-03-04", "--format", "json")
    assert r.exit_code == 0
    assert [v["date"] for v in r.json["visits"]] == ["2025-03-04"]
    r = run_cli("audit", src, "--day", "2025-03-05", "--format", "json")
    assert r.json["visits"] == [] and r.json["differences"] == []


def test_report_prescriptions_and_expiring(tour):
    src = tour(MONTH)
    r = run_cli("report", src, "--to", "2025-03-10", "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = {(x["prescription"], x["act"]): x for x in r.json["prescriptions"]}
    assert rows[("O2", "pansement_autre")] == {
        "patient": "P1", "prescription": "O2", "from": "2025-03-01", "until": "2025-03-30",
        "act": "pansement_autre", "prescribed": 5, "done": 4, "left": 1}
    assert rows[("O1", "injection_insuline")]["done"] == 16 and rows[("O1", "injection_insuline")]["left"] is None
    assert "expiring" not in r.json
    # O1 ends on 16/03, six days after the last day priced; O2 on 30/03, beyond the 7 days: only O1 is listed
    r = run_cli("report", src, "--to", "2025-03-10", "--expiring", "7", "--format", "json")
    assert {(x["prescription"], x["act"]) for x in r.json["prescriptions"]} == {
        ("O1", "injection_insuline"), ("O1", "surveillance_glycemie_insuline")}
    assert r.json["expiring"] == [{"patient": "P1", "prescription": "O1", "from": "2025-03-03",
                                   "until": "2025-03-16", "days_left": 6}]
    table = run_cli("report", src, "--to", "10/03/2025", "--expiring", "7", "-q")
    assert "Prescriptions à renouveler" in table.stdout and "P1 · O1 : dernier jour le 16/03/2025 (dans 6" \
        in table.stdout


def test_pansement_seances_beyond_the_prescription_in_the_month(tour):
    data = price_json(tour(MONTH))
    # O2 prescribes five pansements: 03, 05 (one-off), 07, 10, 12; the sixth on 14/03 is refused
    refused = [l["date"] for l in lines_of(data, act="pansement_autre") if l["rate"] == 0]
    assert refused == ["2025-03-14"] and codes(data).count("NGAP172") == 1


def test_report_prices_together_the_files_giving_a_patient_the_same_prescription(tmp_path):
    """Two nurses' files, each with the patient's prescription O1 (three séances): the report counts the
    séances across both files, like one `ngap price` of both (the fourth is refused)."""
    for n, (nurse, days) in enumerate((("Claire", (3, 4)), ("Paul", (10, 11))), 1):
        visits = "".join(f'      - {{date: 2025-03-{d:02d}, time: "10:00", acts: [reeducation_autosondage]}}\n'
                         for d in days)
        (tmp_path / f"t{n}.yaml").write_text(
            f"date: 2025-03-03\nnurse: {{name: {nurse}}}\npatients:\n  - id: P1\n    prescriptions:\n"
            "      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [{act: reeducation_autosondage, "
            "seances: 3}]}\n    visits:\n" + visits, encoding="utf-8")
    priced = price_json(tmp_path / "t1.yaml", tmp_path / "t2.yaml")
    r = run_cli("report", tmp_path, "--format", "json")
    assert r.exit_code == 1
    assert Decimal(r.json["totals"]["amount"]) == total(priced) == 3 * Decimal("13.78")
    assert [w["date"] for w in r.json["warnings"] if w["code"] == "NGAP172"] == ["2025-03-11"]
    assert r.json["prescriptions"][0]["done"] == 3 and r.json["prescriptions"][0]["left"] == 0


def test_plan_output_keeps_every_key_of_a_full_tour(tour, tmp_path):
    """Free cotations, quantities, labels, billed, called_at, birth dates, households, a remplaçante: `ngap
    plan` writes them all back and the output prices and audits the same."""
    src = tour("""\
date: 2025-03-08
zone: reunion
nurse: {name: Paul Durand, terrain: montagne, replaces: Claire Martin, cabinet_fee_percent: 12.5}
patients:
  - id: "012"
    name: "Mme \\"A\\""
    birth_date: 2020-05-02
    household: "3 rue des Lilas"
    distance_km: 7.5
    nearest_cabinet_km: 6
    outside_agglomeration: true
    palliative: true
    prescription: {night: true}
    visits:
      - time: "23:40"
        urgent: true
        called_at: "23:10"
        acts: [{cotation: "AMI 2,5", label: "soin hors catalogue"}, {act: perfusion_supplement_heure, quantity: 2},
               {act: injection_sc, label: "héparine"}]
        billed: "AMI2,5 + AMI1/2"
  - id: P2
    bsi: BSB
    age: 90
    coverage: ald
    plan:
      - times: ["08:00"]
        until: 2025-03-09
""")
    r = run_cli("plan", src)
    assert r.exit_code == 0, r.stderr
    out = tmp_path / "out.yaml"
    out.write_text(r.stdout, encoding="utf-8")
    for key in ('cotation: "AMI 2.5"', "quantity: 2", 'label: "héparine"', 'called_at: "23:10"', "replaces:",
                "cabinet_fee_percent: 12.5", "birth_date: 2020-05-02", "nearest_cabinet_km: 6", 'billed: "AMI2,5'):
        assert key in r.stdout
    a, b = price_json(src), price_json(out)
    assert strip(a) == strip(b) and a["totals"] == b["totals"]
    ra, rb = run_cli("audit", src, "--format", "json"), run_cli("audit", out, "--format", "json")
    assert ra.json["totals"] == rb.json["totals"]
