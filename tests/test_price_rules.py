"""One small tour per billing rule, priced by hand (independent oracle).

Values (rules.md §1, catalog.md §B): AMI/AMX 3.15 (DOM 3.30); IFD/IFI 2.30 (2009) → 2.50 (2012-05-27)
→ 2.75 (2024-01-28); MAU 1.35 and MCI 5.00 (from 2012-05-27); MIE 3.15 (2020); N 9.15 / 18.30;
F 8.50; IK 0.35 plaine / 0.50 montagne; BSA/BSB/BSC 13.00/18.20/28.70.
Line amount = round_half_up(coefficient × unit value × quantity), the 11B halving applied to the
coefficient first (AMI 1.5 at 50 % = AMI 0.75 = 2.3625 → 2.36).
Unless the test is about dates, visits are on Monday 2025-03-10 at 10:00 (no night, no Sunday).
"""
from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from conftest import codes, lines_of, price_json, run_cli, total
from ngapcli.diagnostics import RULES


def money(lines) -> Decimal:
    return sum((Decimal(l["amount"]) for l in lines), Decimal("0.00"))


def only(data, **match) -> dict:
    found = lines_of(data, **match)
    assert len(found) == 1, (match, found)
    return found[0]


def coef(line) -> Decimal:
    return Decimal(line["coefficient"])


def _block(text: str, n: int) -> str:
    text = textwrap.dedent(text).strip("\n")
    return textwrap.indent(text, " " * n) + "\n" if text else ""


def single(tour, acts: str, *, date="2025-03-10", time="10:00", zone="metropole",
           terrain="plaine", patient="", visit="") -> dict:
    """One nurse, one patient P1, one visit; `patient`/`visit` are extra YAML keys."""
    text = (
        f"date: {date}\n"
        f"zone: {zone}\n"
        "nurse:\n"
        "  name: Claire Martin\n"
        f"  terrain: {terrain}\n"
        "patients:\n"
        "  - id: P1\n"
        + _block(patient, 4)
        + "    visits:\n"
        f'      - time: "{time}"\n'
        + _block(visit, 8)
        + f"        acts: {acts}\n"
    )
    return price_json(tour(text))


# --------------------------------------------------------------------------------------------------
# output shape


def test_json_shape(tour):
    data = single(tour, "[pansement_autre, injection_sc]")
    assert data["ngap_version"] == "0.1.0"
    keys = {"file", "nurse", "date", "patient", "visit", "time", "kind", "code", "coefficient",
            "rate", "quantity", "unit_value", "amount", "act", "label", "rule"}
    for line in data["lines"]:
        assert keys <= set(line), keys - set(line)
        assert isinstance(line["amount"], str) and isinstance(line["coefficient"], str)
        assert isinstance(line["unit_value"], str)
        assert isinstance(line["rate"], int) and line["rate"] in (100, 50, 0)
        assert isinstance(line["quantity"], (int, float))
        assert line["kind"] in ("act", "forfait", "majoration", "travel")
        assert line["nurse"] == "Claire Martin" and line["date"] == "2025-03-10"
        assert line["time"] == "10:00" and line["patient"] == "P1" and line["visit"] == 1
    assert {"amount", "amo", "patient_share", "by_patient", "by_code"} <= set(data["totals"])


def test_diagnostics_use_the_stable_codes(tour):
    # third act (NGAP101) + planned Sunday (NGAP122): every emitted code exists with its severity
    data = single(tour, "[pansement_stomie, pansement_autre, injection_sc]", date="2025-03-09")
    assert data["warnings"]
    for w in data["warnings"]:
        assert w["code"] in RULES, w
        assert w["severity"] == RULES[w["code"]].severity, w
        assert w["message"]


# --------------------------------------------------------------------------------------------------
# one act alone, MAU, IFD and their dates


def test_pds_alone_at_the_office(tour):
    # AMI 1.5 = 3.15 × 1.5 = 4.725 → 4.73 (half-up) ; MAU 1.35 (works at the cabinet) ; no IFD.
    # 4.73 + 1.35 = 6.08 (ILM n°333)
    data = single(tour, "[prelevement_veineux]", visit="place: office")
    pds = only(data, act="prelevement_veineux")
    assert (pds["code"], pds["kind"], pds["rate"], pds["unit_value"], pds["amount"]) == \
        ("AMI", "act", 100, "3.15", "4.73")
    assert coef(pds) == Decimal("1.5")
    mau = only(data, code="MAU")
    assert (mau["kind"], mau["amount"]) == ("majoration", "1.35")
    assert not lines_of(data, code="IFD")
    assert data["totals"]["amount"] == "6.08"


def test_lone_sc_injection_at_home_2025(tour):
    # AMI 1 3.15 + MAU 1.35 + IFD 2.75 = 7.25 (rules.md §13 #17: not 5.90)
    data = single(tour, "[injection_sc]")
    assert only(data, code="AMI")["amount"] == "3.15"
    assert only(data, code="MAU")["amount"] == "1.35"
    ifd = only(data, code="IFD")
    assert (ifd["kind"], ifd["unit_value"], ifd["amount"]) == ("travel", "2.75", "2.75")
    assert data["totals"]["amount"] == "7.25"
    assert data["totals"]["by_code"] == {"AMI": "3.15", "MAU": "1.35", "IFD": "2.75"}
    assert data["totals"]["by_patient"] == {"P1": "7.25"}


def test_lone_sc_injection_at_home_2023_uses_ifd_2_50(tour):
    # 2023-03-06 (Monday): IFD 2.50 → 3.15 + 1.35 + 2.50 = 7.00
    data = single(tour, "[injection_sc]", date="2023-03-06")
    assert only(data, code="IFD")["amount"] == "2.50"
    assert data["totals"]["amount"] == "7.00"


@pytest.mark.parametrize("date, ifd", [("2024-01-27", "2.50"), ("2024-01-28", "2.75")])
def test_ifd_revaluation_day(tour, date, ifd):
    # avenant 10: IFD 2.50 → 2.75 on 2024-01-28 (FNI). (01-27 is a Saturday, 01-28 a Sunday:
    # planned visits, so no F; only the IFD matters here.)
    data = single(tour, "[injection_sc]", date=date)
    line = only(data, code="IFD")
    assert (line["unit_value"], line["amount"]) == (ifd, ifd)


def test_ifd_2_30_and_no_mau_before_2012(tour):
    # 2011-06-07: IFD 2.30 (2009-04-15 → 2012), MAU did not exist yet (2012-05-27) → 3.15 + 2.30
    data = single(tour, "[injection_sc]", date="2011-06-07")
    assert only(data, code="IFD")["amount"] == "2.30"
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "5.45"


def test_no_mau_for_coefficient_2(tour):
    # pansement_autre alone is AMI 2 > 1.5 → no MAU: 6.30 + 2.75 = 9.05
    data = single(tour, "[pansement_autre]")
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "9.05"


def test_mau_for_coefficient_1_25_since_2019_12(tour):
    # 2025: any single AMI ≤ 1.5 → MAU. AMI 1.25 = 3.9375 → 3.94 ; 3.94 + 1.35 + 2.75 = 8.04
    data = single(tour, "[injection_vaginale]")
    assert only(data, act="injection_vaginale")["amount"] == "3.94"
    assert only(data, code="MAU")["amount"] == "1.35"
    assert data["totals"]["amount"] == "8.04"


def test_no_mau_for_coefficient_1_25_before_2019_12(tour):
    # 2018-06-05: MAU only for AMI 1 or AMI 1.5 exactly → 3.94 + IFD 2.50 = 6.44
    data = single(tour, "[injection_vaginale]", date="2018-06-05")
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "6.44"
    # ... while AMI 1 alone had its MAU: 3.15 + 1.35 + 2.50 = 7.00
    data = single(tour, "[injection_sc]", date="2018-06-05")
    assert only(data, code="MAU")["amount"] == "1.35"
    assert data["totals"]["amount"] == "7.00"


def test_no_ifd_when_home_care_not_prescribed(tour):
    # IFD needs care prescribed at home: 3.15 + 1.35 = 4.50
    data = single(tour, "[injection_sc]", patient="prescription: {home: false}")
    assert not lines_of(data, code="IFD")
    assert data["totals"]["amount"] == "4.50"


def test_free_cotation(tour):
    # {cotation: "AMI 2"} : 6.30 + IFD 2.75 = 9.05 (coefficient 2: no MAU)
    data = single(tour, '[{cotation: "AMI 2", label: "acte hors catalogue"}]')
    line = only(data, code="AMI")
    assert coef(line) == 2 and line["amount"] == "6.30"
    assert data["totals"]["amount"] == "9.05"


# --------------------------------------------------------------------------------------------------
# article 11B


def test_11b_second_act_at_half_rate(tour):
    # pansement_autre AMI 2 = 6.30 (100 %) ; injection AMI 1 at 50 % = AMI 0.5 = 1.575 → 1.58 ;
    # no MAU (two acts) ; IFD 2.75 → 10.63. AMO 60 % per line: 3.78 + 0.95 + 1.65 = 6.38 ;
    # patient share 10.63 − 6.38 = 4.25 (the spec §3 example).
    data = single(tour, "[pansement_autre, injection_sc]")
    first = only(data, act="pansement_autre")
    assert (first["code"], first["rate"], first["amount"]) == ("AMI", 100, "6.30")
    assert coef(first) == 2
    second = only(data, act="injection_sc")
    assert (second["code"], second["rate"], second["coefficient"], second["amount"]) == \
        ("AMI", 50, "0.5", "1.58")
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "10.63"
    assert data["totals"]["amo"] == "6.38"
    assert data["totals"]["patient_share"] == "4.25"


def test_11b_third_act_not_paid(tour):
    # stomie AMI 3 = 9.45 (100 %) ; pansement AMI 2 at 50 % = AMI 1 = 3.15 ; injection: rate 0,
    # amount 0.00, NGAP101 (warning → exit 0). 9.45 + 3.15 + IFD 2.75 = 15.35
    data = single(tour, "[pansement_stomie, pansement_autre, injection_sc]")
    assert only(data, act="pansement_stomie")["amount"] == "9.45"
    second = only(data, act="pansement_autre")
    assert (second["rate"], second["amount"]) == (50, "3.15") and coef(second) == 1
    third = only(data, act="injection_sc")
    assert (third["rate"], third["amount"]) == (0, "0.00")
    assert "NGAP101" in codes(data)
    assert data["totals"]["amount"] == "15.35"


def test_11b_half_of_ami_1_5(tour):
    # seance_aerosol AMI 1.5 as second act (no derogation) → AMI 0.75 = 2.3625 → 2.36 (not 2.37).
    # 6.30 + 2.36 + 2.75 = 11.41
    data = single(tour, "[pansement_autre, seance_aerosol]")
    line = only(data, act="seance_aerosol")
    assert (line["coefficient"], line["rate"], line["amount"]) == ("0.75", 50, "2.36")
    assert data["totals"]["amount"] == "11.41"


def test_pds_derogation_since_2019_12(tour):
    # PDS at full rate with the other act, but it still counts among the two billable acts
    # (rules.md §2.2a): AMI 2 6.30 + AMI 1.5 4.73, both 100 %; injection rate 0 (third act).
    # 6.30 + 4.73 + 2.75 = 13.78
    data = single(tour, "[pansement_autre, prelevement_veineux, injection_sc]")
    assert (only(data, act="pansement_autre")["rate"], only(data, act="pansement_autre")["amount"]) \
        == (100, "6.30")
    pds = only(data, act="prelevement_veineux")
    assert (pds["rate"], pds["amount"]) == (100, "4.73") and coef(pds) == Decimal("1.5")
    inj = only(data, act="injection_sc")
    assert (inj["rate"], inj["amount"]) == (0, "0.00")
    assert "NGAP101" in codes(data)
    assert data["totals"]["amount"] == "13.78"


def test_pds_before_2019_12_is_an_ordinary_second_act(tour):
    # 2019-11-05: no derogation yet → AMI 2 6.30 + AMI 1.5/2 = AMI 0.75 = 2.36 ; IFD 2.50 → 11.16
    data = single(tour, "[pansement_autre, prelevement_veineux]", date="2019-11-05")
    pds = only(data, act="prelevement_veineux")
    assert (pds["coefficient"], pds["rate"], pds["amount"]) == ("0.75", 50, "2.36")
    assert data["totals"]["amount"] == "11.16"


def test_5bis_group_both_full(tour):
    # art. 5 bis acts cumulate among themselves at full rate: AMI 1 + AMI 1 = 6.30 ; 2 acts → no MAU
    # + IFD 2.75 = 9.05
    data = single(tour, "[surveillance_glycemie_insuline, injection_insuline]")
    for act in ("surveillance_glycemie_insuline", "injection_insuline"):
        line = only(data, act=act)
        assert (line["rate"], line["amount"]) == (100, "3.15")
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "9.05"


def test_5bis_group_sum_beats_other_act(tour):
    # group (1 + 1) = 2 ≥ aerosol 1.5 → group at 100 % (3.15 + 3.15), aerosol 50 % = AMI 0.75 = 2.36
    # (CPAM Tours 2011, rules.md §2.2d). 6.30 + 2.36 + 2.75 = 11.41
    data = single(tour, "[seance_aerosol, surveillance_glycemie_insuline, injection_insuline]")
    assert only(data, act="surveillance_glycemie_insuline")["rate"] == 100
    assert only(data, act="injection_insuline")["rate"] == 100
    aer = only(data, act="seance_aerosol")
    assert (aer["coefficient"], aer["rate"], aer["amount"]) == ("0.75", 50, "2.36")
    assert data["totals"]["amount"] == "11.41"


def test_5bis_group_below_other_act_each_at_half(tour):
    # group (1 + 1) = 2 < stomie 3 → stomie 100 % (9.45) and EACH 5 bis line at 50 % (1.58 + 1.58)
    # ("AMI 3 + (AMI1+AMI1)/2", rules.md §2.2d). 9.45 + 3.16 + 2.75 = 15.36
    data = single(tour, "[pansement_stomie, surveillance_glycemie_insuline, injection_insuline]")
    assert only(data, act="pansement_stomie")["amount"] == "9.45"
    for act in ("surveillance_glycemie_insuline", "injection_insuline"):
        line = only(data, act=act)
        assert (line["coefficient"], line["rate"], line["amount"]) == ("0.5", 50, "1.58")
    assert data["totals"]["amount"] == "15.36"


def test_perfusion_forfait_with_hourly_supplements(tour):
    # AMI 9 = 28.35 + 2 × AMI 6 = 2 × 18.90 = 37.80, all full rate ; IFD 2.75 → 68.90
    data = single(tour, "[perfusion_courte, {act: perfusion_supplement_heure, quantity: 2}]")
    assert only(data, act="perfusion_courte")["amount"] == "28.35"
    sup = lines_of(data, code="AMI", act="perfusion_supplement_heure")
    assert sup and all(l["rate"] == 100 for l in sup)
    assert sum(l["quantity"] for l in sup) == 2
    assert money(sup) == Decimal("37.80")
    assert data["totals"]["amount"] == "68.90"


def test_more_than_five_hourly_supplements(tour):
    # at most 5 supplements (NGAP142): 5 × 18.90 = 94.50 paid, the 6th not
    data = single(tour, "[perfusion_courte, {act: perfusion_supplement_heure, quantity: 6}]")
    sup = lines_of(data, act="perfusion_supplement_heure")
    assert money(sup) == Decimal("94.50")
    assert "NGAP142" in codes(data)


def test_vaccination_at_home_does_not_take_an_11b_slot(tour):
    # vaccination AMI 2.4 = 7.56 at full rate outside 11B (avenant 9, rules.md §2.2c);
    # pansement AMI 2 = 6.30 (100 %), injection AMI 0.5 = 1.58 (50 %). + IFD 2.75 = 18.19
    data = single(tour, "[vaccination_injection, pansement_autre, injection_sc]")
    vac = only(data, act="vaccination_injection")
    assert (vac["rate"], vac["amount"]) == (100, "7.56") and coef(vac) == Decimal("2.4")
    assert (only(data, act="pansement_autre")["rate"], only(data, act="pansement_autre")["amount"]) \
        == (100, "6.30")
    inj = only(data, act="injection_sc")
    assert (inj["rate"], inj["amount"]) == (50, "1.58")
    assert data["totals"]["amount"] == "18.19"


# --------------------------------------------------------------------------------------------------
# MCI, MIE


def test_plc_at_home_gets_mci(tour):
    # PLC AMI 4 = 12.60 + MCI 5.00 + IFD 2.75 = 20.35 (coefficient 4: no MAU)
    data = single(tour, "[pansement_escarre_profonde]")
    mci = only(data, code="MCI")
    assert (mci["kind"], mci["amount"]) == ("majoration", "5.00")
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "20.35"


def test_plc_at_the_office_no_mci(tour):
    # MCI only at the patient's home: AMI 4 = 12.60 alone
    data = single(tour, "[pansement_escarre_profonde]", visit="place: office")
    assert not lines_of(data, code="MCI")
    assert not lines_of(data, code="IFD")
    assert data["totals"]["amount"] == "12.60"


def test_two_plc_one_mci(tour):
    # two PLC: 11B (AMI 4 + AMI 4/2 = 12.60 + 6.30), MCI once per intervention; + IFD → 26.65
    data = single(tour, "[pansement_escarre_profonde, pansement_fistule_digestive]")
    assert only(data, code="MCI")["amount"] == "5.00"
    assert data["totals"]["amount"] == "26.65"


def test_palliative_patient_gets_mci_not_mau(tour):
    # palliative care at home → MCI 5.00 on any act; MAU is not cumulable with MCI.
    # 3.15 + 5.00 + 2.75 = 10.90
    data = single(tour, "[injection_sc]", patient="palliative: true")
    assert only(data, code="MCI")["amount"] == "5.00"
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "10.90"


def test_mie_child_under_7(tour):
    # MIE 3.15 cumulates with MAU and IFD: 3.15 + 1.35 + 3.15 + 2.75 = 10.40
    data = single(tour, "[injection_sc]", patient="age: 5")
    mie = only(data, code="MIE")
    assert (mie["kind"], mie["amount"]) == ("majoration", "3.15")
    assert only(data, code="MAU")["amount"] == "1.35"
    assert data["totals"]["amount"] == "10.40"


@pytest.mark.parametrize("birth, has_mie", [("2018-03-11", True),    # 7 tomorrow
                                            ("2018-03-10", False)])  # 7 today
def test_mie_from_birth_date(tour, birth, has_mie):
    data = single(tour, "[injection_sc]", patient=f"birth_date: {birth}")
    assert bool(lines_of(data, code="MIE")) is has_mie
    assert data["totals"]["amount"] == ("10.40" if has_mie else "7.25")


def test_no_mie_for_an_adult(tour):
    data = single(tour, "[injection_sc]", patient="age: 40")
    assert not lines_of(data, code="MIE")


# --------------------------------------------------------------------------------------------------
# IK


def test_ik_plaine(tour):
    # 10 km one way, outside agglomeration: 2 × 10 − 4 = 16 km × 0.35 = 5.60 ; 7.25 + 5.60 = 12.85
    data = single(tour, "[injection_sc]", patient="distance_km: 10\noutside_agglomeration: true")
    ik = only(data, code="IK")
    assert (ik["kind"], ik["quantity"], ik["unit_value"], ik["amount"]) == \
        ("travel", 16, "0.35", "5.60")
    assert data["totals"]["amount"] == "12.85"


def test_ik_montagne(tour):
    # 12 km one way: 2 × 12 − 2 = 22 km × 0.50 = 11.00 (code IKM; ILM n°327) ; 7.25 + 11.00 = 18.25
    data = single(tour, "[injection_sc]", terrain="montagne",
                  patient="distance_km: 12\noutside_agglomeration: true")
    ik = only(data, code="IKM")
    assert (ik["kind"], ik["quantity"], ik["unit_value"], ik["amount"]) == \
        ("travel", 22, "0.50", "11.00")
    assert not lines_of(data, code="IK")
    assert data["totals"]["amount"] == "18.25"


def test_no_ik_inside_the_agglomeration(tour):
    data = single(tour, "[injection_sc]", patient="distance_km: 10\noutside_agglomeration: false")
    assert not lines_of(data, code="IK")
    assert "NGAP112" in codes(data)
    assert data["totals"]["amount"] == "7.25"


def test_no_ik_at_2_km_plaine(tour):
    # the distance must be MORE than 2 km in plaine
    data = single(tour, "[injection_sc]", patient="distance_km: 2\noutside_agglomeration: true")
    assert not lines_of(data, code="IK")
    assert data["totals"]["amount"] == "7.25"


def test_ik_just_over_2_km_plaine(tour):
    # 2.5 km: 5 − 4 = 1 km × 0.35 = 0.35
    data = single(tour, "[injection_sc]", patient="distance_km: 2.5\noutside_agglomeration: true")
    ik = only(data, code="IK")
    assert (ik["quantity"], ik["amount"]) == (1, "0.35")


def test_ik_capped_to_the_nearest_cabinet(tour):
    # 10 km but a cabinet 6 km away: 2 × 6 − 4 = 8 km × 0.35 = 2.80 (NGAP113)
    data = single(tour, "[injection_sc]",
                  patient="distance_km: 10\noutside_agglomeration: true\nnearest_cabinet_km: 6")
    ik = only(data, code="IK")
    assert (ik["quantity"], ik["amount"]) == (8, "2.80")
    assert "NGAP113" in codes(data)
    assert data["totals"]["amount"] == "10.05"


def _far_patients(rows, nurse="Claire Martin", date="2025-03-10") -> str:
    """rows: (patient id, time, one-way km); each gets an injection_sc at home."""
    text = f"date: {date}\nnurse:\n  name: {nurse}\npatients:\n"
    for pid, time, km in rows:
        text += (f"  - id: {pid}\n    distance_km: {km}\n    outside_agglomeration: true\n"
                 f'    visits:\n      - time: "{time}"\n        acts: [injection_sc]\n')
    return text


def test_daily_ik_cap_340_km(tour):
    # 4 patients at 44.5 km: 2 × 44.5 − 4 = 85 km each, 340 km that day. In time order
    # (B 08:30, C 10:00, D 12:00, A 14:00) the cap hits A: its km 256–299 (44 km) at 100 % = 15.40,
    # km 300–340 (41 km) at 50 % = 0.5 × 0.35 × 41 = 7.175 → 7.18.
    # Sum: 3 × 85 × 0.35 = 89.25 + 15.40 + 7.18 = 111.83 (= 299 × 0.35 + 41 × 0.175, laboiteaidel)
    path = tour(_far_patients([("A", "14:00", 44.5), ("B", "08:30", 44.5),
                               ("C", "10:00", 44.5), ("D", "12:00", 44.5)]))
    data = price_json(path)
    ik = lines_of(data, code="IK")
    assert money(ik) == Decimal("111.83")
    assert sum(l["quantity"] for l in ik) == 340
    for pid in ("B", "C", "D"):
        line = only(data, code="IK", patient=pid)
        assert (line["quantity"], line["rate"], line["amount"]) == (85, 100, "29.75")
    full = only(data, code="IK", patient="A", rate=100)
    assert (full["quantity"], full["amount"]) == (44, "15.40")
    half = only(data, code="IK", patient="A", rate=50)
    assert (half["quantity"], half["coefficient"], half["amount"]) == (41, "0.5", "7.18")
    assert "NGAP114" in codes(data)
    # 4 × 7.25 + 111.83 = 140.83
    assert data["totals"]["amount"] == "140.83"


def test_daily_ik_cap_beyond_400_km(tour):
    # billed km 90, 90, 90, 91, 90 (one-way 47, 47, 47, 47.5, 47) = 451 km:
    # P4 (km 271–361): 29 km at 100 % = 10.15 + 62 km at 50 % = 10.85 ;
    # P5 (km 362–451): 38 km at 50 % = 6.65 + 52 km at 0 % = 0.00.
    # 3 × 31.50 + 10.15 + 10.85 + 6.65 = 122.15 (= 299 × 0.35 + 100 × 0.175)
    path = tour(_far_patients([("P1", "08:30", 47), ("P2", "10:00", 47), ("P3", "11:30", 47),
                               ("P4", "13:00", 47.5), ("P5", "15:00", 47)]))
    data = price_json(path)
    ik = lines_of(data, code="IK")
    assert money(ik) == Decimal("122.15")
    assert sum(l["quantity"] for l in ik) == 451
    p4 = {l["rate"]: l for l in lines_of(data, code="IK", patient="P4")}
    assert (p4[100]["quantity"], p4[100]["amount"]) == (29, "10.15")
    assert (p4[50]["quantity"], p4[50]["amount"]) == (62, "10.85")
    p5 = {l["rate"]: l for l in lines_of(data, code="IK", patient="P5")}
    assert (p5[50]["quantity"], p5[50]["amount"]) == (38, "6.65")
    assert (p5[0]["quantity"], p5[0]["amount"]) == (52, "0.00")
    assert "NGAP114" in codes(data)


def test_daily_ik_cap_is_per_nurse(tour):
    # two nurses (two documents) with 2 × 85 = 170 km each: no cap (170 < 300): 4 × 29.75 = 119.00
    text = (_far_patients([("A", "08:30", 44.5), ("B", "10:00", 44.5)], nurse="Claire Martin")
            + "---\n"
            + _far_patients([("C", "08:30", 44.5), ("D", "10:00", 44.5)], nurse="Paul Durand"))
    data = price_json(tour(text))
    ik = lines_of(data, code="IK")
    assert all(l["rate"] == 100 for l in ik)
    assert money(ik) == Decimal("119.00")
    assert "NGAP114" not in codes(data)


# --------------------------------------------------------------------------------------------------
# night (DG art. 14)


def test_night_urgent_21h(tour):
    # urgent call 20:30 (in 19 h–7 h), care at 21:00 (20 h–23 h) → N 9.15 ; 7.25 + 9.15 = 16.40
    data = single(tour, "[injection_sc]", time="21:00", visit='urgent: true\ncalled_at: "20:30"')
    n = only(data, code="N")
    assert (n["kind"], n["unit_value"], n["amount"]) == ("majoration", "9.15", "9.15")
    assert data["totals"]["amount"] == "16.40"


def test_night_urgent_23h30(tour):
    # 23 h–5 h → N 18.30 (called_at defaults to the visit time, 23:30) ; 7.25 + 18.30 = 25.55
    data = single(tour, "[injection_sc]", time="23:30", visit="urgent: true")
    n = only(data, code="N")
    assert (n["unit_value"], n["amount"]) == ("18.30", "18.30")
    assert data["totals"]["amount"] == "25.55"


def test_night_urgent_6h(tour):
    # 05 h–08 h band → 9.15
    data = single(tour, "[injection_sc]", time="06:00", visit='urgent: true\ncalled_at: "05:30"')
    assert only(data, code="N")["amount"] == "9.15"


@pytest.mark.parametrize("time, expected", [
    ("19:59", None),      # not night yet
    ("20:00", "9.15"),
    ("22:59", "9.15"),
    ("23:00", "18.30"),
    ("04:59", "18.30"),
    ("05:00", "9.15"),
    ("06:59", "9.15"),
    ("07:30", None),      # night band, but the call (07:30 by default) is after 07:00
    ("08:00", None),
])
def test_night_bands_for_an_urgent_call(tour, time, expected):
    data = single(tour, "[injection_sc]", date="2025-03-11", time=time, visit="urgent: true")
    night = lines_of(data, code="N")
    if expected is None:
        assert not night
    else:
        assert [l["amount"] for l in night] == [expected]


def test_night_urgent_called_before_19h(tour):
    # call at 18:30 is outside 19 h–7 h → no N, info NGAP121
    data = single(tour, "[injection_sc]", time="20:15", visit='urgent: true\ncalled_at: "18:30"')
    assert not lines_of(data, code="N")
    assert "NGAP121" in codes(data)


def test_night_planned_without_prescription(tour):
    # repeated/planned care at night needs a prescription stating the night need (CE 26/07/2018)
    data = single(tour, "[injection_sc]", time="21:00")
    assert not lines_of(data, code="N")
    assert "NGAP121" in codes(data)
    assert data["totals"]["amount"] == "7.25"


def test_night_prescribed(tour):
    data = single(tour, "[injection_sc]", time="21:00", patient="prescription: {night: true}")
    assert only(data, code="N")["amount"] == "9.15"
    assert data["totals"]["amount"] == "16.40"


# --------------------------------------------------------------------------------------------------
# Sunday, public holidays, Saturday urgent


def test_sunday_daily_prescription(tour):
    # 2025-03-09 is a Sunday; "rigoureusement quotidienne" → F 8.50 ; 7.25 + 8.50 = 15.75
    data = single(tour, "[injection_sc]", date="2025-03-09", patient="prescription: {daily: true}")
    f = only(data, code="F")
    assert (f["kind"], f["unit_value"], f["amount"]) == ("majoration", "8.50", "8.50")
    assert data["totals"]["amount"] == "15.75"


def test_sunday_planned_without_justification(tour):
    data = single(tour, "[injection_sc]", date="2025-03-09")
    assert not lines_of(data, code="F")
    assert "NGAP122" in codes(data)
    assert data["totals"]["amount"] == "7.25"


def test_sunday_urgent(tour):
    data = single(tour, "[injection_sc]", date="2025-03-09", visit="urgent: true")
    assert only(data, code="F")["amount"] == "8.50"


@pytest.mark.parametrize("date", ["2025-07-14", "2025-12-25"])
def test_public_holiday_like_sunday(tour, date):
    data = single(tour, "[injection_sc]", date=date, patient="prescription: {daily: true}")
    assert only(data, code="F")["amount"] == "8.50"
    data = single(tour, "[injection_sc]", date=date, visit="urgent: true")
    assert only(data, code="F")["amount"] == "8.50"
    data = single(tour, "[injection_sc]", date=date)
    assert not lines_of(data, code="F")
    assert "NGAP122" in codes(data)


def test_weekday_daily_prescription_no_f(tour):
    data = single(tour, "[injection_sc]", patient="prescription: {daily: true}")
    assert not lines_of(data, code="F")
    assert data["totals"]["amount"] == "7.25"


@pytest.mark.parametrize("zone, has_f", [("alsace_moselle", True), ("metropole", False)])
def test_26_december_holiday_in_alsace_moselle_only(tour, zone, has_f):
    # 2025-12-26 (Friday): Saint-Étienne is a legal holiday in Alsace-Moselle only
    data = single(tour, "[injection_sc]", date="2025-12-26", zone=zone,
                  patient="prescription: {daily: true}")
    assert bool(lines_of(data, code="F")) is has_f


def test_saturday_urgent_after_8h(tour):
    # 2025-03-08 is a Saturday: urgent care from 08:00 gets the Sunday majoration F
    data = single(tour, "[injection_sc]", date="2025-03-08", visit="urgent: true")
    assert only(data, code="F")["amount"] == "8.50"
    assert data["totals"]["amount"] == "15.75"


def test_saturday_planned_no_f(tour):
    data = single(tour, "[injection_sc]", date="2025-03-08")
    assert not lines_of(data, code="F")


def test_sunday_night_urgent_only_night(tour):
    # night and Sunday do not cumulate: the night majoration is kept (NGAP120) ; 7.25 + 9.15 = 16.40
    data = single(tour, "[injection_sc]", date="2025-03-09", time="21:30",
                  visit='urgent: true\ncalled_at: "21:00"')
    assert only(data, code="N")["amount"] == "9.15"
    assert not lines_of(data, code="F")
    assert "NGAP120" in codes(data)
    assert data["totals"]["amount"] == "16.40"


def test_sunday_evening_daily_planned_keeps_f(tour):
    # Sunday 21:00, prescription daily but no night need: N is not justified (NGAP121), F is → F only
    data = single(tour, "[injection_sc]", date="2025-03-09", time="21:00",
                  patient="prescription: {daily: true}")
    assert only(data, code="F")["amount"] == "8.50"
    assert not lines_of(data, code="N")
    assert data["totals"]["amount"] == "15.75"


# --------------------------------------------------------------------------------------------------
# travel: household, several passages


def test_same_household_one_ifd(tour):
    # two patients of one household seen at the same time: travel (IFD and IK) billed once, for the
    # first patient (DG art. 13 and 16), NGAP111.
    # P1: 3.15 + 1.35 + 2.75 + IK 16 × 0.35 = 5.60 → 12.85 ; P2: 3.15 + 1.35 = 4.50 ; total 17.35
    data = price_json(tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            household: "12 rue des Lilas"
            distance_km: 10
            outside_agglomeration: true
            visits:
              - time: "10:00"
                acts: [injection_sc]
          - id: P2
            household: "12 rue des Lilas"
            distance_km: 10
            outside_agglomeration: true
            visits:
              - time: "10:00"
                acts: [injection_sc]
        """))
    assert only(data, code="IFD")["patient"] == "P1"
    assert only(data, code="IK")["patient"] == "P1"
    assert "NGAP111" in codes(data)
    assert data["totals"]["by_patient"] == {"P1": "12.85", "P2": "4.50"}
    assert data["totals"]["amount"] == "17.35"


def test_same_household_two_dependent_patients_one_ifi_then_ifi_0_01(tour):
    # decision UNCAM of 12/11/2020 (catalog.md, M): one IFI for the household's trip, « IFI 0,01 » for each
    # dependent patient more. Sunday with a « rigoureusement quotidienne » prescription: F for each patient.
    # P1: BSB 18.20 + AMX 1.5 4.73 + F 8.50 + IFI 2.75 = 34.18 ; P2: BSA 13.00 + 4.73 + 8.50 + IFI 0.01 × 2.75
    # (0.0275 → 0.03) = 26.26 ; a third patient not in dependence: AMI 1 3.15 + MAU 1.35 + F 8.50, no travel
    data = price_json(tour("""\
        date: 2025-03-09
        nurse: {name: Claire Martin}
        patients:
          - {id: P1, bsi: BSB, age: 88, household: H1, prescription: {daily: true},
             visits: [{time: "09:00", acts: [prelevement_veineux]}]}
          - {id: P2, bsi: BSA, age: 91, household: H1, prescription: {daily: true},
             visits: [{time: "09:00", acts: [prelevement_veineux]}]}
          - {id: P3, household: H1, prescription: {daily: true}, visits: [{time: "09:00", acts: [injection_sc]}]}
        """))
    ifi = {l["patient"]: (l["coefficient"], l["unit_value"], l["amount"]) for l in lines_of(data, code="IFI")}
    assert ifi == {"P1": ("1", "2.75", "2.75"), "P2": ("0.01", "2.75", "0.03")}
    assert "12/11/2020" in only(data, code="IFI", patient="P2")["rule"]
    assert data["totals"]["by_patient"] == {"P1": "34.18", "P2": "26.26", "P3": "13.00"}
    assert [w["patient"] for w in data["warnings"] if w["code"] == "NGAP111"] == ["P3"]
    assert not lines_of(data, code="IFD")


def test_two_passages_two_ifd(tour):
    # one IFD per home passage: 2 × (3.15 + 1.35 + 2.75) = 14.50
    data = price_json(tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "08:30"
                acts: [injection_sc]
              - time: "18:00"
                acts: [injection_sc]
        """))
    ifd = lines_of(data, code="IFD")
    assert sorted(l["visit"] for l in ifd) == [1, 2]
    assert len(lines_of(data, code="MAU")) == 2
    assert data["totals"]["amount"] == "14.50"


# --------------------------------------------------------------------------------------------------
# AMO share


def test_amo_rounded_per_line(tour):
    # three lone PDS at the office: lines 4.73 + 1.35 each. AMO per line 2.838 → 2.84 and 0.81:
    # 3 × (2.84 + 0.81) = 10.95 (rounding the total 18.24 × 0.60 = 10.944 would give 10.94).
    # patient share 18.24 − 10.95 = 7.29
    text = "date: 2025-03-10\nnurse:\n  name: Claire Martin\npatients:\n"
    for pid, time in (("P1", "09:00"), ("P2", "09:30"), ("P3", "10:00")):
        text += (f"  - id: {pid}\n    visits:\n      - time: \"{time}\"\n"
                 "        place: office\n        acts: [prelevement_veineux]\n")
    data = price_json(tour(text))
    assert data["totals"]["amount"] == "18.24"
    assert data["totals"]["amo"] == "10.95"
    assert data["totals"]["patient_share"] == "7.29"


@pytest.mark.parametrize("coverage", ["ald", "maternity", "at_mp"])
def test_amo_full_coverage(tour, coverage):
    data = single(tour, "[injection_sc]", patient=f"coverage: {coverage}")
    assert data["totals"]["amo"] == "7.25"
    assert data["totals"]["patient_share"] == "0.00"


def test_amo_alsace_moselle_90(tour):
    # 90 % per line: 3.15 → 2.835 → 2.84 ; 1.35 → 1.215 → 1.22 ; 2.75 → 2.475 → 2.48 ; = 6.54
    data = single(tour, "[injection_sc]", zone="alsace_moselle")
    assert data["totals"]["amount"] == "7.25"
    assert data["totals"]["amo"] == "6.54"
    assert data["totals"]["patient_share"] == "0.71"


# --------------------------------------------------------------------------------------------------
# DOM


def test_dom_ami_3_30(tour):
    # Guadeloupe: AMI 3.30 ; MAU and IFD as in métropole: 3.30 + 1.35 + 2.75 = 7.40
    data = single(tour, "[injection_sc]", zone="guadeloupe")
    ami = only(data, code="AMI")
    assert (ami["unit_value"], ami["amount"]) == ("3.30", "3.30")
    assert data["totals"]["amount"] == "7.40"


# --------------------------------------------------------------------------------------------------
# dependence (BSI): forfaits, AMX, IFI


def test_bsi_day_two_passages(tour):
    # BSB 18.20 once a day (kind forfait) ; IFI 2.75 per dependence passage (2) ; injection in
    # dependence = AMX 1 at 50 % = AMX 0.5 = 1.58 (each passage) ; no IFD, no MAU.
    # 18.20 + 2 × 2.75 + 2 × 1.58 = 26.86
    data = price_json(tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            age: 86
            bsi: BSB
            visits:
              - time: "08:30"
                acts: [injection_sc]
              - time: "18:00"
                acts: [injection_sc]
        """))
    bsb = only(data, code="BSB")
    assert (bsb["kind"], bsb["amount"]) == ("forfait", "18.20")
    ifi = lines_of(data, code="IFI")
    assert [(l["kind"], l["amount"]) for l in ifi] == [("travel", "2.75")] * 2
    amx = lines_of(data, code="AMX", act="injection_sc")
    assert [(l["coefficient"], l["rate"], l["amount"]) for l in amx] == [("0.5", 50, "1.58")] * 2
    assert not lines_of(data, code="IFD")
    assert not lines_of(data, code="MAU")
    assert not lines_of(data, code="AMI")
    assert data["totals"]["amount"] == "26.86"


def test_bsi_amx_full_rate_plc_with_mci(tour):
    # PLC in a dependence passage: AMX 4 full rate = 12.60, MCI 5.00 allowed (IFI text cites 23.2).
    # BSA 13.00 + IFI 2.75 + 12.60 + 5.00 = 33.35
    data = single(tour, "[pansement_escarre_profonde]", patient="bsi: BSA")
    plc = only(data, act="pansement_escarre_profonde")
    assert (plc["code"], plc["rate"], plc["amount"]) == ("AMX", 100, "12.60") and coef(plc) == 4
    assert only(data, code="MCI")["amount"] == "5.00"
    assert only(data, code="BSA")["amount"] == "13.00"
    assert only(data, code="IFI")["amount"] == "2.75"
    assert data["totals"]["amount"] == "33.35"


def test_bsi_pds_full_rate(tour):
    # PDS in dependence: AMX 1.5 full rate = 4.73 ; BSC 28.70 + IFI 2.75 + 4.73 = 36.18, no MAU
    data = single(tour, "[prelevement_veineux]", patient="bsi: BSC")
    pds = only(data, act="prelevement_veineux")
    assert (pds["code"], pds["rate"], pds["amount"]) == ("AMX", 100, "4.73")
    assert not lines_of(data, code="MAU")
    assert data["totals"]["amount"] == "36.18"


def test_bsi_act_outside_the_amx_list(tour):
    # a simple dressing during a dependence passage is included in the forfait: rate 0, NGAP134.
    # BSC 28.70 + IFI 2.75 = 31.45
    data = single(tour, "[pansement_autre]", patient="bsi: BSC")
    line = only(data, act="pansement_autre")
    assert (line["rate"], line["amount"]) == (0, "0.00")
    assert "NGAP134" in codes(data)
    assert data["totals"]["amount"] == "31.45"


def test_bsi_fifth_passage_no_ifi(tour):
    # max 4 IFI per patient per day: the 5th dependence passage has no IFI (and no IFD), NGAP131.
    # BSB 18.20 + 4 × 2.75 + 5 × AMX 0.5 (1.58) = 18.20 + 11.00 + 7.90 = 37.10
    visits = "".join(f'      - time: "{t}"\n        acts: [injection_sc]\n'
                     for t in ("08:30", "10:30", "12:30", "15:00", "18:30"))
    text = ("date: 2025-03-10\nnurse:\n  name: Claire Martin\npatients:\n"
            "  - id: P1\n    bsi: BSB\n    visits:\n" + visits)
    data = price_json(tour(text))
    assert len(lines_of(data, code="IFI")) == 4
    assert not lines_of(data, code="IFD")
    assert "NGAP131" in codes(data)
    assert data["totals"]["amount"] == "37.10"


def test_bsi_non_dependence_passage_is_ordinary(tour):
    # a separate trip only for a technical act (dependence: false) reverts to AMI + IFD.
    # visit 1: BSB 18.20 + IFI 2.75 + AMX 0.5 1.58 ; visit 2: AMI 2 6.30 + IFD 2.75 → 31.58
    data = price_json(tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            bsi: BSB
            visits:
              - time: "08:30"
                acts: [injection_sc]
              - time: "14:00"
                dependence: false
                acts: [pansement_autre]
        """))
    dressing = only(data, act="pansement_autre")
    assert (dressing["code"], dressing["rate"], dressing["amount"]) == ("AMI", 100, "6.30")
    assert only(data, code="IFD")["visit"] == 2
    assert only(data, code="IFI")["visit"] == 1
    assert data["totals"]["amount"] == "31.58"


def test_bsi_forfait_once_across_nurses(tour):
    # one forfait per patient per day whatever the nurses (same patient id in two documents);
    # each nurse's dependence passage has its IFI: 18.20 + 2 × 2.75 + 2 × 1.58 = 26.86
    doc = """\
        date: 2025-03-10
        nurse:
          name: {nurse}
        patients:
          - id: P1
            bsi: BSB
            visits:
              - time: "{time}"
                acts: [injection_sc]
        """
    text = (textwrap.dedent(doc).format(nurse="Claire Martin", time="08:30") + "---\n"
            + textwrap.dedent(doc).format(nurse="Paul Durand", time="18:00"))
    data = price_json(tour(text))
    assert len(lines_of(data, code="BSB")) == 1
    assert len(lines_of(data, code="IFI")) == 2
    assert data["totals"]["amount"] == "26.86"


def test_bsi_forfait_before_2020(tour):
    # no BSI forfaits before 2020-01-01 → NGAP135, priced as ordinary care:
    # AMI 1 3.15 + MAU 1.35 (AMI 1 alone, 2019) + IFD 2.50 = 7.00
    data = single(tour, "[injection_sc]", date="2019-06-04", patient="age: 92\nbsi: BSB")
    assert "NGAP135" in codes(data)
    assert not lines_of(data, code="BSB")
    assert not lines_of(data, code="AMX")
    assert only(data, code="AMI")["amount"] == "3.15"
    assert only(data, code="IFD")["amount"] == "2.50"
    assert data["totals"]["amount"] == "7.00"


# --------------------------------------------------------------------------------------------------
# dates and acts in force


def test_act_not_in_force(tour):
    # vaccination AMI 2.4 exists from 2023-03-23 only: on 2022-06-01 it stays at rate 0 (NGAP003,
    # an error → exit 1)
    path = tour(textwrap.dedent("""\
        date: 2022-06-01
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [vaccination_injection, injection_sc]
        """))
    r = run_cli("price", path, "--format", "json")
    assert r.exit_code == 1, r.stdout + r.stderr
    data = r.json
    vac = only(data, act="vaccination_injection")
    assert (vac["rate"], vac["amount"]) == (0, "0.00")
    inj = only(data, act="injection_sc")
    assert (inj["rate"], inj["amount"]) == (100, "3.15")
    assert "NGAP003" in codes(data)


def test_date_before_known_tariffs(tour):
    # before 2009-04-15: NGAP001 (error → exit 1), nothing billed
    path = tour("""\
        date: 2009-03-02
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [injection_sc]
        """)
    r = run_cli("price", path, "--format", "json")
    assert r.exit_code == 1, r.stdout + r.stderr
    data = r.json
    assert "NGAP001" in codes(data)
    assert total(data) == 0


# --------------------------------------------------------------------------------------------------
# exit codes


def test_warnings_exit_0_and_strict_exit_1(tour):
    # NGAP101 is a warning: exit 0, but 1 with --strict
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [pansement_stomie, pansement_autre, injection_sc]
        """)
    assert run_cli("price", path, "--format", "json").exit_code == 0
    assert run_cli("price", path, "--format", "json", "--strict").exit_code == 1


def test_clean_tour_exit_0(tour):
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [injection_sc]
        """)
    assert run_cli("price", path, "--format", "json", "--strict").exit_code == 0


def test_remplacant_for_three_titulaires_in_one_price_run(tour):
    # CSP R.4312-83: at most two titulaires at a time; `ngap price` sees it across documents too
    docs = "---\n".join(f"""date: 2026-01-12
nurse: {{name: Zoé Remy, replaces: {who}}}
patients:
  - id: {pid}
    visits: [{{time: "{t}", acts: [injection_sc]}}]
""" for who, pid, t in (("Anne A", "Z1", "08:00"), ("Bruno B", "Z2", "09:00"), ("Chloé C", "Z3", "10:00")))
    path = tour(docs)
    data = price_json(path)
    w = [x for x in data["warnings"] if x["code"] == "NGAP160"]
    assert len(w) == 1 and w[0]["date"] == "2026-01-12" and w[0]["line"] == 13
    two = tour("---\n".join(docs.split("---\n")[:2]))
    assert "NGAP160" not in codes(price_json(two))


# -- found by a review of the rules against research/rules.md (2026-11-25) ---------------------------------

def test_topical_analgesia_at_full_rate_with_the_ulcer_dressing_it_prepares(tour):
    # rules.md §2.2 e: AMI 1.1 3.47 + the dressing at full rate, no MAU. With the compression dressing
    # AMI 5.1 16.07 (catalog.md); with the extended ulcer or graft dressing AMI 4 12.60: a reading (NGAP004)
    data = price_json(tour("""\
        date: 2025-03-10
        patients:
          - id: A1
            visits: [{time: "10:00", place: office,
                      acts: [analgesie_topique_prealable, pansement_ulcere_greffe_compression]}]
          - id: A2
            visits: [{time: "11:00", place: office,
                      acts: [analgesie_topique_prealable, pansement_ulcere_greffe_etendu]}]
          - id: A3
            visits: [{time: "12:00", place: office, acts: [analgesie_topique_prealable, pansement_autre]}]
        """))
    assert data["totals"]["by_patient"] == {"A1": "19.54", "A2": "16.07", "A3": "8.03"}  # A3: AMI 2 + AMI 0.55 (1.7325)
    assert [w["patient"] for w in data["warnings"] if w["code"] == "NGAP004"] == ["A2"]
    assert not lines_of(data, code="MAU")


def test_a_5bis_group_equal_to_the_other_act_is_the_one_at_full_rate(tour):
    # rules.md §2.2 d: « if the group sum ≥ the other act, group at 100 % »: glycémie + insulin (AMI 1 + 1 = 2)
    # against a simple dressing AMI 2: 3.15 + 3.15 + AMI 2/2 3.15 = 9.45 (not 3.15×2 /2 each + 6.30 = 9.46)
    data = price_json(tour("""\
        date: 2025-03-10
        patients:
          - id: G1
            visits: [{time: "10:00", place: office,
                      acts: [pansement_autre, surveillance_glycemie_insuline, injection_insuline]}]
        """))
    assert [(l["act"], l["coefficient"], l["rate"]) for l in lines_of(data, kind="act")] == [
        ("pansement_autre", "1", 50), ("surveillance_glycemie_insuline", "1", 100), ("injection_insuline", "1", 100)]
    assert data["totals"]["amount"] == "9.45"


def test_a_single_telecare_act_takes_the_mau(tour):
    # catalog.md (télésanté): TMI takes MAU when the conditions are met: TMI 1 3.15 + MAU 1.35 = 4.50
    data = price_json(tour("""\
        date: 2025-03-10
        patients:
          - {id: T1, visits: [{time: "10:00", place: office, acts: [telesoin_surveillance_diabete]}]}
        """))
    assert [(l["code"], l["amount"]) for l in data["lines"]] == [("TMI", "3.15"), ("MAU", "1.35")]
