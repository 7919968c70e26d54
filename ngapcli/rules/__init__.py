"""The NGAP rules: pure functions from parsed tours and the tariff store to priced lines and
diagnostics. No I/O, no printing.

Order: the count limits of the acts (``limits.py``: per passage, day, month, 12 months, series, garde —
and prescriptions), then the acts of each passage (11B or dependence, ``ranking.py``), per patient and day
the BSI forfait and the IFI count, majorations (``majorations.py``), travel and per nurse and day the IK cap
(``travel.py``). First of all, the care a remplaçant does for a third titulaire in a day is refused
(``limits.remplacements``), so that it counts against no limit.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from ngapcli.currency import horizon, stale_message
from ngapcli.model import Tour
from ngapcli.result import Line, Result, money
from ngapcli.rules import limits, majorations, ranking, travel
from ngapcli.rules.passage import Diagnostics, Item, Passage
from ngapcli.tariffs import TariffStore


def price(tours: list[Tour], store: TariffStore) -> Result:
    diags = Diagnostics()
    passages = _passages(tours, store, diags)
    limits.remplacements(passages, tours, diags)   # a remplaçant's third titulaire: nothing billed
    chrono = sorted(passages, key=lambda p: (p.day, p.visit.minutes, p.order))
    # prescriptions (contract §5) are checked here, before the count limits of the NGAP
    usage = _prescriptions(chrono, store, diags)
    limits.count_limits(chrono, store, diags)
    limits.organisation_days(chrono, diags)
    for p in passages:
        if not p.skip:
            _price_acts(p, store, diags)
    forfait_days = _forfaits(chrono, store, diags)
    for p in passages:
        if not p.skip:
            _majorations(p, store, diags, forfait_days)
    _travel(chrono, store, diags, forfait_days)
    _cap_ik(chrono, store, diags)
    result = Result(diagnostics=diags.items, prescriptions=usage)
    for p in passages:
        rate = store.amo_rate(p.patient.coverage, p.tour.zone)
        for line in p.lines():
            line.amo = money(line.amount * rate / 100)
            result.lines.append(line)
    return result


# -- building passages ------------------------------------------------------------------------------

def _nurse_key(tour: Tour) -> str:
    return tour.nurse.name or f"{tour.file}#{tour.document}"


def _prescriptions(chrono: list[Passage], store: TariffStore, diags: Diagnostics) -> list:
    """Acts checked against the patients' prescriptions; a tour without any (most) does not even import the
    module (the cold start is benchmarked)."""
    if not any(p.patient.ordonnances for p in chrono):
        return []
    from ngapcli.rules import prescriptions

    return prescriptions.check(chrono, store, diags)


def _passages(tours: list[Tour], store: TariffStore, diags: Diagnostics) -> list[Passage]:
    out: list[Passage] = []
    stale = horizon(store)
    for tour in tours:
        warned_stale = False
        for patient in tour.patients:
            for visit in sorted(patient.visits, key=lambda v: (v.date, v.minutes)):
                p = Passage(len(out), tour, patient, visit, visit.date, _nurse_key(tour))
                out.append(p)
                if visit.date < store.first_date:
                    p.skip = True
                    diags.add("NGAP001", f"Date {visit.date} antérieure aux premiers tarifs connus "
                              f"({store.first_date}) : passage non facturé.", p)
                    continue
                if visit.date > stale and not warned_stale:
                    warned_stale = True
                    diags.add("NGAP002", stale_message(store, visit.date), p)
                p.items = [_item(p, ref, store, diags) for ref in visit.acts for _ in range(ref.quantity)]
                p.dependence = _is_dependence(p, store, diags)
    return out


def _item(p: Passage, ref, store: TariffStore, diags: Diagnostics) -> Item:
    if ref.act_id is None:
        item = Item(None, None, ref.letter, ref.coefficient, ref.label, frozenset(), "none", ref.line,
                    rule="cotation libre")
        if store.value(ref.letter, p.day, p.tour.zone) is None:
            item.refuse("lettre clé sans valeur à cette date")
            diags.add("NGAP003", f"Cotation libre « {ref.letter} {ref.coefficient} » non facturée : la lettre clé "
                      f"{ref.letter} n'a pas de valeur le {p.day} en {p.tour.zone}.", p, ref.line)
        return item
    act = store.acts[ref.act_id]
    item = Item(act, act.id, act.letter, act.coefficient(p.day), ref.label or act.label, act.groups, act.amx,
                ref.line)
    if not act.in_force(p.day) or store.value(act.letter, p.day, p.tour.zone) is None:
        when = (f"créé le {act.start}" if act.start and p.day < act.start else f"supprimé le {act.until}")
        item.refuse("acte non en vigueur à cette date")
        diags.add("NGAP003", f"« {act.id} » non facturé : acte non en vigueur le {p.day} ({when}).", p, ref.line)
    elif act.dependence_until and p.patient.bsi and p.day >= store.rules["bsi"]["ais_dependence_end"]:
        item.refuse("AIS de dépendance supprimé pour un patient BSI")
        diags.add("NGAP133", f"« {act.id} » refusé : depuis le {store.rules['bsi']['ais_dependence_end']}, la "
                  "dépendance d'un patient BSI se facture par les forfaits BSA/BSB/BSC.", p, ref.line)
    elif act.dependence_until and not p.patient.bsi and p.day >= act.dependence_until:
        diags.add("NGAP138", f"« {act.id} » facturé pour un patient sans BSI après le {act.dependence_until} : "
                  "la dépendance se facture par le BSI et ses forfaits depuis leur généralisation ; la caisse peut "
                  "rejeter cette séance (donnez « bsi » si le patient en a un).", p, ref.line)
    return item


def _is_dependence(p: Passage, store: TariffStore, diags: Diagnostics) -> bool:
    if not (p.patient.bsi and p.visit.dependence):
        return False
    ais = [i for i in p.items if i.has("ais_dependence") and not i.refused]
    if ais:
        diags.add("NGAP004", f"Séances AIS acceptées jusqu'au {store.rules['bsi']['ais_dependence_end']} pour un "
                  "patient BSI (période de transition) : passage coté en AIS, sans forfait ni AMX.", p, once=True)
        return False
    min_age = None
    for step in store.rules["bsi"]["forfait_scope"]:
        if p.day >= step["from"]:
            min_age = step["min_age"]
    age = p.patient.age_on(p.day, p.tour.date)
    if min_age is None or (min_age and (age is None or age < min_age)):
        why = ("les forfaits BSI n'existent qu'à partir du 01/01/2020" if min_age is None
               else f"à cette date le forfait est réservé aux patients de {min_age} ans et plus"
                    + ("" if age is not None else " (âge inconnu)"))
        diags.add("NGAP135", f"Forfait {p.patient.bsi} non facturable : {why} ; passage coté en soins "
                  "ordinaires (AMI + IFD).", p, once=True)
        return False
    return True


def _price_acts(p: Passage, store: TariffStore, diags: Diagnostics) -> None:
    ranking.non_cumuls(p, diags)
    if p.dependence:
        ranking.rank_dependence(p, store, diags)
    else:
        ranking.rank_11b(p, [i for i in p.items if not i.refused], store, diags)
    zone = p.tour.zone
    for i in p.items:
        unit = store.value(i.letter, p.day, zone) or Decimal("0")
        coef = i.billed_coefficient()
        amount = money(coef * unit) if i.billed else Decimal("0.00")
        p.acts_lines.append(_line(p, i.letter, "act", coef, i.rate, Decimal(1), unit, amount, i.act_id,
                                  i.label, i.rule, i.source_line))
    p.priced = [i for i in p.items if i.billed]


def _forfaits(chrono: list[Passage], store: TariffStore, diags: Diagnostics) -> set:
    """One BSA/BSB/BSC per patient and day, on the first dependence passage (chap. I art. 12): the later
    passages of the same nurse carry none (another level is a second forfait: NGAP130, error); those of a
    colleague are told who billed it (NGAP139, info)."""
    days: dict = {}
    for p in chrono:
        if p.skip or not p.dependence:
            continue
        key = (p.patient.id, p.day)
        level = p.patient.bsi
        if key in days:
            first = days[key]
            if first.nurse_key != p.nurse_key:
                colleague = first.tour.nurse.name or f"la tournée {first.tour.file}"
                other = "" if first.patient.bsi == level else f" ; cette tournée dit {level}"
                diags.add("NGAP139", f"Forfait {first.patient.bsi} du patient {p.patient.id} le {p.day} déjà facturé "
                          f"par {colleague} ({first.tour.file}, passage de {first.visit.time}{other}) : pas de second "
                          "forfait, les actes AMX et l'IFI de ce passage restent facturés.", p, once=True)
            elif first.patient.bsi != level:
                diags.add("NGAP130", f"Second forfait BSI ({level}) pour le patient {p.patient.id} le {p.day} : "
                          f"un seul forfait par jour, {first.patient.bsi} déjà facturé ; gardez un seul niveau "
                          "dans « bsi ».", p, once=True)
            continue
        days[key] = p
        unit = store.value(level, p.day, p.tour.zone)
        p.forfait = _line(p, level, "forfait", Decimal(1), 100, Decimal(1), unit, money(unit), None,
                          store.series[level].label, "art. 12 : forfait journalier de dépendance", p.visit.line)
    return set(days)


def _majorations(p: Passage, store: TariffStore, diags: Diagnostics, forfait_days: set) -> None:
    def add(passage, key, label, why):
        unit = store.value(key, passage.day, passage.tour.zone)
        if unit is None:
            return
        doubt = store.series[key].uncertain
        if doubt:
            why = f"{why} — lecture retenue : {doubt}"
        passage.majorations.append(_line(passage, store.code(key), "majoration", Decimal(1), 100, Decimal(1),
                                         unit, money(unit), None, label, why, passage.visit.line))

    if any(i.has("death_certificate") for i in p.billed_items):
        return  # no act, majoration or travel is added to the death certificate forfait
    majorations.time_majoration(p, store, diags, add)
    has_mci = majorations.mci(p, store, diags, add)
    majorations.mau(p, store, diags, add, has_mci, (p.patient.id, p.day) in forfait_days)
    majorations.mie(p, store, diags, add, has_mci)


def _travel(chrono: list[Passage], store: TariffStore, diags: Diagnostics, forfait_days: set) -> None:
    trips: dict = {}
    for p in chrono:
        if not p.skip:
            trips.setdefault(travel.trip_key(p), []).append(p)
    di_days = {(p.patient.id, p.day) for p in chrono
               if any(i.billed and i.has("bsi_bilan") for i in p.items)}
    ifi_count: dict = {}

    def make_line(p, key, kind, label, why, quantity=Decimal(1), coefficient=Decimal(1)):
        unit = store.value(key, p.day, p.tour.zone)
        return _line(p, store.code(key), kind, coefficient, 100, quantity, unit,
                     money(coefficient * unit * quantity), None, label, why, p.visit.line)

    def billable_ifi(p) -> bool:     # a forfait BSA/BSB/BSC or a DI billed that day to the patient
        key = (p.patient.id, p.day)
        return key in forfait_days or key in di_days

    for group in trips.values():
        # the household's one trip goes to a patient whose care opens travel, whatever the listing order
        head = min(group, key=lambda p: (not travel.opens_travel(p), p.patient.id))
        if any(i.has("death_certificate") for i in head.billed_items):
            continue
        travel.travel(head, store, diags, make_line, ifi_count, billable_ifi, [p for p in group if p is not head])


def _cap_ik(chrono: list[Passage], store: TariffStore, diags: Diagnostics) -> None:
    start = store.rules["ik"]["daily_cap"]["from"]
    by_day: dict = defaultdict(list)
    for p in chrono:
        if p.day >= start:
            by_day[(p.nurse_key, p.day)].extend((p, l) for l in p.travel if l.code in ("IK", "IKM", "IKS"))
    for pairs in by_day.values():
        if sum(l.quantity for _, l in pairs) <= store.rules["ik"]["daily_cap"]["full_km"]:
            continue
        owner = {id(l): p for p, l in pairs}
        first = pairs[0][0]
        if first.day < store.rules["ik"]["daily_cap"].get("certain_from", first.day):
            diags.add("NGAP004", "Plafond journalier des IK appliqué dès le 01/01/2020 ; une source le date du "
                      "31/03/2020 (paramètre ik.daily_cap.from).", first, once=True)
        capped = travel.cap_ik([l for _, l in pairs], store, diags, lambda l: owner[id(l)])
        for p, _ in pairs:
            p.travel = [l for l in p.travel if l.code not in ("IK", "IKM", "IKS")]
        for l in capped:
            p = owner.get(id(l)) or _owner_of(l, pairs)
            p.travel.append(l)


def _owner_of(line: Line, pairs) -> Passage:
    for p, l in pairs:
        if (l.patient, l.date, l.time, l.visit) == (line.patient, line.date, line.time, line.visit):
            return p
    raise LookupError(line)


def _line(p: Passage, code, kind, coef, rate, quantity, unit, amount, act, label, why, source_line) -> Line:
    return Line(p.tour.file, p.tour.nurse.name, p.iso, p.patient.id, p.visit.number, p.visit.time,
                kind, code, coef, rate, quantity, unit, amount, act, label, why, source_line=source_line)
