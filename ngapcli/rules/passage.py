"""A passage (one visit of one nurse to one patient) and its acts, ready to be priced."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ngapcli.diagnostics import rule
from ngapcli.model import Patient, Prescription, Tour, Visit
from ngapcli.result import Diagnostic, Line
from ngapcli.tariffs import Act


@dataclass(slots=True)
class Item:
    """One act occurrence in a passage."""
    act: Act | None
    act_id: str | None
    letter: str
    coefficient: Decimal
    label: str
    groups: frozenset[str]
    amx: str
    source_line: int | None
    rate: int = 100
    rule: str = ""
    refused: bool = False   # not billable at all (diagnostic given)
    prescription: str | None = None   # id of the ordonnance covering it (rules/prescriptions.py)

    @property
    def billed(self) -> bool:
        return not self.refused and self.rate > 0

    def has(self, group: str) -> bool:
        return group in self.groups

    def refuse(self, why: str) -> None:
        self.refused, self.rate, self.rule = True, 0, why

    def billed_coefficient(self) -> Decimal:
        if self.rate == 50:
            return self.coefficient * Decimal("0.5")
        return self.coefficient


@dataclass(slots=True)
class Passage:
    order: int
    tour: Tour
    patient: Patient
    visit: Visit
    day: date
    nurse_key: str
    items: list[Item] = field(default_factory=list)
    dependence: bool = False
    skip: bool = False            # nothing priced (date outside tariffs)
    forfait: Line | None = None
    acts_lines: list[Line] = field(default_factory=list)
    majorations: list[Line] = field(default_factory=list)
    travel: list[Line] = field(default_factory=list)
    priced: list[Item] | None = None  # the billed items, fixed once the acts are priced
    iso: str = ""                     # the day as written in lines and diagnostics
    mentions: Prescription | None = None  # home / night / daily justifying IFD and majorations

    def __post_init__(self):
        self.iso = self.day.isoformat()
        if self.mentions is None:     # the patient's short form; the covering prescriptions' when given
            self.mentions = self.patient.prescription

    @property
    def home(self) -> bool:
        return self.visit.place == "home"

    @property
    def has_care(self) -> bool:
        """Something is billed in this passage: an act, or dependence care under the day's forfait."""
        return self.dependence or self.forfait is not None or bool(self.billed_items)

    @property
    def bsi_bilan(self) -> bool:
        """A BSI bilan (DI, chap. I art. 12) is billed in this passage: a trip for dependence care (IFI)."""
        return any(i.has("bsi_bilan") for i in self.billed_items)

    @property
    def billed_items(self) -> list[Item]:
        if self.priced is not None:
            return self.priced
        return [i for i in self.items if i.billed]

    def lines(self) -> list[Line]:
        out = list(self.acts_lines)
        if self.forfait:
            out.append(self.forfait)
        return out + self.majorations + self.travel


class Diagnostics:
    """Collects diagnostics with the place of the passage they come from."""

    def __init__(self):
        self.items: list[Diagnostic] = []
        self._seen: set[tuple] = set()

    def add(self, code: str, message: str, p: Passage | None = None, line: int | None = None,
            *, file: str = "", once: bool = False, day=None) -> None:
        r = rule(code)
        d = Diagnostic(code, r.severity, message, r.reference, file)
        if day is not None:
            d.date = day.isoformat()
        if p is not None:
            d.file = p.tour.file
            d.line = line if line is not None else p.visit.line
            d.patient = p.patient.id
            d.date = p.iso
            d.time = p.visit.time
        elif line is not None:
            d.line = line
        if once:
            key = (d.code, d.file, d.patient, d.date, d.message)
            if key in self._seen:
                return
            self._seen.add(key)
        self.items.append(d)
