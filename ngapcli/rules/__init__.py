"""The NGAP rules: pure functions from parsed tours and the tariff store to priced lines and
diagnostics. No I/O, no printing.

Order (rules.md §0): acts of each passage (11B or dependence), then per patient and day the BSI
forfait and the IFI count, then majorations, travel, and per nurse and day the IK cap.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from ngapcli.model import Tour
from ngapcli.result import Line, Result, money
from ngapcli.rules import majorations, ranking, travel
from ngapcli.rules.passage import Diagnostics, Item, Passage
from ngapcli.tariffs import TariffStore


def price(tours: list[Tour], store: TariffStore) -> Result:
    diags = Diagnostics()
    passages = _passages(tours, store, diags)
    chrono = sorted(passages, key=lambda p: (p.day, p.visit.minutes, p.order))
    _daily_limits(chrono, store, diags)
    _organisation_days(chrono, diags)
    for p in passages:
        if not p.skip:
            _price_acts(p, store, diags)
    forfait_days = _forfaits(chrono, store, diags)
    for p in passages:
        if not p.skip:
            _majorations(p, store, diags, forfait_days)
    _travel(chrono, store, diags, forfait_days)
    _cap_ik(chrono, store, diags)
    _remplacements(tours, diags)
    result = Result(diagnostics=diags.items)
    for p in passages:
        rate = store.amo_rate(p.patient.coverage, p.tour.zone)
        for line in p.lines():
            line.amo = money(line.amount * rate / 100)
            result.lines.append(line)
    return result


# -- building passages ------------------------------------------------------------------------------

def _nurse_key(tour: Tour) -> str:
    return tour.nurse.name or f"{tour.file}#{tour.document}"


def _passages(tours: list[Tour], store: TariffStore, diags: Diagnostics) -> list[Passage]:
    out: list[Passage] = []
    stale = store.checked_on + timedelta(days=store.stale_after_days)
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
                    diags.add("NGAP002", f"Tarifs vérifiés pour la dernière fois le {store.checked_on} : un avenant "
                              "(avenant 11 en négociation) a pu changer les valeurs depuis ; à vérifier.", p)
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


# -- per patient and day ---------------------------------------------------------------------------------

def _daily_limits(chrono: list[Passage], store: TariffStore, diags: Diagnostics) -> None:
    """Per-passage and per-day limits of acts, and the once-a-day long perfusion (CIR-9/2025)."""
    perf = store.rules["perfusion"]
    counts: dict = defaultdict(int)
    history: dict = defaultdict(list)
    gardes: dict = {}
    for p in chrono:
        if p.skip:
            continue
        _one_forfait_per_kind(p, diags)
        supplements = 0
        for i in p.items:
            if i.refused or i.act is None:
                continue
            if i.has("perfusion_supplement"):
                supplements += 1
                if supplements > perf["max_hourly_supplements"]:
                    i.refuse("au-delà de 5 suppléments horaires")
                    diags.add("NGAP142", f"Supplément horaire n° {supplements} non facturé : au plus "
                              f"{perf['max_hourly_supplements']} heures au-delà de la première.", p, i.source_line)
                    continue
            if i.has("perfusion_long") and p.day >= perf["long_once_a_day_from"]:
                key = ("long", p.patient.id, p.day)
                counts[key] += 1
                if counts[key] > 1:
                    sub_id = perf["long_second_becomes"] + ("_immunodeprime" if "immunodeprime" in i.act_id else "")
                    sub = store.acts.get(sub_id) or store.acts[perf["long_second_becomes"]]
                    diags.add("NGAP140", f"Second forfait de perfusion longue le {p.day} : coté « {sub.id} » "
                              f"(AMI {sub.coefficient(p.day)}) au lieu de « {i.act_id} » (circulaire CIR-9/2025).",
                              p, i.source_line)
                    i.act, i.act_id, i.coefficient, i.groups, i.label = (
                        sub, sub.id, sub.coefficient(p.day), sub.groups, sub.label)
                    continue
            limit = i.act.max_per_day
            if limit:
                key = ("day", i.act_id, p.patient.id, p.day)
                counts[key] += 1
                if counts[key] > limit:
                    i.refuse(f"au-delà de {limit} par jour")
                    diags.add("NGAP150", f"« {i.act_id} » non facturé : au plus {limit} par jour et par patient.",
                              p, i.source_line)
            _period_limits(p, i, history, diags)
            if i.act.series:
                _series(p, i, history, diags)
            if i.has("garde"):
                _garde(p, i, gardes, diags)
        per_passage: dict = defaultdict(int)
        for i in p.items:
            if i.refused or i.act is None or not i.act.max_per_passage or i.has("perfusion_supplement"):
                continue
            per_passage[i.act_id] += 1
            if per_passage[i.act_id] > i.act.max_per_passage:
                i.refuse(f"au-delà de {i.act.max_per_passage} par séance")
                diags.add("NGAP150", f"« {i.act_id} » non facturé : au plus {i.act.max_per_passage} par séance.",
                          p, i.source_line)


def _one_forfait_per_kind(p: Passage, diags: Diagnostics) -> None:
    """« Pas de cumul par produit » (rules.md §7): one short and one long perfusion forfait at most in a
    passage (they cumulate with each other, §2.2 b); the highest coefficient is kept."""
    forfaits = [i for i in p.items if not i.groups.isdisjoint(ranking.PERFUSION_FORFAITS) and not i.refused]
    if len(forfaits) < 2:       # nearly every passage: nothing to do
        return
    for kind in ranking.PERFUSION_FORFAITS:
        same = [i for i in forfaits if i.act is not None and i.has(kind)]
        if len(same) < 2:
            continue
        kept = max(same, key=lambda i: i.coefficient)   # the first written on a tie
        for i in same:
            if i is not kept:
                i.refuse("second forfait de perfusion du même type dans la séance")
                diags.add("NGAP143", f"« {i.act_id} » non facturé : la séance a déjà le forfait "
                          f"« {kept.act_id} » (un forfait par perfusion, pas par produit ; chap. II art. 3).",
                          p, i.source_line)


def _organisation_days(chrono: list[Passage], diags: Diagnostics) -> None:
    """The daily organisation forfait (AMI 4) is not due on the day of the pose (long forfait) nor of the
    removal (chap. II art. 3: « par jour, en dehors des jours de pose et de retrait »)."""
    busy = {(p.patient.id, p.day) for p in chrono if not p.skip for i in p.items
            if not i.refused and (i.has("perfusion_long") or i.has("perfusion_removal"))}
    for p in chrono:
        if p.skip or (p.patient.id, p.day) not in busy:
            continue
        for i in p.items:
            if not i.refused and i.has("perfusion_organisation"):
                i.refuse("jour de pose ou de retrait")
                diags.add("NGAP144", f"« {i.act_id} » non facturé : le {p.day} est un jour de pose ou de retrait de "
                          "la perfusion (chap. II art. 3).", p, i.source_line)


def _series(p: Passage, i: Item, history: dict, diags: Diagnostics) -> None:
    """Acts limited to a number of séances per programme or episode (rules.md §8): the tour does not say
    where a programme starts, so more than that many in the act's window is a warning, not a refusal."""
    most, days = i.act.series
    past = history[("series", i.act_id, p.patient.id)]
    past.append(p.day)
    recent = [d for d in past if (p.day - d).days < days]
    if len(recent) == most + 1:
        diags.add("NGAP152", f"« {i.act_id} » : séance n° {len(recent)} en {days} jours, au-delà des {most} "
                  "prévues par programme ou épisode (rules.md §8) ; facturée, à vérifier (nouvelle "
                  "prescription ?).", p, i.source_line)


GARDE_PERIOD = timedelta(hours=6)


def _garde(p: Passage, i: Item, gardes: dict, diags: Diagnostics) -> None:
    """Chap. I art. 13: a nurse bills at most two consecutive 6-hour periods of garde for a patient; a
    period that starts at most 6 h after the start of the previous one follows it, across midnight too."""
    start = datetime.combine(p.day, time(p.visit.minutes // 60, p.visit.minutes % 60))
    key = (p.nurse_key, p.patient.id)
    last, run = gardes.get(key, (None, 0))
    run = run + 1 if last is not None and start - last <= GARDE_PERIOD else 1
    gardes[key] = (start, run)
    if run > 2:
        i.refuse("troisième période de garde consécutive")
        diags.add("NGAP151", f"« {i.act_id} » non facturé : période de garde n° {run} à la suite ; une même "
                  "infirmière ne facture pas plus de deux périodes de 6 h consécutives (chap. I art. 13).",
                  p, i.source_line)


def _period_limits(p: Passage, i: Item, history: dict, diags: Diagnostics) -> None:
    """Acts limited per month or per 12 months (BSI intermédiaire, bilan de plaie, télésoin)."""
    if i.refused or not (i.act.max_per_year or i.act.max_per_month):
        return
    past = history[(i.act_id, p.patient.id)]
    if i.act.max_per_year:
        recent = [d for d in past if (p.day - d).days < 365]
        limit, period = i.act.max_per_year, "12 mois"
    else:
        recent = [d for d in past if (d.year, d.month) == (p.day.year, p.day.month)]
        limit, period = i.act.max_per_month, "mois"
    if len(recent) >= limit:
        i.refuse(f"au-delà de {limit} par {period}")
        code = "NGAP137" if i.act_id == "bsi_intermediaire" else "NGAP150"
        diags.add(code, f"« {i.act_id} » non facturé : au plus {limit} par {period} et par patient "
                  f"(déjà le {', '.join(str(d) for d in recent)}).", p, i.source_line)
        return
    past.append(p.day)


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
    """One BSA/BSB/BSC per patient and day, on the first dependence passage (chap. I art. 12)."""
    days: dict = {}
    for p in chrono:
        if p.skip or not p.dependence:
            continue
        key = (p.patient.id, p.day)
        level = p.patient.bsi
        if key in days:
            if days[key] != level:
                diags.add("NGAP130", f"Second forfait BSI ({level}) pour le patient {p.patient.id} le {p.day} : "
                          f"un seul forfait par jour, {days[key]} déjà facturé.", p, once=True)
            continue
        days[key] = level
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


def _remplacements(tours: list[Tour], diags: Diagnostics) -> None:
    """A remplaçant replaces at most two titulaires at a time (CSP R.4312-83; convention art. 5.2.3)."""
    days: dict = defaultdict(dict)
    for t in tours:
        if t.nurse.replaces:
            who = t.nurse.name or f"{t.file}#{t.document}"
            for day in sorted({v.date for p in t.patients for v in p.visits}):
                days[(who, day)].setdefault(t.nurse.replaces, (t.file, t.line))
    for (who, day), titulaires in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(titulaires) > 2:
            file, line = list(titulaires.values())[2]
            diags.add("NGAP160", f"{who} remplace {len(titulaires)} titulaires le {day} ({', '.join(titulaires)}) : "
                      "au plus deux à la fois.", line=line, file=file, day=day)


def _owner_of(line: Line, pairs) -> Passage:
    for p, l in pairs:
        if (l.patient, l.date, l.time, l.visit) == (line.patient, line.date, line.time, line.visit):
            return p
    raise LookupError(line)


def _line(p: Passage, code, kind, coef, rate, quantity, unit, amount, act, label, why, source_line) -> Line:
    return Line(p.tour.file, p.tour.nurse.name, p.iso, p.patient.id, p.visit.number, p.visit.time,
                kind, code, coef, rate, quantity, unit, amount, act, label, why, source_line=source_line)
