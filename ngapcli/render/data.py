"""JSON and CSV output (contract §3): nothing but data on stdout; no rich import here."""
from __future__ import annotations

import json
from typing import TextIO

from ngapcli import __version__
from ngapcli.result import Result

CSV_COLUMNS = ["file", "nurse", "date", "patient", "visit", "time", "kind", "code", "coefficient", "rate",
               "quantity", "unit_value", "amount", "act", "label", "rule", "amo"]


def price_document(result: Result) -> dict:
    return {
        "ngap_version": __version__,
        "lines": [l.as_dict() for l in result.lines],
        "warnings": [d.as_dict() for d in result.diagnostics],
        "totals": result.totals(),
    }


def write_json(doc: dict, out: TextIO) -> None:
    """Indented JSON with one record per line: the keys of objects on their own lines, each item of a
    list (a line, a warning, a file…) on one line. The items are written by json's C encoder: with
    ``indent`` the whole document would go through the pure-Python one, 5 to 10 times slower."""
    out.write(_pretty(doc, "\n"))
    out.write("\n")


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _pretty(value, newline: str) -> str:
    if isinstance(value, dict) and value:
        inner = newline + "  "
        items = (f"{_ENCODE(str(k))}: {_pretty(v, inner)}" for k, v in value.items())
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, list) and value:
        inner = newline + "  "
        return "[" + inner + ("," + inner).join(map(_ENCODE, value)) + newline + "]"
    return _ENCODE(value)


def write_csv(rows: list[dict], out: TextIO, columns: list[str] = CSV_COLUMNS) -> None:
    import csv

    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
