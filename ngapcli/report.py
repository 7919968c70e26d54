"""`ngap report`: a batch of tour files priced and summed (contract §2 and §3), no printing here.

Files and folders (recursive ``*.yaml``/``*.yml``, sorted), or ``-``: a tour on standard input, or the
JSON printed by ``ngap price --format json`` (already priced: its lines are only summed).

What is summed, per line kept by ``--from/--to``: the amount, the AMO share (computed by the rules,
by coverage and zone), the patient franchise (per act, daily cap, annual cap, exemptions; data in
``tariffs/franchise.yaml``), grouped by day, ISO week, month, patient, billing code or nurse; the
rétrocession due to each remplaçant; with ``--compare-tariffs`` the same tours under another tariff
folder.

How files are priced — the trade-off. Pricing every file in one ``rules.price()`` call is the only way
for the rules that cross files to hold: a patient is shared by id between the nurses of a cabinet (one
BSI forfait a day, four IFI a day…) and a nurse's daily limits (IK cap, remplacements) hold across her
files. But one call keeps every tour and every line in memory: the memory would grow with the number
of files. Pricing file by file keeps the memory flat but breaks the cross-file rules. So we stream by
chunks of days (``ngapcli.batch``): a first pass takes the dates of each file from its ``date:`` keys
without parsing it; files that share a date are joined into one chunk, and so are the files holding a
patient's acts limited per month or per 12 months when that limit could be reached; a second pass parses
each file once and prices one chunk at a time, in date order (worker processes parse ahead on big
batches), and only the sums are kept. The result equals one ``rules.price()`` over every file
(tests/test_batch.py), and the memory is bounded by the largest chunk (files one nurse writes per day or
per week give chunks of one day or one week; one file holding a whole year gives a chunk of that year).
"""
from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Callable, Iterable

from ngapcli import __version__
from ngapcli.errors import InputError, UsageError
from ngapcli.render.data import Mapped
from ngapcli.result import ZERO, Diagnostic, Line, Result, money
from ngapcli.spool import SortedSpool

DIMENSIONS = ("day", "week", "month", "patient", "code", "nurse")
DEFAULT_BY = ("day", "patient", "code", "nurse")
DIMENSIONS_FR = {"day": "jour", "week": "semaine", "month": "mois", "patient": "patient", "code": "code",
                 "nurse": "infirmière"}
RETRO_BASES = ("fees", "fees_without_ik")
IK_CODES = frozenset({"IK", "IKM", "IKS"})
YAML_SUFFIXES = (".yaml", ".yml")
TARIFF_MARKERS = frozenset({"values.yaml", "acts.yaml"})
OVERLAY_MARKER = "overlay.yaml"            # a tariff overlay (ngapcli/overlay.py), also skipped in a walk
NO_NAME = "(sans nom)"


# -- options ----------------------------------------------------------------------------------------

# French words for --by, beside the English ones
BY_FR = {"jour": "day", "semaine": "week", "mois": "month", "infirmiere": "nurse", "infirmier": "nurse",
         "acte": "code", "lettre": "code"}
CROSS = re.compile(r"\s*[,+×*]\s*")   # --by month,nurse (or month+nurse): one row per month and nurse


def _dimension(word: str) -> str:
    from ngapcli.tariffs import fold

    parts = []
    for part in CROSS.split(word):
        if not part.strip():
            continue
        w = fold(part.strip())
        w = BY_FR.get(w, w)
        if w not in DIMENSIONS:
            raise UsageError(f"--by : « {part.strip()} » inconnu ; valeurs permises : {', '.join(DIMENSIONS)} "
                             "(ou jour, semaine, mois, infirmière), croisées avec « , » (month,nurse)")
        if w not in parts:
            parts.append(w)
    if not parts:
        raise UsageError(f"--by : « {word} » ne nomme aucun regroupement ; valeurs permises : {', '.join(DIMENSIONS)}")
    return "+".join(parts)


def parse_by(values: Iterable[str] | None) -> list[str]:
    """``--by day --by code`` → two groupings ["day", "code"]; ``--by month,nurse`` (or ``month+nurse``) → one
    crossed grouping ["month+nurse"], a row per month and nurse; French words too (jour, mois, infirmière…);
    default: day, patient, code, nurse."""
    out: list[str] = []
    for value in values or ():
        if not value.strip():
            continue
        dim = _dimension(value.strip().lower())
        if dim not in out:
            out.append(dim)
    return out or list(DEFAULT_BY)


def dimension_fr(dim: str) -> str:
    """« mois × infirmière » for month+nurse."""
    return " × ".join(DIMENSIONS_FR[d] for d in dim.split("+"))


def group_key(dim: str):
    """The key of a line for a grouping (crossed: its keys joined by « · »)."""
    if "+" not in dim:
        return _KEY_OF[dim]
    parts = [_KEY_OF[d] for d in dim.split("+")]
    return lambda line: " · ".join(k(line) for k in parts)


@dataclass
class Options:
    by: list[str] = field(default_factory=lambda: list(DEFAULT_BY))
    date_from: date | None = None
    date_to: date | None = None
    retrocession_base: str = "fees_without_ik"
    expiring: int | None = None      # --expiring N: prescriptions ending within N days after the last day

    def __post_init__(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise UsageError(f"--from {self.date_from} est après --to {self.date_to}")
        if self.retrocession_base not in RETRO_BASES:
            raise UsageError(f"--retrocession-base : « {self.retrocession_base} » inconnu "
                             f"({', '.join(RETRO_BASES)})")

    def keeps(self, day: str | None) -> bool:
        if day is None or (self.date_from is None and self.date_to is None):
            return True
        try:
            d = date.fromisoformat(day)
        except ValueError:
            return True
        return (self.date_from is None or d >= self.date_from) and (self.date_to is None or d <= self.date_to)


# -- franchise data -----------------------------------------------------------------------------------

@dataclass
class Franchise:
    periods: list[tuple[date, Decimal, Decimal]]   # (from, per act, daily cap), sorted
    annual_cap: Decimal | None
    under_age: int
    exempt_coverage: frozenset[str]

    @classmethod
    def of(cls, store) -> "Franchise":
        """The franchise of a tariff store: its folder's, or for an overlay (ngapcli/overlay.py) the shipped
        one with the overlay's changes."""
        overlay = getattr(store, "overlay", None)
        if overlay is None:
            return cls.load(store.directory)
        if overlay.franchise is None:
            return cls.load(overlay.base)
        return cls.load(overlay.directory, overlay.franchise)

    @classmethod
    def load(cls, directory: Path, raw: dict | None = None) -> "Franchise":
        from ngapcli.yamlnodes import load_plain

        path = Path(directory) / "franchise.yaml"
        try:
            raw = load_plain(path) if raw is None else raw
        except FileNotFoundError:
            raise InputError("fichier de tarifs manquant : franchise.yaml (franchise médicale, lue par "
                             "« ngap report » ; copiez celui du dossier tariffs/ fourni)", str(path)) from None
        except Exception as exc:  # noqa: BLE001 - any fault in tariff data is an input error
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"fichier de tarifs illisible : {getattr(exc, 'problem', exc)}", str(path),
                             mark.line + 1 if mark else None) from None
        try:
            periods = sorted((_as_date(p["from"]), Decimal(str(p["per_act"])), Decimal(str(p["daily_cap"])))
                             for p in raw["periods"])
            cap = raw.get("annual_cap")
            exempt = raw.get("exempt") or {}
            return cls(periods, None if cap is None else Decimal(str(cap)), int(exempt.get("under_age", 18)),
                       frozenset(exempt.get("coverage") or ()))
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
            raise InputError(f"franchise.yaml invalide : {exc!r}", str(path)) from None

    def at(self, day: date) -> tuple[Decimal, Decimal] | None:
        found = None
        for start, per_act, cap in self.periods:
            if day >= start:
                found = (per_act, cap)
        return found


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# -- sources ----------------------------------------------------------------------------------------------

@dataclass
class FileStatus:
    path: str
    status: str = "ok"           # ok | skipped
    reason: str | None = None

    def skip(self, reason: str) -> None:
        self.status, self.reason = "skipped", reason

    def as_dict(self) -> dict:
        return {"path": self.path, "status": self.status, "reason": self.reason}


@dataclass
class Source:
    path: str
    status: FileStatus
    text: str | None = None      # standard input, read once and kept


def collect(paths: list[str], stdin=None) -> tuple[list[Source], list[FileStatus], list[str]]:
    """The files to read, in order (folders walked recursively, sorted), one status per path, and notes.

    A path that cannot be read or a folder without tour files is a `skipped` status, not an error:
    the other files still count. A tariff folder met in a walk (values.yaml and acts.yaml, or an
    overlay.yaml such as examples/avenant11_proposal) is not read as tours: a note says so.
    """
    from ngapcli.tourfile import read_source

    if not paths:
        raise UsageError("aucun fichier ni dossier ; donnez un chemin ou « - » pour l'entrée standard")
    sources: list[Source] = []
    statuses: list[FileStatus] = []
    seen: set = set()
    notes: list[str] = []
    stdin_used = False
    for raw in paths:
        if raw == "-":
            if stdin_used:
                raise UsageError("« - » (entrée standard) ne peut être donné qu'une fois")
            stdin_used = True
            status = FileStatus("<stdin>")
            statuses.append(status)
            try:
                name, text = read_source("-", stdin)
                sources.append(Source(name, status, text))
            except InputError as exc:
                status.skip(str(exc))
            continue
        p = Path(raw)
        if p.is_dir():
            found = walk_tours(p, notes)
            if not found:
                status = FileStatus(raw)
                status.skip(f"{raw}: aucun fichier .yaml ou .yml dans ce dossier")
                statuses.append(status)
            for f in found:
                _add_file(f, sources, statuses, seen)
        else:
            _add_file(raw, sources, statuses, seen)
    return sources, statuses, notes


def walk_tours(folder: Path, notes: list[str]) -> list[str]:
    """The tour files under a folder, sorted; hidden entries and tariff folders left out (a note each)."""
    found = []
    for root, dirs, files in os.walk(folder):           # symbolic links to folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if TARIFF_MARKERS <= set(files) or OVERLAY_MARKER in files:
            notes.append(f"Dossier de tarifs ignoré (ce ne sont pas des tournées) : {root}")
            dirs[:] = []
            continue
        found.extend(os.path.join(root, f) for f in files
                     if f.lower().endswith(YAML_SUFFIXES) and not f.startswith("."))
    return sorted(found)


def _add_file(path: str, sources: list[Source], statuses: list[FileStatus], seen: set) -> None:
    try:
        st = os.stat(path)          # the file itself, whatever the name it is reached by
        key = (st.st_dev, st.st_ino)
    except OSError:
        key = os.path.abspath(path)
    if key in seen:     # a file named twice (or reached through two folders) counts once
        return
    seen.add(key)
    status = FileStatus(path)
    sources.append(Source(path, status))
    statuses.append(status)


def _read(source: Source, store) -> tuple[list, Result | None]:
    """(tours, None) for a tour file, ([], result) for the JSON of `ngap price`."""
    from ngapcli.tourfile import parse_tours, read_source

    name, text = (source.path, source.text) if source.text is not None else read_source(source.path)
    priced = priced_json(text, name)
    if priced is not None:
        return [], priced
    return parse_tours(text, name, store.act_ids, store.letters), None


def priced_json(text: str, name: str) -> Result | None:
    """The lines and warnings of a `ngap price --format json` output; None if the text is not one."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None      # maybe a tour written in YAML flow style: the YAML reader will tell
    if not isinstance(doc, dict) or not isinstance(doc.get("lines"), list):
        return None
    result = Result()
    for n, raw in enumerate(doc["lines"], 1):
        result.lines.append(_line_from_json(raw, name, n))
    if isinstance(doc.get("patients"), list):
        result.patients = _patients_from_json(doc["patients"], name)
    if isinstance(doc.get("nurses"), list):
        result.nurses = _nurses_from_json(doc["nurses"], name)
    for raw in doc.get("warnings") or []:
        if isinstance(raw, dict) and raw.get("code"):
            result.diagnostics.append(Diagnostic(
                str(raw["code"]), str(raw.get("severity") or "info"), str(raw.get("message") or ""),
                str(raw.get("reference") or ""), str(raw.get("file") or ""), raw.get("line"),
                raw.get("patient"), raw.get("date"), raw.get("time")))
    return result


def _patients_from_json(items: list, name: str) -> dict:
    """(file, patient id) → (Patient, its document): the ``patients`` of `ngap price --format json`, shaped as
    ``_patients_of`` gives them (the document only says its date, the day a given age holds)."""
    from ngapcli.model import Patient
    from ngapcli.tourfile import COVERAGES

    out = {}
    for n, raw in enumerate(items, 1):
        where = f"JSON de « ngap price » : patients[{n}]"
        if not isinstance(raw, dict) or not raw.get("patient") or raw.get("coverage") not in COVERAGES:
            raise InputError(f"{where} : objet avec « patient » et « coverage » ({', '.join(COVERAGES)}) attendu",
                             name)
        age = raw.get("age")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 130):
            raise InputError(f"{where} : « age » doit être un nombre entier de 0 à 130", name)
        try:
            born = date.fromisoformat(raw["birth_date"]) if raw.get("birth_date") else None
            day = date.fromisoformat(raw["date"]) if raw.get("date") else None
        except (TypeError, ValueError):
            raise InputError(f"{where} : « birth_date » ou « date » illisible (AAAA-MM-JJ)", name) from None
        if day is None and age is not None:
            raise InputError(f"{where} : « date » manque pour situer « age »", name)
        patient = Patient(str(raw["patient"]), age=age, birth_date=born, coverage=raw["coverage"])
        out.setdefault((str(raw.get("file") or name), patient.id), (patient, _Document(day)))
    return out


@dataclass(slots=True)
class _Document:
    date: date | None


class _ByFile:
    """The lookups of ``_patients_of`` and ``_nurses_of`` — keyed (file, patient or nurse, …) — for lines read
    from JSON, whose sections are keyed (file, patient id) and (file, nurse name) only."""

    def __init__(self, found: dict):
        self.found = found

    def get(self, key):
        return self.found.get(key[:2])


def _nurses_from_json(items: list, name: str) -> dict:
    """(file, nurse name) → Nurse: the ``nurses`` of `ngap price --format json` (who replaces whom)."""
    from ngapcli.model import Nurse

    out = {}
    for n, raw in enumerate(items, 1):
        where = f"JSON de « ngap price » : nurses[{n}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("nurse"), str):
            raise InputError(f"{where} : objet avec « nurse » attendu", name)
        fee = raw.get("cabinet_fee_percent")
        try:
            fee = None if fee is None else Decimal(str(fee))
        except InvalidOperation:
            fee = Decimal("NaN")
        if fee is not None and (not fee.is_finite() or not 0 <= fee <= 100):
            raise InputError(f"{where} : « cabinet_fee_percent » doit être un nombre de 0 à 100", name)
        replaces = raw.get("replaces")
        if replaces is not None and not isinstance(replaces, str):
            raise InputError(f"{where} : « replaces » doit être un nom", name)
        nurse = Nurse(name=raw["nurse"], replaces=replaces, cabinet_fee_percent=fee)
        out.setdefault((str(raw.get("file") or name), nurse.name), nurse)
    return out


def _line_from_json(raw, name: str, n: int) -> Line:
    where = f"lines[{n}]"
    if not isinstance(raw, dict):
        raise InputError(f"JSON de « ngap price » : {where} n'est pas un objet", name)

    def dec(key: str, default: str | None = None) -> Decimal:
        value = raw.get(key, default)
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            d = None
        if value is None or isinstance(value, bool) or d is None or not d.is_finite():
            raise InputError(f"JSON de « ngap price » : {where} : « {key} » manquant ou non numérique", name)
        return d

    def text(key: str, required: bool = False) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                raise InputError(f"JSON de « ngap price » : {where} : « {key} » manquant", name)
            return ""
        return str(value)

    day = text("date", True)
    try:
        date.fromisoformat(day)
    except ValueError:
        raise InputError(f"JSON de « ngap price » : {where} : date « {day} » illisible", name) from None
    amount = dec("amount")
    return Line(
        file=text("file") or name, nurse=text("nurse"), date=day, patient=text("patient", True),
        visit=int(dec("visit", "0")), time=text("time"), kind=text("kind") or "act", code=text("code", True),
        coefficient=dec("coefficient", "1"), rate=int(dec("rate", "100")), quantity=dec("quantity", "1"),
        unit_value=dec("unit_value", "0"), amount=money(amount), act=raw.get("act"), label=text("label"),
        rule=text("rule"), amo=money(dec("amo", "0")),
    )


# -- totals -------------------------------------------------------------------------------------------------

class Sums:
    __slots__ = ("amount", "amo", "franchise", "lines")

    def __init__(self):
        self.amount = ZERO
        self.amo = ZERO
        self.franchise = ZERO
        self.lines = 0

    def as_dict(self) -> dict:
        return {"amount": str(self.amount), "amo": str(self.amo), "patient_share": str(self.amount - self.amo),
                "franchise": str(self.franchise), "lines": self.lines}


@lru_cache(maxsize=4096)
def _week(day: str) -> str:
    y, w, _ = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


_KEY_OF = {
    "day": attrgetter("date"),
    "week": lambda line: _week(line.date),
    "month": lambda line: line.date[:7],
    "patient": attrgetter("patient"),
    "code": attrgetter("code"),
    "nurse": lambda line: line.nurse or NO_NAME,
}


def _natural(text: str):
    """Sort P2 before P10."""
    import re

    return [(0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in re.split(r"(\d+)", text)]


@dataclass
class Retro:
    titulaire: str
    remplacant: str
    fee_percent: Decimal | None
    start: str
    end: str
    fees: Decimal = ZERO
    fees_without_ik: Decimal = ZERO

    def as_dict(self, base: str) -> dict:
        value = self.fees if base == "fees" else self.fees_without_ik
        amount = None if self.fee_percent is None else money(value * (100 - self.fee_percent) / 100)
        return {"titulaire": self.titulaire, "remplacant": self.remplacant, "from": self.start, "to": self.end,
                "base": base, "base_amount": str(value),
                "fee_percent": None if self.fee_percent is None else _num(self.fee_percent),
                "amount": None if amount is None else str(amount)}


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


class Aggregator:
    """Running sums over priced chunks; keeps no line (memory independent of the number of files)."""

    def __init__(self, options: Options, franchise: Franchise | None):
        self.options = options
        self.franchise = franchise
        self.total = Sums()
        self.groups: dict[tuple[str, str], Sums] = {}
        self.by_patient: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.by_code: dict[str, Decimal] = defaultdict(lambda: ZERO)
        self.retro: dict[tuple, Retro] = {}
        # sorted as they are added, most of them on disk: a year's warnings would grow with the files
        self.diagnostics = SortedSpool(_diag_order)
        self.severities: dict[str, int] = defaultdict(int)
        self.notes: list[str] = []
        self.first: str | None = None
        self.last: str | None = None
        self._franchise_used: dict[tuple[str, int], Decimal] = defaultdict(lambda: ZERO)
        from ngapcli.rxreport import Ledger

        self.prescriptions = Ledger()

    # one chunk ------------------------------------------------------------------------------------
    def add(self, result: Result, tours: list | None) -> None:
        """A priced chunk: ``tours`` are its parsed tours, or None for lines read from `ngap price` JSON."""
        opts = self.options
        self.prescriptions.add(result.prescriptions)
        if tours is not None:
            where = _patients_of(tours)
        else:   # lines read from `ngap price` JSON: who they are about, when it says so
            where = _ByFile(result.patients) if result.patients else None
        # the franchise of every line given, --from/--to or not: its yearly cap counts the acts before the
        # period too; then only the lines of the period are summed
        lines = result.lines
        franchises = self._franchise(lines, where) if self.franchise else [ZERO] * len(lines)
        if opts.date_from is not None or opts.date_to is not None:
            kept = [(l, f) for l, f in zip(lines, franchises) if opts.keeps(l.date)]
            lines, franchises = [l for l, _ in kept], [f for _, f in kept]
        if tours:   # only a remplaçant's lines need their nurse (rétrocession)
            nurses = _nurses_of(tours) if any(t.nurse.replaces for t in tours) else {}
        else:   # from JSON: the nurses that replace someone, when it says so
            nurses = _ByFile(result.nurses) if result.nurses else {}
        total, groups, by_patient, by_code = self.total, self.groups, self.by_patient, self.by_code
        keys = [(dim, group_key(dim)) for dim in opts.by]
        # inlined Sums.add: this loop runs for every line of a year (~5 groups a line)
        for line, fr in zip(lines, franchises):
            amount, amo = line.amount, line.amo
            total.amount += amount
            total.amo += amo
            total.franchise += fr
            total.lines += 1
            for dim, key_of in keys:
                key = (dim, key_of(line))
                sums = groups.get(key)
                if sums is None:
                    sums = groups[key] = Sums()
                sums.amount += amount
                sums.amo += amo
                sums.franchise += fr
                sums.lines += 1
            by_patient[line.patient] += amount
            by_code[line.code] += amount
            if nurses:
                nurse = nurses.get((line.file, line.nurse, line.patient, line.date))
                if nurse is not None and nurse.replaces:
                    self._retro(nurse, line)
        if lines:
            first, last = min(l.date for l in lines), max(l.date for l in lines)
            self.first = first if self.first is None or first < self.first else self.first
            self.last = last if self.last is None or last > self.last else self.last
        kept = [d for d in result.diagnostics if opts.keeps(d.date)]
        for d in kept:
            self.severities[d.severity] += 1
        self.diagnostics.extend(kept)

    # franchise ----------------------------------------------------------------------------------------
    def _franchise(self, lines: list[Line], where: dict | None) -> list[Decimal]:
        """Per line: the franchise of each billed act, per patient and day in time order, within the daily
        cap and the annual cap; nothing for exempt patients. All lines of a patient-day are in the chunk."""
        table = self.franchise
        out = [ZERO] * len(lines)
        acts: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, l in enumerate(lines):
            if l.kind == "act" and l.amount > 0:
                acts[(l.patient, l.date)].append(i)
        unknown = where is None       # a patient whose age and coverage are not known
        for (pid, day), idx in sorted(acts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            d = date.fromisoformat(day)
            rate = table.at(d)
            if rate is None:
                continue
            found = None if where is None else where.get((lines[idx[0]].file, pid, day))
            unknown = unknown or found is None
            if self._exempt(found, d):
                continue
            per_act, day_left = rate
            idx.sort(key=lambda i: (lines[i].time, lines[i].visit, i))
            for i in idx:
                used = self._franchise_used[(pid, d.year)]
                year_left = None if table.annual_cap is None else table.annual_cap - used
                f = min(x for x in (per_act, day_left, year_left) if x is not None)
                if f <= 0:
                    break
                out[i] = f
                day_left -= f
                self._franchise_used[(pid, d.year)] = used + f
        if unknown and acts and not any("exonérations" in n for n in self.notes):
            self.notes.append("Franchise calculée sans exonérations pour des lignes lues en JSON : leur JSON ne dit "
                              "ni l'âge ni la couverture du patient (« patients » absent, celui d'une version "
                              "antérieure de ngap) ; mineurs, maternité, CSS et AME sont exonérés : redonnez la "
                              "sortie de « ngap price » actuelle ou les fichiers de tournée pour un calcul exact.")
        return out

    def _exempt(self, found, day: date) -> bool:
        if found is None:
            return False
        patient, tour = found
        if patient.coverage in self.franchise.exempt_coverage:
            return True
        age = patient.age_on(day, tour.date)
        return age is not None and age < self.franchise.under_age

    # rétrocession --------------------------------------------------------------------------------------
    def _retro(self, nurse, line: Line) -> None:
        who = line.nurse or NO_NAME
        key = (nurse.replaces, who, nurse.cabinet_fee_percent, line.date[:7])
        r = self.retro.get(key)
        if r is None:
            r = self.retro[key] = Retro(nurse.replaces, who, nurse.cabinet_fee_percent, line.date, line.date)
            if nurse.cabinet_fee_percent is None:
                self.notes.append(f"Rétrocession de {who} pour {nurse.replaces} non calculée : la tournée ne donne "
                                  "pas « cabinet_fee_percent » (frais de cabinet gardés par le titulaire).")
        r.start, r.end = min(r.start, line.date), max(r.end, line.date)
        r.fees += line.amount
        if line.code not in IK_CODES:
            r.fees_without_ik += line.amount

    # output -----------------------------------------------------------------------------------------------
    def groups_list(self) -> list[dict]:
        out = []
        for dim in self.options.by:
            keys = sorted((k for d, k in self.groups if d == dim), key=_natural)
            for k in keys:
                row = {"by": dim, "key": k, **self.groups[(dim, k)].as_dict()}
                if "+" in dim:   # a crossed grouping: each part of the key by its name too
                    names = dim.split("+")
                    row["keys"] = dict(zip(names, k.split(" · ", len(names) - 1)))
                out.append(row)
        return out

    def totals(self) -> dict:
        t = self.total
        return {
            "amount": str(t.amount), "amo": str(t.amo), "patient_share": str(t.amount - t.amo),
            "franchise": str(t.franchise), "amo_net": str(t.amo - t.franchise), "lines": t.lines,
            "by_patient": {k: str(v) for k, v in sorted(self.by_patient.items(), key=lambda kv: _natural(kv[0]))},
            "by_code": {k: str(v) for k, v in sorted(self.by_code.items())},
        }

    def retrocession(self) -> list[dict]:
        rows = sorted(self.retro.values(), key=lambda r: (r.titulaire, r.remplacant, r.start))
        return [r.as_dict(self.options.retrocession_base) for r in rows]


def _patients_of(tours: list) -> dict:
    """(file, patient id, date) → (patient, tour): who a line is about (age and coverage)."""
    out = {}
    for t in tours:
        for p in t.patients:
            for v in p.visits:
                out.setdefault((t.file, p.id, v.date.isoformat()), (p, t))
    return out


def _nurses_of(tours: list) -> dict:
    """(file, nurse name, patient id, date) → the nurse of the tour that produced the line."""
    out = {}
    for t in tours:
        for p in t.patients:
            for v in p.visits:
                out.setdefault((t.file, t.nurse.name, p.id, v.date.isoformat()), t.nurse)
    return out


# -- the batch ---------------------------------------------------------------------------------------------

class Progress:
    """What the batch tells a progress display (the CLI gives a rich one on a terminal)."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self) -> None: ...


@dataclass
class Report:
    options: Options
    files: list[FileStatus]
    agg: Aggregator
    compare: Aggregator | None = None
    compare_dir: str | None = None

    @property
    def skipped(self) -> list[FileStatus]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def has_errors(self) -> bool:
        return self.agg.severities["error"] > 0

    @property
    def has_warnings(self) -> bool:
        return self.agg.severities["error"] + self.agg.severities["warning"] > 0

    def comparison(self) -> dict | None:
        if self.compare is None:
            return None
        base, other = self.agg, self.compare
        codes = sorted(set(base.by_code) | set(other.by_code))
        rows = [_diff(base.by_code.get(c, ZERO), other.by_code.get(c, ZERO), code=c) for c in codes]
        return {"tariffs": self.compare_dir, "by_code": rows,
                "total": _diff(base.total.amount, other.total.amount)}

    def document(self) -> dict:
        groups = self.agg.groups_list()
        if self.compare is not None:
            for g in groups:
                other = self.compare.groups.get((g["by"], g["key"]))
                d = _diff(Decimal(g["amount"]), other.amount if other else ZERO)
                g.update(compared=d["compared"], difference=d["difference"], percent=d["percent"])
        doc = {
            "ngap_version": __version__,
            "period": {"from": _iso(self.options.date_from) or self.agg.first,
                       "to": _iso(self.options.date_to) or self.agg.last},
            "by": list(self.options.by),
            # dicts made one by one as they are written (a year's warnings would weigh ~10 MB at once)
            "files": Mapped(self.files, FileStatus.as_dict),
            "warnings": Mapped(self.agg.diagnostics, Diagnostic.as_dict),
            "notes": list(self.agg.notes),
            "totals": self.agg.totals(),
            "groups": groups,
            "retrocession": self.agg.retrocession(),
        }
        if self.compare is not None:
            doc["comparison"] = self.comparison()
        last = self.options.date_to or (date.fromisoformat(self.agg.last) if self.agg.last else None)
        if self.agg.prescriptions.usage or self.options.expiring is not None:
            doc["prescriptions"] = self.agg.prescriptions.rows(last)
        if self.options.expiring is not None:   # only the prescriptions to renew
            doc["expiring"] = self.agg.prescriptions.expiring(last, self.options.expiring)
            due = {(r["patient"], r["prescription"]) for r in doc["expiring"]}
            doc["prescriptions"] = [r for r in doc["prescriptions"] if (r["patient"], r["prescription"]) in due]
        return doc


def _diag_order(d: Diagnostic):
    return (d.date or "", d.file, d.line or 0, d.time or "")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _diff(amount: Decimal, compared: Decimal, **extra) -> dict:
    difference = compared - amount
    percent = money(difference * 100 / amount) if amount else None
    return {**extra, "amount": str(amount), "compared": str(compared), "difference": str(difference),
            "percent": None if percent is None else str(percent)}


def run(paths: list[str], store, options: Options, compare_store=None, compare_dir: str | None = None,
        progress: Progress | None = None, stdin=None) -> Report:
    """Reads, prices (by chunks of shared days, see the module docstring) and sums."""
    from ngapcli.rules import price

    progress = progress or Progress()
    franchise = Franchise.of(store)
    sources, statuses, notes = collect(paths, stdin)
    agg = Aggregator(options, franchise)
    agg.notes.extend(notes)
    cmp_agg = Aggregator(options, None) if compare_store is not None else None

    # each file parsed once, priced by chunks of shared days, in worker processes for big batches:
    # ngapcli.batch (which also joins the chunks holding a patient's acts limited per month or year)
    from functools import partial

    from ngapcli import batch

    compare = None if compare_store is None else partial(_price_compared, store=compare_store,
                                                         compare_dir=compare_dir, price=price)
    progress.stage("Lecture des tournées", len(sources))
    for event in batch.iter_priced(sources, store, special=priced_json, compare=compare):
        if isinstance(event, batch.Read):
            if event.error is not None:
                event.source.status.skip(str(event.error))
            elif event.claimed and compare_store is not None:
                raise UsageError("--compare-tariffs demande des tournées YAML : la sortie JSON de "
                                 "« ngap price » est déjà tarifée")
            progress.advance()
        elif isinstance(event, batch.Planned):
            progress.stage("Tarification", event.files)
        else:
            for i, exc in event.errors:
                sources[i].status.skip(str(exc))
            if event.tours is None:
                agg.add(event.result, None)
            elif event.tours:
                agg.add(event.result, event.tours)
                if cmp_agg is not None:
                    cmp_agg.add(event.compared, event.tours)
            for _ in event.indexes:
                progress.advance()
    return Report(options, statuses, agg, cmp_agg, compare_dir)


def _price_compared(tours: list, store, compare_dir: str | None, price: Callable) -> Result:
    missing = sorted({ref.act_id for t in tours for p in t.patients for v in p.visits for ref in v.acts
                      if ref.act_id is not None and ref.act_id not in store.acts})
    if missing:
        raise InputError(f"le dossier de comparaison ne connaît pas l'acte « {missing[0]} »", compare_dir or "")
    try:
        return price(tours, store)
    except (KeyError, LookupError, TypeError, AttributeError) as exc:
        raise InputError(f"dossier de comparaison incomplet ou incompatible ({type(exc).__name__} : {exc})",
                         compare_dir or "") from None


# -- CSV ------------------------------------------------------------------------------------------------------

CSV_COLUMNS = ["by", "key", "amount", "amo", "patient_share", "franchise", "lines"]
CSV_COMPARE_COLUMNS = ["compared", "difference", "percent"]


def csv_table(doc: dict) -> tuple[list[dict], list[str]]:
    """One row per group, then a `total` row; comparison columns with --compare-tariffs."""
    columns = CSV_COLUMNS + (CSV_COMPARE_COLUMNS if "comparison" in doc else [])
    rows = list(doc["groups"])
    total = {"by": "total", "key": "", **{k: doc["totals"][k] for k in ("amount", "amo", "patient_share",
                                                                          "franchise", "lines")}}
    if "comparison" in doc:
        c = doc["comparison"]["total"]
        total.update(compared=c["compared"], difference=c["difference"], percent=c["percent"])
    rows.append(total)
    return rows, columns
