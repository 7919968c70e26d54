"""Severity of each diagnostic code (contract §3; the policy is written at the top of ngapcli/diagnostics.py):
``error`` for a typed or billed act the NGAP does not allow at all (exit 1), ``warning`` for an amount reduced
by the ordinary working of a rule or something probably wrong (exit 0, 1 with --strict), ``info`` for a hint.
A table code by code, then the real CLI on the codes whose severity changed (issue 13)."""
from __future__ import annotations

import re

from conftest import lines_of, run_cli

from ngapcli.diagnostics import RULES

SEVERITY = {
    # dates and tariff data
    "NGAP001": "error",     # a date before every known tariff: nothing can be billed
    "NGAP002": "info",      # tariffs checked long before the date: a hint to check
    "NGAP003": "error",     # an act not in force that day
    "NGAP004": "info",      # a reading chosen where the sources disagree
    # article 11B
    "NGAP101": "warning",   # third act under 11B: the ordinary working of the rule
    "NGAP102": "warning",   # the acts after the venous sample, as 11B and its derogation read together
    "NGAP103": "error",     # an exclusion between acts
    # travel
    "NGAP110": "info", "NGAP111": "info", "NGAP112": "info", "NGAP113": "info",
    "NGAP114": "warning",   # the daily IK cap reduces the amount
    # majorations
    "NGAP120": "info", "NGAP121": "info", "NGAP122": "info", "NGAP123": "info", "NGAP124": "info",
    "NGAP125": "warning",   # MAU billed on a forfait day: probably rejected
    "NGAP126": "info", "NGAP127": "info",
    # dependence
    "NGAP130": "error",     # a second forfait of the same nurse
    "NGAP131": "warning",   # no IFI past the 4th dependence passage of the day
    "NGAP132": "error",     # an IFI with neither forfait nor DI
    "NGAP133": "error",     # an AIS séance for a BSI patient
    "NGAP134": "warning",   # an act included in the dependence forfait
    "NGAP135": "warning",   # a forfait that does not exist yet at that date: priced as ordinary care
    "NGAP136": "info",
    "NGAP137": "error",     # a third BSI intermédiaire in 12 months
    "NGAP138": "warning",   # an AIS séance of dependence without BSI: billed, probably rejected
    "NGAP139": "info",      # the day's forfait already billed by a colleague
    # perfusions
    "NGAP140": "error", "NGAP141": "error", "NGAP142": "error", "NGAP143": "error", "NGAP144": "error",
    # count limits
    "NGAP150": "error",     # per passage, day, month, 12 months
    "NGAP151": "error",     # a third garde period
    "NGAP152": "warning",   # séances beyond the programme's maximum while its start is unknown
    "NGAP160": "error",     # a remplaçant's third titulaire
    # prescriptions (contract §5)
    "NGAP170": "error",     # an act no prescription in force covers
    "NGAP171": "error",     # the prescription named does not cover the act that day
    "NGAP172": "error",     # a séance beyond those prescribed
    "NGAP173": "error",     # more in a day than prescribed
    "NGAP174": "error",     # beyond the programme's maximum, counted from the prescription's first day
    # ngap audit
    "NGAP201": "error", "NGAP202": "warning", "NGAP203": "warning", "NGAP204": "error",
    # ngap audit --billed alone (issue 15): the severity of a code's certain case; each finding says « certain »
    **{f"NGAP{n}": "error" for n in (205, 206, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 220, 221,
                                     222, 223, 224, 226)},
    "NGAP207": "warning",   # a coefficient no act has: a free cotation, to check
    "NGAP219": "warning",   # an IFI without forfait in the export: another cabinet may have billed it
    "NGAP225": "warning",   # three acts at full rate: a derogation may apply
    "NGAP227": "info",      # a MAU forgotten: a loss, to check
    "NGAP228": "info",      # findings counted, not listed
}


def test_every_code_has_the_severity_of_the_policy():
    assert set(RULES) == set(SEVERITY), "a new code needs its row here, after the policy of diagnostics.py"
    wrong = {code: (rule.severity, SEVERITY[code]) for code, rule in RULES.items() if rule.severity != SEVERITY[code]}
    assert wrong == {}


def test_the_policy_says_the_severity_each_code_has():
    """The policy at the top of diagnostics.py gives examples of each severity: none may drift from the table."""
    import ngapcli.diagnostics as module

    text = module.__doc__.split("``error``")[1].split("References cite")[0]
    errors, rest = text.split("``warning``")
    warnings, infos = rest.split("``info``")
    for severity, paragraph in (("error", errors), ("warning", warnings), ("info", infos)):
        named = set(re.findall(r"NGAP\d{3}", paragraph))
        assert named and {c: SEVERITY[c] for c in named} == dict.fromkeys(named, severity), severity
    # every error among the codes 001-004, 101-169 and 201-204 is named (the refusals of issue 13)
    mine = [c for c in SEVERITY if c <= "NGAP004" or "NGAP101" <= c <= "NGAP169" or "NGAP201" <= c <= "NGAP204"]
    assert {c for c in mine if SEVERITY[c] == "error"} <= set(re.findall(r"NGAP\d{3}", errors))


def test_no_reference_points_outside_the_project():
    for rule in RULES.values():
        for bad in ("rules.md", "catalog.md", "research", "Données tarifaires ngap", "shared/"):
            assert bad not in rule.reference and bad not in rule.explanation, (rule.code, bad)
        assert rule.reference.strip()


# -- the real CLI: exit code and severity in the JSON ------------------------------------------------------

def priced(*paths, extra=()):
    r = run_cli("price", *paths, "--format", "json", *extra)
    assert "Traceback" not in r.stdout + r.stderr
    return r


def found(r, code) -> list[dict]:
    return [w for w in r.json["warnings"] if w["code"] == code]


def test_fifth_dialysis_seance_of_a_day_is_an_error(tour):
    path = tour("""\
        date: 2025-03-10
        nurse: {name: Claire Martin}
        patients:
          - id: P1
            visits:
              - {time: "08:00", acts: [dialyse_peritoneale_seance]}
              - {time: "10:00", acts: [dialyse_peritoneale_seance]}
              - {time: "14:00", acts: [dialyse_peritoneale_seance]}
              - {time: "17:00", acts: [dialyse_peritoneale_seance]}
              - {time: "18:30", acts: [dialyse_peritoneale_seance]}
        """)
    r = priced(path)
    assert r.exit_code == 1
    assert [w["severity"] for w in found(r, "NGAP150")] == ["error"]
    # 4 × (AMI 4 12.60 + IFD 2.75) = 61.40; the 5th séance at rate 0, no IFD for it
    assert [l["amount"] for l in lines_of(r.json, act="dialyse_peritoneale_seance")] == ["12.60"] * 4 + ["0.00"]
    assert r.json["totals"]["amount"] == "61.40"


def test_second_wound_assessment_within_a_year_is_an_error(tour):
    path = tour("""\
        date: 2025-03-10
        patients:
          - id: P1
            visits:
              - {time: "10:00", acts: [bilan_plaie_initial]}
              - {time: "10:00", date: 2025-11-10, acts: [bilan_plaie_initial]}
              - {time: "10:00", date: 2026-03-10, acts: [bilan_plaie_initial]}
        """)
    r = priced(path)
    assert r.exit_code == 1
    w = found(r, "NGAP150")
    assert [(x["severity"], x["date"]) for x in w] == [("error", "2025-11-10")]
    # AMI 11 34.65 + IFD 2.75, twice; the one of November is refused
    assert [l["amount"] for l in lines_of(r.json, act="bilan_plaie_initial")] == ["34.65", "0.00", "34.65"]
    assert r.json["totals"]["amount"] == "74.80"


def test_third_intermediate_bsi_in_twelve_months_is_an_error(tour):
    path = tour("""\
        date: 2025-01-10
        patients:
          - id: B1
            age: 90
            visits:
              - {time: "10:00", acts: [bsi_intermediaire]}
              - {time: "10:00", date: 2025-05-10, acts: [bsi_intermediaire]}
              - {time: "10:00", date: 2025-09-10, acts: [bsi_intermediaire]}
        """)
    r = priced(path)
    assert r.exit_code == 1
    assert [(w["severity"], w["date"]) for w in found(r, "NGAP137")] == [("error", "2025-09-10")]
    assert [l["amount"] for l in lines_of(r.json, act="bsi_intermediaire")] == ["12.00", "12.00", "0.00"]


def test_third_consecutive_garde_period_is_an_error(tour):
    path = tour("""\
        date: 2025-03-10
        patients:
          - id: G1
            visits:
              - {time: "08:00", acts: [garde_domicile_jour]}
              - {time: "14:00", acts: [garde_domicile_jour]}
              - {time: "20:00", acts: [garde_domicile_nuit]}
        """)
    r = priced(path)
    assert r.exit_code == 1
    assert [(w["severity"], w["time"]) for w in found(r, "NGAP151")] == [("error", "20:00")]
    assert [l["amount"] for l in lines_of(r.json, kind="act")] == ["34.45", "34.45", "0.00"]


REPLACING = """\
date: 2026-01-12
nurse: {{name: Zoé Remy, replaces: {who}}}
patients:
  - id: {pid}
    age: 60
    visits: [{{time: "{time}", acts: [injection_sc]}}]
"""


def test_remplacant_for_a_third_titulaire_is_an_error(tour):
    paths = [tour(REPLACING.format(who=who, pid=pid, time=time))
             for who, pid, time in (("Anne A", "Z1", "08:00"), ("Bruno B", "Z2", "09:00"), ("Chloé C", "Z3", "10:00"))]
    two = priced(*paths[:2])
    assert two.exit_code == 0 and not found(two, "NGAP160")
    r = priced(*paths)
    assert r.exit_code == 1
    w = found(r, "NGAP160")
    assert [(x["severity"], x["file"], x["date"]) for x in w] == [("error", str(paths[2]), "2026-01-12")]
    # contract §3: an error is not billed. Chloé C, the third titulaire of the day, gets nothing:
    # 2 × (AMI 1 3.15 + MAU 1.35 + IFD 2.75) = 14.50 (it was 21.75 when the third one was still billed)
    assert r.json["totals"]["amount"] == "14.50"
    assert [(l["code"], l["rate"], l["amount"]) for l in lines_of(r.json, patient="Z3")] == [("AMI", 0, "0.00")]
    assert "Les soins faits ce jour pour Chloé C ne sont pas facturés" in w[0]["message"]


def test_the_third_titulaire_is_the_third_to_appear_that_day_by_time_then_file_order(tour):
    """Files given A (10:00), B (08:00), C (09:00): by time the titulaires come B, C, A: A's care is refused,
    whatever the order of the files; with two titulaires at the same time, the file given first comes first."""
    def path(who, pid, time):
        return tour(REPLACING.format(who=who, pid=pid, time=time))
    a, b, c = path("Anne A", "Z1", "10:00"), path("Bruno B", "Z2", "08:00"), path("Chloé C", "Z3", "09:00")
    for order in ((a, b, c), (c, a, b)):
        r = priced(*order)
        assert r.exit_code == 1
        w = found(r, "NGAP160")
        assert [(x["file"], x["line"]) for x in w] == [(str(a), 1)]      # the tour of Anne A
        assert "(Bruno B, Chloé C, Anne A, dans l'ordre de leur premier passage du jour" in w[0]["message"]
        assert "pour Anne A ne sont pas facturés" in w[0]["message"]
        assert "écrivez son nom dans « replaces »" in w[0]["message"]
        assert {l["patient"]: l["amount"] for l in r.json["lines"] if l["code"] == "AMI"} == \
            {"Z1": "0.00", "Z2": "3.15", "Z3": "3.15"}
        assert r.json["totals"]["amount"] == "14.50"
    # a tie at 08:00 for the four of them: the file order decides, the 3rd and 4th files are refused
    d = path("David D", "Z4", "08:00")
    tied = [path(who, pid, "08:00") for who, pid in (("Anne A", "Z1"), ("Bruno B", "Z2"), ("Chloé C", "Z3"))]
    r = priced(tied[1], d, tied[0], tied[2])
    assert [x["message"].split("pour ")[1].split(" ne sont")[0] for x in found(r, "NGAP160")] == ["Anne A", "Chloé C"]
    assert r.json["totals"]["amount"] == "14.50"      # Bruno B and David D: 2 × 7.25
    assert [l["rule"] for l in lines_of(r.json, patient="Z1")] == ["remplaçant : troisième titulaire du jour (CSP R.4312-83)"]



def test_the_third_titulaires_dependence_care_opens_no_forfait_majoration_or_travel(tour):
    """Refused from the start, the third titulaire's passages bill nothing: alone, the BSB day is
    AMX 1/2 1.58 + BSB 18.20 + IFI 2.75 and AMX 1/2 1.58 + IFI 2.75 = 26.86; as the third titulaire of the day
    both passages are act lines at rate 0 and nothing else (no BSB, no IFI)."""
    dep = tour("""\
date: 2026-01-12
nurse: {name: Zoé Remy, replaces: Chloé C}
patients:
  - id: Z9
    age: 86
    bsi: BSB
    visits:
      - {time: "11:00", dependence: true, acts: [injection_sc]}
      - {time: "14:00", dependence: true, acts: [injection_sc]}
""")
    alone = priced(dep)
    assert alone.exit_code == 0 and alone.json["totals"]["amount"] == "26.86"
    others = [tour(REPLACING.format(who=who, pid=pid, time=time))
              for who, pid, time in (("Anne A", "Z1", "08:00"), ("Bruno B", "Z2", "09:00"))]
    r = priced(*others, dep)
    assert r.exit_code == 1 and r.json["totals"]["amount"] == "14.50"
    assert [(l["time"], l["code"], l["rate"], l["amount"]) for l in lines_of(r.json, patient="Z9")] == [
        ("11:00", "AMI", 0, "0.00"), ("14:00", "AMI", 0, "0.00")]
    assert "(2 passage(s), 2 acte(s) à 0,00 €" in found(r, "NGAP160")[0]["message"]


BSI = """\
date: 2025-03-10
nurse: {{name: {nurse}}}
patients:
  - id: P1
    age: 86
    bsi: {level}
    visits:
      - time: "{time}"
        acts: [injection_sc]
"""


def test_forfait_billed_by_a_colleague_is_an_info_naming_her(tour):
    morning = tour(BSI.format(nurse="Claire Martin", level="BSB", time="08:30"))
    evening = tour(BSI.format(nurse="Julie Petit", level="BSB", time="18:00"))
    r = priced(morning, evening)
    assert r.exit_code == 0
    assert [w["code"] for w in r.json["warnings"]] == ["NGAP139"]
    w = found(r, "NGAP139")[0]
    assert (w["severity"], w["file"], w["time"]) == ("info", str(evening), "18:00")
    assert "déjà facturé par Claire Martin" in w["message"] and "08:30" in w["message"]
    # one BSB 18.20 a day; each passage AMX 0.5 1.58 + IFI 2.75: 18.20 + 2 × 4.33 = 26.86
    assert [(l["nurse"], l["amount"]) for l in lines_of(r.json, code="BSB")] == [("Claire Martin", "18.20")]
    assert r.json["totals"]["amount"] == "26.86"
    assert priced(morning, evening, extra=["--strict"]).exit_code == 0   # an info fails nothing


def test_forfait_of_another_level_by_a_colleague_is_still_an_info(tour):
    morning = tour(BSI.format(nurse="Claire Martin", level="BSB", time="08:30"))
    evening = tour(BSI.format(nurse="Julie Petit", level="BSC", time="18:00"))
    r = priced(morning, evening)
    assert r.exit_code == 0 and [w["code"] for w in r.json["warnings"]] == ["NGAP139"]
    assert "cette tournée dit BSC" in r.json["warnings"][0]["message"]
    assert r.json["totals"]["amount"] == "26.86"


def test_second_forfait_of_the_same_nurse_is_an_error(tour):
    morning = tour(BSI.format(nurse="Claire Martin", level="BSB", time="08:30"))
    evening = tour(BSI.format(nurse="Claire Martin", level="BSC", time="18:00"))
    r = priced(morning, evening)
    assert r.exit_code == 1
    assert [(w["code"], w["severity"]) for w in r.json["warnings"]] == [("NGAP130", "error")]
    assert [l["amount"] for l in lines_of(r.json, kind="forfait")] == ["18.20"]
    # the same level twice the same day by the same nurse is one forfait, nothing to say
    again = priced(morning, tour(BSI.format(nurse="Claire Martin", level="BSB", time="18:00")))
    assert again.exit_code == 0 and again.json["warnings"] == []


def test_seances_beyond_a_programme_stay_a_warning(tour):
    line = '      - {{time: "10:00", date: 2025-03-{:02d}, place: office, acts: [seance_surveillance_ic_bpco]}}\n'
    visits = "".join(line.format(d) for d in range(1, 17))
    path = tour("date: 2025-03-01\npatients:\n  - id: P1\n    visits:\n" + visits)
    r = priced(path)
    assert r.exit_code == 0
    assert [w["severity"] for w in found(r, "NGAP152")] == ["warning"]
    assert [l["amount"] for l in lines_of(r.json, act="seance_surveillance_ic_bpco")] == ["18.27"] * 16
    assert priced(path, extra=["--strict"]).exit_code == 1


def test_explain_gives_the_new_severities():
    assert run_cli("explain", "NGAP150").stdout.startswith("NGAP150 (erreur)")
    assert run_cli("explain", "NGAP139").stdout.startswith("NGAP139 (info)")
    assert run_cli("explain", "NGAP152").stdout.startswith("NGAP152 (alerte)")


def test_audit_explains_a_forfait_billed_twice_with_the_colleague(tour):
    """The evening nurse also bills the BSB: an indu, explained by NGAP139 (who billed it first)."""
    billed = BSI + '        billed: "BSB + AMX 0,5 + IFI"\n'
    morning = tour(billed.format(nurse="Claire Martin", level="BSB", time="08:30"))
    evening = tour(billed.format(nurse="Julie Petit", level="BSB", time="18:00"))
    r = run_cli("audit", morning, evening, "--format", "json")
    assert r.exit_code == 1
    [d] = r.json["differences"]
    assert (d["kind"], d["item"], d["amount"], d["patient"], d["nurse"]) == (
        "indu", "BSB", "18.20", "P1", "Julie Petit")
    assert "déjà facturé par Claire Martin" in d["message"]
    assert r.json["totals"]["billed"] == "45.06" and r.json["totals"]["due"] == "26.86"
