"""`ngap audit`: what was billed against what is due (pure comparison, no I/O).

For every visit that carries a billed cotation, its items are matched to the lines that
``ngapcli.rules.price`` gives for the same visit:

1. per visit, items of the same code and the same billed coefficient (km for IK) match; when the
   billed amount was stated (CSV) and differs, it is an *écart* of value;
2. the daily items (forfaits BSA/BSB/BSC, IFI: chap. I art. 12, DG art. 13) are then pooled per
   patient and day across visits (and nurses): a forfait billed on another passage of the day
   than the one where the calculator put it is not a difference;
3. what is left is paired inside a family of the same item (same code; the three forfait levels;
   IK/IKM/IKS; the two night levels): an *écart* (other coefficient, rate or value) — but first, a billed
   item of the same code and coefficient as a line the calculator refused or does not pay (rate 0) is
   that act, undue in full (:func:`_match_refused`);
4. billed items left alone are *indus* (NGAP201), due lines left alone are *oublis* (NGAP202).

Amounts: a billed item is priced like a due line (coefficient × letter value at the visit's date and
zone, half-up to the cent); a difference's ``amount`` is billed − due (indu > 0, oubli < 0).
IK are compared on km, before the daily cap (applied by the caisse at payment).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ngapcli.cotation import CODES, KM_CODES, BilledItem, describe
from ngapcli.model import Tour, Visit
from ngapcli.result import Diagnostic, Result, money, num

ZERO = Decimal("0.00")
DAILY = frozenset({"BSA", "BSB", "BSC", "IFI"})
FAMILY = {"BSA": "BS*", "BSB": "BS*", "BSC": "BS*", "IK": "IK*", "IKM": "IK*", "IKS": "IK*"}

KIND_CODE = {"indu": "NGAP201", "oubli": "NGAP202", "ecart": "NGAP203", "orphelin": "NGAP204"}
KIND_FR = {"indu": "indu", "oubli": "oubli", "ecart": "écart", "orphelin": "ligne non rattachée"}

# Article of each billing code when no due line or diagnostic gives it.
ARTICLE = {
    "MAU": "NGAP DG art. 23.1", "MCI": "NGAP DG art. 23.2", "MIE": "NGAP DG art. 23",
    "N": "NGAP DG art. 14", "F": "NGAP DG art. 14",
    "IFD": "NGAP DG art. 13", "IFI": "NGAP DG art. 13 ; décision UNCAM du 13/02/2020",
    "IK": "NGAP DG art. 13 C", "IKM": "NGAP DG art. 13 C", "IKS": "NGAP DG art. 13 C",
    "BSA": "NGAP Titre XVI chap. I art. 12", "BSB": "NGAP Titre XVI chap. I art. 12",
    "BSC": "NGAP Titre XVI chap. I art. 12", "DI": "NGAP Titre XVI chap. I art. 12",
    "AMX": "NGAP Titre XVI chap. I art. 12", "AIS": "NGAP Titre XVI chap. I art. 11",
    "TLS": "NGAP Titre XVI (avenant 6)", "TLL": "NGAP Titre XVI (avenant 6)", "TLD": "NGAP Titre XVI (avenant 6)",
    "TMI": "NGAP Titre XVI (avenant 9)", "CDC": "NGAP Titre XVI",
}
WHY_NOT = {
    "MAU": "la MAU n'est due que pour un acte unique en AMI de coefficient au plus 1,5, hors MCI, forfait, AMX et IFI",
    "MCI": "la MCI n'est due qu'au domicile, pour un pansement lourd et complexe ou des soins palliatifs",
    "MIE": "la MIE n'est due que pour un enfant de moins de 7 ans",
    "N": "la majoration de nuit suppose un passage entre 20 h et 8 h, appel urgent entre 19 h et 7 h ou nuit prescrite",
    "F": "la majoration de dimanche/férié suppose un dimanche, un jour férié ou un samedi urgent, avec soins urgents "
         "ou prescription « rigoureusement quotidienne »",
    "IFD": "l'IFD n'est due que pour des soins prescrits et faits au domicile, hors passage de dépendance",
    "IFI": "l'IFI n'est due que pour un passage de dépendance, un jour de forfait ou de DI, au plus 4 par jour",
    "IK": "les IK exigent un domicile hors agglomération à plus de 2 km (1 km en montagne)",
    "BSA": "un seul forfait BSI par patient et par jour, pour un patient BSI en passage de dépendance",
}
for _c in ("IKM", "IKS"):
    WHY_NOT[_c] = WHY_NOT["IK"]
for _c in ("BSB", "BSC"):
    WHY_NOT[_c] = WHY_NOT["BSA"]

# diagnostics of ``ngap price`` that explain a difference on these codes
DIAG_FOR = {
    "NGAP101": {"AMI", "AMX", "AIS"}, "NGAP102": {"AMI", "AMX"}, "NGAP103": {"AMI", "AMX"},
    "NGAP003": {"AMI", "AMX", "AIS", "DI", "TMI"}, "NGAP133": {"AIS"}, "NGAP134": {"AMI", "AMX"},
    "NGAP140": {"AMI", "AMX"}, "NGAP141": {"AMI", "AMX"}, "NGAP142": {"AMI", "AMX"}, "NGAP150": {"AMI", "AMX", "AIS"},
    "NGAP151": {"AIS"}, "NGAP110": {"IFD"}, "NGAP111": {"IFD", "IFI", "IK", "IKM", "IKS"},
    "NGAP112": {"IK", "IKM", "IKS"}, "NGAP113": {"IK", "IKM", "IKS"}, "NGAP114": {"IK", "IKM", "IKS"},
    "NGAP120": {"N", "F"}, "NGAP121": {"N"}, "NGAP122": {"F"}, "NGAP123": {"N", "F", "IFD", "IFI", "IK", "IKM"},
    "NGAP124": {"MAU"}, "NGAP125": {"MAU"}, "NGAP126": {"MCI"}, "NGAP127": {"MIE", "MCI"},
    "NGAP130": {"BSA", "BSB", "BSC"}, "NGAP131": {"IFI", "IFD"}, "NGAP132": {"IFI"}, "NGAP135": {"BSA", "BSB", "BSC"},
    "NGAP136": {"AMX"}, "NGAP004": {"IK", "IKM", "IKS"}, "NGAP139": {"BSA", "BSB", "BSC"},
    # an act without a covering prescription (contract §5): the act is undue, under NGAP DG art. 5
    **{c: {"AMI", "AMX", "AIS", "DI", "TMI", "TLS", "TLL", "TLD"}
       for c in ("NGAP170", "NGAP171", "NGAP172", "NGAP173", "NGAP174")},
    "NGAP001": set(CODES),
    # a remplaçant's third titulaire of the day: nothing of that tour's day is due (acts, majorations, travel)
    "NGAP160": set(CODES),
}
# those that state which reading was used where the sources disagree (docs/lectures.md)
READINGS = ("NGAP004", "NGAP102", "NGAP120", "NGAP125", "NGAP127", "NGAP136")
ROUNDING_READING = ("arrondi au centime, demi-centime au-dessus (AMI 1,5 = 3,15 × 1,5 = 4,725 → 4,73 €) ; "
                    "une source donne 4,72 € (voir docs/lectures.md#arrondi-au-centime)")


def fr(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


@dataclass(slots=True)
class BilledRow:
    """Where a visit's billed items come from: its ``billed`` key, or one CSV row."""
    items: list[BilledItem]
    text: str
    file: str
    line: int | None = None
    amount: Decimal | None = None      # amount stated by the billing program (CSV), if any


@dataclass(slots=True)
class OrphanRow:
    """A CSV row that no visit of the tours matches (NGAP204)."""
    row: BilledRow
    day: date | None
    date: str
    patient: str
    when: str
    reason: str


@dataclass(eq=False, slots=True)
class Entry:
    """One item, billed or due, priced."""
    side: str                 # billed | due
    code: str
    coefficient: Decimal      # before halving; km for IK
    rate: int
    effective: Decimal        # billed coefficient (after halving); km for IK
    unit: Decimal | None
    amount: Decimal
    text: str
    vkey: tuple
    rule: str = ""
    act: str | None = None
    stated: bool = False      # amount stated by the billing program
    source: str = ""          # file:line of the billed text
    used: bool = False

    @property
    def family(self) -> str:
        return FAMILY.get(self.code, self.code)

    def as_dict(self) -> dict:
        d = {"code": self.code, "coefficient": num(self.coefficient), "rate": self.rate,
             "amount": str(self.amount), "text": self.text}
        if self.code in KM_CODES:
            d["km"] = num(self.coefficient)
        if self.unit is not None:
            d["unit_value"] = str(self.unit)
        if self.side == "due":
            d["rule"] = self.rule
            if self.act:
                d["act"] = self.act
        elif self.source:
            d["source"] = self.source
        return d


@dataclass(slots=True)
class Difference:
    kind: str                 # indu | oubli | ecart | orphelin
    code: str                 # item code (AMI, MAU, F…)
    vkey: tuple | None
    billed: Entry | None
    due: Entry | None
    amount: Decimal           # billed − due
    article: str
    message: str
    reading: str | None = None
    diagnostic: str | None = None
    where: dict = field(default_factory=dict)

    @property
    def ngap(self) -> str:
        return KIND_CODE[self.kind]

    @property
    def certain(self) -> bool:
        """Undue whatever the audit cannot see: an indu or an over-billed écart against the visit as
        written. An oubli is no indu; an orphan row (NGAP204) is to check: its visit may be missing."""
        return self.kind == "indu" or (self.kind == "ecart" and self.amount > 0)

    def as_dict(self) -> dict:
        return {
            "code": self.ngap, "kind": self.kind, **self.where, "item": self.code,
            "billed": self.billed.as_dict() if self.billed else None,
            "due": self.due.as_dict() if self.due else None,
            "billed_amount": str(self.billed.amount if self.billed else ZERO),
            "due_amount": str(self.due.amount if self.due else ZERO),
            "amount": str(self.amount), "article": self.article, "message": self.message,
            "reading": self.reading, "diagnostic": self.diagnostic, "certain": self.certain,
        }


@dataclass(slots=True)
class AuditedVisit:
    vkey: tuple
    tour: Tour
    patient: str
    visit: Visit
    rows: list[BilledRow]
    billed: list[Entry] = field(default_factory=list)
    due: list[Entry] = field(default_factory=list)
    matched: list[tuple[Entry, Entry]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def audited(self) -> bool:
        return bool(self.rows)

    @property
    def where(self) -> dict:
        v = self.visit
        return {"file": self.tour.file, "nurse": self.tour.nurse.name, "date": v.date.isoformat(),
                "patient": self.patient, "visit": v.number, "time": v.time, "line": v.line}

    @property
    def billed_text(self) -> str:
        return " + ".join(r.text.strip() for r in self.rows if r.text.strip())

    def billed_amount(self) -> Decimal:
        return sum((e.amount for e in self.billed), ZERO) + sum(
            (d.amount for d in self.differences if d.kind == "ecart" and d.billed is None and d.due is None), ZERO)

    def due_amount(self) -> Decimal:
        return sum((e.amount for e in self.due), ZERO)

    def as_dict(self) -> dict:
        return {
            **self.where, "billed": self.billed_text,
            "sources": sorted({f"{r.file}:{r.line}" if r.line else r.file for r in self.rows}),
            "billed_items": [e.as_dict() for e in self.billed], "due_items": [e.as_dict() for e in self.due],
            "billed_amount": str(self.billed_amount()), "due_amount": str(self.due_amount()),
            "difference": str(self.billed_amount() - self.due_amount()),
            "status": "conforme" if not self.differences else "écart",
            "differences": [d.as_dict() for d in self.differences],
        }


@dataclass
class AuditResult:
    visits: list[AuditedVisit]
    differences: list[Difference]
    diagnostics: list[Diagnostic]

    @property
    def audited(self) -> list[AuditedVisit]:
        return [v for v in self.visits if v.audited]

    @property
    def has_undue(self) -> bool:
        return any(d.kind in ("indu", "orphelin") for d in self.differences)

    def exit_code(self, strict: bool) -> int:
        if self.has_undue or (strict and self.differences):
            return 1
        return 0

    def totals(self) -> dict:
        def bucket() -> dict:
            return {"undue": ZERO, "orphans": ZERO, "forgotten": ZERO, "ecart_over": ZERO, "ecart_under": ZERO,
                    "undue_certain": ZERO, "to_check": ZERO, "count": 0}

        overall, by_code, by_month = bucket(), defaultdict(bucket), defaultdict(bucket)
        for d in self.differences:
            month = (d.where.get("date") or "")[:7] or "?"
            for b in (overall, by_code[d.code], by_month[month]):
                b["count"] += 1
                if d.amount > 0:
                    b["undue_certain" if d.certain else "to_check"] += d.amount
                if d.kind == "indu":
                    b["undue"] += d.amount
                elif d.kind == "orphelin":      # not an indu: a row the tours do not explain (NGAP204)
                    b["orphans"] += d.amount
                elif d.kind == "oubli":
                    b["forgotten"] += -d.amount
                elif d.amount > 0:
                    b["ecart_over"] += d.amount
                else:
                    b["ecart_under"] += -d.amount

        def out(b: dict) -> dict:
            return {k: (v if k == "count" else str(v)) for k, v in b.items()}

        audited = self.audited
        billed = sum((v.billed_amount() for v in audited), ZERO) + sum(
            (d.amount for d in self.differences if d.kind == "orphelin"), ZERO)
        due = sum((v.due_amount() for v in audited), ZERO)
        return {
            "billed": str(billed), "due": str(due), "difference": str(billed - due),
            **out(overall),
            "kinds": {k: sum(1 for d in self.differences if d.kind == k) for k in KIND_CODE},
            "by_code": {k: out(by_code[k]) for k in sorted(by_code)},
            "by_month": {k: out(by_month[k]) for k in sorted(by_month)},
            "visits": len(self.visits), "visits_audited": len(audited),
            "visits_matching": sum(1 for v in audited if not v.differences),
        }


# -- building entries ----------------------------------------------------------------------------------

def visit_key(tour: Tour, patient_id: str, visit: Visit) -> tuple:
    return (tour.file, tour.document, patient_id, visit.number)


def _line_key(file: str, nurse: str, patient: str, day: str, number: int, time: str) -> tuple:
    return (file, nurse, patient, day, number, time)


def _night_key(store, visit: Visit) -> str:
    from ngapcli.rules.majorations import in_window, minutes

    for band in store.rules["night"]["bands"]:
        if in_window(visit.minutes, minutes(band["start"]), minutes(band["end"])):
            return band["value"]
    return "N"


def _unit(store, item: BilledItem, av: AuditedVisit, due_n: Entry | None) -> Decimal | None:
    """Value of a billed code at the visit's date and zone; a plain N takes the level that is due."""
    key = item.code
    if item.code == "N":
        if item.level == 2:
            key = "N_DEEP"
        elif item.level is None:
            if due_n is not None:
                return due_n.unit
            key = _night_key(store, av.visit)
    if key not in store.series:
        return None
    return store.value(key, av.visit.date, av.tour.zone)


def _billed_entries(av: AuditedVisit, store) -> list[Entry]:
    due_n = next((e for e in av.due if e.code == "N"), None)
    out = []
    for row in av.rows:
        source = f"{row.file}:{row.line}" if row.line else row.file
        row_entries = []
        for item in row.items:
            unit = _unit(store, item, av, due_n)
            for _ in range(item.quantity):
                eff = item.effective
                amount = money(eff * unit) if unit is not None else ZERO
                text = describe(BilledItem(item.code, item.coefficient, item.rate, 1, item.level))
                if item.code == "N" and item.level:
                    text = "N (23 h-5 h)" if item.level == 2 else "N (20 h-23 h, 5 h-8 h)"
                row_entries.append(Entry("billed", item.code, item.coefficient, item.rate, eff, unit, amount, text,
                                         av.vkey, source=source))
        if row.amount is not None and len(row_entries) == 1:
            e = row_entries[0]
            e.amount, e.stated = row.amount, True
        elif row.amount is not None and row_entries:
            computed = sum((e.amount for e in row_entries), ZERO)
            if computed != row.amount:
                av.differences.append(Difference(
                    "ecart", "MONTANT", av.vkey, None, None, row.amount - computed, "valeurs des lettres clés",
                    f"montant déclaré {fr(row.amount)} € pour « {row.text.strip()} », "
                    f"montant des cotations {fr(computed)} €", where=av.where))
        out.extend(row_entries)
    return out


def _due_entries(lines, vkey: tuple) -> list[Entry]:
    out, ik = [], []
    for l in lines:
        if l.code in KM_CODES:
            ik.append(l)
            continue
        if l.rate <= 0 or l.amount <= 0:
            continue
        base = l.coefficient * 2 if l.rate == 50 else l.coefficient
        item = BilledItem(l.code, base, 50 if l.rate == 50 else 100)
        text = describe(item)
        if l.code == "N":
            text = "N (23 h-5 h)" if "23" in l.label else "N (20 h-23 h, 5 h-8 h)"
        out.append(Entry("due", l.code, base, item.rate, l.coefficient, l.unit_value, l.amount, text, vkey,
                         rule=l.rule, act=l.act))
    by_code: dict[str, list] = defaultdict(list)
    for l in ik:
        by_code[l.code].append(l)
    for code, pieces in by_code.items():
        km = sum((l.quantity for l in pieces), Decimal(0))
        unit = pieces[0].unit_value
        rule = pieces[0].rule.split(" ; plafond")[0]
        if len(pieces) > 1 or pieces[0].rate != 100:
            rule += " ; plafond journalier des IK appliqué par la caisse au paiement (avenant 6), non compté ici"
        out.append(Entry("due", code, km, 100, km, unit, money(km * unit),
                         describe(BilledItem(code, km)), vkey, rule=rule))
    return out


# -- matching -------------------------------------------------------------------------------------------

def _same(b: Entry, d: Entry) -> bool:
    return b.code == d.code and b.effective == d.effective and (b.code != "N" or b.unit == d.unit)


def _match_exact(billed: list[Entry], due: list[Entry], pairs: list) -> None:
    for b in billed:
        if b.used:
            continue
        for d in due:
            if not d.used and _same(b, d):
                b.used = d.used = True
                pairs.append((b, d))
                break


def _match_refused(billed: list[Entry], refused: list) -> list[Entry]:
    """Billed items left over that stand for an act the calculator refused or does not pay (a line at rate 0:
    no covering prescription, a count limit, the third act under 11B…): the billed item of the same code and
    coefficient (before halving) is that act, undue in full — it must not be paired as an écart with another
    act's due line (« AMI 2 + AMI 1/2 » where only the AMI 1 act is prescribed: 6,30 € undue and the AMI 1
    billed at half rate, not an AMI 2 billed for an AMI 1 and an AMI 1/2 undue). Each refused line takes one
    billed item; the daily items and IK are left to the pooling by day and to the km comparison."""
    out = []
    for l in refused:
        if l.code in KM_CODES or l.code in DAILY:
            continue
        b = next((b for b in billed if not b.used and b.code == l.code and b.coefficient == l.coefficient), None)
        if b is not None:
            b.used = True
            out.append(b)
    return out


def _match_family(billed: list[Entry], due: list[Entry], pairs: list) -> None:
    """Pair what is left inside a family: same code and coefficient, then same code, then family."""
    for b in sorted((b for b in billed if not b.used), key=lambda e: -e.coefficient):
        free = [d for d in due if not d.used and d.family == b.family]
        if not free:
            continue
        best = (next((d for d in free if d.code == b.code and d.coefficient == b.coefficient), None)
                or next((d for d in sorted(free, key=lambda e: -e.coefficient) if d.code == b.code), None)
                or free[0])
        b.used = best.used = True
        pairs.append((b, best))


# -- explaining ------------------------------------------------------------------------------------------

def _related(av: AuditedVisit | None, code: str, kinds=None) -> Diagnostic | None:
    if av is None:
        return None
    for d in av.diagnostics:
        if code in DIAG_FOR.get(d.code, ()) and (kinds is None or d.code in kinds):
            return d
    return None


def _reading(av: AuditedVisit | None, code: str, exclude: Diagnostic | None = None) -> str | None:
    if av is None:
        return None
    found = [d.message for d in av.diagnostics
             if d.code in READINGS and code in DIAG_FOR.get(d.code, ()) and d is not exclude]
    return " ".join(found) or None


def _article_of(store, e: Entry) -> str:
    if e.act and e.act in store.acts and store.acts[e.act].article:
        article = store.acts[e.act].article
        return article if article.startswith("NGAP") else f"NGAP {article}"
    if e.code == "AMI" and e.rule.startswith(("11B", "hors 11B")):
        return "NGAP DG art. 11B"
    return ARTICLE.get(e.code, "NGAP Titre XVI")


def _explain(kind: str, b: Entry | None, d: Entry | None, av: AuditedVisit | None, refused: list,
             store) -> Difference:
    code = (b or d).code
    if kind == "oubli":
        article = _article_of(store, d)
        msg = f"{d.text} dû ({fr(d.amount)} €), non facturé — {d.rule}"
        return Difference(kind, code, d.vkey, None, d, -d.amount, article, msg, _reading(av, code))
    if kind == "indu":
        diag = _related(av, code)
        dead = next((l for l in refused if l.code == code and (l.coefficient == b.effective
                                                                  or l.coefficient == b.coefficient)), None)
        if dead is not None:
            why, article = dead.rule, ("NGAP DG art. 11B" if "11B" in dead.rule else ARTICLE.get(code, "NGAP Titre XVI"))
            if diag is not None:
                article = diag.reference
        elif diag is not None:
            why, article = diag.message, diag.reference
        else:
            why = WHY_NOT.get(code, "aucune ligne de ce code n'est due pour ce passage")
            article = ARTICLE.get(code, "NGAP DG art. 11B")
        msg = f"{b.text} facturé ({fr(b.amount)} €), non dû — {why}"
        return Difference(kind, code, b.vkey, b, None, b.amount, article, msg, _reading(av, code, diag),
                          diag.code if diag else None)
    # écart
    delta = b.amount - d.amount
    reading = _reading(av, code)
    amounts = f"{fr(b.amount)} € au lieu de {fr(d.amount)} €"
    if b.code != d.code:
        what = f"{b.text} facturé au lieu de {d.text} : {amounts}"
        article = ARTICLE.get(d.code, "NGAP Titre XVI")
    elif b.effective == d.effective and b.unit == d.unit:
        what = f"{d.text} facturé {amounts} (montant déclaré)"
        article = _article_of(store, d)
        if abs(delta) == Decimal("0.01"):
            reading = " ".join(x for x in (reading, ROUNDING_READING) if x)
    elif b.rate != d.rate and b.coefficient == d.coefficient:
        what = f"{b.text} facturé à {b.rate} %, dû à {d.rate} % ({d.text}) : {amounts}"
        article = "NGAP DG art. 11B"
    else:
        what = f"{b.text} facturé, dû {d.text} : {amounts}"
        article = _article_of(store, d)
    msg = f"{what} — {d.rule}"
    diag = _related(av, code)
    return Difference(kind, code, b.vkey, b, d, delta, article, msg, reading, diag.code if diag else None)


# -- the audit -------------------------------------------------------------------------------------------

def audit(tours: list[Tour], store, billed: dict[tuple, list[BilledRow]],
          orphans: list[OrphanRow] = (), priced: Result | None = None) -> AuditResult:
    """Compare the billed rows of each visit (``billed`` keyed by :func:`visit_key`) with the due lines."""
    from ngapcli.rules import price

    result = priced if priced is not None else price(tours, store)
    visits: dict[tuple, AuditedVisit] = {}
    by_line_key: dict[tuple, tuple] = {}
    by_diag_key: dict[tuple, list[AuditedVisit]] = defaultdict(list)
    by_tour_day: dict[tuple, list[AuditedVisit]] = defaultdict(list)   # diagnostics of a tour's day (NGAP160)
    for tour in tours:
        for p in tour.patients:
            for v in p.visits:
                k = visit_key(tour, p.id, v)
                av = AuditedVisit(k, tour, p.id, v, billed.get(k, []))
                visits[k] = av
                by_line_key.setdefault(_line_key(tour.file, tour.nurse.name, p.id, v.date.isoformat(), v.number,
                                                 v.time), k)
                by_diag_key[(tour.file, p.id, v.date.isoformat(), v.time)].append(av)
                by_tour_day[(tour.file, tour.line, v.date.isoformat())].append(av)
    lines_of: dict[tuple, list] = defaultdict(list)
    for l in result.lines:
        k = by_line_key.get(_line_key(l.file, l.nurse, l.patient, l.date, l.visit, l.time))
        if k is not None:
            lines_of[k].append(l)
    for d in result.diagnostics:
        if d.patient is None and d.date is not None:       # about a tour's day, not one passage
            for av in by_tour_day.get((d.file, d.line, d.date), ()):
                av.diagnostics.append(d)
            continue
        for av in by_diag_key.get((d.file, d.patient, d.date, d.time), ()):
            av.diagnostics.append(d)
    refused_of: dict[tuple, list] = {k: [l for l in ls if l.rate == 0 or l.amount == 0] for k, ls in lines_of.items()}

    for k, av in visits.items():
        av.due = _due_entries(lines_of.get(k, []), k)
        if av.audited:
            av.billed = _billed_entries(av, store)

    # 1. per visit: exact matches for everything, family pairs for the non-daily items
    pending: list[tuple[str, Entry | None, Entry | None]] = []
    for k, av in visits.items():
        if not av.audited:
            continue
        _match_exact(av.billed, av.due, av.matched)
        pending += [("indu", b, None) for b in _match_refused(av.billed, refused_of.get(k, []))]
        ecarts: list = [(b, d) for b, d in av.matched if b.amount != d.amount]
        av.matched = [(b, d) for b, d in av.matched if b.amount == d.amount]
        _match_family([b for b in av.billed if b.code not in DAILY], [d for d in av.due if d.code not in DAILY],
                      ecarts)
        pending += [("ecart", b, d) for b, d in ecarts]

    # 2. per patient and day: forfaits and IFI pooled across passages (and nurses)
    days: dict[tuple, list[AuditedVisit]] = defaultdict(list)
    for av in visits.values():
        days[(av.patient, av.visit.date)].append(av)
    for day_visits in days.values():
        audited = [av for av in day_visits if av.audited]
        if not audited:
            continue
        billed_left = [b for av in audited for b in av.billed if b.code in DAILY and not b.used]
        due_left = [d for av in audited for d in av.due if d.code in DAILY and not d.used]
        # a forfait due on a passage that was not audited (the other nurse's) still counts for the day
        due_left += [d for av in day_visits if not av.audited for d in av.due
                     if d.family == "BS*" and not d.used]
        pairs: list = []
        _match_exact(billed_left, due_left, pairs)
        ecarts = [(b, d) for b, d in pairs if b.amount != d.amount]
        for b, d in pairs:
            if b.amount == d.amount:
                visits[b.vkey].matched.append((b, d))
        _match_family(billed_left, due_left, ecarts)
        pending += [("ecart", b, d) for b, d in ecarts]

    # 3. what is left
    for av in visits.values():
        if not av.audited:
            continue
        pending += [("indu", b, None) for b in av.billed if not b.used]
        pending += [("oubli", None, d) for d in av.due if not d.used]

    differences: list[Difference] = []
    for av in visits.values():
        differences.extend(av.differences)  # stated CSV totals
    for kind, b, d in pending:
        owner = visits[(b or d).vkey]
        diff = _explain(kind, b, d, owner, refused_of.get(owner.vkey, []), store)
        diff.where = owner.where
        owner.differences.append(diff)
        differences.append(diff)
        if kind == "ecart" and d.vkey != b.vkey:
            # the due side of a daily item lives on another passage: count it with the billed one
            visits[d.vkey].due.remove(d)
            owner.due.append(d)
    zone_of = {}
    for t in tours:
        for p in t.patients:
            zone_of.setdefault(p.id, t.zone)
    for o in orphans:
        zone = zone_of.get(o.patient, tours[0].zone if tours else "metropole")   # the patient's zone
        r = o.row
        total = r.amount
        if total is None:
            total = ZERO
            if o.day is not None:
                for item in r.items:
                    key = "N_DEEP" if item.code == "N" and item.level == 2 else item.code
                    unit = store.value(key, o.day, zone) if key in store.series else None
                    if unit is not None:
                        total += money(item.effective * unit) * item.quantity
        where = {"file": r.file, "nurse": "", "date": o.date, "patient": o.patient, "visit": None, "time": o.when,
                 "line": r.line}
        differences.append(Difference(
            "orphelin", "LIGNE", None, None, None, total, "ngap audit : facturation sans visite correspondante",
            f"ligne {r.file}:{r.line} « {r.text.strip()} » : {o.reason}", where=where))

    for av in visits.values():
        # a forfait matched on another passage of the day moves to the passage that billed it
        for b, d in av.matched:
            if d.vkey != av.vkey and d in visits[d.vkey].due:
                visits[d.vkey].due.remove(d)
                av.due.append(d)
    order = {k: i for i, k in enumerate(visits)}
    for av in visits.values():
        av.differences.sort(key=lambda x: ("indu", "ecart", "oubli").index(x.kind) if x.kind in
                            ("indu", "ecart", "oubli") else 3)
    differences.sort(key=lambda x: (x.where.get("date") or "", x.where.get("time") or "", x.where.get("patient") or "",
                                    order.get(x.vkey, len(order))))
    vlist = sorted(visits.values(), key=lambda v: (v.visit.date, v.visit.minutes, v.tour.file, v.patient))
    return AuditResult(vlist, differences, result.diagnostics)


__all__ = ["AuditResult", "AuditedVisit", "BilledRow", "Difference", "Entry", "OrphanRow", "audit", "visit_key"]
