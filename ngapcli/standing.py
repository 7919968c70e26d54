"""A patient's standing care as read from a tour (contract §5): the prescriptions (ordonnances) and the plan
entries. Apart from ``model`` so that a tour without them — most tours — does not build these classes
(the cold start is benchmarked): ``tourfile`` imports this module when a patient has one."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ngapcli.model import ActRef


@dataclass(slots=True)
class PrescribedAct:
    """An act an ordonnance prescribes, with its quantity when it gives one."""
    act_id: str
    seances: int | None = None   # séances in all
    per_day: int | None = None   # at most this many a day
    line: int | None = None


@dataclass(slots=True)
class Ordonnance:
    """A written prescription (NGAP DG art. 5): what it covers, from when to when, and its mentions."""
    id: str
    written: date                # `date`: the day it was written
    start: date                  # `from` (default: written)
    end: date                    # `until`, or start + days - 1
    acts: list[PrescribedAct] = field(default_factory=list)
    home: bool = True
    night: bool = False
    daily: bool = False
    urgent: bool = False
    line: int | None = None

    def prescribes(self, act_id: str | None) -> PrescribedAct | None:
        for a in self.acts:
            if a.act_id == act_id:
                return a
        return None


@dataclass(slots=True)
class PlanEntry:
    """Standing care: the same visit at each time of each day of the entry (see ngapcli/plans.py)."""
    acts: list[ActRef]
    times: list[tuple[str, int]]        # ("07:30", 450), in the order written
    days: str                           # daily | weekdays | names | every
    weekdays: frozenset[int]            # 0 = Monday, for daily / weekdays / names
    every: int | None                   # every N days from `start`
    start: date
    end: date
    excepted: frozenset[date] = frozenset()
    prescription: str | None = None
    place: str = "home"
    urgent: bool = False
    dependence: bool = False
    line: int | None = None
