"""What the rules produce: priced lines, diagnostics and totals (no I/O here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    """Round half-up to the cent (NGAP practice: AMI 1.5 = 4.725 → 4.73)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def num(value: Decimal) -> str:
    """A coefficient as written on a bill: 1.5, 0.75, 10 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


@dataclass(slots=True)
class Line:
    file: str
    nurse: str
    date: str
    patient: str
    visit: int
    time: str
    kind: str            # act | forfait | majoration | travel
    code: str
    coefficient: Decimal
    rate: int
    quantity: Decimal
    unit_value: Decimal
    amount: Decimal
    act: str | None
    label: str
    rule: str
    amo: Decimal = ZERO
    source_line: int | None = None

    def as_dict(self) -> dict:
        q = self.quantity
        return {
            "file": self.file, "nurse": self.nurse, "date": self.date, "patient": self.patient,
            "visit": self.visit, "time": self.time, "kind": self.kind, "code": self.code,
            "coefficient": num(self.coefficient), "rate": self.rate,
            "quantity": int(q) if q == q.to_integral_value() else float(q),
            "unit_value": str(self.unit_value), "amount": str(self.amount), "act": self.act,
            "label": self.label, "rule": self.rule, "amo": str(self.amo),
        }


@dataclass(slots=True)
class Diagnostic:
    code: str
    severity: str
    message: str
    reference: str
    file: str = ""
    line: int | None = None
    patient: str | None = None
    date: str | None = None
    time: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "file": self.file, "line": self.line,
                "patient": self.patient, "date": self.date, "time": self.time,
                "message": self.message, "reference": self.reference}


@dataclass
class Result:
    lines: list[Line] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # read back from the JSON of `ngap price` only: (file, patient id) -> (Patient, document) and
    # (file, nurse name) -> Nurse
    patients: dict | None = None
    nurses: dict | None = None
    prescriptions: list | None = None   # rules.prescriptions.Usage, one per prescription and act

    def totals(self) -> dict:
        amount = sum((l.amount for l in self.lines), ZERO)
        amo = sum((l.amo for l in self.lines), ZERO)
        by_patient: dict[str, Decimal] = {}
        by_code: dict[str, Decimal] = {}
        for l in self.lines:
            by_patient[l.patient] = by_patient.get(l.patient, ZERO) + l.amount
            by_code[l.code] = by_code.get(l.code, ZERO) + l.amount
        return {
            "amount": str(amount), "amo": str(amo), "patient_share": str(amount - amo),
            "by_patient": {k: str(v) for k, v in by_patient.items()},
            "by_code": {k: str(v) for k, v in sorted(by_code.items())},
        }

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    @property
    def has_warnings(self) -> bool:
        return any(d.severity in ("error", "warning") for d in self.diagnostics)
