"""Issue 4: a dependent patient's full day, and each dated rule change priced the day before and
the day of the change (exact amounts, through the real CLI)."""
from decimal import Decimal

import pytest

from conftest import codes, lines_of, price_json, run_cli, total


def test_dependent_patient_full_day(tour):
    # BSB patient, 88 y, 2025-03-10 (Monday). Four dependence passages with AMX acts and IFI, a
    # fifth without IFI, and a separate non-dependence passage priced as ordinary AMI + IFD.
    path = tour("""
        date: 2025-03-10
        nurse: {name: Claire}
        patients:
          - id: D1
            age: 88
            bsi: BSB
            visits:
              - time: "08:00"
                acts: [surveillance_glycemie_insuline, injection_insuline]
              - time: "11:00"
                acts: [pansement_escarre_profonde]
              - time: "13:00"
                acts: [prelevement_veineux]
              - time: "15:00"
                dependence: false
                acts: [sondage_vesical_femme]
              - time: "17:00"
                acts: [injection_sc]
              - time: "19:00"
                acts: [surveillance_glycemie_insuline, injection_insuline]
    """)
    data = price_json(path)
    # forfait once, at the first dependence passage
    forfaits = lines_of(data, kind="forfait")
    assert [(l["code"], l["amount"], l["time"]) for l in forfaits] == [("BSB", "18.20", "08:00")]
    # insulin group: each AMX 0.5 = 1.58 (reading "each" for the 5 bis group)
    ins = lines_of(data, time="08:00", kind="act")
    assert [(l["code"], l["coefficient"], l["rate"], l["amount"]) for l in ins] == [
        ("AMX", "0.5", 50, "1.58"), ("AMX", "0.5", 50, "1.58")]
    # PLC at full rate with the forfait, and MCI (IFI text allows art. 23.2)
    assert [(l["code"], l["amount"]) for l in lines_of(data, time="11:00")] == [
        ("AMX", "12.60"), ("MCI", "5.00"), ("IFI", "2.75")]
    # PDS AMX 1.5 at full rate, no MAU in dependence
    assert [(l["code"], l["amount"]) for l in lines_of(data, time="13:00")] == [("AMX", "4.73"), ("IFI", "2.75")]
    # non-dependence passage: AMI + IFD, no IFI
    assert [(l["code"], l["amount"]) for l in lines_of(data, time="15:00")] == [("AMI", "9.45"), ("IFD", "2.75")]
    assert [(l["code"], l["amount"]) for l in lines_of(data, time="17:00")] == [("AMX", "1.58"), ("IFI", "2.75")]
    # fifth dependence passage: acts, but neither IFI nor IFD
    assert [(l["code"], l["amount"]) for l in lines_of(data, time="19:00")] == [("AMX", "1.58"), ("AMX", "1.58")]
    assert "NGAP131" in codes(data)
    assert len(lines_of(data, code="IFI")) == 4
    assert total(data) == Decimal("71.63")


def _one_visit(tour, day, acts, extra_patient="", extra_visit="", zone="metropole"):
    return tour(f"""
        date: {day}
        zone: {zone}
        patients:
          - id: P1
            age: 80
{extra_patient}            visits:
              - time: "10:00"
{extra_visit}                acts: {acts}
    """)


@pytest.mark.parametrize("day,expected,mau", [
    ("2012-05-26", "5.45", False),   # AMI 1 3.15 + IFD 2.30 — no MAU yet
    ("2012-05-27", "7.00", True),    # + MAU 1.35, IFD 2.50 (avenant 3)
])
def test_mau_and_ifd_2012(tour, day, expected, mau):
    data = price_json(_one_visit(tour, day, "[injection_sc]"))
    assert total(data) == Decimal(expected)
    assert bool(lines_of(data, code="MAU")) is mau


@pytest.mark.parametrize("day,expected", [
    ("2019-11-30", "6.44"),   # AMI 1.25 alone: no MAU before 01/12/2019 (only AMI 1 or 1.5): 3.94 + 2.50
    ("2019-12-01", "7.79"),   # any AMI <= 1.5: + MAU 1.35
])
def test_mau_extended_2019(tour, day, expected):
    assert total(price_json(_one_visit(tour, day, "[injection_vaginale]"))) == Decimal(expected)


@pytest.mark.parametrize("day,pds_amount", [("2019-11-30", "2.36"), ("2019-12-01", "4.73")])
def test_pds_derogation_2019(tour, day, pds_amount):
    data = price_json(_one_visit(tour, day, "[pansement_autre, prelevement_veineux]"))
    assert lines_of(data, act="prelevement_veineux")[0]["amount"] == pds_amount


@pytest.mark.parametrize("day,forfait", [("2019-12-31", None), ("2020-01-01", "18.20")])
def test_bsi_forfait_2020(tour, day, forfait):
    path = tour(f"""
        date: {day}
        patients:
          - id: P1
            age: 92
            bsi: BSB
            visits:
              - time: "10:00"
                acts: [injection_sc]
    """)
    data = price_json(path)
    got = lines_of(data, kind="forfait")
    if forfait is None:
        assert not got and "NGAP135" in codes(data)
        assert total(data) == Decimal("3.15") + Decimal("1.35") + Decimal("2.50")
    else:
        assert got[0]["amount"] == forfait and "NGAP135" not in codes(data)


@pytest.mark.parametrize("day,coef,amount", [("2020-06-30", "1", "3.15"), ("2020-07-01", "1.2", "3.78")])
def test_oral_administration_2020_07(tour, day, coef, amount):
    data = price_json(_one_visit(tour, day, "[administration_therapeutique_orale]"))
    line = lines_of(data, act="administration_therapeutique_orale")[0]
    assert (line["coefficient"], line["amount"]) == (coef, amount)


@pytest.mark.parametrize("day,billed", [("2023-03-22", False), ("2023-03-23", True)])
def test_vaccination_2023(tour, day, billed):
    data = price_json(_one_visit(tour, day, "[vaccination_injection]"))
    line = lines_of(data, act="vaccination_injection")[0]
    assert (line["amount"] == "7.56") is billed
    assert ("NGAP003" in codes(data)) is not billed
    # the old flu supplement ends the same day
    old = price_json(_one_visit(tour, day, "[injection_im, vaccination_antigrippale_supplement]"))
    assert ("NGAP003" in codes(old)) is billed


@pytest.mark.parametrize("day,forfait", [("2023-10-02", False), ("2023-10-03", True)])
def test_bsi_all_ages_2023(tour, day, forfait):
    path = tour(f"""
        date: {day}
        patients:
          - id: P1
            age: 70
            bsi: BSA
            visits:
              - time: "10:00"
                acts: [injection_sc]
    """)
    data = price_json(path)
    assert bool(lines_of(data, code="BSA")) is forfait


@pytest.mark.parametrize("day,refused", [("2024-01-02", False), ("2024-01-03", True)])
def test_ais_end_for_bsi_patients(tour, day, refused):
    path = tour(f"""
        date: {day}
        patients:
          - id: P1
            age: 90
            bsi: BSB
            visits:
              - time: "10:00"
                acts: [ais_seance_soins]
    """)
    data = price_json(path)
    ais = lines_of(data, act="ais_seance_soins")[0]
    assert (ais["rate"] == 0) is refused
    assert ("NGAP133" in codes(data)) is refused
    if not refused:  # transition: AIS 3 accepted, no forfait that passage
        assert ais["amount"] == "7.95" and not lines_of(data, kind="forfait")


@pytest.mark.parametrize("day,ifd", [("2024-01-27", "2.50"), ("2024-01-28", "2.75")])
def test_ifd_2024(tour, day, ifd):
    assert lines_of(price_json(_one_visit(tour, day, "[injection_sc]")), code="IFD")[0]["amount"] == ifd


@pytest.mark.parametrize("day,second", [("2025-06-24", "44.10"), ("2025-06-25", "12.92")])
def test_long_perfusion_once_a_day_2025(tour, day, second):
    path = tour(f"""
        date: {day}
        patients:
          - id: P1
            visits:
              - time: "09:00"
                acts: [perfusion_longue]
              - time: "18:00"
                acts: [perfusion_longue]
    """)
    data = price_json(path)
    second_line = lines_of(data, time="18:00", kind="act")[0]
    assert second_line["amount"] == second
    assert ("NGAP140" in codes(data)) is (second == "12.92")


def test_explain_and_check(tour):
    r = run_cli("explain", "NGAP101")
    assert r.exit_code == 0 and "11B" in r.stdout
    assert run_cli("explain", "NGAP999").exit_code == 2
    path = _one_visit(tour, "2025-03-10", "[pansement_autre, injection_sc, injection_im]")
    r = run_cli("check", path, "--format", "json")
    assert r.exit_code == 0 and [w["code"] for w in r.json["warnings"]] == ["NGAP101"]
    assert run_cli("price", path, "--strict", "--format", "json").exit_code == 1


def test_each_dependence_passage_of_a_sunday_gets_the_sunday_majoration(tour):
    # art. 14 majorations are per passage, and the IFI text cumulates them with IFI: the evening
    # passage (care under the forfait, no AMX act) gets F as well as the morning one.
    path = tour("""
        date: 2025-03-09
        patients:
          - id: D1
            age: 90
            bsi: BSB
            prescription: {daily: true}
            visits:
              - {time: "09:00", acts: []}
              - {time: "18:00"}
    """)
    data = price_json(path)
    assert [(l["time"], l["amount"]) for l in lines_of(data, code="F")] == [("09:00", "8.50"), ("18:00", "8.50")]
    # BSB 18.20 + 2 × (F 8.50 + IFI 2.75)
    assert total(data) == Decimal("40.70")
