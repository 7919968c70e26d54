"""Prescriptions (contract §5, NGAP DG art. 5): coverage, quantities, mentions and programme maxima, by the
real CLI with exact amounts."""
from __future__ import annotations

from decimal import Decimal

from tests.conftest import codes, lines_of, price_json, run_cli, total

HEAD = """\
date: 2025-03-03
nurse: {name: Claire Martin}
patients:
  - id: P1
"""


def acts(data) -> list[tuple[str, str, int, str]]:
    return [(l["date"], l["act"], l["rate"], l["amount"]) for l in lines_of(data, kind="act")]


def test_covered_acts_are_priced_as_without_prescriptions(tour):
    body = """\
    visits:
      - time: "09:00"
        acts: [injection_insuline, surveillance_glycemie_insuline]
"""
    rx = """\
    prescriptions:
      - id: O1
        date: 2025-03-01
        until: 2025-03-31
        acts: [injection_insuline, surveillance_glycemie_insuline]
"""
    plain = price_json(tour(HEAD + body))
    covered = price_json(tour(HEAD + rx + body))
    # AMI 1 + AMI 1 at full rate (chap. II art. 5 bis) + IFD = 3.15 + 3.15 + 2.75
    assert total(plain) == total(covered) == Decimal("9.05")
    assert codes(covered) == codes(plain)


def test_an_act_no_prescription_lists_is_an_error_and_not_billed(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [injection_insuline]}
    visits:
      - time: "09:00"
        acts: [injection_insuline, pansement_autre]
""")
    r = run_cli("price", path, "--format", "json")
    assert r.exit_code == 1
    data = r.json
    assert sorted(acts(data)) == [("2025-03-03", "injection_insuline", 100, "3.15"),
                                  ("2025-03-03", "pansement_autre", 0, "0.00")]
    [w] = [w for w in data["warnings"] if w["code"] == "NGAP170"]
    assert w["severity"] == "error" and w["reference"] == "NGAP DG art. 5" and w["line"] == 9
    assert "« pansement_autre » non facturé : aucune prescription du patient en vigueur le 03/03/2025" in w["message"]
    # injection alone: AMI 1 + MAU + IFD
    assert total(data) == Decimal("7.25")


def test_an_act_outside_the_prescription_days_is_refused(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, from: 2025-03-04, days: 2, acts: [injection_insuline]}
    visits:
      - {date: 2025-03-03, time: "09:00", acts: [injection_insuline]}
      - {date: 2025-03-04, time: "09:00", acts: [injection_insuline]}
      - {date: 2025-03-05, time: "09:00", acts: [injection_insuline]}
      - {date: 2025-03-06, time: "09:00", acts: [injection_insuline]}
""")
    data = price_json(path)
    assert [(d, rate) for d, _, rate, _ in acts(data)] == [("2025-03-03", 0), ("2025-03-04", 100),
                                                           ("2025-03-05", 100), ("2025-03-06", 0)]
    assert codes(data).count("NGAP170") == 2
    # two visits of AMI 1 + MAU + IFD; nothing at all for the refused ones (no act billed, no travel)
    assert total(data) == Decimal("14.50")


def test_acts_exempt_from_prescription_in_the_catalog(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [pansement_lourd_diabetique]}
    visits:
      - time: "09:00"
        acts: [vaccination_prescription_injection]
""")
    data = price_json(path)
    assert not [c for c in codes(data) if c.startswith("NGAP17")]
    r = run_cli("explain", "vaccination_prescription_injection")
    assert "sans prescription : l'infirmier prescrit lui-même le vaccin" in r.stdout


def test_seances_beyond_the_prescribed_number(tour):
    visits = "".join(f'      - {{date: 2025-03-{d:02d}, time: "10:00", acts: [reeducation_autosondage]}}\n'
                     for d in range(3, 8))
    path = tour(HEAD + """\
    prescriptions:
      - id: O1
        date: 2025-03-01
        until: 2025-03-31
        acts: [{act: reeducation_autosondage, seances: 3}]
    visits:
""" + visits)
    r = run_cli("price", path, "--format", "json")
    assert r.exit_code == 1
    data = r.json
    assert [rate for _, _, rate, _ in acts(data)] == [100, 100, 100, 0, 0]
    msgs = [w["message"] for w in data["warnings"] if w["code"] == "NGAP172"]
    assert len(msgs) == 2 and "séance n° 4 alors que la prescription « O1 » (du 01/03/2025 au 31/03/2025) en " \
        "prescrit 3" in msgs[0]
    # AMI 3.5 = 11.03, + IFD 2.75, three times
    assert total(data) == 3 * Decimal("13.78")


def test_a_second_prescription_takes_over_when_the_first_is_used_up(tour):
    visits = "".join(f'      - {{date: 2025-03-{d:02d}, time: "10:00", acts: [reeducation_autosondage]}}\n'
                     for d in range(3, 8))
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [{act: reeducation_autosondage, seances: 3}]}
      - {id: O2, date: 2025-03-04, until: 2025-03-31, acts: [{act: reeducation_autosondage, seances: 3}]}
    visits:
""" + visits)
    data = price_json(path)
    assert [rate for _, _, rate, _ in acts(data)] == [100] * 5
    assert total(data) == 5 * Decimal("13.78")


def test_per_day_beyond_the_prescribed_count(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [{act: injection_insuline, per_day: 2}]}
    plan:
      - acts: [injection_insuline]
        times: ["08:00", "12:00", "17:00"]
        until: 2025-03-04
""")
    r = run_cli("price", path, "--format", "json")
    assert r.exit_code == 1
    data = r.json
    assert [(d, rate) for d, _, rate, _ in acts(data)] == [("2025-03-03", 100), ("2025-03-03", 100), ("2025-03-03", 0),
                                                           ("2025-03-04", 100), ("2025-03-04", 100), ("2025-03-04", 0)]
    [w, _] = [w for w in data["warnings"] if w["code"] == "NGAP173"]
    assert w["line"] == 8 and w["time"] == "17:00"
    assert "la prescription « O1 » en prescrit 2 par jour, c'est le 3e du 03/03/2025" in w["message"]
    assert total(data) == 4 * Decimal("7.25")


def test_a_named_prescription_that_does_not_cover(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [injection_insuline]}
      - {id: O2, date: 2025-03-01, until: 2025-03-31, acts: [pansement_autre]}
    visits:
      - {time: "09:00", acts: [injection_insuline], prescription: O2}
      - {time: "18:00", acts: [injection_insuline], prescription: O1}
""")
    data = price_json(path)
    assert [rate for _, _, rate, _ in acts(data)] == [0, 100]
    [w] = [w for w in data["warnings"] if w["code"] == "NGAP171"]
    assert "la prescription « O2 » nommée pour ce passage ne le prescrit pas" in w["message"]
    assert total(data) == Decimal("7.25")


def test_programme_maximum_counts_from_the_prescription_first_day(tour):
    """Autosondage: 10 séances per programme. Eight séances in February under O1, then O2 from 01/03: without
    prescriptions the 11th séance in 183 days is only a warning (NGAP152); with them, the programme of O2
    starts on its first day: its ten séances are billed, the eleventh is refused (NGAP174)."""
    feb = "".join(f'      - {{date: 2025-02-{d:02d}, time: "10:00", acts: [reeducation_autosondage]}}\n'
                  for d in range(10, 18))
    mar = "".join(f'      - {{date: 2025-03-{d:02d}, time: "10:00", acts: [reeducation_autosondage]}}\n'
                  for d in range(3, 14))
    rx = """\
    prescriptions:
      - {id: O1, date: 2025-02-08, until: 2025-02-28, acts: [reeducation_autosondage]}
      - {id: O2, date: 2025-03-01, until: 2025-03-31, acts: [{act: reeducation_autosondage, seances: 20}]}
"""
    without = price_json(tour(HEAD + "    visits:\n" + feb + mar))
    assert "NGAP152" in codes(without) and "NGAP174" not in codes(without)
    assert total(without) == 19 * Decimal("13.78")
    r = run_cli("price", tour(HEAD + rx + "    visits:\n" + feb + mar), "--format", "json")
    assert r.exit_code == 1
    data = r.json
    assert "NGAP152" not in codes(data)
    [w] = [w for w in data["warnings"] if w["code"] == "NGAP174"]
    assert w["date"] == "2025-03-13"
    assert "séance n° 11 depuis le 01/03/2025, premier jour de la prescription « O2 »" in w["message"]
    assert total(data) == 18 * Decimal("13.78")


def test_mentions_of_the_covering_prescription(tour):
    """No « home »: no IFD; « night »: N at 21:00; « daily »: F on Sunday 09/03/2025."""
    path = tour(HEAD + """\
    prescription: {home: true, night: false, daily: false}
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [injection_insuline], home: false}
      - {id: O2, date: 2025-03-01, until: 2025-03-31, acts: [pansement_autre], night: true, daily: true}
    visits:
      - {date: 2025-03-04, time: "10:00", acts: [injection_insuline]}
      - {date: 2025-03-04, time: "21:00", acts: [pansement_autre]}
      - {date: 2025-03-09, time: "10:00", acts: [pansement_autre]}
      - {date: 2025-03-09, time: "11:00", acts: [injection_insuline]}
""")
    data = price_json(path)
    by_visit = {}
    for l in data["lines"]:
        by_visit.setdefault((l["date"], l["time"]), []).append(l["code"])
    assert by_visit[("2025-03-04", "10:00")] == ["AMI", "MAU"]          # no IFD: not prescribed at home
    assert by_visit[("2025-03-04", "21:00")] == ["AMI", "N", "IFD"]     # night prescribed
    assert by_visit[("2025-03-09", "10:00")] == ["AMI", "F", "IFD"]     # « rigoureusement quotidienne »
    assert by_visit[("2025-03-09", "11:00")] == ["AMI", "MAU"]          # Sunday, O1 not daily: no F, no IFD
    # 3.15 + 1.35 | 6.30 + 9.15 + 2.75 | 6.30 + 8.50 + 2.75 | 3.15 + 1.35
    assert total(data) == Decimal("44.75")


def test_patient_flags_stay_the_short_form_without_prescriptions(tour):
    path = tour(HEAD + """\
    prescription: {night: true}
    visits:
      - {time: "21:00", acts: [pansement_autre]}
""")
    data = price_json(path)
    assert [l["code"] for l in data["lines"]] == ["AMI", "N", "IFD"]
    assert total(data) == Decimal("18.20")


def test_free_cotation_is_covered_by_any_prescription_in_force(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-03, acts: [injection_insuline]}
    visits:
      - {date: 2025-03-03, time: "10:00", acts: [{cotation: "AMI 2", label: "soin prescrit"}]}
      - {date: 2025-03-04, time: "10:00", acts: [{cotation: "AMI 2", label: "soin prescrit"}]}
""")
    data = price_json(path)
    assert [rate for _, _, rate, _ in acts(data)] == [100, 0]
    assert codes(data).count("NGAP170") == 1


def test_audit_reports_an_act_billed_without_prescription_as_an_indu(tour):
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-01, until: 2025-03-31, acts: [injection_insuline]}
    visits:
      - {time: "09:00", acts: [pansement_autre], billed: "AMI2 + IFD"}
""")
    r = run_cli("audit", path, "--format", "json")
    assert r.exit_code == 1
    diffs = {d["item"]: d for d in r.json["differences"]}
    assert diffs["AMI"]["kind"] == "indu" and diffs["AMI"]["amount"] == "6.30"
    assert diffs["AMI"]["article"] == "NGAP DG art. 5" and diffs["AMI"]["diagnostic"] == "NGAP170"
    assert diffs["IFD"]["kind"] == "indu"
    assert r.json["totals"]["undue"] == "9.05"


def test_an_urgent_prescription_makes_its_visits_urgent(tour):
    """« urgent » on the prescription a visit names: Saturday 08/03/2025 at 10:00 is then a Saturday urgent
    passage (F, DG art. 14); the same care under a prescription without the mention gets no F."""
    path = tour(HEAD + """\
    prescriptions:
      - {id: O1, date: 2025-03-08, days: 1, acts: [pansement_autre], urgent: true}
      - {id: O2, date: 2025-03-08, days: 1, acts: [injection_sc]}
    visits:
      - {date: 2025-03-08, time: "10:00", acts: [pansement_autre], prescription: O1}
      - {date: 2025-03-08, time: "11:00", acts: [injection_sc], prescription: O2}
""")
    data = price_json(path)
    assert [l["code"] for l in data["lines"] if l["time"] == "10:00"] == ["AMI", "F", "IFD"]
    assert [l["code"] for l in data["lines"] if l["time"] == "11:00"] == ["AMI", "MAU", "IFD"]
    # 6.30 + 8.50 + 2.75 | 3.15 + 1.35 + 2.75
    assert total(data) == Decimal("24.80")
