"""Inputs of `ngap audit`: tour paths (files, folders, ``-``), the ``billed`` cotation of each visit,
and the CSV of billed lines exported by a billing program (``--billed FILE.csv``).

Every fault is an :class:`InputError` with its file, line and column (exit 2).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ngapcli.audit import BilledRow, OrphanRow, visit_key
from ngapcli.cotation import parse_cotation
from ngapcli.errors import InputError, UsageError
from ngapcli.model import Tour
from ngapcli.tariffs import fold
from ngapcli.tourfile import parse_tours, read_source
from ngapcli.yamlnodes import MAX_FILE_BYTES



# -- tours ----------------------------------------------------------------------------------------------

def expand(paths: list[str]) -> list[str]:
    """Files of the command line: a folder gives its ``*.yaml``/``*.yml`` files (recursively, sorted), tariff
    folders left out as in ``ngap report``."""
    from ngapcli.report import walk_tours

    if not paths:
        raise UsageError("aucun fichier de tournée ; donnez des fichiers, un dossier ou « - » pour l'entrée standard")
    out: list[str] = []
    for path in paths:
        if path != "-" and Path(path).is_dir():
            found = walk_tours(Path(path), [])
            if not found:
                raise InputError("dossier sans fichier de tournée (*.yaml, *.yml)", path)
            out.extend(found)
        else:
            out.append(path)
    return out


def read_tours(paths: list[str], store) -> tuple[list[Tour], dict[str, str]]:
    """Tours of every path, and the text of each file (to place errors inside a billed string)."""
    tours: list[Tour] = []
    texts: dict[str, str] = {}
    for path in expand(paths):
        name, text = read_source(path)
        texts[name] = text
        tours.extend(parse_tours(text, name, store.act_ids, store.letters))
    return tours, texts


def parse_amount(text: str) -> Decimal:
    """A billed amount as billing software and spreadsheets write it (« 1 234,50 € », « 7,25 », « 7.25 EUR »),
    to the cent; ValueError with a French message when it is not one."""
    cleaned = (text.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace("\u202f", "")
               .replace(" ", ""))
    if "," in cleaned and "." in cleaned:        # 1.234,50
        cleaned = cleaned.replace(".", "")
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"montant « {text} » illisible") from None
    if not amount.is_finite() or amount < 0 or amount > 100_000:
        raise ValueError(f"montant « {text} » hors bornes")
    return amount.quantize(Decimal("0.01"))


def _content_position(text: str | None, line: int | None, column: int | None) -> tuple[int | None, int | None]:
    """(line, column) of the first character of a YAML scalar that starts at (line, column)."""
    if text is None or line is None or column is None:
        return line, column
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return line, column
    here = lines[line - 1]
    ch = here[column - 1] if 0 < column <= len(here) else ""
    if ch in "\"'":
        return line, column + 1
    if ch in "|>" and line < len(lines):
        nxt = lines[line]
        return line + 1, len(nxt) - len(nxt.lstrip()) + 1
    return line, column


def _source_position(text: str, line: int, column: int, value: str, offset: int) -> tuple[int, int]:
    """(line, column) in the file of the character at ``offset`` of a scalar that starts at (line, column)
    and may be folded over several lines: folding only changes white space, so the k-th non-blank
    character of the value is the k-th non-blank character of the file from the start."""
    lines = text.splitlines()
    k = sum(1 for ch in value[:offset] if not ch.isspace())
    ln, col = line, column
    while ln <= len(lines):
        here = lines[ln - 1]
        while col <= len(here):
            if not here[col - 1].isspace():
                if k == 0:
                    return ln, col
                k -= 1
            col += 1
        ln, col = ln + 1, 1
    return line, column + offset


def billed_from_tours(tours: list[Tour], texts: dict[str, str] | None = None) -> dict[tuple, list[BilledRow]]:
    """The ``billed`` key of every visit, parsed; an unreadable cotation is an InputError."""
    texts = texts or {}
    out: dict[tuple, list[BilledRow]] = {}
    for tour in tours:
        for p in tour.patients:
            for v in p.visits:
                if v.billed is None:
                    continue
                text = texts.get(tour.file)
                line, col = _content_position(text, v.billed_line, getattr(v, "billed_column", None))
                try:
                    items = parse_cotation(v.billed, tour.file, line, col)
                except InputError as exc:
                    if text is not None and line is not None and col is not None and exc.column is not None:
                        exc.line, exc.column = _source_position(text, line, col, v.billed, exc.column - col)
                    raise
                out[visit_key(tour, p.id, v)] = [BilledRow(items, v.billed, tour.file, v.billed_line)]
    return out


# -- the CSV of a billing program ----------------------------------------------------------------------------

COLUMNS = {
    "date": "date", "jour": "date", "date_soin": "date", "date_acte": "date",
    "patient": "patient", "patient_id": "patient", "id_patient": "patient", "id": "patient",
    "time": "time", "heure": "time", "hour": "time",
    "visit": "visit", "visite": "visit", "passage": "visit", "numero": "visit", "no": "visit", "n": "visit",
    "cotation": "cotation", "cotations": "cotation", "billed": "cotation", "facture": "cotation",
    "actes": "cotation", "code": "cotation", "codes": "cotation",
    "amount": "amount", "montant": "amount", "total": "amount", "montant_eur": "amount",
    "nurse": "nurse", "infirmiere": "nurse", "infirmier": "nurse", "ide": "nurse", "idel": "nurse",
}
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?$")


@dataclass(slots=True)
class CsvRow:
    day: date
    patient: str
    time: str | None
    visit: int | None
    row: BilledRow
    nurse: str | None = None      # optional column: the export of one nurse (or several, named)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError("fichier binaire, pas un CSV", name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # exports of French billing programs


def _field_columns(raw: str, delimiter: str) -> list[int]:
    """1-based column of the first character of each field of a raw CSV line (after an opening quote)."""
    cols, i, n = [], 0, len(raw)
    while True:
        if i < n and raw[i] == '"':
            cols.append(i + 2)
            i += 1
            while i < n:
                if raw[i] == '"':
                    if i + 1 < n and raw[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        else:
            cols.append(i + 1)
        j = raw.find(delimiter, i)
        if j < 0:
            return cols
        i = j + 1


def _header_key(cell: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", fold(cell.strip())).strip("_")
    return COLUMNS.get(key, key)


def read_billed_csv(path: str) -> list[CsvRow]:
    """Rows of a CSV of billed cotations: date, patient, time or visit number, cotation, optional amount."""
    name = path
    try:
        p = Path(path)
        if p.is_dir():
            raise InputError("c'est un dossier, pas un fichier CSV", name)
        if p.stat().st_size > MAX_FILE_BYTES:
            raise InputError("fichier CSV trop volumineux", name)
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("fichier CSV introuvable", name) from None
    except PermissionError:
        raise InputError("lecture refusée (droits du fichier)", name) from None
    except OSError as exc:
        raise InputError(f"lecture impossible : {exc.strerror or exc}", name) from None
    text = _decode(data, name)
    raw_lines = text.splitlines()
    first = next((l for l in raw_lines if l.strip()), "")
    if not first:
        raise InputError("fichier CSV vide", name, 1)
    delimiter = max((";", "\t", ","), key=lambda d: (first.count(d), d == ";"))
    if first.count(delimiter) == 0:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[CsvRow] = []
    header: list[str] | None = None
    index: dict[str, int] = {}
    previous_end = 0
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(c.strip() for c in record):
                continue
            raw = raw_lines[line - 1] if line - 1 < len(raw_lines) else ""
            cols = _field_columns(raw, delimiter)
            if header is None:
                header = [_header_key(c) for c in record]
                for i, key in enumerate(header):
                    if key in ("date", "patient", "time", "visit", "cotation", "amount", "nurse") and key not in index:
                        index[key] = i
                missing = [k for k in ("date", "patient", "cotation") if k not in index]
                if missing:
                    raise InputError(
                        "en-tête CSV incomplet : colonnes attendues date, patient, heure (time) ou visite (visit), "
                        f"cotation, montant (amount, facultatif) ; manque : {', '.join(missing)}", name, line, 1)
                continue
            rows.append(_row(record, index, cols, name, line))
    except csv.Error as exc:
        raise InputError(f"CSV illisible : {exc}", name, reader.line_num) from None
    return rows


def _row(record: list[str], index: dict[str, int], cols: list[int], name: str, line: int) -> CsvRow:
    def cell(key: str) -> tuple[str, int | None]:
        i = index.get(key)
        if i is None or i >= len(record):
            return "", None
        return record[i].strip(), (cols[i] + len(record[i]) - len(record[i].lstrip()) if i < len(cols) else None)

    def fail(msg: str, col: int | None) -> InputError:
        return InputError(msg, name, line, col)

    text, col = cell("date")
    m = _DATE_ISO.match(text) or _DATE_FR.match(text)
    if not m:
        raise fail(f"date « {text} » illisible (AAAA-MM-JJ ou JJ/MM/AAAA)", col)
    y, mo, d = (int(m[1]), int(m[2]), int(m[3])) if _DATE_ISO.match(text) else (int(m[3]), int(m[2]), int(m[1]))
    try:
        day = date(y, mo, d)
    except ValueError:
        raise fail(f"la date {text} n'existe pas", col) from None
    patient, col = cell("patient")
    if not patient:
        raise fail("patient manquant", col or 1)
    when, col = cell("time")
    time = None
    if when:
        m = _TIME.match(when)
        if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
            raise fail(f"heure « {when} » illisible (HH:MM)", col)
        time = f"{int(m[1]):02d}:{int(m[2] or 0):02d}"
    number, col = cell("visit")
    visit = None
    if number:
        if not number.isdigit() or int(number) < 1:
            raise fail(f"numéro de visite « {number} » illisible (1, 2, 3…)", col)
        visit = int(number)
    cot, col = cell("cotation")
    if not cot:
        raise fail("cotation vide", col or 1)
    items = parse_cotation(cot, name, line, col)
    amount_text, col = cell("amount")
    amount = None
    if amount_text:
        try:
            amount = parse_amount(amount_text)
        except ValueError as exc:
            raise fail(str(exc), col) from None
    nurse, _col = cell("nurse")
    return CsvRow(day, patient, time, visit, BilledRow(items, cot, name, line, amount), nurse or None)


def join_csv(rows: list[CsvRow], tours: list[Tour]) -> tuple[dict[tuple, list[BilledRow]], list[OrphanRow]]:
    """Attach each CSV row to its visit by date and patient, then time or visit number."""
    by_day: dict[tuple, list] = {}
    nurse_of: dict[tuple, str] = {}
    for tour in tours:
        for p in tour.patients:
            for v in p.visits:
                key = visit_key(tour, p.id, v)
                by_day.setdefault((v.date, p.id), []).append((key, v))
                nurse_of[key] = _folded(tour.nurse.name)
    billed: dict[tuple, list[BilledRow]] = {}
    orphans: list[OrphanRow] = []
    for r in rows:
        found = by_day.get((r.day, r.patient), [])
        if r.nurse:                  # a « nurse » column: that nurse's visits only
            found = [(k, v) for k, v in found if nurse_of[k] == _folded(r.nurse)]
        if r.visit is not None:      # « visite n » : the patient's n-th visit of that day, in time order
            ranked = sorted(found, key=lambda kv: kv[1].minutes)
            found = [ranked[r.visit - 1]] if 1 <= r.visit <= len(ranked) else []
        if r.time is not None:
            found = [(k, v) for k, v in found if v.time == r.time]
        when = r.time or (f"visite {r.visit}" if r.visit else "")
        if len(found) == 1:
            billed.setdefault(found[0][0], []).append(r.row)
            continue
        if not found:
            what = f"aucune visite du patient {r.patient} le {r.day}" + (f" ({when})" if when else "")
            reason = what + " dans les tournées"
        else:
            reason = (f"{len(found)} visites du patient {r.patient} le {r.day} correspondent ; "
                      "précisez l'heure (time) ou le numéro de visite (visit)")
        orphans.append(OrphanRow(r.row, r.day, r.day.isoformat(), r.patient, when, reason))
    # a visit of the tours on a day the export covers, without a row of its own, was not billed: it is
    # audited as billed nothing, so that its due items come out as oublis (NGAP202)
    # (with a « nurse » column, a day is covered for the nurses the export names that day)
    covered = {(r.day, _folded(r.nurse) if r.nurse else None) for r in rows}
    name = rows[0].row.file if rows else ""
    for (day, _patient), visits in by_day.items():
        for key, _v in visits:
            if (day, None) in covered or (day, nurse_of[key]) in covered:
                billed.setdefault(key, [BilledRow([], "", name, None)])
    return billed, orphans


def _folded(name: str) -> str:
    """A nurse's name compared without case, accents or extra spaces."""
    from ngapcli.tariffs import fold

    return " ".join(fold(name or "").split())
