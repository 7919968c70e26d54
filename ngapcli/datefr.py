"""Dates as a French user writes them, for every date option: AAAA-MM-JJ or JJ/MM/AAAA (also JJ-MM-AAAA,
JJ.MM.AAAA); a well-formed date that does not exist (2025-13-01, 30/02/2025) is said to be impossible."""
from __future__ import annotations

import re
from datetime import date

from ngapcli.errors import UsageError

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def fr_date(day: date) -> str:
    """A date as written in France, in the sentences of messages (JJ/MM/AAAA; JSON keeps ISO)."""
    return day.strftime("%d/%m/%Y")


def year_month_day(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) as written in ``text`` (AAAA-MM-JJ or JJ/MM/AAAA), not checked; None if neither."""
    raw = str(text).strip()
    m = _ISO.fullmatch(raw)
    if m:
        return int(m[1]), int(m[2]), int(m[3])
    m = _FR.fullmatch(raw)
    return (int(m[3]), int(m[2]), int(m[1])) if m else None


def parse(text: str, option: str | None = None) -> date:
    """The date written in ``text``; UsageError (French, naming ``option``) when it is not one."""
    ymd = year_month_day(text)
    where = f"{option} : " if option else ""
    if ymd is None:
        raise UsageError(f"{where}date « {text} » illisible (AAAA-MM-JJ ou JJ/MM/AAAA)")
    try:
        return date(*ymd)
    except ValueError:
        raise UsageError(f"{where}date « {text} » impossible : "
                         + ("il n'y a que 12 mois" if not 1 <= ymd[1] <= 12
                            else f"ce mois n'a pas de jour {ymd[2]}")) from None
