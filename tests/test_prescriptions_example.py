"""The month of examples/prescriptions/mars_2025.yaml, priced with exact totals worked out by hand.

Values (March 2025, métropole): AMI/AMX 3.15, IFD/IFI 2.75, MAU 1.35, F 8.50, IK 0.35, BSB 18.20.
"""
from __future__ import annotations

from decimal import Decimal

from conftest import EXAMPLES, lines_of, price_json, run_cli, total

MONTH = EXAMPLES / "prescriptions" / "mars_2025.yaml"


def test_the_month_prices_cleanly_with_exact_totals():
    r = run_cli("price", MONTH, "--format", "json")
    assert r.exit_code == 0, r.stderr
    data = r.json
    assert not [w for w in data["warnings"] if w["severity"] != "info"]
    by = {k: Decimal(v) for k, v in data["totals"]["by_patient"].items()}
    # P1: 30 days (not 14/03) × 2 passages of AMI 1 + AMI 1 (5 bis, full rate) + IFD + IK (2 × 6 − 4 = 8 km)
    #     = 60 × 11.85; F 8.50 on the 10 Sunday passages (« rigoureusement quotidienne »); pansements at
    #     noon on 10, 12, 17/03 (14 excepted): 3 × (AMI 2 + IFD + IK) = 3 × 11.85; Sunday 09/03 evening the
    #     one-off visit adds the pansement: 11B, AMI 2 first, the 5 bis acts at full rate → +6.30 −3.15
    assert by["P1"] == 60 * Decimal("11.85") + 10 * Decimal("8.50") + 3 * Decimal("11.85") + Decimal("3.15")
    # P2: every second day from 03/03 to 31/03: 15 pansements AMI 2 + IFD
    assert by["P2"] == 15 * Decimal("9.05")
    # P3: 31 BSB forfaits + IFI; ten evening injections (O3, 10 days) in AMX at 50 % + IFI
    assert by["P3"] == 31 * (Decimal("18.20") + Decimal("2.75")) + 10 * (Decimal("1.58") + Decimal("2.75"))
    # P4: ten séances of autosondage (Mon/Wed/Fri 03/03 to 24/03): AMI 3.5 = 11.03 + IFD
    assert by["P4"] == 10 * Decimal("13.78")
    # P5: prélèvement alone (AMI 1.5 + MAU + IFD) and a vaccine prescribed by the nurse at the office (AMI 3.05)
    assert by["P5"] == Decimal("8.83") + Decimal("9.61")
    assert total(data) == Decimal("1819.44") == sum(by.values())


def test_the_nurse_prices_her_day():
    day = price_json(MONTH, extra=("--day", "11/03/2025"))
    assert {l["date"] for l in day["lines"]} == {"2025-03-11"}
    # P1 2 × 11.85 + P2 9.05 + P3 (18.20 + 2.75) + (1.58 + 2.75) + P5 8.83
    assert total(day) == Decimal("66.86")
    assert len(lines_of(day, patient="P1", code="IK")) == 2


def test_the_report_of_the_month_to_date():
    r = run_cli("report", MONTH, "--to", "24/03/2025", "--format", "json")
    assert r.exit_code == 0
    rows = {(x["patient"], x["prescription"], x["act"]): (x["prescribed"], x["done"], x["left"])
            for x in r.json["prescriptions"]}
    assert rows[("P1", "O1", "surveillance_glycemie_insuline")] == (62, 46, 16)    # 2 a day × 31 days
    assert rows[("P1", "O1b", "pansement_autre")] == (5, 4, 1)
    assert rows[("P2", "O2", "pansement_autre")] == (15, 11, 4)
    assert rows[("P4", "O4", "reeducation_autosondage")] == (10, 10, 0)
    # the renewals to ask for: O1 ends on 31/03, O2 on 01/04; O4 (30/04) is further than 10 days
    r = run_cli("report", MONTH, "--to", "24/03/2025", "--expiring", "10", "--format", "json")
    assert [(x["patient"], x["prescription"], x["days_left"]) for x in r.json["expiring"]] == [
        ("P1", "O1", 7), ("P2", "O2", 8)]
    assert {(x["patient"], x["prescription"]) for x in r.json["prescriptions"]} == {("P1", "O1"), ("P2", "O2")}


def test_the_report_of_a_day_and_no_renewal_due():
    r = run_cli("report", MONTH, "--day", "2025-03-11", "--format", "json")
    assert r.exit_code == 0
    assert Decimal(r.json["totals"]["amount"]) == Decimal("66.86")
    rows = {(x["patient"], x["prescription"], x["act"]): x["done"] for x in r.json["prescriptions"]}
    assert rows[("P4", "O4", "reeducation_autosondage")] == 4      # Mon/Wed/Fri up to the 11th: 3, 5, 7, 10/03
    table = run_cli("report", MONTH, "--day", "11/03/2025", "--expiring", "0", "-q")   # O3 ends on the 12th
    assert "Aucune prescription ne finit dans la période demandée (--expiring)." in table.stdout
