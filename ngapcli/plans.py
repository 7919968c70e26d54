"""Care plans (contract §5): standing care expanded into plain visits, deterministically.

Each plan entry gives one visit per time of ``times`` on each day of the entry (``from``–``until``, on
its ``days``, not on an ``except`` day). Order: per day, per time, in file order (the entries first,
then the one-off visits, each in the order written). A one-off visit at the same date and time as a
planned one replaces it. The visits of a patient with a plan are numbered in that order, and
``ngap plan`` writes them in that order: pricing its output gives the same lines.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from ngapcli.model import Patient, Visit

if TYPE_CHECKING:
    from ngapcli.standing import PlanEntry

# day names as written in a plan (lower case): English and French, short and full
DAY_NAMES: dict[str, int] = {}
for _n, _names in enumerate((("mon", "monday", "lun", "lundi"), ("tue", "tuesday", "mar", "mardi"),
                             ("wed", "wednesday", "mer", "mercredi"), ("thu", "thursday", "jeu", "jeudi"),
                             ("fri", "friday", "ven", "vendredi"), ("sat", "saturday", "sam", "samedi"),
                             ("sun", "sunday", "dim", "dimanche"))):
    for _name in _names:
        DAY_NAMES[_name] = _n
DAILY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
MAX_ENTRY_DAYS = 366


def entry_days(e: PlanEntry) -> list[date]:
    """The days of an entry that have its visits, in order."""
    out = []
    day, one = e.start, timedelta(days=1)
    while day <= e.end:
        if day not in e.excepted:
            if e.every:
                if (day - e.start).days % e.every == 0:
                    out.append(day)
            elif day.weekday() in e.weekdays:
                out.append(day)
        day += one
    return out


def visit_count(e: PlanEntry) -> int:
    return len(entry_days(e)) * len(e.times)


def planned_visits(e: PlanEntry, days: list[date] | None = None) -> list[Visit]:
    """The visits of one entry, per day then per time."""
    return [Visit(date=d, time=t, minutes=m, place=e.place, dependence=e.dependence, urgent=e.urgent,
                  acts=e.acts, line=e.line, prescription=e.prescription, plan_line=e.line)
            for d in (entry_days(e) if days is None else days) for t, m in e.times]


def expand(patient: Patient) -> None:
    """Replace ``patient.visits`` (the one-off ones, as read) by the planned and one-off visits, in order,
    numbered; a patient without a plan is left as written."""
    if not patient.plan:
        return
    one_off = {(v.date, v.minutes) for v in patient.visits}
    planned = [v for e in patient.plan for v in planned_visits(e) if (v.date, v.minutes) not in one_off]
    # sorted() is stable: at one date and time, the entries in file order, then the one-off visits
    merged = sorted(planned + patient.visits, key=lambda v: (v.date, v.minutes))
    for n, v in enumerate(merged, 1):
        v.number = n
    patient.visits = merged
