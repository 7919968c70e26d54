"""JSON and CSV output (contract §3): nothing but data on stdout; no rich import here."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Callable, TextIO

from ngapcli import __version__
from ngapcli.result import Result

CSV_COLUMNS = ["file", "nurse", "date", "patient", "visit", "time", "kind", "code", "coefficient", "rate",
               "quantity", "unit_value", "amount", "act", "label", "rule", "amo", "patient_name"]

# csv-fr: what a French spreadsheet opens right (Excel, LibreOffice in French): « ; » between fields, decimal
# comma, a UTF-8 byte order mark; set by the --format option (cli._format)
FRENCH_CSV = False
_DECIMAL = re.compile(r"-?\d+\.\d+")


def use_french_csv(french: bool = True) -> None:
    global FRENCH_CSV
    FRENCH_CSV = french


def line_rows(result: Result, tours: list = ()) -> list[dict]:
    """The lines as dicts, with ``patient_name`` (an extension of contract §3; null when not given)."""
    names = {(t.file, p.id): p.name for t in tours for p in t.patients if p.name}
    rows = []
    for l in result.lines:
        row = l.as_dict()
        row["patient_name"] = names.get((l.file, l.patient))
        rows.append(row)
    return rows


def price_document(result: Result, tours: list = ()) -> dict:
    doc = {
        "ngap_version": __version__,
        "lines": line_rows(result, tours),
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


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    """« -1.35 », « -1,35 », « 4.73 », « +2 »: a number a spreadsheet reads as a number, never as a formula."""
    body = text[1:] if text[:1] in "+-" else text
    whole, _, cents = body.replace(",", ".", 1).partition(".")
    return whole.isdigit() and whole.isascii() and (not cents or (cents.isdigit() and cents.isascii()))


def safe_cell(value):
    """A CSV cell that a spreadsheet will not run (OWASP « CSV injection »): a text starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``; numbers, negative ones included,
    are left as they are."""
    if value is None:
        return ""
    if type(value) is str and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def write_csv(rows: list[dict], out: TextIO, columns: list[str] = CSV_COLUMNS) -> None:
    import csv

    french = FRENCH_CSV
    if french:
        out.write("\ufeff")
    delimiter = ";" if french else ","
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n", delimiter=delimiter)
    # a carriage return inside a text is not quoted by the minimal quoting when lines end with \n: such a
    # row (a hostile id) is written with every cell quoted, so that it reads back as one row
    quoted = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n",
                            quoting=csv.QUOTE_ALL, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        cells = {k: safe_cell(row.get(k)) for k in columns}
        if french:
            cells = {k: _french_cell(v) for k, v in cells.items()}
        if any(type(v) is str and "\r" in v for v in cells.values()):
            quoted.writerow(cells)
        else:
            writer.writerow(cells)


def _french_cell(value):
    """4.73 → 4,73 (a decimal as a French spreadsheet reads it); True/False → VRAI/FAUX; other text kept."""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return value.replace(".", ",")
    return value


def diagnostic_line(d) -> str:
    """One line on the error output for each diagnostic of a JSON or CSV run (contract §3):
    ``file:line: CODE severity message``. ``d`` is a Diagnostic or its dict."""
    get = d.get if isinstance(d, dict) else lambda k: getattr(d, k)
    where = get("file") or "ngap"
    if get("line"):
        where = f"{where}:{get('line')}"
    message = " ".join(str(get("message")).split())   # one line, whatever the message holds
    return f"{where}: {get('code')} {get('severity')} {message}\n"


def write_diagnostics(diagnostics, err: TextIO) -> None:
    """The diagnostics on the error output, one line each (stdout stays pure data)."""
    write = err.write
    for d in diagnostics:
        write(diagnostic_line(d))
