"""What a tariff folder (an overlay or a full folder) changes against the shipped tariffs: one row per
change, ``{file, key, date, zone, shipped, overlay}`` (``ngap tariffs --tariffs DIR --diff``).

Values are compared as they apply, date by date: for each key and group of zones (``metropole``: métropole
and Alsace-Moselle; ``dom``: the five DOM, which take the métropole rows when they have none), every date
at which either side has a row gives a row when the value in force that day differs. Act coefficients
likewise; other act fields, rule parameters, zones and the franchise by dotted path.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

GROUPS = ("metropole", "dom")
VALUE_TOP = ("checked_on", "stale_after_days", "first_date", "pending")


def changes(shipped: dict, other: dict) -> list[dict]:
    """Rows of the changes from ``shipped`` to ``other`` (file name → data, as read from the folders)."""
    rows: list[dict] = []
    _values(shipped["values.yaml"], other["values.yaml"], rows)
    _acts(shipped["acts.yaml"]["acts"], other["acts.yaml"]["acts"], rows)
    for name in ("rules.yaml", "zones.yaml", "franchise.yaml"):
        if other.get(name) is not None and shipped.get(name) is not None:
            _flat(name, "", shipped[name], other[name], rows)
    return rows


def _row(file: str, key: str, day, zone, before, after) -> dict:
    return {"file": file, "key": key, "date": day.isoformat() if isinstance(day, date) else day, "zone": zone,
            "shipped": _plain(before), "overlay": _plain(after)}


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _same(a, b) -> bool:
    try:
        return a == b or (a is not None and b is not None and not isinstance(a, bool) and not isinstance(b, bool)
                          and Decimal(str(a)) == Decimal(str(b)))
    except (InvalidOperation, ValueError):
        return False


def _dated(rows, fallback=None) -> list[tuple[date, object]]:
    rows = rows if rows else fallback
    return sorted((r["from"], r.get("value")) for r in rows or [])


def _at(rows: list[tuple[date, object]], day: date):
    found = None
    for start, value in rows:
        if start <= day:
            found = value
    return found


def _dated_rows(file: str, key: str, zone, before: list, after: list, rows: list) -> None:
    for day in sorted({d for d, _ in before} | {d for d, _ in after}):
        x, y = _at(before, day), _at(after, day)
        if not _same(x, y):
            rows.append(_row(file, key, day, zone, x, y))


def _values(shipped: dict, other: dict, rows: list) -> None:
    for key in VALUE_TOP:
        if not _same(shipped.get(key), other.get(key)):
            rows.append(_row("values.yaml", key, None, None, shipped.get(key), other.get(key)))
    a, b = shipped.get("values") or {}, other.get("values") or {}
    for key in [*a, *(k for k in b if k not in a)]:
        sa, sb = a.get(key) or {}, b.get(key) or {}
        for group in GROUPS:
            _dated_rows("values.yaml", key, group, _dated(sa.get(group), sa.get("metropole")),
                        _dated(sb.get(group), sb.get("metropole")), rows)
        for field in ("label", "code", "uncertain"):
            if sa.get(field) != sb.get(field):
                rows.append(_row("values.yaml", f"{key}.{field}", None, None, sa.get(field), sb.get(field)))


def _history(act: dict | None) -> list[tuple[date, object]]:
    if act is None:
        return []
    return _dated(act.get("coefficients") or [{"from": act.get("from") or date(2009, 4, 15),
                                               "value": act.get("coefficient")}])


def _acts(shipped: list, other: list, rows: list) -> None:
    a, b = {x["id"]: x for x in shipped}, {x["id"]: x for x in other}
    for ident in [*a, *(k for k in b if k not in a)]:
        x, y = a.get(ident), b.get(ident)
        if x is None or y is None:
            rows.append(_row("acts.yaml", ident, None, None, "présent" if x else None, "présent" if y else None))
            continue
        _dated_rows("acts.yaml", f"{ident}.coefficient", None, _history(x), _history(y), rows)
        for field in [*x, *(k for k in y if k not in x)]:
            if field not in ("id", "coefficient", "coefficients") and not _same(x.get(field), y.get(field)):
                rows.append(_row("acts.yaml", f"{ident}.{field}", None, None, x.get(field), y.get(field)))


def _flat(file: str, prefix: str, a, b, rows: list) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            _flat(file, f"{prefix}.{key}" if prefix else str(key), a.get(key), b.get(key), rows)
    elif not _same(a, b):
        rows.append(_row(file, prefix, None, None, a, b))
