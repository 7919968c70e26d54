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


# -- found by a review of the rules against research/rules.md (2026-11-25) ---------------------------------

def _summary(data) -> list[tuple]:
    return [(l["patient"], l["code"], l["coefficient"], l["rate"], l["amount"]) for l in data["lines"]]


def test_weekly_ais_4_refused_for_a_bsi_patient_after_the_transition(tour):
    # rules.md §6.1: from 03/01/2024 an AIS séance (3, 3.1 or 4) of a BSI patient is refused (NGAP133), and the
    # passage is a dependence passage: BSB 18.20 + AMX 4 12.60 (PLC, full rate) + MCI 5.00 + IFI 2.75 = 38.55
    data = price_json(_tour(tour, "[ais_surveillance_hebdomadaire, pansement_escarre_profonde]",
                            extra_patient="            age: 90\n            bsi: BSB\n"))
    assert "NGAP133" in codes(data) and "NGAP004" not in codes(data)
    assert only_amounts(data) == {"AIS": "0.00", "AMX": "12.60", "BSB": "18.20", "MCI": "5.00", "IFI": "2.75"}
    assert total(data) == Decimal("38.55")


def only_amounts(data) -> dict:
    return {l["code"]: l["amount"] for l in data["lines"]}


def test_weekly_ais_4_not_with_a_care_session(tour):
    # chap. I art. 11 (rules.md §2.3), in 2023 for a patient without BSI: AIS 3 7.95 + IFD 2.50; AIS 4 refused
    data = price_json(_tour(tour, "[ais_seance_soins, ais_surveillance_hebdomadaire]", day="2023-06-12"))
    assert _summary(data) == [("P1", "AIS", "3", 100, "7.95"), ("P1", "AIS", "4", 0, "0.00"),
                              ("P1", "IFD", "1", 100, "2.50")]
    assert "NGAP103" in codes(data)


def test_ais_3_1_at_most_four_a_day(tour):
    # rules.md §6.5: AIS 3.1 max 4 per 24 h: 4 × 8.22 (3.1 × 2.65 = 8.215 → 8.22), the fifth refused
    visits = "".join(f'      - {{time: "{h:02d}:00", place: office, acts: [ais_programme_aide_personnalisee]}}\n'
                     for h in (8, 10, 12, 14, 16))
    data = price_json(tour("date: 2023-06-12\npatients:\n  - id: P1\n    visits:\n" + visits))
    amounts = [l["amount"] for l in lines_of(data, code="AIS")]
    assert amounts == ["8.22"] * 4 + ["0.00"]
    assert "NGAP150" in codes(data)


def test_ic_bpco_not_with_the_weekly_diabetic_session(tour):
    # chap. II art. 5 ter: AMI 5.8 18.27 + IFD 2.75 = 21.02; the AMI 4 weekly séance (> 75 y) refused
    data = price_json(_tour(tour, "[seance_surveillance_ic_bpco, surveillance_hebdo_diabetique_75ans]"))
    assert lines_of(data, act="surveillance_hebdo_diabetique_75ans")[0]["amount"] == "0.00"
    assert "NGAP103" in codes(data)
    assert total(data) == Decimal("21.02")


def test_two_identical_perfusion_forfaits_in_one_session_count_once(tour):
    # « pas de cumul par produit »: AMI 9 28.35 + IFD 2.75 = 31.10 (NGAP143); a short and a long forfait still
    # cumulate at full rate: AMI 9 + AMI 14 = 72.45 + IFD 2.75 = 75.20
    data = price_json(_tour(tour, "[perfusion_courte, perfusion_courte]"))
    assert total(data) == Decimal("31.10") and "NGAP143" in codes(data)
    data = price_json(_tour(tour, "[perfusion_longue, perfusion_longue_immunodeprime]"))
    assert [(l["act"], l["amount"]) for l in lines_of(data, kind="act")] == [
        ("perfusion_longue", "0.00"), ("perfusion_longue_immunodeprime", "47.25")]
    data = price_json(_tour(tour, "[perfusion_courte, perfusion_longue]"))
    assert total(data) == Decimal("75.20") and "NGAP143" not in codes(data)


def test_organisation_forfait_not_on_the_day_of_pose_or_removal(tour):
    # chap. II art. 3: AMI 4 « par jour, en dehors des jours de pose et de retrait »
    path = tour("""
        date: 2025-09-10
        patients:
          - id: Q9
            visits:
              - {time: "08:00", acts: [perfusion_longue]}
              - {time: "20:30", acts: [perfusion_organisation_surveillance]}
              - {time: "09:00", date: 2025-09-11, acts: [perfusion_organisation_surveillance]}
              - {time: "09:00", date: 2025-09-12, acts: [perfusion_organisation_surveillance, perfusion_retrait]}
    """)
    data = price_json(path)
    assert [(l["date"], l["code"], l["coefficient"], l["amount"]) for l in data["lines"]] == [
        ("2025-09-10", "AMI", "14", "44.10"), ("2025-09-10", "IFD", "1", "2.75"),
        ("2025-09-10", "AMI", "4", "0.00"),
        ("2025-09-11", "AMI", "4", "12.60"),
        ("2025-09-12", "AMI", "4", "0.00"), ("2025-09-12", "AMI", "5", "15.75"), ("2025-09-12", "IFD", "1", "2.75")]
    assert codes(data).count("NGAP144") == 2


def test_third_consecutive_garde_across_midnight_is_refused(tour):
    # chap. I art. 13: two consecutive 6-hour periods at most, across midnight too: 14-20 h AIS 13 34.45,
    # 20-02 h AIS 16 42.40, 02-08 h refused (NGAP151); a period after a break starts a new run
    path = tour("""
        date: 2025-03-10
        patients:
          - id: G1
            visits:
              - {time: "14:00", acts: [garde_domicile_jour]}
              - {time: "20:00", acts: [garde_domicile_nuit]}
              - {time: "02:00", date: 2025-03-11, acts: [garde_domicile_nuit]}
              - {time: "20:00", date: 2025-03-11, acts: [garde_domicile_nuit]}
    """)
    data = price_json(path)
    assert [(l["date"], l["time"], l["amount"]) for l in lines_of(data, code="AIS")] == [
        ("2025-03-10", "14:00", "34.45"), ("2025-03-10", "20:00", "42.40"), ("2025-03-11", "02:00", "0.00"),
        ("2025-03-11", "20:00", "42.40")]
    assert codes(data).count("NGAP151") == 1


def test_more_seances_than_a_programme_allows_is_a_warning(tour):
    # rules.md §8: IC/BPCO 15 séances per programme; the 16th within 183 days is billed (AMI 5.8 18.27, at the
    # office) with NGAP152 once; the post-op surveillance (3 séances from J0 to J+6): the 4th in 7 days
    line = '      - {{time: "{}", date: {}, place: office, acts: [{}]}}\n'
    visits = "".join(line.format("10:00", f"2025-03-{d:02d}", "seance_surveillance_ic_bpco") for d in range(1, 17))
    visits += "".join(line.format("11:00", f"2025-04-{d:02d}", "seance_surveillance_postop") for d in (1, 3, 5, 7, 20))
    data = price_json(tour("date: 2025-03-01\npatients:\n  - id: P1\n    visits:\n" + visits))
    assert [l["amount"] for l in lines_of(data, act="seance_surveillance_ic_bpco")] == ["18.27"] * 16
    warned = [(w["date"], w["message"].split(" :")[0]) for w in data["warnings"] if w["code"] == "NGAP152"]
    assert warned == [("2025-03-16", "« seance_surveillance_ic_bpco »"),
                      ("2025-04-07", "« seance_surveillance_postop »")]


def test_an_act_above_the_perfusion_forfait_is_the_principal_act(tour):
    # 11B ranks by coefficient: the wound assessment AMI 11 34.65 at 100 %, the short perfusion AMI 9 28.35 at
    # full rate by derogation; + IFD 2.75 = 65.75. A PLC below the forfait stays at 50 %: 28.35 + 6.30 + 2.75
    data = price_json(_tour(tour, "[perfusion_courte, bilan_plaie_initial]"))
    assert [(l["coefficient"], l["rate"], l["amount"]) for l in lines_of(data, kind="act")] == [
        ("9", 100, "28.35"), ("11", 100, "34.65")]
    assert total(data) == Decimal("65.75")
    data = price_json(_tour(tour, "[perfusion_courte, pansement_escarre_profonde]"))
    assert total(data) == Decimal("37.40") + Decimal("5.00")   # + MCI of the PLC at home


def test_perfusion_blood_sample_and_a_dressing_keeps_the_two_full_rate_acts_with_a_warning(tour):
    # rules.md §2.2 a/b (UNC): forfait AMI 14 44.10 + PDS AMI 1.5 4.73, the AMI 4 dressing not billed, NGAP102
    data = price_json(_tour(tour, "[perfusion_longue, prelevement_veineux, pansement_escarre_profonde]"))
    assert [(l["act"], l["rate"]) for l in lines_of(data, kind="act")] == [
        ("perfusion_longue", 100), ("prelevement_veineux", 100), ("pansement_escarre_profonde", 0)]
    assert "NGAP102" in codes(data)


def test_ais_session_for_a_patient_without_bsi_after_2024_is_billed_with_a_warning(tour):
    # from 01/01/2024 dependence goes through the BSI: AIS 3 7.95 + IFD 2.50, NGAP138; the day before, nothing
    data = price_json(_tour(tour, "[ais_seance_soins]", day="2024-01-01"))
    assert total(data) == Decimal("10.45") and "NGAP138" in codes(data)
    data = price_json(_tour(tour, "[ais_seance_soins]", day="2023-12-31"))
    assert "NGAP138" not in codes(data)
