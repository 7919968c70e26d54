"""The parsed tour: plain data, validated, with the line of each item in its file."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(slots=True)
class Nurse:
    name: str = ""
    terrain: str = "plaine"  # plaine | montagne | pied_ski
    replaces: str | None = None
    cabinet_fee_percent: Decimal | None = None


@dataclass(slots=True)
class Prescription:
    home: bool = True
    night: bool = False
    daily: bool = False


@dataclass(slots=True)
class ActRef:
    act_id: str | None           # catalog id, or None for a free cotation
    letter: str | None = None    # free cotation only
    coefficient: Decimal | None = None
    label: str | None = None
    quantity: int = 1
    line: int | None = None


@dataclass(slots=True)
class Visit:
    date: date
    time: str                    # "HH:MM"
    minutes: int                 # minutes since midnight
    place: str = "home"
    dependence: bool = False
    urgent: bool = False
    called_at: int | None = None  # minutes since midnight
    acts: list[ActRef] = field(default_factory=list)
    billed: str | None = None
    billed_line: int | None = None
    billed_column: int | None = None   # column of the YAML value (the quote, if quoted)
    line: int | None = None
    number: int = 0              # 1-based rank in the patient's list, as written
    prescription: str | None = None   # the ordonnance named for this visit
    plan_line: int | None = None      # the plan entry this visit was expanded from


@dataclass(slots=True)
class Patient:
    id: str
    name: str | None = None
    age: int | None = None
    birth_date: date | None = None
    bsi: str | None = None
    coverage: str = "standard"
    household: str | None = None
    distance_km: Decimal | None = None
    outside_agglomeration: bool = False
    nearest_cabinet_km: Decimal | None = None
    palliative: bool = False
    prescription: Prescription = field(default_factory=Prescription)
    visits: list[Visit] = field(default_factory=list)
    line: int | None = None
    ordonnances: list[Ordonnance] = field(default_factory=list)   # `prescriptions`
    plan: list[PlanEntry] = field(default_factory=list)

    def age_on(self, day: date, tour_date: date) -> int | None:
        if self.birth_date is not None:
            b = self.birth_date
            return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
        if self.age is not None:  # age as of the document date
            return self.age + max(0, (day - tour_date).days // 366)
        return None


@dataclass(slots=True)
class Tour:
    """One YAML document: one nurse's work over one or more days."""
    file: str
    document: int
    date: date
    zone: str
    nurse: Nurse
    patients: list[Patient]
    line: int | None = None
