"""JSON and CSV output (contract §3): nothing but data on stdout; no rich import here."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Callable, TextIO

from ngapcli import __version__
from ngapcli.result import Result

CSV_COLUMNS = ["file", "nurse", "date", "patient", "visit", "time", "kind", "code", "coefficient", "rate",
               "quantity", "unit_value", "amount", "act", "label", "rule", "amo"]


def price_document(result: Result, tours: list = ()) -> dict:
    doc = {
        "ngap_version": __version__,
        "lines": [l.as_dict() for l in result.lines],
        "warnings": [d.as_dict() for d in result.diagnostics],
        "totals": result.totals(),
    }
    if tours:
        doc["patients"] = patients_document(tours)
        doc["nurses"] = nurses_document(tours)
    return doc


def nurses_document(tours: list) -> list[dict]:
    """Each nurse of each file, once, with whom she replaces and the cabinet fee she leaves: the
    rétrocession of `ngap price … | ngap report -` (contract §3)."""
    out, seen = [], set()
    for t in tours:
        n = t.nurse
        if (t.file, n.name) in seen:
            continue
        seen.add((t.file, n.name))
        out.append({"file": t.file, "nurse": n.name, "replaces": n.replaces,
                    "cabinet_fee_percent": None if n.cabinet_fee_percent is None else str(n.cabinet_fee_percent)})
    return out


def patients_document(tours: list) -> list[dict]:
    """Who the lines are about, once per (file, patient): coverage and age, so that `ngap price … | ngap
    report -` applies the franchise exemptions (minors, maternity, CSS, AME) like `ngap report` on the files.
    ``date`` is the document date, the day a given ``age`` holds."""
    out, seen = [], set()
    for t in tours:
        for p in t.patients:
            if (t.file, p.id) in seen:
                continue
            seen.add((t.file, p.id))
            out.append({"file": t.file, "patient": p.id, "coverage": p.coverage, "age": p.age,
                        "birth_date": p.birth_date.isoformat() if p.birth_date else None,
                        "date": t.date.isoformat()})
    return out


def write_json(doc: dict, out: TextIO) -> None:
    """Indented JSON with one record per line: the keys of objects on their own lines, each item of a
    list (a line, a warning, a file…) on one line. The items are written one by one by json's C encoder:
    with ``indent`` the whole document would go through the pure-Python encoder, 5 to 10 times slower."""
    _write(doc, out.write, "\n")
    out.write("\n")


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


class Mapped(Sequence):
    """``[fn(x) for x in items]`` computed item by item when read: a long list (the warnings of a year's
    report) is written without ever existing as a list of dicts. ``len`` works, and indexing when ``items``
    is a sequence (a :class:`ngapcli.spool.SortedSpool` is read in order only)."""

    def __init__(self, items, fn: Callable):
        self.items, self.fn = items, fn

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.fn(x) for x in self.items[i]]
        return self.fn(self.items[i])

    def __iter__(self):
        return map(self.fn, self.items)


def _write(value, write, newline: str) -> None:
    if isinstance(value, dict) and value:
        inner = newline + "  "
        sep = "{" + inner
        for k, v in value.items():
            write(sep + _ENCODE(str(k)) + ": ")
            _write(v, write, inner)
            sep = "," + inner
        write(newline + "}")
    elif isinstance(value, (list, Mapped)) and value:
        inner = newline + "  "
        sep = "[" + inner
        for item in value:
            write(sep + _ENCODE(item))
            sep = "," + inner
        write(newline + "]")
    elif isinstance(value, Mapped):
        write("[]")
    else:
        write(_ENCODE(value))


def write_csv(rows: list[dict], out: TextIO, columns: list[str] = CSV_COLUMNS) -> None:
    import csv

    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in columns})
