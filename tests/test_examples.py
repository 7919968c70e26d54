"""The five example tours, priced by hand (independent oracle).

Values used (rules.md §1, catalog.md §B): AMI/AMX 3.15 (DOM 3.30), IFD/IFI 2.75 (since 2024-01-28),
MAU 1.35, MCI 5.00, MIE 3.15, N 9.15 / 18.30, F 8.50, IK 0.35 (plaine) / 0.50 (montagne),
BSA 13.00 (DOM 13.25). Each line = round_half_up(coefficient × unit value × quantity).
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import EXAMPLES, codes, lines_of, price_json, run_cli, total


def money(lines) -> Decimal:
    return sum((Decimal(l["amount"]) for l in lines), Decimal("0.00"))


def only(data, **match) -> dict:
    found = lines_of(data, **match)
    assert len(found) == 1, (match, found)
    return found[0]


@pytest.mark.parametrize("name", ["morning_round", "sunday_urgent_night", "mountain_ik",
                                  "dom_reunion", "child_care"])
def test_example_prices_without_error(name):
    # An example must price cleanly: exit 0 (warnings/infos allowed, no error), JSON only on stdout.
    r = run_cli("price", EXAMPLES / f"{name}.yaml", "--format", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    data = r.json
    assert data["lines"]
    assert not [w for w in data["warnings"] if w["severity"] == "error"]
    # totals are the sum of the lines
    assert money(data["lines"]) == total(data)


def test_morning_round():
    data = price_json(EXAMPLES / "morning_round.yaml")
    # P1 prélèvement veineux seul : AMI 1.5 = 3.15 × 1.5 = 4.725 → 4.73 ; + MAU 1.35 + IFD 2.75 = 8.83
    pds = only(data, patient="P1", act="prelevement_veineux")
    assert (pds["code"], pds["amount"], pds["rate"]) == ("AMI", "4.73", 100)
    assert only(data, patient="P1", code="MAU")["amount"] == "1.35"
    assert data["totals"]["by_patient"]["P1"] == "8.83"
    # P2 injection SC + IK : 3.15 + 1.35 + 2.75 + IK (2 × 7.5 − 4 = 11 km × 0.35 = 3.85) = 11.10
    ik = only(data, patient="P2", code="IK")
    assert ik["quantity"] == 11 and ik["amount"] == "3.85" and ik["kind"] == "travel"
    assert data["totals"]["by_patient"]["P2"] == "11.10"
    # P3 art. 5 bis : AMI 1 + AMI 1 both 100 % (3.15 + 3.15) + IFD 2.75 = 9.05, no MAU (2 acts)
    p3 = lines_of(data, patient="P3", code="AMI")
    assert sorted(l["rate"] for l in p3) == [100, 100]
    assert money(p3) == Decimal("6.30")
    assert not lines_of(data, patient="P3", code="MAU")
    assert data["totals"]["by_patient"]["P3"] == "9.05"
    # P4 PLC : AMI 4 12.60 + MCI 5.00 + IFD 2.75 = 20.35 ; no IK (same agglomeration)
    assert only(data, patient="P4", code="MCI")["amount"] == "5.00"
    assert not lines_of(data, patient="P4", code="IK")
    assert data["totals"]["by_patient"]["P4"] == "20.35"
    # P5 11B : AMI 2 6.30 (100 %) + AMI 0.5 1.58 (50 %) + IFD 2.75 = 10.63
    inj = only(data, patient="P5", act="injection_sc")
    assert (inj["coefficient"], inj["rate"], inj["amount"]) == ("0.5", 50, "1.58")
    assert data["totals"]["by_patient"]["P5"] == "10.63"
    # P6 au cabinet : AMI 1 3.15 + MAU 1.35 = 4.50, no IFD
    assert not lines_of(data, patient="P6", code="IFD")
    assert data["totals"]["by_patient"]["P6"] == "4.50"
    # Total 8.83 + 11.10 + 9.05 + 20.35 + 10.63 + 4.50 = 64.46
    assert data["totals"]["amount"] == "64.46"
    # by code: AMI 4.73 + 3.15 + 6.30 + 12.60 + 6.30 + 1.58 + 3.15 = 37.81 ; MAU 3 × 1.35 = 4.05 ;
    # IFD 5 × 2.75 = 13.75 (P1–P5) ; MCI 5.00 ; IK 3.85  → 64.46
    by_code = data["totals"]["by_code"]
    assert by_code["AMI"] == "37.81"
    assert by_code["MAU"] == "4.05"
    assert by_code["IFD"] == "13.75"
    assert by_code["MCI"] == "5.00"
    assert by_code["IK"] == "3.85"
    # AMO (60 % per line, half-up; P3 in ALD at 100 %):
    # P1 2.84 + 0.81 + 1.65 = 5.30 ; P2 1.89 + 0.81 + 1.65 + 2.31 = 6.66 ; P3 (ALD) 9.05 ;
    # P4 7.56 + 3.00 + 1.65 = 12.21 ; P5 3.78 + 0.95 + 1.65 = 6.38 ; P6 1.89 + 0.81 = 2.70
    # = 42.30 ; patient share 64.46 − 42.30 = 22.16
    assert data["totals"]["amo"] == "42.30"
    assert data["totals"]["patient_share"] == "22.16"


def test_sunday_urgent_night():
    data = price_json(EXAMPLES / "sunday_urgent_night.yaml")
    # D1 (daily) : AMI 1 + AMI 1 (5 bis) 6.30 + IFD 2.75 + F 8.50 = 17.55
    f1 = only(data, patient="D1", code="F")
    assert f1["amount"] == "8.50" and f1["kind"] == "majoration"
    assert data["totals"]["by_patient"]["D1"] == "17.55"
    # D2 (daily) : AMI 1 3.15 + MAU 1.35 + IFD 2.75 + F 8.50 = 15.75
    assert only(data, patient="D2", code="F")["amount"] == "8.50"
    assert data["totals"]["by_patient"]["D2"] == "15.75"
    # D3 planned Sunday without "daily": AMI 2 6.30 + IFD 2.75 = 9.05, no F, info NGAP122
    assert not lines_of(data, patient="D3", code="F")
    assert data["totals"]["by_patient"]["D3"] == "9.05"
    assert "NGAP122" in codes(data)
    # D4 urgent at 23:20 called 22:50 : N 18.30 (23 h–5 h), no F (not cumulable: NGAP120)
    # AMI 1 3.15 + MAU 1.35 + IFD 2.75 + N 18.30 = 25.55
    n = only(data, patient="D4", code="N")
    assert (n["unit_value"], n["amount"], n["kind"]) == ("18.30", "18.30", "majoration")
    assert not lines_of(data, patient="D4", code="F")
    assert "NGAP120" in codes(data)
    assert data["totals"]["by_patient"]["D4"] == "25.55"
    # Total 17.55 + 15.75 + 9.05 + 25.55 = 67.90 ; F 2 × 8.50 = 17.00
    assert data["totals"]["amount"] == "67.90"
    assert data["totals"]["by_code"]["F"] == "17.00"
    assert data["totals"]["by_code"]["N"] == "18.30"


def test_mountain_ik():
    data = price_json(EXAMPLES / "mountain_ik.yaml")
    # Montagne: billed km = 2 × one-way − 2 ; 0.50 €/km ; code IKM ; threshold > 1 km.
    m1 = only(data, patient="M1", code="IKM")
    assert (m1["quantity"], m1["unit_value"], m1["amount"]) == (22, "0.50", "11.00")
    # M2 8.5 km capped to the nearest cabinet (5 km): 2 × 5 − 2 = 8 km × 0.50 = 4.00 (NGAP113)
    m2 = only(data, patient="M2", code="IKM")
    assert (m2["quantity"], m2["amount"]) == (8, "4.00")
    assert "NGAP113" in codes(data)
    # M3 1 km: not more than 1 km → no IK ; M6 same agglomeration → no IK (NGAP112)
    assert not lines_of(data, patient="M3", code="IKM")
    assert not lines_of(data, patient="M6", code="IKM")
    assert "NGAP112" in codes(data)
    # M4 20 km: 38 km × 0.50 = 19.00 ; M5 1.5 km: 1 km × 0.50 = 0.50
    assert only(data, patient="M4", code="IKM")["amount"] == "19.00"
    m5 = only(data, patient="M5", code="IKM")
    assert (m5["quantity"], m5["amount"]) == (1, "0.50")
    assert not lines_of(data, code="IK")  # plaine code never used by a montagne cabinet
    # Per patient: M1 3.15 + 1.35 + 2.75 + 11.00 = 18.25 ; M2 6.30 + 2.75 + 4.00 = 13.05 ;
    # M3 4.73 + 1.35 + 2.75 = 8.83 ; M4 28.35 + 2.75 + 19.00 = 50.10 ; M5 7.25 + 0.50 = 7.75 ;
    # M6 7.25  → 105.23 ; IKM 11.00 + 4.00 + 19.00 + 0.50 = 34.50 (69 km, far under the cap)
    expected = {"M1": "18.25", "M2": "13.05", "M3": "8.83", "M4": "50.10", "M5": "7.75", "M6": "7.25"}
    assert data["totals"]["by_patient"] == expected
    assert data["totals"]["by_code"]["IKM"] == "34.50"
    assert data["totals"]["amount"] == "105.23"


def test_dom_reunion():
    data = price_json(EXAMPLES / "dom_reunion.yaml")
    for l in lines_of(data, code="AMI") + lines_of(data, code="AMX"):
        assert l["unit_value"] == "3.30"
    # R1 : AMI 1 3.30 + MAU 1.35 + IFD 2.75 = 7.40
    assert data["totals"]["by_patient"]["R1"] == "7.40"
    # R2 : AMI 2 = 6.60 ; AMI 0.5 = 1.65 ; IFD 2.75 → 11.00
    inj = only(data, patient="R2", act="injection_sc")
    assert (inj["coefficient"], inj["rate"], inj["amount"]) == ("0.5", 50, "1.65")
    assert data["totals"]["by_patient"]["R2"] == "11.00"
    # R3 au cabinet : AMI 1.5 = 4.95 + MAU 1.35 = 6.30
    assert only(data, patient="R3", act="prelevement_veineux")["amount"] == "4.95"
    assert data["totals"]["by_patient"]["R3"] == "6.30"
    # R4 BSA (DOM 13.25) + IFI 2.75 + AMX 0.5 (3.30 × 0.5 = 1.65) = 17.65 ; no IFD, no MAU
    bsa = only(data, patient="R4", code="BSA")
    assert (bsa["kind"], bsa["amount"]) == ("forfait", "13.25")
    amx = only(data, patient="R4", code="AMX")
    assert (amx["coefficient"], amx["rate"], amx["amount"]) == ("0.5", 50, "1.65")
    assert only(data, patient="R4", code="IFI")["amount"] == "2.75"
    assert not lines_of(data, patient="R4", code="IFD")
    assert not lines_of(data, patient="R4", code="MAU")
    assert data["totals"]["by_patient"]["R4"] == "17.65"
    # R5 PLC : AMI 4 13.20 + MCI 5.00 + IFD 2.75 = 20.95
    assert only(data, patient="R5", act="pansement_escarre_profonde")["amount"] == "13.20"
    assert data["totals"]["by_patient"]["R5"] == "20.95"
    # Total 7.40 + 11.00 + 6.30 + 17.65 + 20.95 = 63.30
    assert data["totals"]["amount"] == "63.30"
    assert data["totals"]["by_code"]["AMI"] == "29.70"  # 3.30 + 6.60 + 1.65 + 4.95 + 13.20


def test_child_care():
    data = price_json(EXAMPLES / "child_care.yaml")
    # MIE 3.15 for E1 (3 y), E2 (6 y, at the office too), E4 (4 y) ; not for E3 (7 today)
    for pid in ("E1", "E2", "E4"):
        mie = only(data, patient=pid, code="MIE")
        assert (mie["amount"], mie["kind"]) == ("3.15", "majoration")
    assert not lines_of(data, patient="E3", code="MIE")
    # E1 : AMI 1 3.15 + MAU 1.35 + MIE 3.15 + IFD 2.75 = 10.40
    # E2 : AMI 2 6.30 + MIE 3.15 = 9.45 (office: no IFD; coefficient 2: no MAU)
    # E3 : AMI 1 3.15 + MAU 1.35 + IFD 2.75 = 7.25
    # E4 : AMI 2 6.30 + MIE 3.15 + IFD 2.75 = 12.20
    expected = {"E1": "10.40", "E2": "9.45", "E3": "7.25", "E4": "12.20"}
    assert data["totals"]["by_patient"] == expected
    assert data["totals"]["by_code"]["MIE"] == "9.45"
    assert data["totals"]["amount"] == "39.30"
