"""Properties of plan expansion (contract §5, hypothesis): pricing a plan equals pricing its `ngap plan`
output; no visit falls outside `from`–`until` or on an excepted day; the count of visits follows from
the entry. Derandomized and bounded like tests/test_properties.py."""
from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli

NAMES = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
         "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEKDAY = {n: i % 7 for i, n in enumerate(NAMES[:14])} | {n: i for i, n in enumerate(NAMES[14:])}
ACTS = ["injection_insuline", "surveillance_glycemie_insuline", "pansement_autre", "injection_sc",
        "prelevement_veineux", "reeducation_autosondage"]


@st.composite
def entries(draw):
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    end = start + timedelta(days=draw(st.integers(0, 45)))
    kind = draw(st.sampled_from(["daily", "weekdays", "names", "every", "none"]))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)) if kind == "names" else None
    every = draw(st.integers(1, 9)) if kind == "every" else None
    span = (end - start).days + 1
    excepted = sorted({start + timedelta(days=d) for d in draw(st.lists(st.integers(0, span - 1), max_size=4))})
    minutes = sorted(draw(st.sets(st.integers(0, 23 * 60 + 59), min_size=1, max_size=3)))
    acts = draw(st.lists(st.sampled_from(ACTS), min_size=1, max_size=3))
    return {"start": start, "end": end, "kind": kind, "names": names, "every": every, "excepted": excepted,
            "times": [f"{m // 60:02d}:{m % 60:02d}" for m in minutes], "acts": acts}


def entry_yaml(e: dict, rx: bool) -> str:
    days = {"daily": "daily", "weekdays": "weekdays", "none": None,
            "names": "[" + ", ".join(e["names"] or []) + "]", "every": f"{{every: {e['every']}}}"}[e["kind"]]
    out = [f"      - acts: [{', '.join(e['acts'])}]", f"        times: [{', '.join(repr(t) for t in e['times'])}]",
           f"        from: {e['start']}", f"        until: {e['end']}"]
    if days:
        out.append(f"        days: {days}")
    if e["excepted"]:
        out.append(f"        except: [{', '.join(str(d) for d in e['excepted'])}]")
    if rx:
        out.append("        prescription: O1")
    return "\n".join(out) + "\n"


def expected_days(e: dict) -> list[date]:
    out = []
    for n in range((e["end"] - e["start"]).days + 1):
        d = e["start"] + timedelta(days=n)
        if d in e["excepted"]:
            continue
        k = e["kind"]
        if (k in ("daily", "none") or (k == "weekdays" and d.weekday() < 5)
                or (k == "names" and d.weekday() in {WEEKDAY[x] for x in e["names"]})
                or (k == "every" and n % e["every"] == 0)):
            out.append(d)
    return out


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(e=entries(), rx=st.booleans(), seances=st.integers(1, 30))
def test_plan_expansion_properties(tmp_path_factory, e, rx, seances):
    tmp = tmp_path_factory.mktemp("plan")
    head = f"date: {e['start']}\nnurse: {{name: Claire Martin}}\npatients:\n  - id: P1\n"
    if rx:   # a prescription over the entry with a number of séances: quantities must price the same too
        acts = ", ".join(f"{{act: {a}, seances: {seances}}}" for a in dict.fromkeys(e["acts"]))
        head += (f"    prescriptions:\n      - {{id: O1, date: {e['start']}, until: {e['end']}, acts: [{acts}], "
                 "night: true, daily: true}\n")
    src = tmp / "plan.yaml"
    src.write_text(head + "    plan:\n" + entry_yaml(e, rx), encoding="utf-8")
    expanded = run_cli("plan", src)
    assert expanded.exit_code == 0, expanded.stderr
    out = tmp / "out.yaml"
    out.write_text(expanded.stdout, encoding="utf-8")
    a = run_cli("price", src, "--format", "json")
    b = run_cli("price", out, "--format", "json")
    assert a.exit_code in (0, 1) and b.exit_code == a.exit_code, a.stderr + b.stderr
    la, lb = json.loads(a.stdout), json.loads(b.stdout)
    strip = lambda d: [{k: v for k, v in l.items() if k != "file"} for l in d["lines"]]  # noqa: E731
    assert strip(la) == strip(lb) and la["totals"] == lb["totals"]
    assert [w["code"] for w in la["warnings"]] == [w["code"] for w in lb["warnings"]]
    visits = sorted({(l["date"], l["time"]) for l in la["lines"]} | {
        (w["date"], w["time"]) for w in la["warnings"] if w["time"]})
    days = expected_days(e)
    # every visit is inside the entry and on one of its days; the count follows from the entry
    written = expanded.stdout.count("      - {date:")
    assert written == len(days) * len(e["times"])
    for d, _ in visits:
        day = date.fromisoformat(d)
        assert e["start"] <= day <= e["end"] and day not in e["excepted"] and day in days
