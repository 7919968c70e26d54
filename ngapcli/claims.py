"""Checks of a billing export by itself (`ngap audit --billed FILE.csv` without tours): pure functions
from billed rows to findings, no I/O.

Only what the billed lines show is judged, against the values (``values.yaml``), the catalog
(``acts.yaml``), the rule parameters (``rules.yaml``) and the public holidays of the tariff store in
force that day in that zone — the same data as ``ngap price``:

- a row: its stated amount against its items at the dated values; a code that has no value that day;
  a coefficient that no act of that letter has at that date;
- a passage (rows of the same nurse, day, patient and time): MAU beside a second act, above the
  maximal coefficient, or with MCI, AMX, IFI or a BSI forfait; night and Sunday together; night outside
  the night bands; F on a weekday that is no holiday of the zone; IFD and IFI together; a majoration or a
  travel allowance without any act; an item that counts once per passage billed twice; MCI beside the
  bilan de plaie; three acts at full rate;
- a patient's day (all nurses): more than the allowed IFI, two BSI forfaits, IFI without forfait or DI,
  a second long perfusion forfait, AIS beside a BSI forfait;
- a nurse's day: the daily IK cap;
- a patient's 12 months: acts limited per 12 months, where the coefficient tells the act.

Each finding is **certain** (undue whatever care was given) or **to check** (depends on the care, or
on what the export does not show). Its ``amount`` is the euros at stake: > 0 billed too much,
< 0 billed too little. An item's euros are counted once even when several rules name it.
"""
from __future__ import annotations

import bisect
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from ngapcli.audit import fr
from ngapcli.cotation import KM_CODES, BilledItem, describe
from ngapcli.datefr import fr_date
from ngapcli.diagnostics import rule
from ngapcli.result import Diagnostic, money
from ngapcli.rules.majorations import in_window
from ngapcli.rules.majorations import minutes as clock
from ngapcli.rules.travel import cap_split

ZERO = Decimal("0.00")
ONE = Decimal(1)
HALF = Decimal("0.5")
ACT_LETTERS = frozenset({"AMI", "AMX", "AIS", "DI", "TMI"})
FORFAITS = frozenset({"BSA", "BSB", "BSC"})
CARE = ACT_LETTERS | FORFAITS | {"TLS", "TLL", "TLD", "CDC"}
ONCE_PER_PASSAGE = ("MAU", "MCI", "MIE", "N", "F", "IFD", "IFI")
WITHOUT_CARE = ("MAU", "MCI", "MIE", "N", "F", "IFD", "IFI", "IK", "IKM", "IKS")
PATIENT_DAY = frozenset({"IFI", "BSA", "BSB", "BSC", "AIS", "DI"})   # codes the patient-day checks read
DEPENDENCE_ONLY = frozenset({"IFI", "N", "F", "IK", "IKM", "IKS", "MCI"})
NUMBERED = frozenset({"AMI", "AMX", "AIS", "DI", "TMI"})   # coefficient tells the act

# the title and reference of each code (NGAP205-NGAP226) are those of ngapcli/diagnostics.py


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")




@dataclass(slots=True)
class Claim:
    """One row of the export."""
    file: str
    line: int
    nurse: str
    day: date
    patient: str
    time: str | None
    minutes: int | None
    zone: str
    text: str
    items: tuple[BilledItem, ...]
    amount: Decimal | None = None
    visit: int | None = None

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class Unit:
    """One billed item (quantity expanded), priced at the day's value."""
    claim: Claim
    item: BilledItem
    value: Decimal | None
    amount: Decimal
    charged: bool = False

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def text(self) -> str:
        i = self.item
        return describe(BilledItem(i.code, i.coefficient, i.rate, 1, i.level))


@dataclass(slots=True)
class Finding:
    code: str
    certain: bool
    amount: Decimal          # euros at stake: > 0 billed too much, < 0 too little
    claim: Claim
    item: str                # the billed item (or « MONTANT »)
    message: str
    billed_amount: Decimal = ZERO
    due_amount: Decimal = ZERO
    reading: str | None = None
    sources: tuple[str, ...] = ()
    unit: "Unit | None" = None     # the (first) billed item the finding is about
    due_item: dict | None = None   # what is due instead, when the finding says it (a forgotten MAU)

    def billed_dict(self) -> dict:
        """As the tour audit's billed item (code, coefficient, rate, amount, text, source), plus the row's
        cotation and stated amount; a finding on the row itself (« MONTANT ») has the row's."""
        c = self.claim
        row = {"cotation": c.text, "row_amount": str(c.amount) if c.amount is not None else None, "source": c.source}
        u = self.unit
        if u is None:
            return {"code": self.item, "text": c.text, "amount": str(self.billed_amount), **row}
        i = u.item
        d = {"code": i.code, "coefficient": _num(i.coefficient), "rate": i.rate, "amount": str(u.amount),
             "text": u.text}
        if i.code in KM_CODES:
            d["km"] = _num(i.coefficient)
        if u.value is not None:
            d["unit_value"] = str(u.value)
        return {**d, **row}

    @property
    def title(self) -> str:
        return rule(self.code).title

    @property
    def article(self) -> str:
        return rule(self.code).reference

    @property
    def kind(self) -> str:
        return "ecart" if self.amount < 0 else "indu"

    def as_dict(self) -> dict:
        c = self.claim
        return {
            "code": self.code, "kind": self.kind, "certain": self.certain, "rule": self.title,
            "file": c.file, "nurse": c.nurse, "date": c.day.isoformat(), "patient": c.patient, "visit": c.visit,
            "time": c.time, "line": c.line, "zone": c.zone, "item": self.item,
            "billed": None if self.due_item is not None and self.unit is None else self.billed_dict(),
            "due": self.due_item, "billed_amount": str(self.billed_amount), "due_amount": str(self.due_amount),
            "amount": str(self.amount), "article": self.article, "message": self.message,
            "reading": self.reading, "diagnostic": None,
            "sources": list(self.sources or (c.source,)),
        }


# -- what the tariff store says, memoised (a year of rows asks the same questions again and again) --------

class Catalog:
    """Questions to the tariff store about billed codes, memoised per (code, day, zone)."""

    def __init__(self, store):
        self.store = store
        self.rules = store.rules
        self._acts: dict = {}
        dates = set()
        for a in store.acts.values():
            dates.update(d for d, _ in a.coefficients)
            dates.update(d for d in (a.start, a.until) if d is not None)
        self._act_dates = sorted(dates)
        self._tclass: dict = {}
        self._interest: dict = {}
        self._forfait: dict = {}
        night = self.rules["night"]["bands"]
        self.bands = [(clock(b["start"]), clock(b["end"]), b["value"]) for b in night]
        mau = self.rules["mau"]
        self.mau_from = mau["from"]
        self.mau_any_from = mau["any_coefficient_from"]
        self.mau_max = Decimal(str(mau["max_coefficient"]))
        self.mau_letters = frozenset(mau["letters"])
        self.max_ifi = int(self.rules["bsi"]["max_ifi_per_day"])
        self.ais_end = self.rules["bsi"]["ais_dependence_end"]
        perf = self.rules["perfusion"]
        self.long_once_from = perf.get("long_once_a_day_from")
        second = store.acts.get(perf.get("long_second_becomes") or "")
        self.long_second = second
        cap = self.rules["ik"]["daily_cap"]
        self.cap_from, self.cap_certain_from = cap["from"], cap.get("certain_from") or cap["from"]
        self.full_km, self.half_km = Decimal(cap["full_km"]), Decimal(cap["half_km"])
        self.saturday_from = clock(self.rules["saturday_urgent_from"])

    def value(self, key: str, day: date, zone: str) -> Decimal | None:
        if key not in self.store.series:
            return None
        return self.store.value(key, day, zone)

    def unit_value(self, item: BilledItem, day: date, zone: str, minutes: int | None) -> Decimal | None:
        key = item.code
        if key == "N":
            if item.level == 2:
                key = "N_DEEP"
            elif item.level is None and minutes is not None:
                key = self.night_key(minutes) or "N"
        return self.value(key, day, zone)

    def night_key(self, minutes: int) -> str | None:
        for start, end, key in self.bands:
            if in_window(minutes, start, end):
                return key
        return None

    def acts(self, letter: str, coefficient: Decimal, day: date) -> tuple[list, list]:
        """(acts in force that day, acts of another date) whose letter and coefficient are these;
        AMX: the acts that may be billed in a dependence passage."""
        key = (letter, coefficient, bisect.bisect_right(self._act_dates, day))   # same answer between two dates
        found = self._acts.get(key)
        if found is None:
            now, other = [], []
            for a in self.store.acts.values():
                if letter == "AMX":
                    if a.amx == "none" or a.letter != "AMI":
                        continue
                elif a.letter != letter:
                    continue
                if a.coefficient(day) == coefficient:
                    (now if a.in_force(day) else other).append(a)
                elif any(c == coefficient for _, c in a.coefficients):
                    other.append(a)
            found = self._acts[key] = (now, other)
        return found

    def time_class(self, minutes: int | None):
        """What the checks of a passage read from its time: the night band, and « before 8 h »."""
        found = self._tclass.get(minutes, self)
        if found is self:
            found = self._tclass[minutes] = (None if minutes is None else
                                             (self.night_key(minutes), minutes < self.saturday_from))
        return found

    def interest(self, text: str, items: tuple, day: date) -> int:
        """1 when a row matters to the patient-day or 12-month checks, 2 | 1 when it bills IK too."""
        key = (text, day)
        found = self._interest.get(key)
        if found is None:
            if len(self._interest) > 100_000:
                self._interest.clear()
            found = 0
            for item in items:
                code = item.code
                if code in KM_CODES:
                    found |= 3
                elif code in PATIENT_DAY:
                    found |= 1
                elif code in ("AMI", "AMX", "DI"):
                    now, _ = self.acts(code, item.coefficient, day)
                    if any(a.max_per_year is not None or "perfusion_long" in a.groups for a in now):
                        found |= 1
            self._interest[key] = found
        return found

    def has_forfait(self, text: str, items: tuple) -> bool:
        found = self._forfait.get(text)
        if found is None:
            if len(self._forfait) > 100_000:
                self._forfait.clear()
            found = self._forfait[text] = any(i.code in FORFAITS for i in items)
        return found

    def holiday(self, day: date, zone: str) -> str | None:
        return self.store.is_holiday(day, zone)


# -- priced units ---------------------------------------------------------------------------------------

def units_of(claim: Claim, cat: Catalog) -> list[Unit]:
    out = []
    for item in claim.items:
        value = cat.unit_value(item, claim.day, claim.zone, claim.minutes)
        amount = money(item.effective * value) if value is not None else ZERO
        for _ in range(item.quantity):
            out.append(Unit(claim, item, value, amount))
    return out


MAX_FINDINGS = 200_000    # findings kept for the output; past it they are counted in the totals only


def _bucket() -> dict:
    return {"count": 0, "certain": 0, "undue_certain": ZERO, "to_check": ZERO, "under_billed": ZERO}


class Sink:
    """Collects findings; an item's euros are claimed by the first finding that names it.

    The totals (overall, by rule, month and nurse) are summed as findings come, so that they stay exact
    when an export gives more than ``MAX_FINDINGS`` findings: past it, findings are counted, not kept
    (memory stays bounded whatever the export), and the result says how many were left out."""

    def __init__(self, limit: int | None = None):
        self.findings: list[Finding] = []
        self.limit = MAX_FINDINGS if limit is None else limit
        self.left_out = 0
        self.overall = _bucket()
        self.by_rule: dict[str, dict] = {}
        self.by_month: dict[str, dict] = defaultdict(_bucket)
        self.by_nurse: dict[str, dict] = defaultdict(_bucket)
        self.certain_undue = False
        self.active = True        # off for the days outside --day/--from/--to: checked (12-month counts), not told

    def _count(self, f: Finding) -> None:
        r = self.by_rule.get(f.code)
        if r is None:
            r = self.by_rule[f.code] = {**_bucket(), "rule": f.title, "article": f.article, "rows": []}
        c = f.claim
        rows = r["rows"]
        if len(rows) < 5 or (c.day, c.line) < rows[-1][:2]:
            rows.append((c.day, c.line, c.source))
            rows.sort()
            del rows[5:]
        for b in (self.overall, r, self.by_month[c.day.isoformat()[:7]], self.by_nurse[c.nurse or "—"]):
            b["count"] += 1
            b["certain"] += f.certain
            if f.amount < 0:
                b["under_billed"] -= f.amount
            elif f.certain:
                b["undue_certain"] += f.amount
            else:
                b["to_check"] += f.amount
        if f.certain and f.amount > 0:
            self.certain_undue = True

    def add(self, code: str, certain: bool, claim: Claim, item: str, message: str, units=(), amount=None,
            reading: str | None = None, due: Decimal = ZERO, sources=(), billed: Decimal | None = None,
            due_item: dict | None = None) -> Finding:
        if amount is None:
            amount = ZERO
            for u in units:
                if not u.charged:
                    u.charged = True
                    amount += u.amount
        if billed is None:
            billed = sum((u.amount for u in units), ZERO) if units else (claim.amount or ZERO)
        f = Finding(code, certain, amount, claim, item, message, billed, due, reading, tuple(sources),
                    units[0] if units else None, due_item)
        if not self.active:
            return f
        self._count(f)
        if len(self.findings) < self.limit:
            self.findings.append(f)
        else:
            self.left_out += 1
        return f


# -- row checks -----------------------------------------------------------------------------------------

def check_row(claim: Claim, units: list[Unit], cat: Catalog, sink: Sink) -> None:
    day, zone = claim.day, claim.zone
    priced = True
    for u in units:
        if u.value is None:
            priced = False
    seen: set[int] = set()
    for u in units:
        item = u.item
        if id(item) in seen:
            continue
        seen.add(id(item))
        if u.value is None:
            first = _first_value(cat, item)
            at_stake = claim.amount if (claim.amount is not None and len(claim.items) == 1) else (
                money(item.effective * first[1]) * item.quantity if first else ZERO)
            when = (f"il n'existe qu'à partir du {fr_date(first[0])}" if first and first[0] > day
                    else "aucune valeur connue")
            sink.add("NGAP206", True, claim, u.text,
                     f"{u.text} facturé le {fr_date(day)} : {when} ; rien n'est dû pour ce code ce jour-là "
                     f"({fr(at_stake)} €).", [x for x in units if x.item is item], amount=at_stake)
            for x in units:
                if x.item is item:
                    x.charged = True
            continue
        if item.code in NUMBERED:
            now, other = cat.acts(item.code, item.coefficient, day)
            if not now:
                mine = [x for x in units if x.item is item]
                if other:
                    names = ", ".join(sorted({a.id for a in other})[:3])
                    why = (f"aucun acte en {item.code} de coefficient {_show(item.coefficient)} n'est en vigueur le "
                           f"{fr_date(day)} (coefficient d'un acte d'une autre date : {names})")
                else:
                    why = (f"aucun acte en {item.code} n'a le coefficient {_show(item.coefficient)} à cette date "
                           "(cotation libre, actes additionnés sur une ligne ?)")
                sink.add("NGAP207", False, claim, u.text, f"{u.text} facturé : {why}. À vérifier contre la "
                         "prescription et la liste des actes.", mine)
    if claim.amount is not None and priced and units:
        computed = sum((u.amount for u in units), ZERO)
        alt = _plain_night_alternative(claim, units, cat)
        if claim.amount != computed and claim.amount not in alt:
            delta = claim.amount - computed
            hint = _old_value_hint(claim, units, cat, delta)
            over = delta > 0
            # a wrong amount is certain either way; only above is it an indu (exit 1)
            sink.add("NGAP205", True, claim, "MONTANT",
                     f"montant déclaré {fr(claim.amount)} € pour « {claim.text.strip()} », "
                     f"dû {fr(computed)} € aux valeurs du {fr_date(claim.day)}"
                     + (f" ; {hint}" if hint else "")
                     + (" : trop facturé" if over else " : manque à gagner") + ".",
                     amount=delta, due=computed)


def _show(d: Decimal) -> str:
    return format(d.normalize(), "f").replace(".", ",")


def _first_value(cat: Catalog, item: BilledItem):
    key = "N_DEEP" if item.code == "N" and item.level == 2 else item.code
    s = cat.store.series.get(key)
    if s is None:
        return None
    dates, values = next(iter(s.by_group.values()))
    return (dates[0], values[0]) if dates else None


def _plain_night_alternative(claim: Claim, units: list[Unit], cat: Catalog) -> set:
    """A plain « N » without a time can be either level: both totals are accepted."""
    if claim.minutes is not None or not any(u.code == "N" and u.item.level is None for u in units):
        return set()
    deep = cat.value("N_DEEP", claim.day, claim.zone)
    if deep is None:
        return set()
    total = ZERO
    for u in units:
        total += deep if (u.code == "N" and u.item.level is None) else u.amount
    return {total}


def _old_value_hint(claim: Claim, units: list[Unit], cat: Catalog, delta: Decimal) -> str | None:
    """Says which item was priced at the value of another date, when one explains the whole delta."""
    group = cat.store.zones[claim.zone]["values"]
    for u in units:
        key = u.code if not (u.code == "N" and u.item.level == 2) else "N_DEEP"
        s = cat.store.series.get(key)
        if s is None or u.value is None:
            continue
        dates, values = s.by_group[group]
        n = sum(1 for x in units if x.item is u.item)
        for start, v in zip(dates, values):
            if v != u.value and (money(u.item.effective * v) - u.amount) * n == delta:
                return (f"{u.text} compté {fr(v)} € (valeur du {fr_date(start)}) au lieu de {fr(u.value)} € "
                        f"en vigueur le {fr_date(claim.day)}")
    return None


# -- passage checks -------------------------------------------------------------------------------------

def check_passage(rows: list[Claim], units: list[Unit], cat: Catalog, sink: Sink, day_forfait: bool) -> None:
    first = rows[0]
    by: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by[u.code].append(u)
    acts = [u for u in units if u.code in ACT_LETTERS]
    care = [u for u in units if u.code in CARE]
    srcs = tuple(sorted({r.source for r in rows}, key=lambda s: int(s.rsplit(":", 1)[1])))
    where = f"passage du {fr_date(first.day)}" + (f" à {first.time}" if first.time else "")

    def claim_of(us: list[Unit]) -> Claim:
        return us[0].claim if us else first

    if not care:
        # a dependence passage bills its IFI (and N/F) without an act: the day's forfait pays the care
        extra = [u for u in units if u.code in WITHOUT_CARE and not (day_forfait and u.code in DEPENDENCE_ONLY)]
        if extra:
            names = " + ".join(u.text for u in extra)
            sink.add("NGAP211", True, claim_of(extra), names,
                     f"{names} facturé(s) sans aucun acte ni forfait ({where}) : une majoration ou une indemnité "
                     "n'accompagne qu'un acte.", extra, sources=srcs)
    for code in ONCE_PER_PASSAGE:
        us = by.get(code, [])
        if code == "IFI":
            us = [u for u in us if u.item.coefficient == ONE]
        if len(us) > 1:
            sink.add("NGAP220", True, claim_of(us[1:]), us[0].text,
                     f"{us[0].text} facturé {len(us)} fois ({where}) : une fois par passage au plus.", us[1:],
                     sources=srcs)
    mau = by.get("MAU", [])
    if mau and cat.value("MAU", first.day, first.zone) is not None:
        m = mau[:1]
        if len(acts) > 1:
            sink.add("NGAP208", True, claim_of(m), "MAU",
                     f"MAU facturée avec {len(acts)} actes ({' + '.join(u.text for u in acts)}) ; "
                     "elle n'est due que pour un acte unique.", m, sources=srcs)
        elif acts:
            a = acts[0]
            coef = a.item.coefficient
            bad = None
            if a.code not in cat.mau_letters:
                bad = f"acte en {a.code} ; la MAU ne s'ajoute qu'à un acte en {', '.join(sorted(cat.mau_letters))}"
            elif coef > cat.mau_max:
                bad = f"coefficient {_show(coef)} > {_show(cat.mau_max)}"
            elif first.day < cat.mau_any_from and coef not in (ONE, Decimal("1.5")):
                bad = (f"coefficient {_show(coef)} : avant le {fr_date(cat.mau_any_from)}, seuls AMI 1 et AMI 1,5 "
                       "ouvraient droit à la MAU")
            if bad:
                sink.add("NGAP209", True, claim_of(m), "MAU", f"MAU avec {a.text} : {bad}.", m, sources=srcs)
        with_ = [c for c in ("MCI", "AMX", "IFI", "BSA", "BSB", "BSC") if by.get(c)]
        if with_:
            sink.add("NGAP210", True, claim_of(m), "MAU",
                     f"MAU facturée avec {', '.join(with_)} sur le même passage : jamais cumulable.", m, sources=srcs)
        elif day_forfait:
            sink.add("NGAP210", False, claim_of(m), "MAU",
                     "MAU facturée un jour où un forfait BSI est facturé au patient sur un autre passage : la caisse "
                     "peut la rejeter (la MAU ne se cumule pas avec les forfaits BSA/BSB/BSC).", m, sources=srcs,
                     reading="lecture retenue : à vérifier, le texte vise le cumul sur la séance")
    elif (len(acts) == 1 and acts[0].code in cat.mau_letters and acts[0].item.rate == 100 and not day_forfait
          and not any(by.get(c) for c in ("MCI", "AMX", "IFI", "BSA", "BSB", "BSC"))):
        a = acts[0]
        coef = a.item.coefficient
        value = cat.value("MAU", first.day, first.zone)
        if value is not None and coef <= cat.mau_max and (first.day >= cat.mau_any_from or coef in (ONE, Decimal("1.5"))):
            sink.add("NGAP227", False, a.claim, "MAU",
                     f"{a.text} seul sur le passage ({where}) sans MAU : {fr(value)} € de majoration pour acte unique "
                     "non facturés.", amount=-value, due=value, sources=srcs, billed=ZERO,
                     due_item={"code": "MAU", "coefficient": "1", "rate": 100, "amount": str(value), "text": "MAU",
                               "unit_value": str(value), "rule": "art. 23.1 : acte unique de coefficient ≤ 1,5"})
    n, f = by.get("N", []), by.get("F", [])
    if n and f:
        sink.add("NGAP212", True, claim_of(f), "F",
                 f"nuit et dimanche/férié facturés ensemble ({where}) : une seule des deux majorations par passage "
                 "(celle de nuit est retenue).", f[:1], sources=srcs)
    if n and first.minutes is not None:
        band = cat.night_key(first.minutes)
        if band is None:
            sink.add("NGAP213", True, claim_of(n), "N",
                     f"majoration de nuit à {first.time} : la nuit va de 20 h à 8 h.", n[:1], sources=srcs)
        elif band == "N" and n[0].item.level == 2:
            deep = n[0].value or ZERO
            plain = cat.value("N", first.day, first.zone) or ZERO
            over = deep - plain
            if over > 0 and not n[0].charged:
                n[0].charged = True
                sink.add("NGAP214", True, claim_of(n), "N",
                         f"nuit 23 h-5 h ({fr(deep)} €) facturée à {first.time} : tranche 20 h-23 h / 5 h-8 h, "
                         f"{fr(plain)} € dus.", amount=over, due=plain, sources=srcs)
    if f:
        wd = first.day.weekday()
        holiday = cat.holiday(first.day, first.zone)
        if not holiday and wd < 5:
            sink.add("NGAP215", True, claim_of(f), "F",
                     f"majoration F le {_weekday(first.day)} {fr_date(first.day)}, qui n'est ni un dimanche ni un "
                     f"jour férié en {cat.store.zones[first.zone].get('label', first.zone)}.", f[:1], sources=srcs)
        elif not holiday and wd == 5:
            if first.minutes is not None and first.minutes < cat.saturday_from:
                sink.add("NGAP215", True, claim_of(f), "F",
                         f"majoration F le samedi {fr_date(first.day)} à {first.time} : le samedi, seulement à partir "
                         "de 8 h pour des soins urgents.", f[:1], sources=srcs)
            else:
                sink.add("NGAP215", False, claim_of(f), "F",
                         f"majoration F le samedi {fr_date(first.day)} : due seulement pour des soins urgents "
                         "demandés le jour même, à partir de 8 h.", f[:1], sources=srcs)
    if by.get("IFD") and by.get("IFI"):
        d = by["IFD"][:1]
        sink.add("NGAP216", True, claim_of(d), "IFD",
                 f"IFD et IFI sur le même passage ({where}) : en passage de dépendance l'IFI remplace l'IFD.", d,
                 sources=srcs)
    mci = by.get("MCI", [])
    if mci:
        bilan = [u for u in acts if _is_group(cat, u, "bilan_plaie")]
        if bilan:
            sink.add("NGAP221", True, claim_of(mci), "MCI",
                     f"MCI facturée avec le bilan de plaie ({bilan[0].text}) : jamais cumulables.", mci[:1],
                     sources=srcs)
    full = sorted((u for u in acts if u.code in ("AMI", "AMX") and u.item.rate == 100),
                  key=lambda u: -u.item.coefficient)
    if len(full) >= 3:
        extra = full[2:]
        second = full[1]
        half = money(second.item.coefficient * HALF * second.value) if second.value is not None else second.amount
        amount = ZERO
        if not second.charged:                   # the second act at 50 % instead of 100 %
            amount += second.amount - half
        for u in extra:                          # the third and next: not billable
            if not u.charged:
                u.charged = True
                amount += u.amount
        second.charged = True
        sink.add("NGAP225", False, claim_of(extra), extra[0].text,
                 f"{len(full)} actes à taux plein ({' + '.join(u.text for u in full)}) : hors dérogation (art. 11B : "
                 "perfusion, prélèvement veineux, vaccination, pansements lourds…), le deuxième est à 50 % et les "
                 f"suivants ne sont pas facturés ({fr(amount)} € en jeu).", amount=amount, due=half, sources=srcs)


def _weekday(day: date) -> str:
    return ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[day.weekday()]


def _is_group(cat: Catalog, u: Unit, group: str, every: bool = False) -> bool:
    now, _other = cat.acts(u.code, u.item.coefficient, u.claim.day)
    if not now:
        return False
    test = all if every else any
    return test(group in a.groups for a in now)


# -- patient-day, nurse-day and 12-month checks ---------------------------------------------------------------

def check_patient_day(units: list[Unit], cat: Catalog, sink: Sink) -> None:
    """``units`` of one patient on one day, in time order, whatever the nurse."""
    ifi = [u for u in units if u.code == "IFI" and u.item.coefficient == ONE]
    if len(ifi) > cat.max_ifi:
        extra = ifi[cat.max_ifi:]
        sink.add("NGAP217", True, extra[0].claim, "IFI",
                 f"{len(ifi)} IFI facturées au patient {extra[0].claim.patient} le {fr_date(extra[0].claim.day)} : "
                 f"au plus {cat.max_ifi} par jour.", extra, sources=[u.claim.source for u in extra])
    forfaits = [u for u in units if u.code in FORFAITS]
    if len(forfaits) > 1:
        keep = max(forfaits, key=lambda u: u.amount)
        extra = [u for u in forfaits if u is not keep]
        sink.add("NGAP218", True, extra[0].claim, extra[0].code,
                 f"{len(forfaits)} forfaits BSI ({', '.join(u.code for u in forfaits)}) facturés au patient "
                 f"{keep.claim.patient} le {fr_date(keep.claim.day)} : un seul par jour, toutes infirmières "
                 f"confondues (le plus élevé, {keep.code}, est gardé).", extra, sources=[u.claim.source for u in extra])
    if ifi and not forfaits and not any(u.code == "DI" for u in units):
        day = ifi[0].claim.day
        if cat.value("IFI", day, ifi[0].claim.zone) is not None:
            all_ifi = [u for u in units if u.code == "IFI"]
            sink.add("NGAP219", False, all_ifi[0].claim, "IFI",
                     f"IFI facturée(s) au patient {all_ifi[0].claim.patient} le {fr_date(day)} sans forfait BSA/BSB/BSC "
                     "ni DI ce jour-là dans l'export : indue, sauf forfait facturé par une infirmière absente de "
                     "l'export.", all_ifi, sources=[u.claim.source for u in all_ifi])
    if forfaits:
        ais = [u for u in units if u.code == "AIS" and u.claim.day >= cat.ais_end]
        if ais:
            sink.add("NGAP226", True, ais[0].claim, ais[0].text,
                     f"AIS facturé le jour d'un forfait {forfaits[0].code} au patient {ais[0].claim.patient} : depuis le "
                     f"{fr_date(cat.ais_end)}, la dépendance d'un patient BSI passe par les forfaits.", ais,
                     sources=[u.claim.source for u in ais])
    if cat.long_once_from and units and units[0].claim.day >= cat.long_once_from:
        longs = [u for u in units if u.code in ("AMI", "AMX") and _is_group(cat, u, "perfusion_long")]
        if len(longs) > 1:
            extra = longs[1:]
            certain = all(_is_group(cat, u, "perfusion_long", every=True) for u in longs)
            second = cat.long_second
            amount = ZERO
            due = ZERO
            for u in extra:
                if u.charged:
                    continue
                u.charged = True
                d = money(second.coefficient(u.claim.day) * u.value) if second is not None else ZERO
                amount += u.amount - d
                due += d
            becomes = (f" ; la suivante se cote {second.letter} {_show(second.coefficient(extra[0].claim.day))}"
                       if second is not None else "")
            sink.add("NGAP222", certain, extra[0].claim, extra[0].text,
                     f"{len(longs)} forfaits de perfusion longue ({' + '.join(u.text for u in longs)}) le "
                     f"{fr_date(extra[0].claim.day)} pour le patient {extra[0].claim.patient} : un seul par jour depuis "
                     f"le {fr_date(cat.long_once_from)}{becomes}"
                     + ("" if certain else " (coefficient partagé avec un autre acte : à vérifier)") + ".",
                     amount=amount, due=due, sources=[u.claim.source for u in extra],
                     reading="circulaire CNAM contestée par des syndicats ; paramètre perfusion.long_once_a_day_from")


def check_nurse_day(units: list[Unit], cat: Catalog, sink: Sink) -> None:
    """``units`` of one nurse on one day, in time order: the daily IK cap (avenant 6)."""
    iks = [u for u in units if u.code in KM_CODES and u.value is not None]
    if not iks or iks[0].claim.day < cat.cap_from:
        return
    done = Decimal(0)
    total = sum((u.item.coefficient for u in iks), Decimal(0))
    if total <= cat.full_km:
        return
    amount, first, srcs = ZERO, None, []
    for u in iks:
        km, start = u.item.coefficient, done
        done += km
        cut = sum((money(q * (ONE - factor) * u.value) for q, _rate, factor in
                   cap_split(start, km, cat.full_km, cat.half_km)), ZERO)
        if cut > 0:
            first = first or u
            amount += cut
            srcs.append(u.claim.source)
    if first is None:
        return
    day = first.claim.day
    certain = day >= cat.cap_certain_from
    sink.add("NGAP223", certain, first.claim, first.code,
             f"{_show(total)} km d'IK facturés par {first.claim.nurse or 'l’infirmière'} le {fr_date(day)} : km "
             f"{int(cat.full_km) + 1} à {int(cat.half_km)} payés à 50 %, au-delà non payés ; {fr(amount)} € "
             "non dus au-delà du plafond.", amount=amount, sources=srcs,
             reading=None if certain else f"plafond en vigueur le 01/01/2020 ou le {fr_date(cat.cap_certain_from)} "
             "selon les sources (paramètre ik.daily_cap)")


class Window:
    """Per patient, dates of acts limited per 12 months: only the last year is kept."""

    def __init__(self):
        self.seen: dict[tuple, deque] = {}

    def count(self, key: tuple, day: date) -> int:
        q = self.seen.get(key)
        if q is None:
            q = self.seen[key] = deque()
        start = _year_before(day)
        while q and q[0] <= start:
            q.popleft()
        q.append(day)
        return len(q)

    def prune(self, day: date) -> None:
        start = _year_before(day)
        for key in [k for k, q in self.seen.items() if not q or q[-1] <= start]:
            del self.seen[key]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:          # 29 February
        return day - timedelta(days=365)


def check_year(units: list[Unit], cat: Catalog, window: Window, sink: Sink) -> None:
    """Acts whose coefficient tells an act limited per 12 months (bilan de plaie, BSI bilans)."""
    for u in units:
        if u.code not in NUMBERED:
            continue
        now, _ = cat.acts(u.code, u.item.coefficient, u.claim.day)
        if not now or any(a.max_per_year is None for a in now):
            continue
        cap = sum(a.max_per_year for a in now)
        key = (u.claim.patient, u.code if u.code != "AMX" else "AMI", u.item.coefficient)
        n = window.count(key, u.claim.day)
        if n > cap:
            names = " ou ".join(a.label.split("(")[0].strip() for a in now)
            recidive = any("bilan_plaie" in a.groups for a in now)
            sink.add("NGAP224", not recidive, u.claim, u.text,
                     f"{u.text} ({names}) : {n}e en 12 mois pour le patient {u.claim.patient}, au plus {cap}"
                     + (" ; un nouveau bilan n'est admis qu'en cas de récidive après deux mois sans soins de plaie"
                        if recidive else "") + ".", [u])


# -- a day of the export ----------------------------------------------------------------------------------

def _chrono(c: Claim):
    return (c.minutes if c.minutes is not None else -1, c.line)


@dataclass
class Checker:
    """Feed it the rows of one day at a time (:meth:`day`); findings accumulate in ``sink``."""
    store: object
    cat: Catalog = None
    sink: Sink = field(default_factory=Sink)
    window: Window = field(default_factory=Window)
    file: str = ""
    rows: int = 0
    passages: int = 0
    warnings: list = field(default_factory=list)
    stale: date | None = None
    billed: Decimal = ZERO
    first: date | None = None
    last: date | None = None
    nurses: set = field(default_factory=set)
    keeps: Callable[[date], bool] | None = None     # --day/--from/--to: the days whose findings are told
    _month: tuple | None = None

    def __post_init__(self):
        if self.cat is None:
            self.cat = Catalog(self.store)
        checked = getattr(self.store, "checked_on", None)
        self.stale = checked + timedelta(days=self.store.stale_after_days) if checked else None

    def day(self, claims: list[Claim]) -> None:
        """Check the rows of one day; a day outside the period (``keeps``) is checked all the same, so that
        the 12-month counts of the days kept see it, but tells nothing and counts in no total."""
        if not claims or self.keeps is None or self.keeps(claims[0].day):
            self._day(claims)
            return
        saved = (self.rows, self.passages, self.billed, self.first, self.last, set(self.nurses), len(self.warnings))
        self.sink.active = False
        try:
            self._day(claims)
        finally:
            self.sink.active = True
            self.rows, self.passages, self.billed, self.first, self.last, self.nurses, told = saved
            del self.warnings[told:]

    def _day(self, claims: list[Claim]) -> None:
        """Check the rows of one day (all nurses, all patients).

        Most passages of a day repeat (the same cotation, amount and time band for many patients): a
        passage whose row and passage checks found nothing is remembered for the day by its signature,
        and the next ones like it skip those checks. Patient-day and 12-month checks run only for the
        patients whose rows carry a code they look at; the IK cap only for the nurses who bill IK."""
        if not claims:
            return
        cat, sink = self.cat, self.sink
        day = claims[0].day
        self.first = self.first or day
        self.last = day
        if (day.year, day.month) != self._month:
            self._month = (day.year, day.month)
            self.window.prune(day)
        self.rows += len(claims)
        first_date = getattr(self.store, "first_date", None)
        if first_date is not None and day < first_date:      # no value known: nothing can be judged
            if not any(w.code == "NGAP001" for w in self.warnings):
                first = min(claims, key=lambda c: c.line)
                self.warnings.append(Diagnostic(
                    "NGAP001", rule("NGAP001").severity,
                    f"Lignes datées d'avant le {fr_date(first_date)}, première date des tarifs connus : elles ne sont "
                    "pas contrôlées.", rule("NGAP001").reference, first.file, first.line, None, day.isoformat(), None))
            for c in claims:
                self.billed += c.amount or ZERO
            return
        if self.stale is not None and day > self.stale and not self.warnings:
            store = self.store
            first = min(claims, key=lambda c: c.line)
            self.warnings.append(Diagnostic(
                "NGAP002", rule("NGAP002").severity,
                f"Tarifs vérifiés pour la dernière fois le {fr_date(store.checked_on)} : les lignes à partir du "
                f"{fr_date(day)} sont contrôlées avec ces valeurs ; un avenant a pu les changer depuis, à vérifier.",
                rule("NGAP002").reference, first.file, first.line, None, day.isoformat(), None))
        claims.sort(key=_chrono)
        passages: dict[tuple, list[Claim]] = {}
        by_patient: dict[tuple, list[Claim]] = defaultdict(list)
        by_nurse: dict[str, list[Claim]] = defaultdict(list)
        interest = cat.interest
        nurses = self.nurses
        for c in claims:
            nurses.add(c.nurse)
            if c.time is not None:
                key = (c.nurse, c.patient, c.zone, c.time)
            elif c.visit is not None:
                key = (c.nurse, c.patient, c.zone, "visit", c.visit)
            else:
                key = ("row", c.line)
            passages.setdefault(key, []).append(c)
            look = interest(c.text, c.items, day)
            if look:
                by_patient[(c.patient, c.zone)].append(c)
                if look & 2:
                    by_nurse[c.nurse].append(c)
        forfait_day = {k for k, cs in by_patient.items() if any(cat.has_forfait(c.text, c.items) for c in cs)}
        units: dict[int, list[Unit]] = {}

        def units_for(c: Claim) -> list[Unit]:
            us = units.get(id(c))
            if us is None:
                us = units[id(c)] = units_of(c, cat)
            return us

        clean: dict[tuple, Decimal] = {}
        time_class = cat.time_class
        billed = ZERO
        self.passages += len(passages)
        for rows in passages.values():
            r0 = rows[0]
            fd = (r0.patient, r0.zone) in forfait_day
            sig = (tuple((r.text, r.amount) for r in rows), time_class(r0.minutes), r0.zone, fd)
            known = clean.get(sig)
            if known is not None:
                billed += known
                continue
            before = len(sink.findings)
            here = ZERO
            for r in rows:
                us = units_for(r)
                check_row(r, us, cat, sink)
                here += r.amount if r.amount is not None else sum((u.amount for u in us), ZERO)
            check_passage(rows, [u for r in rows for u in units[id(r)]], cat, sink, fd)
            billed += here
            if len(sink.findings) == before:
                clean[sig] = here
        self.billed += billed
        for cs in by_patient.values():
            us = [u for c in cs for u in units_for(c)]
            check_patient_day(us, cat, sink)
            check_year(us, cat, self.window, sink)
        for cs in by_nurse.values():
            check_nurse_day([u for c in cs for u in units_for(c)], cat, sink)

    def result(self) -> "ClaimsResult":
        findings = sorted(self.sink.findings, key=lambda f: (f.claim.day, f.claim.line, f.code))
        warnings = list(self.warnings)
        if self.sink.left_out:
            warnings.append(Diagnostic(
                "NGAP228", rule("NGAP228").severity,
                f"{self.sink.overall['count']} constats : les {self.sink.left_out} derniers ne sont pas listés "
                f"(au plus {self.sink.limit}) mais comptés dans les totaux ; contrôlez l'export par période ou par "
                "infirmière pour les voir.", rule("NGAP228").reference, self.file))
        return ClaimsResult(findings, self.rows, self.passages, self.billed, self.first, self.last,
                            sorted(n for n in self.nurses if n), self.file, warnings, self.sink)


@dataclass
class ClaimsResult:
    findings: list[Finding]
    rows: int
    passages: int
    billed: Decimal
    first: date | None
    last: date | None
    nurses: list[str]
    file: str = ""
    warnings: list = field(default_factory=list)
    sink: Sink | None = None

    @property
    def has_certain(self) -> bool:
        return self.sink.certain_undue if self.sink else any(f.certain and f.amount > 0 for f in self.findings)

    def exit_code(self, strict: bool) -> int:
        """1 on a certain indu or a diagnostic of severity error (rows before the known tariffs); with
        ``strict``, on any finding."""
        errors = any(w.severity == "error" for w in self.warnings)
        return 1 if self.has_certain or errors or (strict and self.findings) else 0

    def totals(self) -> dict:
        sink = self.sink
        if sink is None:                  # findings given by hand: count them
            sink = Sink()
            for f in self.findings:
                sink._count(f)
        overall, by_rule, by_month, by_nurse = sink.overall, sink.by_rule, sink.by_month, sink.by_nurse

        def out(b: dict) -> dict:
            return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in b.items()}

        return {
            "rows": self.rows, "passages": self.passages, "billed": str(self.billed),
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None, "nurses": self.nurses,
            **out(overall),
            "undue": str(overall["undue_certain"] + overall["to_check"]),
            "listed": len(self.findings),
            "by_rule": {k: {**out(by_rule[k]), "rows": [r[2] for r in by_rule[k]["rows"]]} for k in sorted(by_rule)},
            "by_month": {k: out(by_month[k]) for k in sorted(by_month)},
            "by_nurse": {k: out(by_nurse[k]) for k in sorted(by_nurse)},
        }
