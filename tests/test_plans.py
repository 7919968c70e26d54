"""Care plans (contract §5): expansion of `plan` entries into visits, priced by the real CLI."""
from __future__ import annotations

from decimal import Decimal

from tests.conftest import lines_of, price_json, run_cli, total

HEAD = """\
date: 2025-03-03
nurse: {name: Claire Martin}
patients:
  - id: P1
"""
# injection_insuline alone at home: AMI 1 (3.15) + MAU (1.35) + IFD (2.75) = 7.25 a visit
VISIT = Decimal("7.25")


def visits(data) -> list[tuple[str, str, int]]:
    return [(l["date"], l["time"], l["visit"]) for l in lines_of(data, kind="act")]


def test_every_second_day_from_the_first_day(tour):
    path = tour(HEAD + """\
    plan:
      - acts: [injection_insuline]
        times: ["07:30"]
        days: {every: 2}
        until: 2025-03-09
""")
    data = price_json(path)
    assert visits(data) == [("2025-03-03", "07:30", 1), ("2025-03-05", "07:30", 2), ("2025-03-07", "07:30", 3),
                            ("2025-03-09", "07:30", 4)]
    assert total(data) == 4 * VISIT == Decimal("29.00")


def test_french_and_english_day_names_and_except(tour):
    path = tour(HEAD + """\
    plan:
      - acts: [injection_insuline]
        times: ["07:30", "18:30"]
        days: [lun, Mercredi, fri]
        from: 2025-03-03
        until: 2025-03-16
        except: [2025-03-12]
""")
    data = price_json(path)
    days = sorted({d for d, _, _ in visits(data)})
    # Mondays 3 and 10, Wednesday 5 (not 12: excepted), Fridays 7 and 14
    assert days == ["2025-03-03", "2025-03-05", "2025-03-07", "2025-03-10", "2025-03-14"]
    assert len(visits(data)) == 10
    assert total(data) == 10 * VISIT


def test_weekdays_and_daily(tour):
    path = tour(HEAD + """\
    plan:
      - acts: [injection_insuline]
        times: ["07:30"]
        days: weekdays
        until: 2025-03-16
      - acts: [injection_insuline]
        times: ["12:00"]
        until: 2025-03-05
""")
    data = price_json(path)
    assert len([v for v in visits(data) if v[1] == "07:30"]) == 10
    assert [v[0] for v in visits(data) if v[1] == "12:00"] == ["2025-03-03", "2025-03-04", "2025-03-05"]
    # per day, per time, in file order: the visits are numbered in that order
    assert [v[2] for v in visits(data)] == list(range(1, 14))


def test_a_one_off_visit_replaces_the_planned_one_at_the_same_date_and_time(tour):
    path = tour(HEAD + """\
    plan:
      - acts: [injection_insuline]
        times: ["07:30", "18:30"]
        until: 2025-03-04
    visits:
      - {date: 2025-03-04, time: "07:30", acts: [pansement_autre]}
""")
    data = price_json(path)
    acts = [(l["date"], l["time"], l["act"]) for l in lines_of(data, kind="act")]
    assert acts == [("2025-03-03", "07:30", "injection_insuline"), ("2025-03-03", "18:30", "injection_insuline"),
                    ("2025-03-04", "07:30", "pansement_autre"), ("2025-03-04", "18:30", "injection_insuline")]
    # pansement_autre: AMI 2 (6.30) + IFD 2.75, no MAU (coefficient over 1.5)
    assert total(data) == 3 * VISIT + Decimal("9.05")


def test_a_tour_without_plan_is_priced_as_before(tour):
    path = tour(HEAD + """\
    visits:
      - time: "07:30"
        acts: [injection_insuline]
""")
    data = price_json(path)
    assert total(data) == VISIT


def test_plan_error_points_at_file_line_and_column(tour):
    path = tour(HEAD + """\
    plan:
      - acts: [injection_insuline]
        times: ["07:30"]
        days: [lun, jeudy]
        until: 2025-03-09
""")
    r = run_cli("price", path)
    assert r.exit_code == 2
    assert f"{path}:8:21: « days » : jour « jeudy » inconnu (« jeudi » ?)" in r.stderr
