"""Reading tour files (contract §1): YAML → validated model, or an InputError with its place."""
from __future__ import annotations

import difflib
import errno
import os
import re
import sys
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from ngapcli.errors import InputError
from ngapcli import datefr, plans
from ngapcli.model import ActRef, Nurse, Patient, Prescription, Tour, Visit
from ngapcli.yamlnodes import MAX_FILE_BYTES, YList, YMap, decode, load_documents

ZONES = ("metropole", "alsace_moselle", "guadeloupe", "martinique", "guyane", "reunion", "mayotte")
TERRAINS = ("plaine", "montagne", "pied_ski")
COVERAGES = ("standard", "ald", "maternity", "at_mp", "invalidity", "css", "ame")
BSI_LEVELS = ("BSA", "BSB", "BSC")
PLACES = ("home", "office")

DOC_KEYS = {"date", "zone", "nurse", "patients"}
NURSE_KEYS = {"name", "terrain", "replaces", "cabinet_fee_percent"}
PATIENT_KEYS = {"id", "name", "age", "birth_date", "bsi", "coverage", "household", "distance_km",
                "outside_agglomeration", "nearest_cabinet_km", "palliative", "prescription", "visits",
                "prescriptions", "plan"}
PRESCRIPTION_KEYS = {"home", "night", "daily"}
ORDONNANCE_KEYS = {"id", "date", "from", "until", "days", "acts", "home", "night", "daily", "urgent"}
PRESCRIBED_ACT_KEYS = {"act", "seances", "per_day"}
PLAN_KEYS = {"acts", "times", "days", "from", "until", "except", "prescription", "place", "urgent", "dependence"}
VISIT_KEYS = {"time", "date", "place", "dependence", "urgent", "called_at", "acts", "billed", "prescription"}
ACT_KEYS = {"act", "cotation", "label", "quantity"}
_COTATION = re.compile(r"^\s*([A-Za-z]{2,4})\s*([0-9]+(?:[.,][0-9]+)?)\s*$")
_TIME = re.compile(r"^(\d{1,2})[:hH](\d{2})$")
# contract §1: the BSI forfaits are derived from the patient's `bsi`, never typed by hand
DERIVED_ACTS = {"forfait_bsa": "BSA", "forfait_bsb": "BSB", "forfait_bsc": "BSC"}
DERIVED_LETTERS = frozenset(DERIVED_ACTS.values())
MAX_ACTS = 200_000  # act occurrences (quantities included) in one file: a year of a busy cabinet


def show(value, limit: int = 40) -> str:
    """A value quoted in a message, cut when it is long (a 5 000-digit number, a pasted binary)."""
    text = str(value) if not isinstance(value, str) else value
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source(m, key):
    """The value of ``key`` as written in the file: YAML 1.1 reads ``012`` as 10, ``yes`` as True."""
    v = m[key]
    return v if isinstance(v, str) else m.raw.get(key, v)


_CLOCKS: dict[str, tuple[str, int]] = {}   # "8:30" -> ("08:30", 510): a batch reads the same times again and again


class _Reader:
    """Validates one document, raising InputError at the first fault with its place."""

    def __init__(self, file: str, act_ids: frozenset[str], letters: frozenset[str]):
        self.file = file
        self.act_ids = act_ids
        self.letters = letters
        self.acts_read = 0

    def fail(self, msg: str, pos: tuple[int, int] | None) -> InputError:
        return InputError(msg, self.file, *(pos or (None, None)))

    # -- positions -------------------------------------------------------------------------
    @staticmethod
    def key_pos(m: YMap, key: str) -> tuple[int, int]:
        p = m.key_pos.get(key)
        return (p[0], p[1]) if p else (m.line, m.column)

    @staticmethod
    def value_pos(m: YMap, key: str) -> tuple[int, int]:
        p = m.key_pos.get(key)
        return (p[2], p[3]) if p else (m.line, m.column)

    # -- typed getters ---------------------------------------------------------------------
    def mapping(self, value, what: str, pos) -> YMap:
        if not isinstance(value, YMap):
            raise self.fail(f"{what} : une table clé: valeur est attendue", pos)
        return value

    def check_keys(self, m: YMap, allowed: set[str], what: str) -> None:
        for k in m:
            if k not in allowed:
                hint = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                extra = f" (« {hint[0]} » ?)" if hint else f" ; clés permises : {', '.join(sorted(allowed))}"
                raise self.fail(f"clé inconnue « {show(k)} » dans {what}{extra}", self.key_pos(m, k))

    def text(self, m: YMap, key: str, default=None, required=False) -> str | None:
        if key not in m or m[key] is None:
            if required:
                raise self.fail(f"clé « {key} » obligatoire", (m.line, m.column))
            return default
        v = m[key]
        if isinstance(v, (YMap, YList)):
            raise self.fail(f"« {key} » : un texte est attendu, pas une liste ou une table", self.value_pos(m, key))
        return str(source(m, key))  # as written: « 012 », « yes », « 1.50 »

    def choice(self, m: YMap, key: str, choices, default):
        v = self.text(m, key, default)
        if v is not None and v not in choices:   # as a French user writes it: « place: domicile », « Réunion »
            v = FRENCH_CHOICES.get(_plain(v), v) if _plain(v) not in choices else _plain(v)
        if v is not None and v not in choices:
            hint = difflib.get_close_matches(v, choices, n=1)
            extra = f" (« {hint[0]} » ?)" if hint else ""
            raise self.fail(f"« {key} » : valeur « {show(v)} » inconnue{extra} ; valeurs permises : {', '.join(choices)}",
                            self.value_pos(m, key))
        return v

    def flag(self, m: YMap, key: str, default: bool) -> bool:
        if key not in m or m[key] is None:
            return default
        v = m[key]
        if isinstance(v, str) and v.strip().lower() in OUI_NON:   # French beside true/false: « urgent: oui »
            return OUI_NON[v.strip().lower()]
        if not isinstance(v, bool):
            raise self.fail(f"« {key} » : true ou false (oui ou non) attendu, pas « {show(source(m, key))} »",
                            self.value_pos(m, key))
        return v

    def number(self, m: YMap, key: str, *, integer=False, minimum=0, maximum=10_000) -> Decimal | int | None:
        if key not in m or m[key] is None:
            return None
        v = m[key]
        if isinstance(v, bool) or isinstance(v, (YMap, YList)):
            raise self.fail(f"« {key} » : un nombre est attendu", self.value_pos(m, key))
        v = source(m, key)  # decimal as written: 010 is ten (not YAML 1.1 octal), 0x10 is refused
        try:
            d = Decimal(v.strip().replace(",", "."))
        except InvalidOperation:
            raise self.fail(f"« {key} » : « {show(v)} » n'est pas un nombre", self.value_pos(m, key)) from None
        if not d.is_finite():
            raise self.fail(f"« {key} » : « {show(v)} » n'est pas un nombre fini", self.value_pos(m, key))
        if d < minimum or d > maximum:
            raise self.fail(f"« {key} » : {show(v)} hors des bornes permises ({minimum} à {maximum})",
                            self.value_pos(m, key))
        if integer:
            if d != d.to_integral_value():
                raise self.fail(f"« {key} » : un nombre entier est attendu, pas {show(v)}", self.value_pos(m, key))
            return int(d)
        return d

    def day(self, m: YMap, key: str, default=None, required=False) -> date | None:
        v = self.text(m, key, None, required)
        if v is None:
            return default
        return self.date_text(v, key, self.value_pos(m, key))

    def clock(self, m: YMap, key: str, required=False) -> tuple[str, int] | None:
        if key not in m or m[key] is None:
            if required:
                raise self.fail(f"clé « {key} » obligatoire (heure HH:MM)", (m.line, m.column))
            return None
        v = m[key]
        known = _CLOCKS.get(v) if isinstance(v, str) else None
        if known is not None:
            return known
        match = _TIME.match(str(v).strip()) if isinstance(v, str) else None
        if not match:
            raise self.fail(f"« {key} » : heure « {show(source(m, key))} » illisible, format attendu HH:MM",
                            self.value_pos(m, key))
        h, mi = int(match[1]), int(match[2])
        if h > 23 or mi > 59:
            raise self.fail(f"« {key} » : l'heure {v} n'existe pas (00:00 à 23:59)", self.value_pos(m, key))
        known = f"{h:02d}:{mi:02d}", h * 60 + mi
        if len(_CLOCKS) < 4096:
            _CLOCKS[v] = known
        return known

    # -- the document ------------------------------------------------------------------------
    def tour(self, doc, index: int) -> Tour:
        if not isinstance(doc, YMap):
            raise self.fail("le document doit être une table avec date, patients…",
                            (getattr(doc, "line", 1), getattr(doc, "column", 1)))
        self.check_keys(doc, DOC_KEYS, "le document")
        day = self.day(doc, "date", required=True)
        zone = self.choice(doc, "zone", ZONES, "metropole")
        nurse = Nurse()
        if doc.get("nurse") is not None:
            n = self.mapping(doc["nurse"], "nurse", self.value_pos(doc, "nurse"))
            self.check_keys(n, NURSE_KEYS, "nurse")
            nurse = Nurse(
                name=self.text(n, "name", "") or "",
                terrain=self.choice(n, "terrain", TERRAINS, "plaine"),
                replaces=self.text(n, "replaces"),
                cabinet_fee_percent=self.number(n, "cabinet_fee_percent", maximum=100),
            )
        raw = doc.get("patients")
        if not isinstance(raw, YList):
            raise self.fail("« patients » : une liste de patients est attendue",
                            self.value_pos(doc, "patients") if "patients" in doc else (doc.line, doc.column))
        patients, seen = [], {}
        for item, pos in zip(raw, raw.item_pos):
            p = self.patient(item, pos, day)
            if p.id in seen:
                raise self.fail(f"patient « {p.id} » en double (déjà ligne {seen[p.id]})", pos)
            seen[p.id] = pos[0]
            patients.append(p)
        return Tour(self.file, index, day, zone, nurse, patients, doc.line)

    def patient(self, item, pos, tour_date: date) -> Patient:
        m = self.mapping(item, "patient", pos)
        self.check_keys(m, PATIENT_KEYS, "un patient")
        pid = self.text(m, "id", required=True)
        presc = Prescription()
        if m.get("prescription") is not None:
            pm = self.mapping(m["prescription"], "prescription", self.value_pos(m, "prescription"))
            self.check_keys(pm, PRESCRIPTION_KEYS, "prescription")
            presc = Prescription(self.flag(pm, "home", True), self.flag(pm, "night", False),
                                 self.flag(pm, "daily", False))
        bsi = self.text(m, "bsi")
        if bsi is not None:
            bsi = bsi.upper()
            if bsi not in BSI_LEVELS:
                raise self.fail(f"« bsi » : niveau « {bsi} » inconnu ; valeurs permises : BSA, BSB, BSC",
                                self.value_pos(m, "bsi"))
        p = Patient(
            id=pid,
            name=self.text(m, "name"),
            age=self.number(m, "age", integer=True, maximum=130),
            birth_date=self.day(m, "birth_date"),
            bsi=bsi,
            coverage=self.choice(m, "coverage", COVERAGES, "standard"),
            household=self.text(m, "household"),
            distance_km=self.number(m, "distance_km", maximum=1000),
            outside_agglomeration=self.flag(m, "outside_agglomeration", False),
            nearest_cabinet_km=self.number(m, "nearest_cabinet_km", maximum=1000),
            palliative=self.flag(m, "palliative", False),
            prescription=presc,
            line=pos[0],
        )
        if p.birth_date and p.birth_date > tour_date:
            raise self.fail(f"« birth_date » : {p.birth_date} est après la date de la tournée",
                            self.value_pos(m, "birth_date"))
        by_id: dict[str, Ordonnance] = {}
        if m.get("prescriptions") is not None:
            p.ordonnances = self.ordonnances(m, by_id)
        if m.get("plan") is not None:
            p.plan = self.plan(m, tour_date, p, by_id)
        visits = m.get("visits")
        if visits is None and p.plan:
            visits = YList()
            visits.item_pos = []
        if not isinstance(visits, YList) or not (visits or p.plan):
            raise self.fail(f"patient « {pid} » : une liste « visits » non vide est attendue"
                            + ("" if "plan" in m else " (ou un « plan »)"),
                            self.value_pos(m, "visits") if "visits" in m else pos)
        for n, (v, vpos) in enumerate(zip(visits, visits.item_pos), 1):
            p.visits.append(self.visit(v, vpos, tour_date, p, n, by_id))
        plans.expand(p)
        return p

    # -- prescriptions and plans (contract §5) ---------------------------------------------------
    def listing(self, m: YMap, key: str, what: str) -> YList:
        v = m[key]
        if not isinstance(v, YList) or not v:
            raise self.fail(f"« {key} » : une liste non vide {what} est attendue", self.value_pos(m, key))
        return v

    def named_ordonnance(self, m: YMap, by_id: dict) -> str | None:
        name = self.text(m, "prescription")
        if name is not None and name not in by_id:
            hint = difflib.get_close_matches(name, list(by_id), n=1)
            known = (f" (« {hint[0]} » ?)" if hint else "") + (
                f" ; prescriptions du patient : {', '.join(by_id)}" if by_id else
                " ; le patient n'a pas de « prescriptions »")
            raise self.fail(f"« prescription » : prescription « {show(name)} » inconnue{known}",
                            self.value_pos(m, "prescription"))
        return name

    def ordonnances(self, m: YMap, by_id: dict) -> list[Ordonnance]:
        raw = self.listing(m, "prescriptions", "de prescriptions (id, date, until ou days, acts)")
        out = []
        for item, pos in zip(raw, raw.item_pos):
            o = self.ordonnance(item, pos)
            if o.id in by_id:
                raise self.fail(f"prescription « {o.id} » en double pour ce patient (déjà ligne {by_id[o.id].line})",
                                pos)
            by_id[o.id] = o
            out.append(o)
        return out

    def ordonnance(self, item, pos) -> Ordonnance:
        m = self.mapping(item, "prescription (id, date, from, until ou days, acts…)", pos)
        self.check_keys(m, ORDONNANCE_KEYS, "une prescription")
        oid = self.text(m, "id", required=True)
        written = self.day(m, "date", required=True)
        start = self.day(m, "from", written)
        if "until" in m and "days" in m:
            raise self.fail("une prescription a soit « until » (dernier jour), soit « days » (durée), pas les deux",
                            self.key_pos(m, "days"))
        if m.get("until") is not None:
            end = self.day(m, "until")
            if end < start:
                raise self.fail(f"« until » : {end} est avant le premier jour de la prescription ({start})",
                                self.value_pos(m, "until"))
        elif m.get("days") is not None:
            end = start + timedelta(days=self.number(m, "days", integer=True, minimum=1, maximum=3660) - 1)
        else:
            raise self.fail(f"prescription « {oid} » : « until: AAAA-MM-JJ » (dernier jour couvert) ou « days: N » "
                            "(durée en jours) est obligatoire", pos)
        if "acts" not in m:
            raise self.fail(f"prescription « {oid} » : « acts » obligatoire (les actes prescrits)", pos)
        acts_raw = self.listing(m, "acts", "d'actes prescrits")
        acts: list[PrescribedAct] = []
        seen: dict[str, int] = {}
        for a, apos in zip(acts_raw, acts_raw.item_pos):
            pa = self.prescribed_act(a if isinstance(a, str) else acts_raw.item_raw.get(len(acts), a), apos)
            if pa.act_id in seen:
                raise self.fail(f"acte « {pa.act_id} » deux fois dans la prescription « {oid} » (déjà ligne "
                                f"{seen[pa.act_id]}) : donnez une seule ligne avec « seances » ou « per_day »", apos)
            seen[pa.act_id] = apos[0]
            acts.append(pa)
        from ngapcli.standing import Ordonnance

        return Ordonnance(oid, written, start, end, acts, self.flag(m, "home", True), self.flag(m, "night", False),
                          self.flag(m, "daily", False), self.flag(m, "urgent", False), pos[0])

    def prescribed_act(self, item, pos) -> PrescribedAct:
        from ngapcli.standing import PrescribedAct

        if isinstance(item, str):
            return PrescribedAct(self.act_id(item, pos), line=pos[0])
        m = self.mapping(item, "acte prescrit (identifiant ou {act: …, seances: N} ou {act: …, per_day: k})", pos)
        self.check_keys(m, PRESCRIBED_ACT_KEYS, "un acte prescrit")
        act_id = self.text(m, "act")
        if act_id is None:
            raise self.fail("« act » : identifiant d'acte attendu (voir « ngap acts »)",
                            self.value_pos(m, "act") if "act" in m else pos)
        if "seances" in m and "per_day" in m:
            raise self.fail("un acte prescrit a soit « seances » (nombre en tout), soit « per_day » (par jour), "
                            "pas les deux", self.key_pos(m, "per_day"))
        return PrescribedAct(self.act_id(act_id, self.value_pos(m, "act")),
                             self.number(m, "seances", integer=True, minimum=1, maximum=10_000),
                             self.number(m, "per_day", integer=True, minimum=1, maximum=50), pos[0])

    def plan(self, m: YMap, tour_date: date, patient: Patient, by_id: dict) -> list[PlanEntry]:
        raw = self.listing(m, "plan", "de soins planifiés (acts, times, days, from, until)")
        return [self.plan_entry(item, pos, tour_date, patient, by_id) for item, pos in zip(raw, raw.item_pos)]

    def plan_entry(self, item, pos, tour_date: date, patient: Patient, by_id: dict) -> PlanEntry:
        m = self.mapping(item, "entrée du plan (acts, times, days, from, until…)", pos)
        self.check_keys(m, PLAN_KEYS, "une entrée du plan")
        named = self.named_ordonnance(m, by_id)
        o = by_id.get(named) if named else None
        start = self.day(m, "from", o.start if o else tour_date)
        end = self.day(m, "until", o.end if o else None)
        if end is None:
            raise self.fail("entrée du plan : « until: AAAA-MM-JJ » (dernier jour) est obligatoire (ou une "
                            "« prescription » dont le dernier jour est repris)", pos)
        if end < start:
            raise self.fail(f"« until » : {end} est avant « from » ({start})",
                            self.value_pos(m, "until") if "until" in m else pos)
        if (end - start).days + 1 > plans.MAX_ENTRY_DAYS:
            raise self.fail(f"entrée du plan de {(end - start).days + 1} jours ({start} au {end}) : au plus "
                            f"{plans.MAX_ENTRY_DAYS} jours ; découpez-la", self.value_pos(m, "until")
                            if "until" in m else pos)
        weekdays, every, days = self.plan_days(m)
        times = self.plan_times(m)
        excepted = set()
        if m.get("except") is not None:
            ex = m["except"]
            if not isinstance(ex, YList):
                raise self.fail("« except » : une liste de dates est attendue, par ex. [2025-03-14]",
                                self.value_pos(m, "except"))
            for n, (d, dpos) in enumerate(zip(ex, ex.item_pos)):
                text = ex.item_raw.get(n, d)
                day = self.date_text(text, "except", dpos)
                if not start <= day <= end:
                    raise self.fail(f"« except » : le {day} est hors de l'entrée du plan ({start} au {end})", dpos)
                excepted.add(day)
        dependence = self.flag(m, "dependence", patient.bsi is not None)
        if "acts" in m:
            acts_raw = m["acts"]
        else:
            acts_raw = None
        if acts_raw is None and dependence and patient.bsi:
            acts_raw = YList()
            acts_raw.item_pos, acts_raw.item_raw = [], {}
        if not isinstance(acts_raw, YList) or (not acts_raw and not (dependence and patient.bsi)):
            raise self.fail("entrée du plan : une liste « acts » non vide est attendue",
                            self.value_pos(m, "acts") if "acts" in m else pos)
        before = self.acts_read
        acts = [self.act(a if isinstance(a, str) else acts_raw.item_raw.get(n, a), apos)
                for n, (a, apos) in enumerate(zip(acts_raw, acts_raw.item_pos))]
        from ngapcli.standing import PlanEntry

        entry = PlanEntry(acts, times, days, weekdays, every, start, end, frozenset(excepted), named,
                          self.choice(m, "place", PLACES, "home"), self.flag(m, "urgent", bool(o and o.urgent)), dependence,
                          pos[0])
        # hostile-input limits count what the plan expands to: each visit's acts (a visit at least one)
        weight = max(1, self.acts_read - before)
        self.acts_read = before + weight * plans.visit_count(entry)
        if self.acts_read > MAX_ACTS:
            raise self.fail(f"trop d'actes dans le fichier une fois les plans développés (plus de {MAX_ACTS}) : "
                            "découpez-le", pos)
        return entry

    def plan_days(self, m: YMap) -> tuple[frozenset[int], int | None, str]:
        """(weekdays, every, as written) of `days`: daily, weekdays, a day name or a list of them, {every: N}."""
        if m.get("days") is None:
            return plans.DAILY, None, "daily"
        v, pos = m["days"], self.value_pos(m, "days")
        if isinstance(v, YMap):
            self.check_keys(v, {"every"}, "« days »")
            if "every" not in v:
                raise self.fail("« days » : {every: N} attendu (un jour sur N à partir de « from »)", pos)
            n = self.number(v, "every", integer=True, minimum=1, maximum=plans.MAX_ENTRY_DAYS)
            return plans.DAILY, n, f"every {n}"
        if isinstance(v, str) and v.strip().lower() in ("daily", "weekdays"):
            word = v.strip().lower()
            return (plans.DAILY if word == "daily" else plans.WEEKDAYS), None, word
        names = [(v, pos)] if not isinstance(v, YList) else list(zip(v, v.item_pos))
        if not names:
            raise self.fail("« days » : une liste de jours non vide est attendue, par ex. [lun, mer, ven]", pos)
        out = set()
        for name, npos in names:
            key = name.strip().lower() if isinstance(name, str) else None
            if key not in plans.DAY_NAMES:
                hint = difflib.get_close_matches(str(key or name), list(plans.DAY_NAMES), n=1)
                extra = f" (« {hint[0]} » ?)" if hint else ""
                raise self.fail(f"« days » : jour « {show(name)} » inconnu{extra} ; écrivez daily, weekdays, une "
                                "liste de jours ([lun, mer, ven] ou [mon, wed, fri]) ou {every: 2}", npos)
            out.add(plans.DAY_NAMES[key])
        return frozenset(out), None, ",".join(str(n) for n in sorted(out))

    def plan_times(self, m: YMap) -> list[tuple[str, int]]:
        if m.get("times") is None:
            raise self.fail("entrée du plan : « times » obligatoire, par ex. times: [\"07:30\", \"18:30\"]",
                            self.key_pos(m, "times") if "times" in m else (m.line, m.column))
        v = m["times"]
        if not isinstance(v, YList) or not v:
            raise self.fail("« times » : une liste d'heures non vide est attendue, par ex. [\"07:30\", \"18:30\"]",
                            self.value_pos(m, "times"))
        out: list[tuple[str, int]] = []
        seen: dict[int, int] = {}
        for t, tpos in zip(v, v.item_pos):
            holder = YMap({"times": t})
            holder.line, holder.column, holder.raw = tpos[0], tpos[1], {}
            holder.key_pos = {"times": (tpos[0], tpos[1], tpos[0], tpos[1])}
            text, minutes = self.clock(holder, "times", required=True)
            if minutes in seen:
                raise self.fail(f"« times » : {text} deux fois dans la même entrée du plan", tpos)
            seen[minutes] = tpos[0]
            out.append((text, minutes))
        return out

    def date_text(self, v, key: str, pos) -> date:
        """AAAA-MM-JJ, or JJ/MM/AAAA as French users write it (ngapcli.datefr)."""
        ymd = datefr.year_month_day(v) if isinstance(v, str) else None
        if ymd is None:
            raise self.fail(f"« {key} » : date « {show(v)} » illisible, format attendu AAAA-MM-JJ ou JJ/MM/AAAA",
                            pos)
        try:
            return date(*ymd)
        except ValueError:
            raise self.fail(f"« {key} » : la date {v} n'existe pas", pos) from None

    def visit(self, item, pos, tour_date: date, patient: Patient, number: int, by_id: dict | None = None) -> Visit:
        m = self.mapping(item, "visite", pos)
        self.check_keys(m, VISIT_KEYS, "une visite")
        time_str, minutes = self.clock(m, "time", required=True)
        called = self.clock(m, "called_at")
        acts_raw = m.get("acts")
        dependence = self.flag(m, "dependence", patient.bsi is not None)
        if acts_raw is None and dependence and patient.bsi:
            acts_raw = YList()  # a dependence passage may hold only care covered by the forfait
            acts_raw.item_pos = []
            acts_raw.item_raw = {}
        if not isinstance(acts_raw, YList) or (not acts_raw and not (dependence and patient.bsi)):
            raise self.fail("visite : une liste « acts » non vide est attendue",
                            self.value_pos(m, "acts") if "acts" in m else pos)
        acts = [self.act(a if isinstance(a, str) else acts_raw.item_raw.get(n, a), apos)
                for n, (a, apos) in enumerate(zip(acts_raw, acts_raw.item_pos))]
        billed = self.text(m, "billed")
        named = self.named_ordonnance(m, by_id or {})
        urgent_default = bool(named and by_id[named].urgent)   # « urgent » on the prescription named
        return Visit(
            date=self.day(m, "date", tour_date),
            time=time_str,
            minutes=minutes,
            place=self.choice(m, "place", PLACES, "home"),
            dependence=dependence,
            urgent=self.flag(m, "urgent", urgent_default),
            called_at=called[1] if called else None,
            acts=acts,
            billed=billed,
            billed_line=self.value_pos(m, "billed")[0] if billed is not None else None,
            billed_column=self.value_pos(m, "billed")[1] if billed is not None else None,
            line=pos[0],
            number=number,
            prescription=named,
        )

    def act(self, item, pos) -> ActRef:
        self.acts_read += 1
        if self.acts_read > MAX_ACTS:
            raise self.fail(f"trop d'actes dans le fichier (plus de {MAX_ACTS}) : découpez-le", pos)
        if isinstance(item, str):
            return ActRef(self.act_id(item, pos), line=pos[0])
        m = self.mapping(item, "acte (identifiant ou {act: …, quantity: …})", pos)
        self.check_keys(m, ACT_KEYS, "un acte")
        quantity = self.number(m, "quantity", integer=True, minimum=1, maximum=50)
        quantity = 1 if quantity is None else quantity
        self.acts_read += quantity - 1
        if self.acts_read > MAX_ACTS:
            raise self.fail(f"trop d'actes dans le fichier (plus de {MAX_ACTS}) : découpez-le",
                            self.value_pos(m, "quantity"))
        if "act" in m and "cotation" in m:
            raise self.fail("un acte a soit « act », soit « cotation », pas les deux", pos)
        if "act" in m:
            act_id = self.text(m, "act")
            if act_id is None:
                raise self.fail("« act » : identifiant d'acte attendu (voir « ngap acts »)", self.value_pos(m, "act"))
            return ActRef(self.act_id(act_id, self.value_pos(m, "act")),
                          label=self.text(m, "label"), quantity=quantity, line=pos[0])
        cot = self.text(m, "cotation")
        if cot is None:
            raise self.fail("un acte demande « act » (identifiant du catalogue) ou « cotation »", pos)
        match = _COTATION.match(cot)
        if match and match[1].upper() in DERIVED_LETTERS:
            raise self.fail(f"cotation « {show(cot)} » : le forfait {match[1].upper()} ne se saisit pas, il se "
                            "déduit de « bsi » du patient", self.value_pos(m, "cotation"))
        if not match or match[1].upper() not in self.letters:
            raise self.fail(f"cotation « {show(cot)} » illisible : lettre clé ({', '.join(sorted(self.letters - DERIVED_LETTERS))}) "
                            "suivie d'un coefficient, par ex. « AMI 2 »", self.value_pos(m, "cotation"))
        coef = Decimal(match[2].replace(",", "."))
        if coef <= 0 or coef > 100:
            raise self.fail(f"cotation « {show(cot)} » : coefficient hors bornes (plus de 0 et au plus 100)",
                            self.value_pos(m, "cotation"))
        if coef != coef.quantize(Decimal("0.01")):
            raise self.fail(f"cotation « {show(cot)} » : un coefficient NGAP a au plus deux décimales",
                            self.value_pos(m, "cotation"))
        return ActRef(None, match[1].upper(), coef, self.text(m, "label") or "acte hors catalogue",
                      quantity, pos[0])

    def act_id(self, value: str, pos) -> str:
        if value in DERIVED_ACTS:
            raise self.fail(f"« {value} » ne se saisit pas : le forfait {DERIVED_ACTS[value]} se déduit de "
                            f"« bsi: {DERIVED_ACTS[value]} » du patient", pos)
        if value in self.act_ids:
            return value
        from ngapcli.search import suggest

        hint = suggest(value, self.act_ids)
        extra = f" ; « {hint} » ?" if hint else " ; voir « ngap acts »"
        raise self.fail(f"acte inconnu « {show(value)} »{extra}", pos)


# French (or accented, capitalised) values of the keys with a fixed set of values, beside the English ones
FRENCH_CHOICES = {"domicile": "home", "cabinet": "office", "maternite": "maternity", "invalidite": "invalidity",
                  "at": "at_mp", "mp": "at_mp", "accident_du_travail": "at_mp", "maladie_professionnelle": "at_mp",
                  "metropole": "metropole", "alsace": "alsace_moselle", "la_reunion": "reunion",
                  "pied": "pied_ski", "ski": "pied_ski"}


def _plain(text: str) -> str:
    """« Alsace-Moselle » → alsace_moselle, « Maternité » → maternite."""
    import unicodedata

    folded = "".join(c for c in unicodedata.normalize("NFKD", str(text).strip().lower())
                     if not unicodedata.combining(c))
    return "_".join(folded.replace("-", " ").replace("'", " ").split())


OUI_NON = {"oui": True, "non": False, "vrai": True, "faux": False}

_OS_ERRORS = {  # the system's own messages are in English
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.ELOOP: "trop de liens symboliques (boucle ?)",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ENXIO: "périphérique ou adresse inexistant",
    errno.EISDIR: "c'est un dossier, pas un fichier de tournée",
}


def read_source(path: str, stdin=None) -> tuple[str, str]:
    """(display name, text) of a path or of ``-`` (stdin); InputError on anything unreadable."""
    if path == "-":
        stream = stdin or sys.stdin.buffer
        data = stream.read(MAX_FILE_BYTES + 1)
        name = "<stdin>"
    else:
        name = path
        try:
            # one open and one fstat; the read sized by the file (a batch reads thousands of small files)
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())      # (a folder: open() already raised IsADirectoryError)
                if st.st_size > MAX_FILE_BYTES:
                    raise InputError(f"fichier trop volumineux ({st.st_size // (1024 * 1024)} Mo ; "
                                     f"au plus {MAX_FILE_BYTES // (1024 * 1024)} Mo)", name)
                data = fh.read(st.st_size + 1) if st.st_size else b""
                if not st.st_size or len(data) > st.st_size:   # a pipe, or a file that grew meanwhile
                    data += fh.read(MAX_FILE_BYTES + 1 - len(data))
        except IsADirectoryError:
            raise InputError("c'est un dossier, pas un fichier de tournée (pour un dossier entier : ngap report)",
                             name) from None
        except FileNotFoundError:
            raise InputError("fichier introuvable", name) from None
        except PermissionError:
            raise InputError("lecture refusée (droits du fichier)", name) from None
        except OSError as exc:
            why = _OS_ERRORS.get(exc.errno, f"erreur système {errno.errorcode.get(exc.errno, exc.errno)}")
            raise InputError(f"lecture impossible : {why}", name) from None
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"entrée trop volumineuse (au plus {MAX_FILE_BYTES // (1024 * 1024)} Mo)", name)
    return name, decode(data, name)


def parse_tours(text: str, name: str, act_ids: frozenset[str], letters: frozenset[str]) -> list[Tour]:
    reader = _Reader(name, act_ids, letters)
    docs = [d for d in load_documents(text, name) if d is not None]
    if not docs:
        raise InputError("fichier vide : aucune tournée", name, 1)
    return [reader.tour(doc, i) for i, doc in enumerate(docs, 1)]


def load_tours(path: str, act_ids: frozenset[str], letters: frozenset[str], stdin=None) -> list[Tour]:
    name, text = read_source(path, stdin)
    return parse_tours(text, name, act_ids, letters)
