"""`--day D`, `--from D --to D`: the days a command shows (contract §5).

The tours are always priced whole — a prescription's séances and the limits over several days count
every visit of the files — and only the lines, diagnostics and audited visits of the period are kept:
a nurse keeps one file for the month and prices her day, with the same amounts as in the month.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ngapcli.datefr import parse as parse_date
from ngapcli.errors import UsageError
from ngapcli.result import Result


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_options(cls, day: str | None, date_from: str | None, date_to: str | None) -> "Period":
        if day is not None and (date_from is not None or date_to is not None):
            raise UsageError("--day ne se combine pas avec --from ou --to (un jour, ou une période)")
        if day is not None:
            d = parse_date(day, "--day")
            return cls(d, d)
        start = parse_date(date_from, "--from") if date_from is not None else None
        end = parse_date(date_to, "--to") if date_to is not None else None
        if start and end and start > end:
            raise UsageError(f"--from {start} est après --to {end}")
        return cls(start, end)

    @property
    def active(self) -> bool:
        return self.start is not None or self.end is not None

    def keeps(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def keeps_iso(self, day: str | None) -> bool:
        if day is None or not self.active:
            return True
        try:
            return self.keeps(date.fromisoformat(day))
        except ValueError:
            return True

    def result(self, r: Result) -> Result:
        """The lines and diagnostics of the period (the diagnostics without a date are kept)."""
        if not self.active:
            return r
        return Result(lines=[l for l in r.lines if self.keeps_iso(l.date)],
                      diagnostics=[d for d in r.diagnostics if self.keeps_iso(d.date)], patients=r.patients,
                      nurses=r.nurses, prescriptions=r.prescriptions)

    def audit(self, a):
        """An audit's visits and differences of the period."""
        if not self.active:
            return a
        from ngapcli.audit import AuditResult

        return AuditResult([v for v in a.visits if self.keeps(v.visit.date)],
                           [d for d in a.differences if self.keeps_iso(d.where.get("date"))],
                           [d for d in a.diagnostics if self.keeps_iso(d.date)])
