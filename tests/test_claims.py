"""`ngap audit --billed FILE.csv` without tours: a billing export checked by itself, through the real CLI.

Values (2025, métropole): AMI/AMX 3.15, AIS 2.65, DI 10.00, IFD/IFI 2.75, MAU 1.35, MCI 5.00, N 9.15 / 18.30,
F 8.50, IK 0.35, BSA/BSB/BSC 13.00/18.20/28.70. A finding's amount is the euros at stake (> 0 billed too
much, < 0 too little). Unless said otherwise, rows are of Monday 2025-03-10 at 10:00, nurse A, patient P1.
"""
from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import exportgen  # noqa: E402

HEADER = "date;nurse;patient;time;cotation;amount"


def export(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "export.csv", encoding: str = "utf-8",
           newline: str = "\n") -> Path:
    path = tmp_path / name
    path.write_bytes((newline.join((header, *rows)) + newline).encode(encoding))
    return path


def row(cotation: str, amount: str = "", *, date: str = "2025-03-10", time: str = "10:00", patient: str = "P1",
        nurse: str = "A") -> str:
    return f"{date};{nurse};{patient};{time};{cotation};{amount}"


def audit(path: Path, *extra: str, code: int | None = None) -> dict:
    r = run_cli("audit", "--billed", path, "--format", "json", *extra)
    assert "Traceback" not in r.stdout + r.stderr
    if code is not None:
        assert r.exit_code == code, r.stdout + r.stderr
    return r.json


def found(data: dict) -> list[tuple]:
    """(code, certain, amount, line) of every finding."""
    return [(d["code"], d["certain"], d["amount"], d["line"]) for d in data["differences"]]


def only(tmp_path, *rows: str, code: int | None = None) -> list[tuple]:
    return found(audit(export(tmp_path, *rows), code=code))


# -- one rule at a time, exact euros ------------------------------------------------------------------------

def test_a_clean_export_has_no_finding_and_exits_0(tmp_path):
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD", "7,25"), row("AMI1,5 + MAU + IFD", "8,83", patient="P2"),
                        row("AMI4 + MCI + IFD", "20,35", patient="P3"), row("BSB + IFI", "20,95", patient="P4"),
                        row("IFI", "2,75", patient="P4", time="18:00"),
                        row("AMI1 + MAU + IFD + N", "16,40", patient="P5", time="21:30")), code=0)
    assert data["differences"] == []
    t = data["totals"]
    assert (t["rows"], t["passages"], t["billed"], t["undue_certain"], t["to_check"]) == (6, 6, "76.53", "0.00", "0.00")


def test_row_amount_above_the_values_is_a_certain_indu(tmp_path):
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD", "8,25")), code=1)
    assert found(data) == [("NGAP205", True, "1.00", 2)]
    d = data["differences"][0]
    assert d["kind"] == "indu" and d["billed_amount"] == "8.25" and d["due_amount"] == "7.25"
    assert (d["billed"]["code"], d["billed"]["cotation"], d["billed"]["source"]) == (
        "MONTANT", "AMI1 + MAU + IFD", f"{tmp_path / 'export.csv'}:2")
    assert data["totals"]["undue_certain"] == "1.00"


def test_ifd_at_its_old_value_after_28_january_2024_is_a_certain_loss(tmp_path):
    # the sources disagree on the date of IFD 2.75 (28/01/2024 retained; one says 01/03/2025)
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD", "7,00", date="2025-02-10")), code=0)
    assert found(data) == [("NGAP205", True, "-0.25", 2)]
    assert "IFD compté 2,50 € (valeur du 27/05/2012) au lieu de 2,75 €" in data["differences"][0]["message"]
    assert data["totals"]["under_billed"] == "0.25" and data["totals"]["to_check"] == "0.00"


def test_ifd_at_2_75_before_28_january_2024_is_a_certain_indu(tmp_path):
    # a source dates IFD 2.75 from 28/08/2023: billed so in October 2023, 0.25 € too much
    assert only(tmp_path, row("AMI1 + MAU + IFD", "7,25", date="2023-10-10"), code=1) == [
        ("NGAP205", True, "0.25", 2)]


def test_a_row_without_amount_is_not_priced_against_itself(tmp_path):
    assert only(tmp_path, row("AMI1 + MAU + IFD"), code=0) == []


def test_a_code_before_it_existed_is_certain(tmp_path):
    data = audit(export(tmp_path, row("BSA", "13,00", date="2019-06-03"),
                        row("AMI1 + AMX1", "", date="2019-06-03", patient="P2")), code=1)
    assert found(data) == [("NGAP206", True, "13.00", 2), ("NGAP206", True, "3.15", 3)]
    assert "à partir du 01/01/2020" in data["differences"][0]["message"]


def test_rows_before_the_first_known_tariffs_are_not_judged(tmp_path):
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD + F", "99,00", date="2008-03-11"),
                        row("AMI1 + MAU + IFD", "7,25", date="2025-03-10")), code=1)   # NGAP001 is an error
    assert data["differences"] == []
    assert [(w["code"], w["line"]) for w in data["warnings"]] == [("NGAP001", 2)]
    assert data["totals"]["rows"] == 2 and data["totals"]["billed"] == "106.25"


def test_mau_before_27_may_2012_is_certain(tmp_path):
    assert only(tmp_path, row("AMI1 + MAU", "4,50", date="2011-10-03"), code=1) == [("NGAP206", True, "1.35", 2)]


def test_a_coefficient_no_act_has_is_to_check(tmp_path):
    # AMI 7,3: 7,3 × 3,15 = 22,995 → 23,00 € (half-up)
    data = audit(export(tmp_path, row("AMI 7,3 + IFD", "25,75")), code=0)
    assert found(data) == [("NGAP207", False, "23.00", 2)]
    assert run_cli("audit", "--billed", export(tmp_path, row("AMI 7,3 + IFD", "25,75")), "--strict").exit_code == 1


def test_amx_at_half_coefficient_as_one_source_writes_it_is_to_check(tmp_path):
    # a source writes every AMX of a BSI passage « AMX 0,5 »: no act has that coefficient
    assert only(tmp_path, row("BSB + IFI + AMX0,5", "22,53")) == [("NGAP207", False, "1.58", 2)]


def test_mau_beside_a_second_act(tmp_path):
    data = audit(export(tmp_path, row("AMI1 + AMI1/2 + MAU + IFD", "8,83")), code=1)
    assert found(data) == [("NGAP208", True, "1.35", 2)]
    b = data["differences"][0]["billed"]
    assert (b["code"], b["coefficient"], b["amount"], b["unit_value"], b["cotation"]) == (
        "MAU", "1", "1.35", "1.35", "AMI1 + AMI1/2 + MAU + IFD")


def test_mau_above_coefficient_1_5(tmp_path):
    assert only(tmp_path, row("AMI2 + MAU + IFD", "10,40"), code=1) == [("NGAP209", True, "1.35", 2)]


def test_mau_on_ami_1_25_before_and_after_december_2019(tmp_path):
    assert only(tmp_path, row("AMI1,25 + MAU", "5,29", date="2018-05-14")) == [("NGAP209", True, "1.35", 2)]
    assert only(tmp_path, row("AMI1,25 + MAU", "5,29", date="2020-05-11")) == []


def test_mau_with_mci_and_on_a_forfait_day(tmp_path):
    assert only(tmp_path, row("AMI1 + MAU + MCI + IFD", "12,25"), code=1) == [("NGAP210", True, "1.35", 2)]
    data = audit(export(tmp_path, row("BSB + IFI", "20,95", time="09:00"),
                        row("AMI1 + MAU + IFD", "7,25", time="15:00")), code=0)
    assert found(data) == [("NGAP210", False, "1.35", 3)]


def test_a_majoration_or_travel_without_any_act(tmp_path):
    assert only(tmp_path, row("IFD", "2,75"), code=1) == [("NGAP211", True, "2.75", 2)]
    # a dependence passage bills its IFI (and F) without an act: the forfait pays the day's care
    assert only(tmp_path, row("BSC + IFI", "31,45", time="09:00"), row("IFI", "2,75", time="13:00")) == []


def test_night_and_sunday_on_one_passage(tmp_path):
    # rules.md: a source says night and Sunday cumulate; DG art. 14 says one of the two
    assert only(tmp_path, row("AMI1 + MAU + IFD + N + F", "24,90", date="2025-03-09", time="21:00"),
                code=1) == [("NGAP212", True, "8.50", 2)]


def test_night_at_14h(tmp_path):
    assert only(tmp_path, row("AMI1 + MAU + IFD + N", "16,40", time="14:00"), code=1) == [
        ("NGAP213", True, "9.15", 2)]


def test_deep_night_outside_23h_5h(tmp_path):
    assert only(tmp_path, row("AMI1 + MAU + IFD + N2", "25,55", time="21:00"), code=1) == [
        ("NGAP214", True, "9.15", 2)]
    assert only(tmp_path, row("AMI1 + MAU + IFD + N2", "25,55", time="23:30")) == []


def test_f_on_a_weekday_a_saturday_and_holidays_by_zone(tmp_path):
    assert only(tmp_path, row("AMI1 + MAU + IFD + F", "15,75", date="2025-03-11"), code=1) == [
        ("NGAP215", True, "8.50", 2)]
    assert only(tmp_path, row("AMI1 + MAU + IFD + F", "15,75", date="2025-03-15")) == [("NGAP215", False, "8.50", 2)]
    assert only(tmp_path, row("AMI1 + MAU + IFD + F", "15,75", date="2025-03-15", time="07:30")) == [
        ("NGAP215", True, "8.50", 2)]
    assert only(tmp_path, row("AMI1 + MAU + IFD + F", "15,75", date="2025-07-14")) == []
    # 26 December is a holiday in Alsace-Moselle only
    zoned = "date;nurse;patient;time;cotation;amount;zone"
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD + F", "15,75", date="2025-12-26") + ";Alsace-Moselle",
                        row("AMI1 + MAU + IFD + F", "15,75", date="2025-12-26", patient="P2") + ";metropole",
                        header=zoned))
    assert found(data) == [("NGAP215", True, "8.50", 3)]


def test_dom_values_by_zone(tmp_path):
    zoned = "date;nurse;patient;time;cotation;amount;zone"
    # AMI 3.30 in La Réunion: 3,30 + 1,35 + 2,75 = 7,40
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD", "7,40") + ";Réunion",
                        row("AMI1 + MAU + IFD", "7,40", patient="P2") + ";", header=zoned))
    assert found(data) == [("NGAP205", True, "0.15", 3)]
    assert data["differences"][0]["zone"] == "metropole"


def test_ifd_and_ifi_on_one_passage(tmp_path):
    assert only(tmp_path, row("BSB + IFI + IFD", "23,70"), code=1) == [("NGAP216", True, "2.75", 2)]


def test_fifth_ifi_of_the_day_in_time_order(tmp_path):
    rows = [row("BSB + IFI", "20,95", time="08:00")] + [
        row("IFI", "2,75", time=t) for t in ("20:30", "12:00", "14:00", "18:00")]   # not in time order
    assert only(tmp_path, *rows, code=1) == [("NGAP217", True, "2.75", 3)]


def test_two_forfaits_by_two_nurses(tmp_path):
    data = audit(export(tmp_path, row("BSB + IFI", "20,95", time="08:00"),
                        row("BSA + IFI", "15,75", time="18:00", nurse="B")), code=1)
    assert found(data) == [("NGAP218", True, "13.00", 3)]
    assert data["totals"]["by_nurse"]["B"]["undue_certain"] == "13.00"


def test_ifi_without_forfait_nor_di_is_to_check(tmp_path):
    assert only(tmp_path, row("AMX1 + IFI", "5,90"), code=0) == [("NGAP219", False, "2.75", 2)]
    assert only(tmp_path, row("DI2,5 + IFI", "27,75")) == []


def test_an_item_billed_twice_on_a_passage_across_rows(tmp_path):
    # two rows of the same nurse, day, patient and time are one passage
    assert only(tmp_path, row("AMI1 + MAU + IFD", "7,25"), row("IFD", "2,75"), code=1) == [
        ("NGAP220", True, "2.75", 3)]


def test_mci_with_the_bilan_de_plaie(tmp_path):
    assert only(tmp_path, row("AMI11 + MCI + IFD", "42,40"), code=1) == [("NGAP221", True, "5.00", 2)]


def test_second_long_perfusion_forfait_after_25_june_2025(tmp_path):
    # the second becomes AMI 4,1: 44,10 − 12,92 (4,1 × 3,15 = 12,915) = 31,18 €
    two = (row("AMI14 + IFD", "46,85", date="2025-09-17", time="08:00"),
           row("AMI14 + IFD", "46,85", date="2025-09-17", time="20:00", nurse="B"))
    data = audit(export(tmp_path, *two), code=1)
    assert found(data) == [("NGAP222", True, "31.18", 3)]
    assert data["differences"][0]["due_amount"] == "12.92"
    assert only(tmp_path, *(r.replace("2025-09-17", "2025-06-24") for r in two)) == []
    # AMI 15 is also the mucoviscidose séance: to check
    assert only(tmp_path, *(r.replace("AMI14", "AMI15").replace("46,85", "50,00") for r in two)) == [
        ("NGAP222", False, "34.33", 3)]


def test_daily_ik_cap_per_nurse(tmp_path):
    # 200 + 150 km: km 300 to 350 at 50 %: 51 × 0,5 × 0,35 = 8,925 → 8,93 €
    data = audit(export(tmp_path, row("AMI2 + IFD + IK 200", "79,05", time="09:00"),
                        row("AMI2 + IFD + IK 150", "61,55", time="11:00", patient="P2"),
                        row("AMI2 + IFD + IK 150", "61,55", time="11:00", patient="P3", nurse="B")), code=1)
    assert found(data) == [("NGAP223", True, "8.93", 3)]
    # 450 km in 2020 before 31/03: 100 km at 50 % (17,50) + 51 km at 0 (17,85); the start date is disputed
    assert only(tmp_path, row("AMI2 + IFD + IK 450", "166,30", date="2020-02-10")) == [
        ("NGAP223", False, "35.35", 2)]


def test_twelve_month_counts(tmp_path):
    dis = [row("DI1,2 + BSB + IFI", "32,95", date=d) for d in ("2025-01-06", "2025-04-07", "2025-07-07",
                                                                 "2025-10-06", "2026-01-12")]
    # the 4th DI 1,2 in 12 months is one too many; the 5th, 12 months after the 1st, is the 4th again
    assert only(tmp_path, *dis, code=1) == [("NGAP224", True, "12.00", 5), ("NGAP224", True, "12.00", 6)]
    plaie = [row("AMI11 + IFD", "37,40", date=d) for d in ("2025-01-06", "2025-05-05", "2026-01-12")]
    assert only(tmp_path, *plaie, code=0) == [("NGAP224", False, "34.65", 3), ("NGAP224", False, "34.65", 4)]


def test_three_acts_at_full_rate_are_to_check(tmp_path):
    # without a derogation: AMI 1 at 50 % (1,58 instead of 3,15) and the third not billed: 1,57 + 3,15
    assert only(tmp_path, row("AMI2 + AMI1 + AMI1 + IFD", "15,35"), code=0) == [("NGAP225", False, "4.72", 2)]


def test_ais_on_a_forfait_day(tmp_path):
    assert only(tmp_path, row("BSB + IFI + AIS3", "28,90"), code=1) == [("NGAP226", True, "7.95", 2)]
    # end of AIS for dependence: 03/01/2024 (convention art. 5.7), not 01/01/2024 as one source says
    assert only(tmp_path, row("BSB + IFI + AIS3", "28,65", date="2024-01-02")) == []
    assert only(tmp_path, row("BSB + IFI + AIS3", "28,65", date="2024-01-03")) == [("NGAP226", True, "7.95", 2)]


def test_lone_injection_without_mau_as_a_source_bills_it(tmp_path):
    # a source: « injection SC à domicile = AMI 1 + IFD = 5,90 € » — the MAU (1,35 €) is forgotten
    data = audit(export(tmp_path, row("AMI1 + IFD", "5,90")), code=0)
    assert found(data) == [("NGAP227", False, "-1.35", 2)]
    d = data["differences"][0]
    assert d["billed"] is None and (d["due"]["code"], d["due"]["amount"]) == ("MAU", "1.35") and d["kind"] == "ecart"


def test_readings_of_the_sources_that_give_no_finding(tmp_path):
    # MCI with a PLC and with the BSI forfait, MIE with MCI, one IFD per home passage: all allowed
    assert only(tmp_path, row("AMI4 + MCI + IFD", "20,35"), row("BSB + IFI + AMX4 + MCI", "38,55", patient="P2"),
                row("AMI4 + MCI + MIE + IFD", "23,50", patient="P3"), row("AMI1 + MAU + IFD", "7,25", time="18:00"),
                code=0) == []


def test_mci_before_27_may_2012_and_the_bsi_bilan_billed_with_its_forfait(tmp_path):
    # a source says MCI came with avenant 6: it exists since 27/05/2012 (decision UNCAM of 20/12/2011), not before;
    # another says the BSI bilan is included in the forfait: DI 2,5 is billed beside it
    assert only(tmp_path, row("AMI4 + MCI + IFD", "20,10", date="2011-06-06"), code=1) == [("NGAP206", True, "5.00", 2)]
    assert only(tmp_path, row("AMI4 + MCI + IFD", "20,10", date="2015-06-08")) == []
    assert only(tmp_path, row("DI2,5 + BSB + IFI", "45,95")) == []


def test_rounding_of_ami_1_5_as_one_source_writes_it(tmp_path):
    # 1,5 × 3,15 = 4,725 → 4,73 € half-up; a source writes 4,72 €
    assert only(tmp_path, row("AMI1,5 + MAU", "6,07"), code=0) == [("NGAP205", True, "-0.01", 2)]


def test_bsa_at_13_20_as_one_source_says(tmp_path):
    assert only(tmp_path, row("BSA + IFI", "15,95"), code=1) == [("NGAP205", True, "0.20", 2)]


def test_euros_of_an_item_count_once(tmp_path):
    # F on a Tuesday night with N: F is undue by two rules, its 8,50 € count once
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD + N + F", "24,90", time="21:00")), code=1)
    assert sorted(found(data)) == [("NGAP212", True, "8.50", 2), ("NGAP215", True, "0.00", 2)]
    assert data["totals"]["undue_certain"] == "8.50"


# -- outputs --------------------------------------------------------------------------------------------

def test_totals_group_by_rule_month_and_nurse(tmp_path):
    data = audit(export(tmp_path, row("IFD", "2,75"), row("AMI1 + MAU + IFD + N", "16,40", time="14:00", nurse="B"),
                        row("AMI 7,3", "23,00", date="2025-04-01"), row("AMI1 + IFD", "5,90", date="2025-04-02")))
    t = data["totals"]
    assert (t["count"], t["certain"], t["undue_certain"], t["to_check"], t["under_billed"]) == (
        4, 2, "11.90", "23.00", "1.35")
    assert t["by_rule"]["NGAP213"]["rows"] == [f"{tmp_path / 'export.csv'}:3"]
    assert {k: v["count"] for k, v in t["by_month"].items()} == {"2025-03": 2, "2025-04": 2}
    assert t["by_nurse"]["B"]["undue_certain"] == "9.15" and t["by_nurse"]["A"]["to_check"] == "23.00"
    assert data["visits"] == [] and data["warnings"] == []


def test_rows_after_the_tariff_check_date_get_ngap002(tmp_path):
    # values.yaml: checked_on + stale_after_days; a row far later is checked with the last known values
    data = audit(export(tmp_path, row("AMI1 + MAU + IFD", "7,25"), row("AMI1 + MAU + IFD", "7,25", date="2031-05-05"),
                        row("AMI1 + MAU + IFD", "7,25", date="2031-05-06")), code=0)
    assert [(w["code"], w["severity"], w["line"], w["date"]) for w in data["warnings"]] == [
        ("NGAP002", "info", 3, "2031-05-05")]
    r = run_cli("audit", "--billed", tmp_path / "export.csv", "--format", "csv")
    assert r.stderr.startswith(f"{tmp_path / 'export.csv'}:3: NGAP002 info Tarifs vérifiés")
    table = run_cli("audit", "--billed", export(tmp_path, row("AMI1", date="2031-05-05"), name="late.csv"))
    assert "NGAP002" in table.stdout


def test_table_output(tmp_path):
    path = export(tmp_path, row("IFD", "2,75"), row("AMI1 + MAU + IFD + N", "16,40", time="14:00", nurse="B"))
    r = run_cli("audit", "--billed", path)
    assert r.exit_code == 1
    for words in ("Contrôle de l'export", "Indus certains", "À vérifier", "Par règle", "NGAP211", "NGAP213",
                  "Par mois", "2025-03", "Par infirmière", "certain · majoration de nuit à 14:00", "11,90 €"):
        assert words in r.stdout, words
    assert r.stderr == ""          # no progress bar on a pipe
    many = export(tmp_path, *(row("IFD", "2,75", patient=f"P{i}") for i in range(35)), name="many.csv")
    assert "les 30 premiers" in run_cli("audit", "--billed", many).stdout
    every = run_cli("audit", "--billed", many, "--all").stdout
    assert "premiers" not in every and every.count("certain · IFD") == 35
    clean = run_cli("audit", "--billed", export(tmp_path, row("AMI1 + MAU + IFD", "7,25"), name="ok.csv"))
    assert clean.exit_code == 0 and "Aucune anomalie" in clean.stdout


def test_csv_output_neutralises_formulas(tmp_path):
    path = export(tmp_path, row("IFD", "2,75", patient="=HYPERLINK(\"http://x\")", nurse="@SUM(A1)"),
                  row("AMI1,5 + MAU", "6,07", patient="-P2", nurse="+B"))
    r = run_cli("audit", "--billed", path, "--format", "csv")
    assert r.exit_code == 1
    import csv as _csv
    import io

    rows = list(_csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["code"], x["certain"], x["amount"]) for x in rows] == [("NGAP211", "true", "2.75"),
                                                                       ("NGAP205", "true", "-0.01")]
    assert rows[0]["patient"] == "'=HYPERLINK(\"http://x\")" and rows[0]["nurse"] == "'@SUM(A1)"
    assert rows[1]["patient"] == "'-P2" and rows[1]["nurse"] == "'+B"


def test_progress_bar_on_a_terminal_only(tmp_path):
    """stderr a terminal (a pty): the bar is drawn there; stdout (a pipe) holds only the JSON."""
    import pty
    import subprocess

    path = export(tmp_path, row("IFD", "2,75"))
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    r = subprocess.run([sys.executable, "-m", "ngapcli", "audit", "--billed", str(path), "--format", "json"],
                       stdout=subprocess.PIPE, stderr=slave, env={**env, "TERM": "xterm", "COLUMNS": "80"},
                       timeout=60)
    os.close(slave)
    drawn = b""
    try:
        while chunk := os.read(master, 65536):
            drawn += chunk
    except OSError:
        pass
    os.close(master)
    assert r.returncode == 1 and json.loads(r.stdout)["totals"]["undue_certain"] == "2.75"
    assert "Lecture de l'export".encode() in drawn
    piped = subprocess.run([sys.executable, "-m", "ngapcli", "audit", "--billed", str(path), "--format", "json"],
                           capture_output=True, env=env, timeout=60)
    assert piped.returncode == 1 and piped.stderr == b""


# -- reading real exports -----------------------------------------------------------------------------------

FR_EXPORT = ["Date;Infirmière;Patient;Heure;Cotation;Montant",
             "10/03/2025;Hélène Bérard;Mme Œ.;8h30;AMI1 + MAU + IFD;7,25 €",
             "10/03/2025;Hélène Bérard;Mme Œ.;14h;AMI1 + MAU + IFD + N;16,40"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_french_headers_and_encodings(tmp_path, encoding, newline):
    path = export(tmp_path, *FR_EXPORT[1:], header=FR_EXPORT[0], encoding=encoding, newline=newline)
    data = audit(path, code=1)
    assert found(data) == [("NGAP213", True, "9.15", 3)]
    d = data["differences"][0]
    assert (d["nurse"], d["patient"], d["time"]) == ("Hélène Bérard", "Mme Œ.", "14:00")


@pytest.mark.parametrize("sep", [",", "\t"])
def test_english_headers_other_separators_and_iso_dates(tmp_path, sep):
    head = sep.join(["Nurse", "Time", "Date", "Patient", "Amount", "Cotation", "Zone"])
    rows = [sep.join(["A", "14:00", "2025-03-10", "P1", '"16,40"' if sep == "," else "16,40",
                      '"AMI1 + MAU + IFD + N"', "metropole"])]
    assert found(audit(export(tmp_path, *rows, header=head), code=1)) == [("NGAP213", True, "9.15", 2)]


def test_excel_sep_line_and_dates_with_a_clock(tmp_path):
    path = export(tmp_path, "10/03/2025 00:00:00,P1,14:00,AMI1 + MAU + IFD + N", "2025-03-10T00:00,P2,10:00,AMI1",
                  header="sep=,\ndate,patient,time,cotation")
    assert found(audit(path, code=1)) == [("NGAP213", True, "9.15", 3), ("NGAP227", False, "-1.35", 4)]


def test_without_time_each_row_is_its_own_passage(tmp_path):
    path = export(tmp_path, "2025-03-10;P1;AMI1 + MAU + IFD;7,25", "2025-03-10;P1;AMI1 + MAU + IFD;7,25",
                  "2025-03-10;P1;IFD + N;11,90", header="date;patient;cotation;montant")
    assert found(audit(path, code=1)) == [("NGAP211", True, "11.90", 4)]


def test_visit_numbers_make_passages(tmp_path):
    path = export(tmp_path, "2025-03-10;P1;1;AMI1 + MAU + IFD", "2025-03-10;P1;1;MAU",
                  "2025-03-10;P1;2;AMI1 + MAU + IFD", header="date;patient;visite;cotation")
    assert found(audit(path, code=1)) == [("NGAP220", True, "1.35", 3)]


def test_an_unsorted_small_export_is_sorted_in_memory(tmp_path):
    rows = [row("DI1,2 + BSB + IFI", "32,95", date=d) for d in ("2025-10-06", "2025-01-06", "2025-07-07",
                                                                 "2025-04-07")]
    assert only(tmp_path, *rows) == [("NGAP224", True, "12.00", 2)]


def test_an_unsorted_big_export_stops_with_the_line(tmp_path, monkeypatch):
    import ngapcli.claimsio

    monkeypatch.setattr(ngapcli.claimsio, "SORT_IN_MEMORY_BYTES", 10)
    path = export(tmp_path, row("AMI1 + MAU + IFD", "7,25", date="2025-03-11"), row("AMI1 + MAU + IFD", "7,25"))
    r = run_cli("audit", "--billed", path)
    assert r.exit_code == 2
    assert f"{path}:3: export non trié par date : le 10/03/2025 vient après le 11/03/2025" in r.stderr


@pytest.mark.parametrize("bad, message", [
    (row("AMI1 + MAU", "7,25", date="31/02/2025"), ":2:1: la date 31/02/2025 n'existe pas"),
    (row("AMI1 + MAU", "7,25", date="10-03-25"), ":2:1: date « 10-03-25 » illisible"),
    (row("AMI1 + MAU", "7,25", time="25:00"), ":2:17: heure « 25:00 » illisible"),
    (row("AMI1 + MAX", "7,25"), ":2:30: cotation facturée « AMI1 + MAX » : code « MAX » inconnu"),
    (row("AMI1 + MAU", "sept"), ":2:34: montant « sept » illisible"),
    (row("AMI1 + MAU", "7,25", patient=""), ":2:14: patient manquant"),
    (row("", "7,25"), ":2:23: cotation vide"),
])
def test_an_unreadable_row_stops_everything_with_its_place(tmp_path, bad, message):
    path = export(tmp_path, bad)
    r = run_cli("audit", "--billed", path, "--format", "json")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith(f"erreur : {path}{message}"), r.stderr


@pytest.mark.parametrize("content, message", [
    (b"", "fichier CSV vide"),
    (b"\n\n", "fichier CSV vide"),
    (b"date;patient;heure\n2025-03-10;P1;10:00\n", "en-tête CSV incomplet"),
    (b"\x00\x01\x02", "fichier binaire"),
    (HEADER.encode() + b";zone\n2025-03-10;A;P1;10:00;AMI1;3,15;Atlantide\n", "zone « Atlantide » inconnue"),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    r = run_cli("audit", "--billed", path)
    assert r.exit_code == 2 and message in r.stderr, r.stderr


def test_missing_file(tmp_path):
    r = run_cli("audit", "--billed", tmp_path / "none.csv")
    assert r.exit_code == 2 and "introuvable" in r.stderr


def test_nothing_is_written_but_the_output(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    path = export(folder, row("DI1,2 + BSB + IFI", "32,95", date="2025-02-03"), row("IFD", "2,75"))  # unsorted
    before = sorted(os.listdir(folder))
    r = run_cli("audit", "--billed", path, "--format", "json")
    assert r.exit_code == 1
    assert sorted(os.listdir(folder)) == before and os.listdir(scratch) == []


# -- a seeded year of a four-nurse cabinet, every rule injected ---------------------------------------------------

def test_a_year_of_a_cabinet_with_every_rule_injected(tmp_path):
    rows, expected = exportgen.generate(nurses=4, patients_per_nurse=25, seed=2025)
    assert len(rows) > 40_000
    injected = {code for _, code, _ in expected}
    assert injected >= {f"NGAP{n}" for n in range(205, 227)} - {"NGAP227"}
    path = tmp_path / "cabinet.csv"
    exportgen.write_csv(rows, path, encoding="utf-8-sig")
    data = audit(path, code=1)
    got = {(d["line"], d["code"]): d["certain"] for d in data["differences"]}
    for index, code, certain in expected:
        assert got.get((index + 2, code)) is certain, (index + 2, code, rows[index])
    lines = {index + 2 for index, _, _ in expected}
    stray = [d for d in data["differences"] if d["line"] not in lines]
    assert stray == []
    assert data["totals"]["rows"] == len(rows)
    assert Decimal(data["totals"]["undue_certain"]) > 0


def test_the_same_year_in_windows_1252_with_english_headers(tmp_path):
    rows, expected = exportgen.generate(nurses=4, patients_per_nurse=25, seed=2025, days=120)
    path = tmp_path / "cabinet.csv"
    exportgen.write_csv(rows, path, headers="en", delimiter=",", encoding="cp1252", french=False)
    data = audit(path)
    got = {(d["line"], d["code"]) for d in data["differences"]}
    assert {(i + 2, c) for i, c, _ in expected} <= got
    assert all(d["line"] in {i + 2 for i, _, _ in expected} for d in data["differences"])


# -- the audit beside tours: « certain », and orphan rows apart from indus (issue 13 §4) -------------------------

def test_tour_audit_orphan_rows_are_kept_apart_from_indus(tour, tmp_path):
    path = tour("date: 2025-03-10\nnurse: {name: Claire Martin}\npatients:\n  - id: P1\n    visits:\n"
                "      - {time: \"10:00\", acts: [injection_sc]}\n")
    csv = tmp_path / "b.csv"
    csv.write_text("date;patient;heure;cotation\n2025-03-10;P1;10:00;AMI1 + MAU + IFD + F\n"
                   "2025-03-11;P9;08:00;AMI1 + MAU\n", encoding="utf-8")
    r = run_cli("audit", path, "--billed", csv, "--format", "json")
    assert r.exit_code == 1
    data = r.json
    assert [(d["code"], d["kind"], d["amount"], d["certain"]) for d in data["differences"]] == [
        ("NGAP201", "indu", "8.50", True), ("NGAP204", "orphelin", "4.50", False)]
    t = data["totals"]
    assert (t["undue"], t["orphans"], t["undue_certain"], t["to_check"]) == ("8.50", "4.50", "8.50", "4.50")
    assert t["by_month"]["2025-03"]["orphans"] == "4.50" and t["by_month"]["2025-03"]["undue"] == "8.50"
    table = run_cli("audit", path, "--billed", csv)
    assert "Lignes non rattachées" in table.stdout and "4,50 €" in table.stdout and "rattachées €" in table.stdout
    rows = run_cli("audit", path, "--billed", csv, "--format", "csv").stdout.splitlines()
    assert rows[0].endswith(",reading,certain") and rows[1].endswith(",true") and rows[2].endswith(",false")


def test_every_export_code_is_explained_and_documented():
    from ngapcli.diagnostics import RULES

    doc = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    for n in range(205, 228):
        code = f"NGAP{n}"
        r = RULES[code]
        assert f"| {code} |" in doc, code
        text = r.reference + r.explanation
        assert "rules.md" not in text and "catalog.md" not in text and r.reference.startswith(("NGAP", "Convention")), code
        out = run_cli("explain", code)
        assert out.exit_code == 0 and r.title in out.stdout


def test_past_the_listing_limit_findings_are_counted_not_kept(tmp_path, monkeypatch):
    import ngapcli.claims

    monkeypatch.setattr(ngapcli.claims, "MAX_FINDINGS", 2)
    data = audit(export(tmp_path, *(row("IFD", "2,75", patient=f"P{i}") for i in range(3)),
                        row("AMI 7,3", "23,00", date="2025-03-11")), code=1)
    assert len(data["differences"]) == 2
    t = data["totals"]
    assert (t["count"], t["listed"], t["undue_certain"], t["to_check"]) == (4, 2, "8.25", "23.00")
    assert t["by_rule"]["NGAP211"]["count"] == 3 and t["by_rule"]["NGAP207"]["rows"] == [
        f"{tmp_path / 'export.csv'}:5"]
    assert [(w["code"], w["severity"]) for w in data["warnings"]] == [("NGAP228", "info")]
    assert "les 2 derniers ne sont pas listés" in data["warnings"][0]["message"]


def test_blank_rows_and_short_rows(tmp_path):
    path = export(tmp_path, ";;;;;", row("IFD", "2,75"), "", "2025-03-10;A;P2;10:00;AMI1 + MAU + IFD")
    data = audit(path, code=1)
    assert found(data) == [("NGAP211", True, "2.75", 3)] and data["totals"]["rows"] == 2


def test_day_and_period_tell_the_findings_of_those_days_and_count_the_year_before(tmp_path):
    """`--day`/`--from --to` on an export alone (issue 14): the findings and totals of those days only, the
    rows before them still counted for the 12-month rules (the 4th DI 1,2 in 12 months)."""
    rows = [row("DI1,2 + BSB + IFI", "32,95", date=d) for d in ("2025-01-06", "2025-04-07", "2025-07-07",
                                                                 "2025-10-06")]
    rows.append(row("AMI1 + MAU + IFD + N", "16,40", date="2025-10-06", patient="P2", time="14:00"))
    path = export(tmp_path, *rows)
    whole = audit(path, code=1)
    assert found(whole) == [("NGAP224", True, "12.00", 5), ("NGAP213", True, "9.15", 6)]
    day = audit(path, "--day", "06/10/2025", code=1)
    assert found(day) == found(whole)
    assert (day["totals"]["rows"], day["totals"]["billed"], day["totals"]["from"]) == (2, "49.35", "2025-10-06")
    summer = audit(path, "--from", "2025-04-01", "--to", "2025-09-30", code=0)
    assert found(summer) == [] and summer["totals"]["rows"] == 2 and summer["totals"]["billed"] == "65.90"
