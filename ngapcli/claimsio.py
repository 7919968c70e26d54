"""Reading a billing export row by row for `ngap audit --billed FILE.csv` without tours.

- headers in French or English (date, patient, heure/time, cotation, montant/amount, infirmière/nurse,
  zone, visite/visit), in any order, any case, with or without accents;
- separator ``;``, ``,`` or tab (the one of the header line); decimal comma or point; « 12,50 € »;
- UTF-8 with or without BOM, else Windows-1252 (decided on the whole file before the first row: never
  a mix); dates JJ/MM/AAAA or AAAA-MM-JJ; times HH:MM, 8h30, 08H.

The file is streamed: the checker keeps one day of rows, the 12-month counts and the findings, never the
whole file. The rows must come day after day (the usual order of an export); when a day comes back
after a later one, a file of up to ``SORT_IN_MEMORY_BYTES`` is read again and sorted in memory, a bigger
one stops with the line that breaks the order (exit 2). Nothing is written anywhere: no temporary file.

Any unreadable row stops everything with ``file:line:column`` (exit 2); nothing is guessed.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from ngapcli.auditio import COLUMNS as AUDIT_COLUMNS
from ngapcli.auditio import _field_columns, parse_amount
from ngapcli.claims import Checker, Claim, ClaimsResult
from ngapcli.cotation import parse_cotation
from ngapcli.errors import InputError
from ngapcli.tariffs import fold

SORT_IN_MEMORY_BYTES = 16 * 1024 * 1024   # an unsorted export up to this size is sorted in memory (~250 000 rows, ~130 MB)
PROGRESS_EVERY = 20_000                   # rows between two progress callbacks
_CACHE_MAX = 50_000                       # distinct cotation / amount texts kept parsed

COLUMNS = {
    **AUDIT_COLUMNS,
    "date_de_soin": "date", "date_des_soins": "date", "date_du_soin": "date", "date_soins": "date",
    "date_execution": "date", "care_date": "date", "service_date": "date", "day": "date",
    "nom_patient": "patient", "patient_name": "patient", "beneficiaire": "patient", "assure": "patient",
    "heure_de_passage": "time", "heure_passage": "time", "heure_soin": "time", "horaire": "time",
    "cotation_facturee": "cotation", "acte": "cotation", "acts": "cotation", "codes_actes": "cotation",
    "montant_facture": "amount", "montant_ttc": "amount", "billed_amount": "amount", "price": "amount",
    "infirmier_e": "nurse", "infirmier_ere": "nurse", "nurse_name": "nurse", "praticien": "nurse",
    "executant": "nurse", "soignant": "nurse",
    "zone": "zone", "region": "zone", "territoire": "zone", "zone_tarifaire": "zone",
    "visit_number": "visit",
}
WANTED = ("date", "patient", "time", "visit", "cotation", "amount", "nurse", "zone")
_CLOCK = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"        # a spreadsheet's « 10/03/2025 00:00:00 »
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _CLOCK + "$")
_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})" + _CLOCK + "$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?(?::\d{2})?$")


class Unsorted(Exception):
    def __init__(self, line: int, day: date, before: date):
        self.line, self.day, self.before = line, day, before


def detect_encoding(path: Path, name: str) -> str:
    """``utf-8-sig`` when the whole file is UTF-8, else ``cp1252`` (the French spreadsheets' ANSI)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        head = f.read(8192)
        if b"\x00" in head:
            raise InputError("fichier binaire, pas un CSV", name)
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = f.read(1 << 20)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _header_key(cell: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", fold(cell.strip())).strip("_")
    return COLUMNS.get(key, key)


class _Reader:
    def __init__(self, path: str, zones: dict, progress: Callable[[int], None] | None = None):
        self.name = path
        self.path = Path(path)
        self.zones = zones
        self.zone_names = {fold(z): z for z in zones}
        for z, spec in zones.items():
            self.zone_names.setdefault(re.sub(r"[^a-z0-9]+", "_", fold(str(spec.get("label", z)))).strip("_"), z)
        self.progress = progress
        self._dates: dict = {}
        self._times: dict = {}
        self._cot: dict = {}
        self._amounts: dict = {}
        self._zone_cache: dict = {}

    def open(self):
        p = self.path
        try:
            if p.is_dir():
                raise InputError("c'est un dossier, pas un fichier CSV", self.name)
            self.size = p.stat().st_size
            self.encoding = detect_encoding(p, self.name)
            return open(p, "rb")
        except FileNotFoundError:
            raise InputError("fichier CSV introuvable", self.name) from None
        except PermissionError:
            raise InputError("lecture refusée (droits du fichier)", self.name) from None
        except IsADirectoryError:
            raise InputError("c'est un dossier, pas un fichier CSV", self.name) from None
        except OSError as exc:
            raise InputError(f"lecture impossible : {exc.strerror or exc}", self.name) from None

    def raw_line(self, line: int) -> str:
        """The text of a physical line, read again (only to place an error)."""
        with open(self.path, "rb") as f:
            text = io.TextIOWrapper(f, encoding=self.encoding, errors="replace", newline="")
            for i, raw in enumerate(text, 1):
                if i == line:
                    return raw.rstrip("\r\n")
        return ""

    def column(self, line: int, index: int, cell: str) -> int:
        cols = _field_columns(self.raw_line(line), self.delimiter)
        if index < len(cols):
            return cols[index] + len(cell) - len(cell.lstrip())
        return 1

    def rows(self) -> Iterator[Claim]:
        raw = self.open()
        with raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            first = text.readline()
            while first and not first.strip():
                first = text.readline()
            if not first.strip():
                raise InputError("fichier CSV vide", self.name, 1)
            sep = first.strip().lower().startswith("sep=") and first.strip()[4:5]   # Excel's « sep=; » line
            if sep:
                self.delimiter = "\t" if sep == "\t" else sep
            else:
                self.delimiter = max((";", "\t", ","), key=lambda d: (first.count(d), d == ";"))
                if first.count(self.delimiter) == 0:
                    self.delimiter = ";"
            text.seek(0)
            reader = csv.reader(text, delimiter=self.delimiter)
            index: dict[str, int] | None = None
            previous_end = 0
            count = 0
            try:
                for record in reader:
                    line = previous_end + 1
                    previous_end = reader.line_num
                    if not record or not "".join(record).strip():     # an empty line, or « ;;;; »
                        continue
                    if sep and index is None and record[0].strip().lower().startswith("sep="):
                        continue
                    if index is None:
                        index = self._header(record, line)
                        continue
                    yield self._row(record, index, line)
                    count += 1
                    if self.progress is not None and count % PROGRESS_EVERY == 0:
                        self.progress(raw.tell())
            except csv.Error as exc:
                raise InputError(f"CSV illisible : {exc}", self.name, reader.line_num) from None
            if index is None:
                raise InputError("fichier CSV vide", self.name, 1)
            if self.progress is not None:
                self.progress(self.size)

    def _header(self, record: list[str], line: int) -> dict[str, int]:
        index: dict[str, int] = {}
        for i, cell in enumerate(record):
            key = _header_key(cell)
            if key in WANTED and key not in index:
                index[key] = i
        missing = [k for k in ("date", "patient", "cotation") if k not in index]
        if missing:
            raise InputError(
                "en-tête CSV incomplet : colonnes attendues date, patient, heure (time), cotation, montant (amount), "
                f"infirmière (nurse) et zone facultatives ; manque : {', '.join(missing)}", self.name, line, 1)
        self.at = tuple(index.get(k, -1) for k in ("date", "patient", "time", "visit", "cotation", "amount", "nurse",
                                                   "zone"))
        self.width = max(self.at) + 1
        return index

    def _row(self, record: list[str], index: dict[str, int], line: int) -> Claim:
        n = len(record)
        if n < self.width:                      # a short row: the missing cells are empty
            record = record + [""] * (self.width - n)
        i_date, i_patient, i_time, i_visit, i_cot, i_amount, i_nurse, i_zone = self.at

        def fail(msg: str, i: int) -> InputError:
            return InputError(msg, self.name, line, self.column(line, i, record[i]) if 0 <= i < n else 1)

        text = record[i_date].strip()
        day = self._dates.get(text)
        if day is None:
            day = self._date(text, i_date, fail)
        patient = record[i_patient].strip()
        if not patient:
            raise fail("patient manquant", i_patient)
        time = minutes = None
        if i_time >= 0:
            when = record[i_time].strip()
            if when:
                found = self._times.get(when)
                if found is None:
                    m = _TIME.match(when)
                    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
                        raise fail(f"heure « {when} » illisible (HH:MM)", i_time)
                    h, mi = int(m[1]), int(m[2] or 0)
                    found = self._times[when] = (f"{h:02d}:{mi:02d}", h * 60 + mi)
                time, minutes = found
        visit = None
        if i_visit >= 0:
            number = record[i_visit].strip()
            if number:
                if not number.isdigit() or int(number) < 1:
                    raise fail(f"numéro de visite « {number} » illisible (1, 2, 3…)", i_visit)
                visit = int(number)
        cot = record[i_cot].strip()
        items = self._cot.get(cot)
        if items is None:
            items = self._cotation(cot, i_cot, record, line, fail)
        amount = None
        if i_amount >= 0:
            amount_text = record[i_amount].strip()
            if amount_text:
                amount = self._amounts.get(amount_text)
                if amount is None:
                    amount = self._amount(amount_text, i_amount, fail)
        nurse = record[i_nurse].strip() if i_nurse >= 0 else ""
        zone = "metropole"
        if i_zone >= 0:
            zone_text = record[i_zone].strip()
            if zone_text:
                zone = self._zone_cache.get(zone_text) or self._zone(zone_text, i_zone, fail)
        return Claim(self.name, line, nurse, day, patient, time, minutes, zone, cot, items, amount, visit)

    def _date(self, text: str, i: int, fail) -> date:
        m = _DATE_ISO.match(text)
        fr_ = None if m else _DATE_FR.match(text)
        if not m and not fr_:
            raise fail(f"date « {text} » illisible (JJ/MM/AAAA ou AAAA-MM-JJ)", i)
        y, mo, d = (int(m[1]), int(m[2]), int(m[3])) if m else (int(fr_[3]), int(fr_[2]), int(fr_[1]))
        try:
            day = date(y, mo, d)
        except ValueError:
            raise fail(f"la date {text} n'existe pas", i) from None
        if len(self._dates) < _CACHE_MAX:
            self._dates[text] = day
        return day

    def _cotation(self, cot: str, i: int, record: list[str], line: int, fail) -> tuple:
        if not cot:
            raise fail("cotation vide", i)
        try:
            items = tuple(parse_cotation(cot, self.name, line, 1))
        except InputError as exc:
            offset = (exc.column or 1) - 1
            exc.column = self.column(line, i, record[i]) + offset
            raise
        if len(self._cot) >= _CACHE_MAX:
            self._cot.clear()
        self._cot[cot] = items
        return items

    def _amount(self, amount_text: str, i: int, fail) -> Decimal:
        try:
            amount = parse_amount(amount_text)
        except ValueError as exc:
            raise fail(str(exc), i) from None
        if len(self._amounts) >= _CACHE_MAX:
            self._amounts.clear()
        self._amounts[amount_text] = amount
        return amount

    def _zone(self, zone_text: str, i: int, fail) -> str:
        key = re.sub(r"[^a-z0-9]+", "_", fold(zone_text)).strip("_")
        zone = self.zone_names.get(key)
        if zone is None:
            raise fail(f"zone « {zone_text} » inconnue ; zones : {', '.join(self.zones)}", i)
        self._zone_cache[zone_text] = zone
        return zone


def _days(rows: Iterator[Claim]) -> Iterator[list[Claim]]:
    """Rows grouped by day; a day coming back after a later one raises :class:`Unsorted`."""
    current: list[Claim] = []
    day = None
    for r in rows:
        if r.day != day:
            if day is not None and r.day < day:
                raise Unsorted(r.line, r.day, day)
            if current:
                yield current
            current, day = [], r.day
        current.append(r)
    if current:
        yield current


def audit_export(path: str, store, progress: Callable[[int, int], None] | None = None,
                 keeps: Callable[[date], bool] | None = None) -> ClaimsResult:
    """Check the export at ``path`` alone. ``progress(done_bytes, total_bytes)`` is called now and then;
    ``keeps(day)``: the days whose findings are told (--day/--from/--to), the others only counted for
    the 12-month rules."""
    reader = _Reader(path, store.zones)
    if progress is not None:
        reader.progress = lambda done: progress(done, reader.size)
    checker = Checker(store, file=path, keeps=keeps)
    try:
        for rows in _days(reader.rows()):
            checker.day(rows)
    except Unsorted as u:
        if reader.size > SORT_IN_MEMORY_BYTES:
            raise InputError(
                f"export non trié par date : le {u.day.strftime('%d/%m/%Y')} vient après le "
                f"{u.before.strftime('%d/%m/%Y')} ; au-delà de {SORT_IN_MEMORY_BYTES // (1024 * 1024)} Mo, triez "
                "l'export par date (tableur : Données > Trier ; ou exportez-le trié)", path, u.line) from None
        reader = _Reader(path, store.zones)
        all_rows = sorted(reader.rows(), key=lambda c: c.day)
        checker = Checker(store, file=path, keeps=keeps)
        for rows in _days(iter(all_rows)):
            checker.day(rows)
    return checker.result()
