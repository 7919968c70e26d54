"""Numbers, money and coefficients as a French reader writes them, for tables only (JSON and CSV keep the
plain decimals of the contract).

- decimal comma, thousands grouped by a narrow no-break space (U+202F): « 832 561,35 » ;
- one minus sign, the typographic one (U+2212), and never a negative zero (« 0,00 », not « −0,00 »);
- money always with « € »;
- a half-rated act as nurses write it: « 1,5/2 » (coefficient 1,5 at 50 %), not the billed 0,75.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

THIN = "\u202f"     # narrow no-break space: thousands separator
MINUS = "\u2212"    # minus sign


def _decimal(value) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(MINUS, "-")
        if not text or not (text[0].isdigit() or text[0] in "+-."):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return None


def number(value, sign: bool = False) -> str:
    """« 1 234,5 » (U+202F between groups) ; « −2,36 » ; « 0,00 » for −0,00 ; « — » for None.
    ``sign``: a plus sign before a positive number (a difference)."""
    if value is None:
        return "—"
    d = _decimal(value)
    if d is None or not d.is_finite():
        return str(value).replace(".", ",")
    text = f"{d:f}" if isinstance(value, (Decimal, str)) else str(value)
    negative = text.startswith("-")
    text = text.lstrip("+-")
    whole, _, frac = text.partition(".")
    if len(whole) > 4 or (len(whole) == 4 and whole.isdigit()):
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = THIN.join([whole, *groups])
    out = whole + ("," + frac if frac else "")
    if d == 0:
        negative = False
    if negative:
        return MINUS + out
    return ("+" + out) if sign and d > 0 else out


def euros(value, sign: bool = False) -> str:
    """« 4,73 € », « 1 234,00 € », « — » for None."""
    return "—" if value is None else f"{number(value, sign)} €"


def percent(value, sign: bool = False) -> str:
    return "—" if value is None else f"{number(value, sign)} %"


def coefficient(coef, rate: int | None = 100, quantity=1) -> str:
    """The coefficient of a line as nurses write it: 1,5 ; « 1,5/2 » for a half rate (the billed
    coefficient 0,75 is the written one halved); « ×2 » for a quantity."""
    d = _decimal(coef)
    if rate == 50 and d is not None:
        text = number(_trim(d * 2)) + "/2"
    else:
        text = number(_trim(d) if d is not None else coef)
    q = _decimal(quantity)
    return text + (f" ×{number(_trim(q))}" if q is not None and q != 1 else "")


def _trim(d: Decimal) -> Decimal:
    """1.50 → 1.5, 2.00 → 2 (no exponent)."""
    if d == d.to_integral():
        return d.quantize(Decimal(1))
    return d.normalize()
