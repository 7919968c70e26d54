"""`ngap audit`: billed cotation against due cotation, through the real CLI on real YAML.

Values (rules.md §1): AMI/AMX 3.15, IFD/IFI 2.75 (since 2024-01-28), MAU 1.35, MCI 5.00, N 9.15 / 18.30,
F 8.50, IK 0.35, BSA/BSB/BSC 13.00/18.20/28.70. A difference's amount is billed − due.
Unless said otherwise, visits are on Monday 2025-03-10 at 10:00, at home.
"""
from __future__ import annotations

import json
import textwrap
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLES, ROOT, run_cli
from ngapcli.cotation import parse_cotation
from ngapcli.errors import InputError

MONTH = ROOT / "tests" / "data" / "audit_month"


def audit_json(*args, code=None) -> dict:
    r = run_cli("audit", *args, "--format", "json")
    assert "Traceback" not in r.stdout + r.stderr
    if code is not None:
        assert r.exit_code == code, r.stdout + r.stderr
    return r.json


def diffs(data: dict) -> list[tuple]:
    return [(d["kind"], d["item"], d["amount"]) for d in data["differences"]]


def one_visit(tour, acts: str, billed: str, *, date="2025-03-10", time="10:00", patient="", visit="") -> Path:
    patient_block = textwrap.indent(textwrap.dedent(patient).strip("\n"), "    ") + "\n" if patient else ""
    visit_block = textwrap.indent(textwrap.dedent(visit).strip("\n"), "        ") + "\n" if visit else ""
    return tour(f"date: {date}\nnurse: {{name: Claire Martin}}\npatients:\n  - id: P1\n{patient_block}"
                f"    visits:\n      - time: \"{time}\"\n        acts: {acts}\n{visit_block}"
                f"        billed: \"{billed}\"\n")


# -- the three disputed examples of the sources (rules.md §13) ---------------------------------------------

def test_lone_injection_billed_without_mau_is_an_oubli(tour):
    # rules.md §13 n° 17: "SC injection at home = AMI 1 + IFD = 5.90 €" — MAU forgotten, 7.25 € are due.
    path = one_visit(tour, "[injection_sc]", "AMI1 + IFD")
    data = audit_json(path, code=0)  # an oubli alone does not fail…
    assert diffs(data) == [("oubli", "MAU", "-1.35")]
    d = data["differences"][0]
    assert d["code"] == "NGAP202" and d["due"]["code"] == "MAU" and d["billed"] is None
    assert "23.1" in d["article"]
    t = data["totals"]
    assert (t["billed"], t["due"], t["forgotten"], t["undue"]) == ("5.90", "7.25", "1.35", "0.00")
    assert run_cli("audit", path, "--strict").exit_code == 1  # …except with --strict


def test_sunday_night_billed_with_n_and_f_is_an_indu_of_f(tour):
    # rules.md §13 n° 1: night and Sunday do not cumulate; the night majoration (23 h-5 h, 18.30) is kept.
    path = one_visit(tour, "[injection_im]", "AMI1 + MAU + IFD + N + F", date="2025-03-09", time="23:20",
                     visit='urgent: true\ncalled_at: "22:50"')
    data = audit_json(path, code=1)
    assert diffs(data) == [("indu", "F", "8.50")]
    d = data["differences"][0]
    assert d["code"] == "NGAP201" and d["article"] == "NGAP DG art. 14" and d["diagnostic"] == "NGAP120"
    # the plain N is compared with the N due, whatever its level: 18.30 both sides
    n = [i for i in data["visits"][0]["billed_items"] if i["code"] == "N"]
    assert n[0]["amount"] == "18.30"
    assert data["totals"]["undue"] == "8.50"


def test_blood_sample_at_4_72_in_the_billing_csv_is_an_ecart_of_one_cent(tour, tmp_path):
    # rules.md §13 n° 8: AMI 1.5 = 3.15 × 1.5 = 4.725 → 4.73, not 4.72.
    path = one_visit(tour, "[prelevement_veineux]", "", visit="place: office")
    csv = tmp_path / "facturation.csv"
    csv.write_text("date;patient;heure;cotation;montant\n"
                   "2025-03-10;P1;10:00;AMI 1,5;4,72\n"
                   "2025-03-10;P1;10:00;MAU;1,35\n", encoding="utf-8")
    data = audit_json(path, "--billed", csv, code=0)
    assert diffs(data) == [("ecart", "AMI", "-0.01")]
    d = data["differences"][0]
    assert d["code"] == "NGAP203" and d["billed_amount"] == "4.72" and d["due_amount"] == "4.73"
    assert "4,73" in d["reading"]  # the rounding reading is stated
    assert run_cli("audit", path, "--billed", csv, "--strict").exit_code == 1


# -- each kind of difference ---------------------------------------------------------------------------------

def test_ifd_at_the_office_is_undue(tour):
    path = one_visit(tour, "[injection_im]", "AMI1 + MAU + IFD", visit="place: office")
    data = audit_json(path, code=1)
    assert diffs(data) == [("indu", "IFD", "2.75")]
    assert data["differences"][0]["article"].startswith("NGAP DG art. 13")


def test_mau_with_two_acts_is_undue(tour):
    path = one_visit(tour, "[pansement_autre, injection_sc]", "AMI2 + AMI1/2 + MAU + IFD")
    data = audit_json(path, code=1)
    assert diffs(data) == [("indu", "MAU", "1.35")]
    assert data["differences"][0]["article"] == "NGAP DG art. 23.1"


def test_blood_sample_halved_when_due_in_full_is_an_ecart(tour):
    # 11B derogation: PDS at full rate with the other act. AMI 0.75 = 2.36 billed, AMI 1.5 = 4.73 due.
    path = one_visit(tour, "[prelevement_veineux, pansement_autre]", "AMI2 + AMI1,5/2 + IFD")
    data = audit_json(path, code=0)
    assert diffs(data) == [("ecart", "AMI", "-2.37")]
    assert data["differences"][0]["article"] == "NGAP DG art. 11B"


def test_second_act_billed_in_full_is_an_ecart(tour):
    # AMI 1 billed 3.15 where AMI 1/2 = 1.58 is due: +1.57
    path = one_visit(tour, "[pansement_autre, injection_sc]", "AMI 2 + AMI 1 + IFD")
    assert diffs(audit_json(path, code=0)) == [("ecart", "AMI", "1.57")]


def test_third_act_billed_is_undue_with_the_11b_rule(tour):
    path = one_visit(tour, "[pansement_autre, injection_sc, injection_im]", "AMI2 + AMI1/2 + AMI1/2 + IFD")
    data = audit_json(path, code=1)
    assert diffs(data) == [("indu", "AMI", "1.58")]
    assert "11B" in data["differences"][0]["article"]


ONLY_THE_INJECTION = """
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [injection_sc]}
"""


@pytest.mark.parametrize("billed", ["AMI2 + AMI1/2 + IFD", "AMI 1/2 + IFD + AMI 2"])
def test_act_refused_for_lack_of_prescription_billed_is_undue_in_full(tour, billed):
    """Only the injection (AMI 1) is prescribed: the dressing (AMI 2) is refused (NGAP170, a line at rate 0) and
    the injection, now alone, is due in full with the MAU: AMI 1 3.15 + MAU 1.35 + IFD 2.75 = 7.25 due.
    Billed AMI 2 6.30 + AMI 1/2 1.58 + IFD 2.75 = 10.63. The AMI 2 billed is the refused act: undue in full
    (6.30), the AMI 1/2 is the injection billed at half rate (-1.57), the MAU is forgotten (-1.35) — not an
    AMI 2 billed for the AMI 1 (+3.15) and an AMI 1/2 undue (+1.58), which had the right total only."""
    path = one_visit(tour, "[pansement_autre, injection_sc]", billed, patient=ONLY_THE_INJECTION)
    data = audit_json(path, code=1)
    assert diffs(data) == [("indu", "AMI", "6.30"), ("ecart", "AMI", "-1.57"), ("oubli", "MAU", "-1.35")]
    indu = data["differences"][0]
    assert indu["billed"]["coefficient"] == "2" and indu["certain"] is True
    assert "sans prescription" in indu["message"] and indu["diagnostic"] == "NGAP170"
    t = data["totals"]
    assert (t["billed"], t["due"], t["difference"]) == ("10.63", "7.25", "3.38")
    assert (t["undue"], t["undue_certain"], t["ecart_under"], t["forgotten"]) == ("6.30", "6.30", "1.57", "1.35")
    # billed as due: nothing to say
    assert diffs(audit_json(one_visit(tour, "[pansement_autre, injection_sc]", "AMI1 + MAU + IFD",
                                      patient=ONLY_THE_INJECTION), code=0)) == []


def test_act_refused_beyond_its_count_a_day_billed_is_undue_in_full(tour):
    """The same pairing for another refusal at rate 0: the dressing is prescribed once a day (per_day: 1), the
    evening one is refused (NGAP173); billed there « AMI 2 + AMI 1/2 + IFD », the AMI 2 is undue in full.
    Morning: AMI 2 + IFD billed as due. Evening due: AMI 1 3.15 + MAU 1.35 + IFD 2.75 = 7.25."""
    path = tour("""\
date: 2025-03-10
nurse: {name: Claire Martin}
patients:
  - id: P1
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [{act: pansement_autre, per_day: 1}, injection_sc]}
    visits:
      - {time: "08:00", acts: [pansement_autre], billed: "AMI 2 + IFD"}
      - {time: "18:00", acts: [pansement_autre, injection_sc], billed: "AMI 2 + AMI 1/2 + IFD"}
""")
    data = audit_json(path, code=1)
    assert diffs(data) == [("indu", "AMI", "6.30"), ("ecart", "AMI", "-1.57"), ("oubli", "MAU", "-1.35")]
    assert data["differences"][0]["diagnostic"] == "NGAP173" and data["differences"][0]["time"] == "18:00"
    t = data["totals"]
    assert (t["billed"], t["due"], t["undue_certain"]) == ("19.68", "16.30", "6.30")   # 9.05 + 10.63, 9.05 + 7.25


def test_care_of_a_remplacants_third_titulaire_billed_is_undue(tour):
    """NGAP160: Zoé Remy replaces three titulaires on 2026-01-12; Chloé C (10:00) is the third of the day, her
    patient's visit has no due line but the act at rate 0: its « AMI1 + MAU + IFD » (7.25) is undue, each item
    explained by NGAP160; the other two visits, billed as due, are clean."""
    paths = [tour(f"""\
date: 2026-01-12
nurse: {{name: Zoé Remy, replaces: {who}, cabinet_fee_percent: 10}}
patients:
  - id: {pid}
    age: 60
    visits: [{{time: "{time}", acts: [injection_sc], billed: "AMI1 + MAU + IFD"}}]
""") for who, pid, time in (("Chloé C", "Z3", "10:00"), ("Anne A", "Z1", "08:00"), ("Bruno B", "Z2", "09:00"))]
    data = audit_json(*paths, code=1)
    assert diffs(data) == [("indu", "AMI", "3.15"), ("indu", "MAU", "1.35"), ("indu", "IFD", "2.75")]
    assert {d["patient"] for d in data["differences"]} == {"Z3"}
    assert all(d["diagnostic"] == "NGAP160" and d["article"].startswith("CSP R.4312-83") for d in data["differences"])
    t = data["totals"]
    assert (t["billed"], t["due"], t["undue"], t["undue_certain"]) == ("21.75", "14.50", "7.25", "7.25")


def test_night_level_and_ik_km(tour):
    # 23:20 urgent: N 18.30 due; NUIT1 (9.15) billed is an écart of −9.15. IK 2 × 7.5 − 4 = 11 km, 13 billed.
    path = one_visit(tour, "[injection_im]", "AMI1 + MAU + IFD + NUIT1 + IK 13", time="23:20",
                     patient="distance_km: 7.5\noutside_agglomeration: true",
                     visit='urgent: true\ncalled_at: "23:00"')
    data = audit_json(path, code=0)
    assert sorted(diffs(data)) == [("ecart", "IK", "0.70"), ("ecart", "N", "-9.15")]


def test_forgotten_act_and_forgotten_travel(tour):
    path = one_visit(tour, "[pansement_ulcere_greffe_etendu]", "MCI")
    data = audit_json(path, code=0)
    assert sorted(diffs(data)) == [("oubli", "AMI", "-12.60"), ("oubli", "IFD", "-2.75")]
    assert {d["code"] for d in data["differences"]} == {"NGAP202"}


def test_aliases_and_spellings_match(tour):
    path = one_visit(tour, "[pansement_autre, injection_sc]", "ami 2+ami1 x0,5+IFA")
    data = audit_json(path, code=0)
    assert data["differences"] == [] and data["totals"]["visits_matching"] == 1


def _bsi_day(tour, morning_billed: str, evening_billed: str, level="BSB"):
    a = tour(f"""\
        date: 2025-03-10
        nurse: {{name: Claire Martin}}
        patients:
          - id: B1
            age: 88
            bsi: {level}
            visits:
              - time: "08:30"
                acts: [injection_sc]
                billed: "{morning_billed}"
        """, "claire.yaml")
    b = tour(f"""\
        date: 2025-03-10
        nurse: {{name: Paul Durand}}
        patients:
          - id: B1
            age: 88
            bsi: {level}
            visits:
              - time: "18:30"
                billed: "{evening_billed}"
        """, "paul.yaml")
    return a, b


def test_forfait_billed_on_the_other_nurses_passage_is_not_a_difference(tour):
    # one forfait per patient and day (chap. I art. 12), whichever passage carries it
    a, b = _bsi_day(tour, "AMX1/2 + IFI", "BSB + IFI")
    data = audit_json(a, b, code=0)
    assert data["differences"] == []
    assert data["totals"]["billed"] == data["totals"]["due"] == "25.28"  # 18.20 + 2 × 2.75 + 1.58


def test_forfait_billed_twice_in_a_day_is_undue(tour):
    a, b = _bsi_day(tour, "BSB + AMX1/2 + IFI", "BSB + IFI")
    data = audit_json(a, b, code=1)
    assert diffs(data) == [("indu", "BSB", "18.20")]
    assert data["differences"][0]["time"] == "18:30"


def test_forfait_of_another_level_is_an_ecart(tour):
    a, b = _bsi_day(tour, "BSA + AMX1/2 + IFI", "IFI")
    data = audit_json(a, b, code=0)
    assert diffs(data) == [("ecart", "BSA", "-5.20")]  # item = the billed code


def test_ifd_instead_of_ifi_on_a_dependence_passage(tour):
    a, b = _bsi_day(tour, "BSB + AMX1/2 + IFD", "IFI")
    assert sorted(diffs(audit_json(a, b, code=1))) == [("indu", "IFD", "2.75"), ("oubli", "IFI", "-2.75")]


# -- the billing CSV -------------------------------------------------------------------------------------------

def test_billing_csv_joined_by_time_or_visit_number(tour, tmp_path):
    path = tour("""\
        date: 2025-03-10
        patients:
          - id: P1
            visits:
              - {time: "09:00", acts: [injection_sc]}
              - {time: "18:00", acts: [injection_sc]}
        """)
    csv = tmp_path / "b.csv"
    csv.write_text("date,patient,visit,cotation,amount\n"
                   "10/03/2025,P1,1,AMI1 + MAU + IFD,\"7,25\"\n"
                   "2025-03-10,P1,2,AMI1 + IFD,\n", encoding="utf-8")
    data = audit_json(path, "--billed", csv, code=0)
    assert diffs(data) == [("oubli", "MAU", "-1.35")]
    assert data["differences"][0]["time"] == "18:00"


def test_billing_csv_row_without_visit_is_reported(tour, tmp_path):
    path = one_visit(tour, "[injection_sc]", "")
    csv = tmp_path / "b.csv"
    csv.write_text("date;patient;heure;cotation\n2025-03-10;P1;10:00;AMI1 + MAU + IFD\n"
                   "2025-03-11;P9;08:00;AMI1 + MAU\n", encoding="utf-8")
    data = audit_json(path, "--billed", csv, code=1)
    assert diffs(data) == [("orphelin", "LIGNE", "4.50")]
    d = data["differences"][0]
    assert d["code"] == "NGAP204" and d["patient"] == "P9" and d["line"] == 3


def test_billing_csv_stated_total_differs(tour, tmp_path):
    path = one_visit(tour, "[injection_sc]", "")
    csv = tmp_path / "b.csv"
    csv.write_text("date;patient;heure;cotation;montant\n2025-03-10;P1;10:00;AMI1 + MAU + IFD;7,20 €\n",
                   encoding="utf-8")
    assert diffs(audit_json(path, "--billed", csv, code=0)) == [("ecart", "MONTANT", "-0.05")]


@pytest.mark.parametrize("written", ["7.20 EUR", "7,20\u00a0€", "0.007,20"])
def test_billing_csv_amounts_read_as_in_the_export_alone(tour, tmp_path, written):
    """Amounts are read by one function for both audits (with tours and the export alone): a thousands
    point before a decimal comma, « EUR », a no-break space."""
    path = one_visit(tour, "[injection_sc]", "")
    csv = tmp_path / "b.csv"
    csv.write_text(f"date;patient;heure;cotation;montant\n2025-03-10;P1;10:00;AMI1 + MAU + IFD;{written}\n",
                   encoding="utf-8")
    assert diffs(audit_json(path, "--billed", csv, code=0)) == [("ecart", "MONTANT", "-0.05")]


@pytest.mark.parametrize("content, where, words", [
    ("date;patient;heure;cotation\n2025-03-10;P1;10:00;\"AMI 1,5 + ZZ\"\n", ":2:32:", "ZZ"),
    ("date;patient;heure;cotation\n2025-03-10;P1;10:00;AMI1 + + IFD\n", ":2:28:", "vide"),
    ("date;patient;heure;cotation\n2025-13-10;P1;10:00;AMI1\n", ":2:1:", "date"),
    ("date;patient;heure;cotation\n2025-03-10;P1;25:00;AMI1\n", ":2:15:", "heure"),
    ("date;patient;cotation;montant\n2025-03-10;P1;AMI1;abc\n", ":2:20:", "montant"),
    ("jour;qui;quoi\n2025-03-10;P1;AMI1\n", ":1:1:", "en-tête"),
])
def test_unreadable_billing_csv_is_an_input_error(tour, tmp_path, content, where, words):
    path = one_visit(tour, "[injection_sc]", "")
    csv = tmp_path / "b.csv"
    csv.write_text(content, encoding="utf-8")
    r = run_cli("audit", path, "--billed", csv)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert f"b.csv{where}" in r.stderr and words in r.stderr and "Traceback" not in r.stderr


# -- unreadable cotations: file, line, column ------------------------------------------------------------------

@pytest.mark.parametrize("billed_line, column, words", [
    ('        billed: "AMI1 + IFX"', 25, "IFX"),           # quoted: column of the token inside the string
    ("        billed: AMI1 + MAU + ?", 30, "« ? »"),        # plain scalar
    ("        billed: 'AMI 1,5/3'", 25, "/2"),
    ('        billed: "AMI + IFD"', 18, "coefficient manquant"),
    ('        billed: "AMI1 + IK"', 25, "km"),
    ('        billed: "AMI1 foo"', 23, "foo"),
])
def test_unreadable_cotation_in_a_tour(tour, billed_line, column, words):
    path = tour("date: 2025-03-10\npatients:\n  - id: P1\n    visits:\n      - time: \"10:00\"\n"
                f"        acts: [injection_sc]\n{billed_line}\n")
    r = run_cli("audit", path)
    assert r.exit_code == 2, r.stdout + r.stderr
    assert f"{path}:7:{column}:" in r.stderr, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr


def test_unreadable_cotation_on_stdin():
    text = 'date: 2025-03-10\npatients:\n  - id: P1\n    visits:\n      - {time: "10:00", acts: [injection_sc], billed: "AMI1 + XX"}\n'
    r = run_cli("audit", "-", input=text)
    assert r.exit_code == 2 and "<stdin>:5:" in r.stderr and "XX" in r.stderr


def test_cotation_parser():
    items = parse_cotation("AIS3 x2 + N + nuit profonde + DIM + IFA + IKM 12,5 km + 2x AMI1 + AMX 1,5 (50 %)")
    got = [(i.code, str(i.coefficient), i.rate, i.quantity, i.level) for i in items]
    assert got == [("AIS", "3", 100, 2, None), ("N", "1", 100, 1, None), ("N", "1", 100, 1, 2),
                   ("F", "1", 100, 1, None), ("IFD", "1", 100, 1, None), ("IKM", "12.5", 100, 1, None),
                   ("AMI", "1", 100, 2, None), ("AMX", "1.5", 50, 1, None)]
    assert [str(i.effective) for i in parse_cotation("AMI1,5/2 + AMI 2 x0.5 + Férié")] == ["0.75", "1.0", "1"]
    assert parse_cotation("  ") == []
    with pytest.raises(InputError) as exc:
        parse_cotation("AMI1 + BSX", "t.yaml", 4, 10)
    assert (exc.value.line, exc.value.column) == (4, 17) and "BSX" in exc.value.message


# -- outputs ---------------------------------------------------------------------------------------------------

def test_table_and_csv_outputs(tour):
    path = one_visit(tour, "[injection_sc]", "AMI1 + IFD + F")
    r = run_cli("audit", path)
    assert r.exit_code == 1 and "Traceback" not in r.stdout + r.stderr
    for words in ("facturé : AMI1 + IFD + F", "oubli NGAP202", "indu NGAP201", "Indus", "Oublis", "Par code",
                  "Par mois", "2025-03"):
        assert words in r.stdout, words
    r = run_cli("audit", path, "--format", "csv")
    rows = r.stdout.splitlines()
    assert rows[0].startswith("code,kind,file,nurse,date,patient,visit,time,line,item,billed,due")
    assert len(rows) == 3 and any(",indu," in x and ",F," in x for x in rows)


def test_no_billed_cotation_is_not_an_error(tour):
    path = tour("date: 2025-03-10\npatients:\n  - id: P1\n    visits:\n      - {time: \"10:00\", acts: [injection_sc]}\n")
    r = run_cli("audit", path)
    assert r.exit_code == 0 and "Aucune cotation facturée" in r.stdout
    data = audit_json(path, code=0)
    assert data["visits"] == [] and data["totals"]["visits"] == 1 and data["totals"]["visits_audited"] == 0


def test_bad_paths_exit_2(tmp_path):
    assert run_cli("audit").exit_code == 2
    r = run_cli("audit", tmp_path / "absent.yaml")
    assert r.exit_code == 2 and "introuvable" in r.stderr
    (tmp_path / "vide").mkdir()
    assert run_cli("audit", tmp_path / "vide").exit_code == 2


def test_explain_audit_codes():
    for code in ("NGAP201", "NGAP202", "NGAP203", "NGAP204"):
        r = run_cli("explain", code)
        assert r.exit_code == 0 and code in r.stdout


# -- a generated month of a two-nurse cabinet ---------------------------------------------------------------------

def test_generated_month_finds_every_injected_error_and_nothing_else():
    expected = json.loads((MONTH / "expected.json").read_text(encoding="utf-8"))["differences"]
    data = audit_json(MONTH, code=1)  # a folder: every *.yaml inside
    key = lambda d: (d["date"], d["patient"], d["time"], d["kind"], d["item"], d["amount"])  # noqa: E731
    assert Counter(map(key, data["differences"])) == Counter(map(key, expected))
    assert {k for k, n in data["totals"]["kinds"].items() if n} == {"indu", "oubli", "ecart"}
    t = data["totals"]
    total_diff = sum((Decimal(d["amount"]) for d in data["differences"]), Decimal(0))
    assert Decimal(t["billed"]) - Decimal(t["due"]) == Decimal(t["difference"]) == total_diff
    undue = sum((Decimal(d["amount"]) for d in expected if d["kind"] == "indu"), Decimal(0))
    assert Decimal(t["undue"]) == undue
    assert Decimal(t["by_month"]["2025-05"]["undue"]) == undue
    assert t["visits_audited"] == t["visits"] > 200


# -- the examples, billed with their own computed cotation, show no difference --------------------------------------

def _cotation(lines: list[dict]) -> str:
    parts, km = [], defaultdict(Decimal)
    for l in lines:
        if l["code"] in ("IK", "IKM", "IKS"):
            km[l["code"]] += Decimal(str(l["quantity"]))
            continue
        if l["rate"] == 0 or Decimal(l["amount"]) == 0:
            continue
        coef = Decimal(l["coefficient"])
        if l["kind"] == "act":
            base = coef * 2 if l["rate"] == 50 else coef
            parts.append(l["code"] + format(base.normalize(), "f").replace(".", ",") + ("/2" if l["rate"] == 50 else ""))
        elif l["code"] == "N":
            parts.append("NUIT2" if l["unit_value"] == "18.30" else "NUIT1")
        else:
            parts.append(l["code"])
    parts += [f"{code} {format(k.normalize(), 'f')}" for code, k in km.items()]
    return " + ".join(parts)


def _example_tours() -> list[Path]:
    found = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        if docs and all(isinstance(d, dict) and "patients" in d for d in docs if d is not None):
            found.append(path)
    return found


@pytest.mark.parametrize("example", _example_tours(), ids=lambda p: p.name)
def test_example_billed_with_its_computed_cotation_matches(example, tmp_path):
    if any(p.get("plan") for d in yaml.safe_load_all(example.read_text(encoding="utf-8")) if d
           for p in d["patients"]):   # care plans: bill the visits `ngap plan` expands them into
        expanded = run_cli("plan", example)
        assert expanded.exit_code == 0, expanded.stderr
        example = tmp_path / f"developpe_{example.name}"
        example.write_text(expanded.stdout, encoding="utf-8")
    r = run_cli("price", example, "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    lines = defaultdict(list)
    for l in r.json["lines"]:
        lines[(l["nurse"], l["patient"], l["visit"], l["date"])].append(l)
    docs = [d for d in yaml.safe_load_all(example.read_text(encoding="utf-8")) if d is not None]
    for doc in docs:
        nurse = (doc.get("nurse") or {}).get("name", "")
        for p in doc["patients"]:
            for n, v in enumerate(p["visits"], 1):
                day = str(v.get("date", doc["date"]))
                v["billed"] = _cotation(lines.get((nurse, p["id"], n, day), []))
    copy = tmp_path / example.name
    copy.write_text(yaml.safe_dump_all(docs, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = audit_json(copy, "--strict", code=0)
    assert data["differences"] == []
    assert data["totals"]["billed"] == data["totals"]["due"] == r.json["totals"]["amount"]


def test_unreadable_cotation_folded_over_two_lines(tour):
    # a folded scalar: the error points to the token's own line and column in the file
    path = tour("date: 2025-03-10\npatients:\n  - id: P1\n    visits:\n      - time: \"10:00\"\n"
                "        acts: [injection_sc]\n        billed: >-\n          AMI1 + MAU\n          + XX\n")
    r = run_cli("audit", path)
    assert r.exit_code == 2 and f"{path}:9:13:" in r.stderr, r.stderr


def test_household_ifi_0_01_billed_or_forgotten(tour):
    # two dependent patients of one household at one passage: IFI for P1, « IFI 0,01 » for P2 (0.03 €)
    def household(billed_p2: str) -> Path:
        return tour(f"""\
date: 2025-03-10
nurse: {{name: Claire Martin}}
patients:
  - {{id: P1, bsi: BSB, age: 88, household: H1,
      visits: [{{time: "09:00", acts: [prelevement_veineux], billed: "BSB + AMX1,5 + IFI"}}]}}
  - {{id: P2, bsi: BSA, age: 91, household: H1,
      visits: [{{time: "09:00", acts: [prelevement_veineux], billed: "{billed_p2}"}}]}}
""")

    assert diffs(audit_json(household("BSA + AMX1,5 + IFI 0,01"), code=0)) == []
    assert diffs(audit_json(household("BSA + AMX1,5"), code=0)) == [("oubli", "IFI", "-0.03")]
    assert diffs(audit_json(household("BSA + AMX1,5 + IFI"), code=0)) == [("ecart", "IFI", "2.72")]


# -- found by a review of report and audit (2026-11-25) ------------------------------------------------------

def _csv(tmp_path, text: str) -> Path:
    path = tmp_path / "facturation.csv"
    path.write_text(text, encoding="utf-8")
    return path


TWO_DAYS = """\
date: 2025-03-10
nurse: {name: Claire Martin}
patients:
  - id: P1
    visits:
      - {time: "08:30", acts: [injection_sc]}
      - {time: "18:30", date: 2025-03-11, acts: [injection_sc]}
      - {time: "08:30", date: 2025-03-11, acts: [injection_sc]}
  - id: P2
    visits:
      - {time: "09:00", acts: [pansement_autre]}
"""


def test_csv_visit_number_is_the_patients_visit_of_that_day_in_time_order(tour, tmp_path):
    # « visite 2 » on the 11th is the 18:30 visit (listed first in the file): AMI1+IFD, MAU forgotten
    csv_path = _csv(tmp_path, "date;patient;visite;cotation\n10/03/2025;P1;1;AMI1+MAU+IFD\n"
                              "11/03/2025;P1;1;AMI1+MAU+IFD\n11/03/2025;P1;2;AMI1+IFD\n10/03/2025;P2;1;AMI2+IFD\n")
    data = audit_json(tour(TWO_DAYS), "--billed", csv_path, code=0)
    assert [(d["date"], d["time"], d["kind"], d["item"]) for d in data["differences"]] == [
        ("2025-03-11", "18:30", "oubli", "MAU")]
    assert data["totals"]["visits_audited"] == 4


def test_a_visit_without_a_row_on_a_day_the_csv_covers_is_not_billed(tour, tmp_path):
    # P2's visit of the 10th has no row: AMI 2 6.30 and IFD 2.75 forgotten; the 11th is not in the export
    csv_path = _csv(tmp_path, "date;patient;heure;cotation\n10/03/2025;P1;08:30;AMI1+MAU+IFD\n")
    data = audit_json(tour(TWO_DAYS), "--billed", csv_path, code=0)
    assert diffs(data) == [("oubli", "AMI", "-6.30"), ("oubli", "IFD", "-2.75")]
    assert (data["totals"]["visits_audited"], data["totals"]["forgotten"]) == (2, "9.05")
    table = run_cli("audit", tour(TWO_DAYS), "--billed", csv_path)
    assert "facturé : (rien)" in table.stdout and "correspond à la cotation due" not in table.stdout


def test_an_orphan_row_is_valued_in_its_patients_zone(tour, tmp_path):
    # a row for R1 (La Réunion, AMI 3.30) that matches no visit: AMI1+MAU+IFD = 3.30 + 1.35 + 2.75 = 7.40,
    # whatever the order of the tour files
    metro = tour("date: 2025-03-10\npatients:\n  - {id: P1, visits: [{time: '08:00', acts: [injection_sc]}]}\n")
    reunion = tour("date: 2025-03-11\nzone: reunion\npatients:\n"
                   "  - {id: R1, visits: [{time: '08:00', acts: [injection_sc]}]}\n")
    csv_path = _csv(tmp_path, "date;patient;heure;cotation\n2025-03-11;R1;18:30;AMI1+MAU+IFD\n")
    for order in ((metro, reunion), (reunion, metro)):
        data = audit_json(*order, "--billed", csv_path, code=1)
        orphan = [d for d in data["differences"] if d["kind"] == "orphelin"]
        assert [d["amount"] for d in orphan] == ["7.40"]


def test_a_nurse_column_restricts_the_csv_to_that_nurses_visits(tour, tmp_path):
    # Claire's export only: Paul's visit of the same day is neither matched nor counted as forgotten
    claire = tour("date: 2025-03-10\nnurse: {name: Claire Martin}\npatients:\n"
                  "  - {id: P1, visits: [{time: '08:30', acts: [injection_sc]}]}\n")
    paul = tour("date: 2025-03-10\nnurse: {name: Paul Durand}\npatients:\n"
                "  - {id: P1, visits: [{time: '18:30', acts: [injection_sc]}]}\n"
                "  - {id: P2, visits: [{time: '19:00', acts: [injection_sc]}]}\n")
    csv_path = _csv(tmp_path, "date;patient;infirmière;visite;cotation\n10/03/2025;P1;claire martin;1;AMI1+MAU+IFD\n")
    data = audit_json(claire, paul, "--billed", csv_path, code=0)
    assert data["differences"] == [] and data["totals"]["visits_audited"] == 1
    # without the column, P1's « visite 1 » of the day is Claire's 08:30 one, and Paul's visits are oublis
    csv_path = _csv(tmp_path, "date;patient;visite;cotation\n10/03/2025;P1;1;AMI1+MAU+IFD\n")
    data = audit_json(claire, paul, "--billed", csv_path, code=0)
    assert data["totals"]["visits_audited"] == 3 and data["totals"]["forgotten"] == "14.50"


def test_the_audit_table_stays_readable_at_80_columns():
    # found by a UX review: a long item (« N (20 h-23 h, 5 h-8 h) ») squeezed the finding to 6 characters
    r = run_cli("audit", MONTH, "--all", env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert r.exit_code in (0, 1)
    lines = r.stdout.splitlines()
    assert all(len(l) <= 80 for l in lines)
    headers = [l for l in lines if l.startswith("Facturé")]
    assert headers and all("Constat · article" in h for h in headers)
    assert not any(l.rstrip().endswith(("confor", "Consta")) for l in lines)


def test_a_folder_with_a_tariff_overlay_audits_its_tours_only(tmp_path):
    """`ngap audit DIR` leaves tariff folders out of the walk, as `ngap report` does: a cabinet keeps its
    avenant overlay beside its tours."""
    import shutil

    shutil.copytree(EXAMPLES / "avenant11_proposal", tmp_path / "avenant11")
    (tmp_path / "lundi.yaml").write_text(
        "date: 2025-03-10\nnurse: {name: Claire Martin}\npatients:\n  - id: P1\n    visits:\n"
        "      - time: '10:00'\n        acts: [injection_im]\n        billed: AMI1 + MAU + IFD\n", encoding="utf-8")
    data = audit_json(tmp_path, code=0)
    assert data["differences"] == []
    assert [v["file"] for v in data["visits"]] == [str(tmp_path / "lundi.yaml")]
