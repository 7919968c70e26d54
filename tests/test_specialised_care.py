"""Issue 4 §2: specialised care — perfusions, IC/BPCO, télésanté, garde, BSI bilans (exact amounts)."""
from decimal import Decimal

from conftest import codes, lines_of, price_json, total


def _tour(tour, acts, *, day="2025-03-10", time="10:00", extra_visit="", extra_patient=""):
    return tour(f"""
        date: {day}
        patients:
          - id: P1
{extra_patient}            visits:
              - time: "{time}"
{extra_visit}                acts: {acts}
    """)


def test_perfusion_organisation_forfait_has_no_travel_nor_sunday(tour):
    # Sunday, daily prescription: AMI 4 = 12.60 only — no IFD, no F (chap. II art. 3)
    path = _tour(tour, "[perfusion_organisation_surveillance]", day="2025-03-09",
                 extra_patient="            prescription: {daily: true}\n")
    data = price_json(path)
    assert total(data) == Decimal("12.60")
    assert not lines_of(data, code="IFD") and not lines_of(data, code="F")
    assert "NGAP123" in codes(data)


def test_ic_bpco_session_takes_no_night_majoration(tour):
    # AMI 5.8 = 18.27 + IFD 2.75; the urgent night call gives no N (chap. II art. 5 ter)
    path = _tour(tour, "[seance_surveillance_ic_bpco]", time="21:00",
                 extra_visit='                urgent: true\n                called_at: "20:30"\n')
    data = price_json(path)
    assert total(data) == Decimal("21.02")
    assert not lines_of(data, code="N") and "NGAP123" in codes(data)


def test_removal_not_with_continuous_perfusion(tour):
    data = price_json(_tour(tour, "[perfusion_courte, perfusion_retrait]"))
    removal = lines_of(data, act="perfusion_retrait")[0]
    assert removal["rate"] == 0 and removal["amount"] == "0.00"
    assert "NGAP141" in codes(data)
    assert total(data) == Decimal("31.10")  # AMI 9 28.35 + IFD 2.75


def test_long_perfusion_and_plc(tour):
    # AMI 14 44.10 (full) + PLC AMI 4/2 = AMI 2 6.30 + MCI 5.00 + IFD 2.75
    data = price_json(_tour(tour, "[perfusion_longue, pansement_escarre_profonde]"))
    plc = lines_of(data, act="pansement_escarre_profonde")[0]
    assert (plc["coefficient"], plc["rate"], plc["amount"]) == ("2", 50, "6.30")
    assert total(data) == Decimal("58.15")


def test_immunodepressed_short_perfusion_and_supplements(tour):
    # AMI 10 31.50 + 2 × AMI 6 18.90 + IFD 2.75
    data = price_json(_tour(tour, "[perfusion_courte_immunodeprime, "
                                  "{act: perfusion_supplement_heure_immunodeprime, quantity: 2}]"))
    assert total(data) == Decimal("72.05")


def test_teleconsultation_assistance_is_outside_11b(tour):
    # AMI 2 6.30 + AMI 1/2 1.58 + TLS 10.00 + IFD 2.75
    data = price_json(_tour(tour, "[pansement_autre, injection_sc, teleconsultation_assistance_soin_programme]"))
    tls = lines_of(data, code="TLS")[0]
    assert (tls["rate"], tls["amount"]) == (100, "10.00")
    assert total(data) == Decimal("20.63")


def test_telesoin_has_no_travel(tour):
    data = price_json(_tour(tour, "[telesoin_suivi_pansement]"))
    assert [(l["code"], l["amount"]) for l in data["lines"]] == [("TMI", "5.04")]


def test_vaccination_at_the_office_follows_11b(tour):
    # the full-rate derogation is for vaccination at home; at the office: AMI 2.4 + AMI 2/2
    data = price_json(_tour(tour, "[vaccination_injection, pansement_autre]",
                            extra_visit="                place: office\n"))
    assert [(l["act"], l["rate"], l["amount"]) for l in lines_of(data, kind="act")] == [
        ("vaccination_injection", 100, "7.56"), ("pansement_autre", 50, "3.15")]


def test_garde_at_most_two_consecutive_periods(tour):
    path = tour("""
        date: 2025-03-10
        nurse: {name: Claire}
        patients:
          - id: G1
            visits:
              - {time: "08:00", acts: [garde_domicile_jour]}
              - {time: "14:00", acts: [garde_domicile_jour]}
              - {time: "20:00", acts: [garde_domicile_nuit]}
    """)
    data = price_json(path)
    gardes = lines_of(data, kind="act")
    assert [(l["amount"], l["rate"]) for l in gardes] == [("34.45", 100), ("34.45", 100), ("0.00", 0)]
    assert "NGAP151" in codes(data)
    assert not lines_of(data, code="N")  # the night garde has its own rate: no night majoration


def test_bsi_intermediate_at_most_two_a_year(tour):
    path = tour("""
        date: 2025-01-10
        patients:
          - id: B1
            age: 90
            visits:
              - {time: "10:00", acts: [bsi_intermediaire]}
              - {time: "10:00", date: 2025-05-10, acts: [bsi_intermediaire]}
              - {time: "10:00", date: 2025-09-10, acts: [bsi_intermediaire]}
              - {time: "10:00", date: 2026-01-11, acts: [bsi_intermediaire]}
    """)
    data = price_json(path)
    assert [l["amount"] for l in lines_of(data, act="bsi_intermediaire")] == ["12.00", "12.00", "0.00", "12.00"]
    assert codes(data).count("NGAP137") == 1


def test_ifi_on_a_day_with_a_bsi_bilan_only(tour):
    # patient with bsi, dependence passage, BSI initial DI 2.5 = 25.00: IFI allowed (DI that day)
    data = price_json(_tour(tour, "[bsi_initial]", extra_patient="            age: 90\n            bsi: BSA\n"))
    assert lines_of(data, code="DI")[0]["amount"] == "25.00"
    assert lines_of(data, code="IFI")[0]["amount"] == "2.75"
    assert not lines_of(data, code="IFD")


def test_initial_bsi_of_a_patient_without_level_yet_travels_with_ifi(tour):
    # the BSI bilan is a trip for dependence care: IFI, not IFD (decision UNCAM of 13/02/2020: IFI when a
    # DI is billed that day), even before the patient has a forfait level; DI 2.5 25.00 + IFI 2.75
    data = price_json(_tour(tour, "[bsi_initial]", extra_patient="            age: 80\n"))
    assert [(l["code"], l["amount"]) for l in data["lines"]] == [("DI", "25.00"), ("IFI", "2.75")]
    assert "bilan de soins infirmiers" in lines_of(data, code="IFI")[0]["rule"]


def test_medication_support_not_with_other_article_10_acts(tour):
    # AMI 5.1 = 16.07 + IFD 2.75; the oral administration of the same passage is refused
    data = price_json(_tour(tour, "[accompagnement_prise_medicamenteuse_initial, administration_therapeutique_orale]"))
    assert lines_of(data, act="administration_therapeutique_orale")[0]["rate"] == 0
    assert "NGAP103" in codes(data)
    assert total(data) == Decimal("18.82")
