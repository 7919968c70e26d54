"""Every dated change in the tariff data, priced the day before and the day of the change (issue 6).

The list of changes is read from tariffs/values.yaml (every `from` of every series, métropole and DOM),
tariffs/rules.yaml (every date parameter, wherever it sits) and tariffs/acts.yaml (every change in an
act's coefficient history); each must have a case below, with its tiny tour and both totals computed
by hand: a new avenant in the data without its case here fails test_every_dated_change_has_a_case.

Values (catalog.md §B): AMI/AMX 3.15 (DOM 3.30), AIS 2.65 (DOM 2.70), DI 10.00, BSA/BSB/BSC 13.00/18.20/28.70
(DOM 13.25/18.55/29.25), IFD 2.30 → 2.50 (2012-05-27) → 2.75 (2024-01-28), IFI 2.50 → 2.75 (2024-01-28),
MAU 1.35 and MCI 5.00 (2012-05-27), MIE 3.15 (2020-01-01), N 9.15 / 18.30, F 8.00 → 8.50 (2018-08-01),
IK 0.35, IKM 0.50, IKS 3.40 (DOM 3.66), TMI = AMI, TLS 10, TLL 12, TLD 15, CDC 1.00 € × coefficient.
A line = round_half_up(coefficient × value × quantity). Visits at 10:00, not urgent (no night or Sunday
majoration on a Sunday or a holiday without urgency), at the office unless travel is the point.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml

from conftest import ROOT, codes, run_cli, total

TARIFFS = ROOT / "tariffs"
VALUES = yaml.safe_load((TARIFFS / "values.yaml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((TARIFFS / "rules.yaml").read_text(encoding="utf-8"))
ACTS = yaml.safe_load((TARIFFS / "acts.yaml").read_text(encoding="utf-8"))["acts"]


# -- the changes in the data ---------------------------------------------------------------------------

def value_changes() -> dict[str, date]:
    out = {}
    for key, spec in VALUES["values"].items():
        for group in ("metropole", "dom"):
            for row in spec.get(group) or ():
                out[f"values {key} {group} {row['from']}"] = row["from"]
    return out


def rule_dates(node=RULES, path="rules") -> dict[str, date]:
    out = {}
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for k, v in items:
        sub = f"{path}.{k}" if isinstance(node, dict) else f"{path}[{k}]"
        if isinstance(v, date):
            out[sub] = v
        else:
            out.update(rule_dates(v, sub))
    return out


def coefficient_changes() -> dict[str, date]:
    out = {}
    for act in ACTS:
        for row in sorted(act.get("coefficients") or (), key=lambda r: r["from"])[1:]:
            out[f"acts {act['id']} {row['from']}"] = row["from"]
    return out


CHANGES = {**value_changes(), **rule_dates(), **coefficient_changes()}


# -- tiny tours ----------------------------------------------------------------------------------------------

def tiny(day: date, *, acts="[injection_sc]", zone="metropole", terrain="plaine", patient="", visit="",
         time="10:00", more_visits="") -> str:
    return (f"date: {day}\nzone: {zone}\nnurse: {{name: Claire Martin, terrain: {terrain}}}\npatients:\n"
            f"  - id: P1\n{patient}    visits:\n      - time: \"{time}\"\n{visit}        acts: {acts}\n{more_visits}")


OFFICE = "        place: office\n"
# a dependence passage of a BSI patient (BSI forfaits from 2020-01-01, 90 years and older at first)
def dependence(level="BSA", age=92, zone="metropole"):
    return dict(acts="[prelevement_veineux]", patient=f"    bsi: {level}\n    age: {age}\n", zone=zone)


DOM = dict(zone="reunion")
FIRST = "0.00"  # before 2009-04-15 nothing is priced (NGAP001)

# change -> (tour options, total the day before, total the day of[, (day before, day of) when they differ])
CASES: dict[str, tuple] = {
    # -- values.yaml ---------------------------------------------------------------------------------------
    # AMI 1 at the office: 3.15 (DOM 3.30); no MAU before 2012-05-27
    "values AMI metropole 2009-04-15": (dict(visit=OFFICE), FIRST, "3.15"),
    "values AMI dom 2009-04-15": (dict(visit=OFFICE, **DOM), FIRST, "3.30"),
    # BSA 13.00 + AMX 1.5 (4.725 → 4.73) + IFI 2.50 = 20.23 ; the day before, no forfait (NGAP135):
    # AMI 1.5 4.73 + MAU 1.35 + IFD 2.50 = 8.58. DOM: 13.25 + 4.95 + 2.50 = 20.70 ; 4.95 + 1.35 + 2.50 = 8.80
    "values AMX metropole 2020-01-01": (dependence(), "8.58", "20.23"),
    "values AMX dom 2020-01-01": (dependence(zone="reunion"), "8.80", "20.70"),
    "values BSA metropole 2020-01-01": (dependence(), "8.58", "20.23"),
    "values BSA dom 2020-01-01": (dependence(zone="reunion"), "8.80", "20.70"),
    "values BSB metropole 2020-01-01": (dependence("BSB"), "8.58", "25.43"),   # 18.20 + 4.73 + 2.50
    "values BSB dom 2020-01-01": (dependence("BSB", zone="reunion"), "8.80", "26.00"),  # 18.55 + 4.95 + 2.50
    "values BSC metropole 2020-01-01": (dependence("BSC"), "8.58", "35.93"),   # 28.70 + 4.73 + 2.50
    "values BSC dom 2020-01-01": (dependence("BSC", zone="reunion"), "8.80", "36.70"),  # 29.25 + 4.95 + 2.50
    # AIS 3: 7.95 (DOM 8.10) ; DI 1.5 (DSI): 15.00
    "values AIS metropole 2009-04-15": (dict(acts="[ais_seance_soins]", visit=OFFICE), FIRST, "7.95"),
    "values AIS dom 2009-04-15": (dict(acts="[ais_seance_soins]", visit=OFFICE, **DOM), FIRST, "8.10"),
    "values DI metropole 2009-04-15": (dict(acts="[dsi_elaboration]", visit=OFFICE), FIRST, "15.00"),
    # télésoin TMI 1.6: 5.04 (DOM 5.28); the day before the act does not exist yet (NGAP003, 0.00)
    "values TMI metropole 2023-03-23": (dict(acts="[telesoin_suivi_pansement]", visit=OFFICE), "0.00", "5.04"),
    "values TMI dom 2023-03-23": (dict(acts="[telesoin_suivi_pansement]", visit=OFFICE, **DOM), "0.00", "5.28"),
    # téléconsultation: TLS 10.00, TLL 12.00 at the office; TLD 15.00 at home + IFD 2.50
    "values TLS metropole 2020-01-01": (dict(acts="[teleconsultation_assistance_soin_programme]", visit=OFFICE),
                                        "0.00", "10.00"),
    "values TLL metropole 2020-01-01": (dict(acts="[teleconsultation_assistance_lieu_dedie]", visit=OFFICE),
                                        "0.00", "12.00"),
    "values TLD metropole 2020-01-01": (dict(acts="[teleconsultation_assistance_domicile]"), "0.00", "17.50"),
    # certificat de décès CDC 42 × 1.00 = 42.00, nothing added (no IFD, no majoration)
    "values CDC metropole 2025-06-29": (dict(acts="[certificat_deces_standard]"), "0.00", "42.00"),
    # at home: AMI 3.15 + IFD ; from 2012-05-27 + MAU 1.35
    "values IFD metropole 2009-04-15": (dict(), FIRST, "5.45"),            # 3.15 + 2.30
    "values IFD metropole 2012-05-27": (dict(), "5.45", "7.00"),           # 3.15 + 2.30 → 3.15 + 1.35 + 2.50
    "values IFD metropole 2024-01-28": (dict(), "7.00", "7.25"),           # IFD 2.50 → 2.75
    "values IFI metropole 2020-01-01": (dependence(), "8.58", "20.23"),
    "values IFI metropole 2024-01-28": (dependence(), "20.23", "20.48"),    # IFI 2.50 → 2.75
    # IK: 7.5 km out of the agglomeration: plaine 2 × 7.5 − 4 = 11 km × 0.35 = 3.85 ; montagne 13 km × 0.50
    # = 6.50 ; à pied/à ski 13 km × 3.40 = 44.20 (DOM 3.66: 47.58, AMI 3.30); + AMI 3.15 + IFD 2.30
    "values IK metropole 2009-04-15": (dict(patient="    distance_km: 7.5\n    outside_agglomeration: true\n"),
                                       FIRST, "9.30"),
    "values IKM metropole 2009-04-15": (dict(patient="    distance_km: 7.5\n    outside_agglomeration: true\n",
                                             terrain="montagne"), FIRST, "11.95"),
    "values IKS metropole 2009-04-15": (dict(patient="    distance_km: 7.5\n    outside_agglomeration: true\n",
                                             terrain="pied_ski"), FIRST, "49.65"),
    "values IKS dom 2009-04-15": (dict(patient="    distance_km: 7.5\n    outside_agglomeration: true\n",
                                       terrain="pied_ski", **DOM), FIRST, "53.18"),
    # urgent call at 21:00 → N 9.15 ; at 23:30 → 18.30 (+ AMI 3.15 at the office)
    "values N metropole 2009-04-15": (dict(visit=OFFICE + "        urgent: true\n", time="21:00"), FIRST, "12.30"),
    "values N_DEEP metropole 2009-04-15": (dict(visit=OFFICE + "        urgent: true\n", time="23:30"), FIRST,
                                           "21.45"),
    # F needs a Sunday: the Sundays around the change (ngap tariffs checks the exact day, below).
    # Easter Sunday 2009-04-12 (before the tariffs) / 2009-04-19: 3.15 + F 8.00 ;
    # 2018-07-29 / 2018-08-05: AMI 3.15 + MAU 1.35 + F 8.00 → 8.50
    "values F metropole 2009-04-15": (dict(visit=OFFICE + "        urgent: true\n"), FIRST, "11.15",
                                      (date(2009, 4, 12), date(2009, 4, 19))),
    "values F metropole 2018-08-01": (dict(visit=OFFICE + "        urgent: true\n"), "12.50", "13.00",
                                      (date(2018, 7, 29), date(2018, 8, 5))),
    # MAU: AMI 1 alone at the office 3.15 → 3.15 + 1.35
    "values MAU metropole 2012-05-27": (dict(visit=OFFICE), "3.15", "4.50"),
    # MCI: palliative care at home: 3.15 + IFD 2.30 → 3.15 + MCI 5.00 + IFD 2.50 (no MAU with the MCI)
    "values MCI metropole 2012-05-27": (dict(patient="    palliative: true\n"), "5.45", "10.65"),
    # MIE: a child of 3 at the office: 3.15 + MAU 1.35 → + MIE 3.15
    "values MIE metropole 2020-01-01": (dict(patient="    age: 3\n", visit=OFFICE), "4.50", "7.65"),
    # -- rules.yaml ------------------------------------------------------------------------------------------
    "rules.mau.from": (dict(visit=OFFICE), "3.15", "4.50"),
    # AMI 0.5 alone: 1.575 → 1.58 ; MAU for any coefficient ≤ 1.5 from 2019-12-01 (before: 1 or 1.5 only)
    "rules.mau.any_coefficient_from": (dict(acts="[test_tuberculinique]", visit=OFFICE), "1.58", "2.93"),
    "rules.mci_from": (dict(patient="    palliative: true\n"), "5.45", "10.65"),
    # prélèvement veineux 4.73 + injection: 50 % (1.575 → 1.58) before 2019-12-01, 100 % (3.15) from then
    "rules.pds_full_rate_from": (dict(acts="[prelevement_veineux, injection_sc]", visit=OFFICE), "6.31", "7.88"),
    # at home, vaccination (created the same day: refused the day before) + injection SC:
    # before: injection alone 3.15 + MAU 1.35 + IFD 2.50 ; on: AMI 2.4 7.56 + 3.15, both 100 %, + IFD 2.50
    "rules.vaccination_full_rate_from": (dict(acts="[vaccination_injection, injection_sc]"), "7.00", "13.21"),
    # compression bandage AMI 5.1 16.07 + topical analgesia AMI 1.1 3.47 at 100 % + MCI 5.00 + IFD 2.50;
    # both acts are created that day: nothing is billed the day before
    "rules.analgesie_full_rate_from": (
        dict(acts="[pansement_ulcere_greffe_compression, analgesie_topique_prealable]"), "0.00", "27.04"),
    # 200 km out of the agglomeration: 396 km of IK. Before the cap: 138.60 ; from 2020-01-01: 299 km
    # 104.65 + 97 km at 50 % 16.98 = 121.63 ; + AMI 3.15 + MAU 1.35 + IFD 2.50
    "rules.ik.daily_cap.from": (dict(patient="    distance_km: 200\n    outside_agglomeration: true\n"),
                                "145.60", "128.63"),
    # the cap's date is uncertain until 2020-03-31: same amounts, an NGAP004 info before (see DIAGNOSTICS)
    "rules.ik.daily_cap.certain_from": (dict(patient="    distance_km: 200\n    outside_agglomeration: true\n"),
                                        "128.63", "128.63"),
    # BSI forfait scope: 90 years and older, then 85, then every age; before, coded as ordinary care
    "rules.bsi.forfait_scope[0].from": (dependence(age=92), "8.58", "20.23"),
    "rules.bsi.forfait_scope[1].from": (dependence(age=87), "8.58", "20.23"),
    "rules.bsi.forfait_scope[2].from": (dependence(age=60), "8.58", "20.23"),
    # two dependent patients of one household at the same passage: P1 BSA 13.00 + AMX 1.5 4.73 + IFI 2.50,
    # P2 13.00 + 4.73 without travel = 37.96 ; from the decision of 12/11/2020, P2 also gets « IFI 0,01 »:
    # 0.01 × 2.50 = 0.025 → 0.03 (half-up) = 37.99
    "rules.bsi.household_extra_ifi.from": (dict(
        acts="[prelevement_veineux]", patient="    bsi: BSA\n    age: 92\n    household: H1\n",
        more_visits="  - id: P2\n    bsi: BSA\n    age: 92\n    household: H1\n    visits:\n"
                    "      - time: \"10:00\"\n        acts: [prelevement_veineux]\n"), "37.96", "37.99"),
    # AIS for a BSI patient outside a dependence passage: AIS 3 7.95 + IFD 2.50, then refused (NGAP133)
    "rules.bsi.ais_dependence_end": (dict(acts="[ais_seance_soins]", patient="    bsi: BSA\n    age: 80\n",
                                          visit="        dependence: false\n"), "10.45", "0.00"),
    # two long perfusions a day: 2 × (AMI 14 44.10 + IFD 2.75) ; from 2025-06-25 the second is AMI 4.1 12.92
    "rules.perfusion.long_once_a_day_from": (
        dict(acts="[perfusion_longue]", time="08:00",
             more_visits='      - time: "14:00"\n        acts: [perfusion_longue]\n'), "93.70", "62.52"),
    # -- acts.yaml: coefficient history ----------------------------------------------------------------------
    "acts pansement_stomie 2020-01-01": (dict(acts="[pansement_stomie]", visit=OFFICE), "6.30", "9.45"),
    "acts pansement_tracheotomie 2020-01-01": (dict(acts="[pansement_tracheotomie]", visit=OFFICE), "6.30", "9.45"),
    # AMI 1 → 1.2 (3.78), + MAU 1.35
    "acts administration_therapeutique_orale 2020-07-01": (
        dict(acts="[administration_therapeutique_orale]", visit=OFFICE), "4.50", "5.13"),
    # AMI 8.3 26.145 → 26.15 ; 6.2 19.53 ; 4.9 15.435 → 15.44
    "acts test_antigenique_covid_cabinet 2021-06-01": (
        dict(acts="[test_antigenique_covid_cabinet]", visit=OFFICE), "26.15", "19.53"),
    "acts test_antigenique_covid_cabinet 2022-04-01": (
        dict(acts="[test_antigenique_covid_cabinet]", visit=OFFICE), "19.53", "15.44"),
    # at home: AMI 9.5 29.925 → 29.93, 7.3 22.995 → 23.00 ; + IFD 2.50
    "acts test_antigenique_covid_domicile 2021-06-01": (dict(acts="[test_antigenique_covid_domicile]"),
                                                         "32.43", "25.50"),
    # AMI 6.1 19.215 → 19.22 ; 4.9 15.44 ; 3.4 10.71
    "acts test_antigenique_covid_collectif 2021-06-01": (
        dict(acts="[test_antigenique_covid_collectif]", visit=OFFICE), "19.22", "15.44"),
    "acts test_antigenique_covid_collectif 2022-04-01": (
        dict(acts="[test_antigenique_covid_collectif]", visit=OFFICE), "15.44", "10.71"),
}


# change -> diagnostic that the change adds (True, False) or removes (False, True)... as (code, before, on)
DIAGNOSTICS = {
    "rules.ik.daily_cap.certain_from": ("NGAP004", True, False),
    "rules.bsi.forfait_scope[1].from": ("NGAP135", True, False),
    "rules.bsi.ais_dependence_end": ("NGAP133", False, True),
    "rules.bsi.household_extra_ifi.from": ("NGAP111", True, False),
    "rules.perfusion.long_once_a_day_from": ("NGAP140", False, True),
    "values MAU metropole 2012-05-27": ("NGAP124", False, False),
    "values MCI metropole 2012-05-27": ("NGAP124", False, True),
    "values TMI metropole 2023-03-23": ("NGAP003", True, False),
}


def test_every_dated_change_has_a_case():
    assert sorted(CHANGES) == sorted(CASES), (sorted(set(CHANGES) - set(CASES)), sorted(set(CASES) - set(CHANGES)))


def _price(path) -> dict:
    r = run_cli("price", path, "--format", "json")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    return r.json


@pytest.mark.parametrize("change", sorted(CASES))
def test_price_the_day_before_and_the_day_of_the_change(change, tour):
    options, before, on, *days = CASES[change]
    day = CHANGES[change]
    day_before, day_of = days[0] if days else (day - timedelta(days=1), day)
    a, b = _price(tour(tiny(day_before, **options))), _price(tour(tiny(day_of, **options)))
    got = (str(total(a)), str(total(b)))
    assert got == (before, on), [(l["date"], l["code"], l["amount"], l["rule"]) for l in a["lines"] + b["lines"]]
    if day_before < date(2009, 4, 15):
        assert "NGAP001" in codes(a) and not a["lines"]
    if change in DIAGNOSTICS:
        code, in_before, in_on = DIAGNOSTICS[change]
        assert (code in codes(a), code in codes(b)) == (in_before, in_on), (codes(a), codes(b))


@pytest.mark.parametrize("change", sorted(value_changes()))
def test_tariffs_command_at_the_change(change):
    """`ngap tariffs --date` gives the previous value the day before and the new one the day of."""
    _, key, group, _ = change.split(" ")
    day = CHANGES[change]
    rows = sorted(VALUES["values"][key][group], key=lambda r: r["from"])
    i = [r["from"] for r in rows].index(day)
    zone = "reunion" if group == "dom" else "metropole"
    shown = []
    for d in (day - timedelta(days=1), day):
        r = run_cli("tariffs", "--date", d.isoformat(), "--zone", zone, "--format", "json")
        assert r.exit_code == 0, r.stderr
        shown.append(next(v["value"] for v in r.json["values"] if v["key"] == key))
    assert shown == [rows[i - 1]["value"] if i else None, rows[i]["value"]]


# -- the ends of the known tariffs ----------------------------------------------------------------------------

def test_date_before_the_first_tariffs_is_ngap001(tour):
    path = tour(tiny(date(2009, 4, 14)))
    data = _price(path)
    assert codes(data) == ["NGAP001"] and data["warnings"][0]["severity"] == "error"
    assert data["lines"] == [] and data["totals"]["amount"] == "0.00"
    assert run_cli("price", path).exit_code == 1
    first = _price(tour(tiny(date(2009, 4, 15))))
    assert "NGAP001" not in codes(first) and total(first) == Decimal("5.45")  # AMI 3.15 + IFD 2.30


def test_a_visit_date_before_the_first_tariffs_is_ngap001_for_that_visit_only(tour):
    data = _price(tour(tiny(date(2009, 4, 15), more_visits='      - time: "11:00"\n        date: 2009-04-14\n'
                                                          "        acts: [injection_sc]\n")))
    assert codes(data) == ["NGAP001"] and total(data) == Decimal("5.45")
    assert {l["date"] for l in data["lines"]} == {"2009-04-15"}


def test_date_after_the_last_check_is_ngap002(tour):
    last = VALUES["checked_on"] + timedelta(days=VALUES["stale_after_days"])
    assert last == date(2026, 5, 18)  # checked against the source of 2026-02-17, 90 days
    fresh = _price(tour(tiny(last)))
    stale_path = tour(tiny(last + timedelta(days=1)))
    stale = _price(stale_path)
    assert "NGAP002" not in codes(fresh)
    assert codes(stale) == ["NGAP002"] and stale["warnings"][0]["severity"] == "info"
    # 2026-05-18 is a Monday, 2026-05-19 a Tuesday: AMI 3.15 + MAU 1.35 + IFD 2.75 both days
    assert total(fresh) == total(stale) == Decimal("7.25")
    assert run_cli("price", stale_path).exit_code == 0  # an info: priced


# -- a fault found by these tests, fixed ------------------------------------------------------------------------

def test_free_cotation_without_a_value_at_that_date_is_not_billed_silently(tour):
    data = _price(tour(tiny(date(2020, 1, 10), acts='[{cotation: "TMI 1"}]')))
    tmi = [l for l in data["lines"] if l["code"] == "TMI"]
    assert tmi and tmi[0]["rate"] == 0 and data["warnings"], data


def test_tour_dates_written_jj_mm_aaaa_price_as_iso(tour):
    """Every date key of a tour takes JJ/MM/AAAA as well as AAAA-MM-JJ (issue 16): a Saturday and an urgent
    Sunday visit of a child (MIE from the birth date) priced the same both ways, days and values included."""
    text = """\
        date: {d}
        nurse: {{name: Claire Martin}}
        patients:
          - id: P1
            birth_date: {b}
            distance_km: 1
            visits:
              - time: "10:00"
                acts: [injection_im]
              - time: "11:00"
                date: {v}
                urgent: true
                acts: [injection_im]
        """
    iso = run_cli("price", tour(text.format(d="2025-03-08", b="2020-05-02", v="2025-03-09")), "--format", "json")
    fr = run_cli("price", tour(text.format(d="08/03/2025", b="02/05/2020", v="09/03/2025")), "--format", "json")
    assert iso.exit_code == fr.exit_code == 0, fr.stderr
    strip = lambda r: [{k: v for k, v in line.items() if k != "file"} for line in r.json["lines"]]
    assert strip(fr) == strip(iso)
    assert [(line["date"], line["code"]) for line in fr.json["lines"]] == [
        ("2025-03-08", "AMI"), ("2025-03-08", "MAU"), ("2025-03-08", "MIE"), ("2025-03-08", "IFD"),
        ("2025-03-09", "AMI"), ("2025-03-09", "F"), ("2025-03-09", "MAU"), ("2025-03-09", "MIE"),
        ("2025-03-09", "IFD")]
    assert fr.json["totals"]["amount"] == iso.json["totals"]["amount"] == "29.30"    # 10.40 + 18.90
