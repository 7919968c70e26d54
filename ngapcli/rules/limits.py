"""Count limits of the NGAP, in the order the pipeline (``ngapcli/rules/__init__.py``) calls them:
per passage and per day (an act's ``max_per_passage``/``max_per_day``, hourly supplements, the once-a-day
long perfusion), per month and per 12 months (BSI intermédiaire, bilan de plaie, télésoin), per series or
programme, per garde, per day of a remplaçant. Pure functions: no I/O.

A typed act over a count limit is refused (rate 0, amount 0.00) with an ``error`` diagnostic (see the
severity policy in ``ngapcli/diagnostics.py``); the séances of a programme beyond the NGAP maximum stay
billed with a warning (NGAP152), the programme's start being unknown.

Prescriptions (contract §5: an act without a covering prescription, ``seances: N``, ``per_day: k``) are
count limits too: ``rules/prescriptions.py`` checks them on the same chronological passages just before
:func:`count_limits`, so that an act refused for lack of a prescription is not counted against the NGAP's
own limits; a séance a prescription covers is counted there against the programme's maximum (from the
prescription's first day), not by :func:`_series`.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta

from ngapcli.model import Tour
from ngapcli.rules import ranking
from ngapcli.rules.passage import Diagnostics, Item, Passage
from ngapcli.tariffs import TariffStore


def count_limits(chrono: list[Passage], store: TariffStore, diags: Diagnostics) -> None:
    """Every count limit of the acts, in chronological order: per passage (one perfusion forfait of a kind,
    hourly supplements, ``max_per_passage``), per day (``max_per_day``, the once-a-day long perfusion of
    CIR-9/2025), per month or 12 months, per series, per garde."""
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
            if i.act.series and i.prescription is None:   # under a prescription: rules/prescriptions.py
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
    """« Pas de cumul par produit » (chap. II art. 3): one short and one long perfusion forfait at most in a
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


def organisation_days(chrono: list[Passage], diags: Diagnostics) -> None:
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
    """Acts limited to a number of séances per programme or episode (``series`` in tariffs/acts.yaml): the
    tour does not say where a programme starts, so more than that many in the act's window is a warning
    (NGAP152), not a refusal."""
    most, days = i.act.series
    past = history[("series", i.act_id, p.patient.id)]
    past.append(p.day)
    recent = [d for d in past if (p.day - d).days < days]
    if len(recent) == most + 1:
        diags.add("NGAP152", f"« {i.act_id} » : séance n° {len(recent)} en {days} jours, au-delà des {most} "
                  "prévues par programme ou épisode (NGAP Titre XVI) ; facturée, à vérifier : si un nouveau "
                  "programme ou une nouvelle prescription a commencé, rien à faire.", p, i.source_line)


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


REMPLACEMENT_REFUSED = "remplaçant : troisième titulaire du jour (CSP R.4312-83)"


def remplacements(passages: list[Passage], tours: list[Tour], diags: Diagnostics) -> None:
    """A remplaçant replaces at most two titulaires at a time (CSP R.4312-83; convention art. 5.2.3).

    Per remplaçant and day, the titulaires are taken in the order they first appear that day: by the time
    of their first passage, then by file order (the order of the tours given, documents in a file in
    order). The first two are allowed; the care done that day for the third and later ones is refused
    (error NGAP160): its acts stay as lines at rate 0, and as nothing of it is billed, it opens no
    majoration, forfait or travel and counts against no limit (this runs before every other rule)."""
    rank = {id(t): k for k, t in enumerate(tours)}
    days: dict = defaultdict(dict)     # (remplaçant, day) → titulaire → (time, file order, passages)
    for p in passages:
        titulaire = p.tour.nurse.replaces
        if not titulaire:
            continue
        seen = days[(p.nurse_key, p.day)]
        first = (p.visit.minutes, rank[id(p.tour)], p.order)
        if titulaire not in seen:
            seen[titulaire] = [first, p.tour, []]
        elif first < seen[titulaire][0]:
            seen[titulaire][:2] = [first, p.tour]
        seen[titulaire][2].append(p)
    for (who, day), seen in sorted(days.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len(seen) <= 2:
            continue
        order = sorted(seen, key=lambda name: seen[name][0])
        for titulaire in order[2:]:
            _, tour, refused = seen[titulaire]
            acts = 0
            for p in refused:
                p.dependence = False      # no BSI forfait either: nothing of this passage is billed
                for i in p.items:
                    if not i.refused:
                        i.refuse(REMPLACEMENT_REFUSED)
                        acts += 1
            diags.add("NGAP160", f"{who} remplace {len(seen)} titulaires le {day} ({', '.join(order)}, dans "
                      "l'ordre de leur premier passage du jour : heure, puis ordre des fichiers) : au plus deux à "
                      f"la fois (CSP R.4312-83). Les soins faits ce jour pour {titulaire} ne sont pas facturés "
                      f"({len(refused)} passage(s), {acts} acte(s) à 0,00 €, sans majoration ni déplacement). "
                      f"Pour corriger : si ces soins ont été faits pour {order[0]} ou {order[1]}, écrivez son nom "
                      f"dans « replaces » de cette tournée ; sinon retirez les passages du {day} de la tournée "
                      f"de {who} : {titulaire} ou un autre remplaçant les facture (docs/diagnostics.md#ngap160).",
                      line=tour.line, file=tour.file, day=day)
