"""JSON and CSV output (contract §3): nothing but data on stdout; no rich import here."""
from __future__ import annotations

import csv
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
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(rows: list[dict], out: TextIO, columns: list[str] = CSV_COLUMNS) -> None:
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
