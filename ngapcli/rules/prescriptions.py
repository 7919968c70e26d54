"""Prescriptions (contract §5; NGAP DG art. 5): every act of a patient who has `prescriptions` must be
covered by one of them — in force that day, listing the act, with quantity left — or it is refused.

A visit or a plan entry may name its prescription; otherwise the earliest in force that fits is used
(first day, then date written, then order in the file). ``seances: N`` refuses the (N+1)-th séance of
the act under that prescription, ``per_day: k`` the (k+1)-th of a day. The NGAP's own maxima per
programme (``series`` in acts.yaml) count from the prescription's first day and cap what it prescribes.
The mentions of the covering prescriptions (home, night, daily) justify IFD and the majorations of the
passage. Acts marked ``no_prescription`` in the catalog are exempt.

Scope: the prescriptions of a patient id are pooled over every document priced together (the first
definition of an id wins); the visits checked are those of the documents that give the patient
``prescriptions`` — elsewhere the patient-level ``prescription:`` flags stay the short form.

Pure: diagnostics and item refusals only; :func:`check` gives back what each prescription was used for
(``ngap report``).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ngapcli.datefr import fr_date as _fr
from ngapcli.model import Prescription
from ngapcli.standing import Ordonnance
from ngapcli.rules.passage import Diagnostics, Item, Passage

@dataclass
class Usage:
    """What one prescription was used for, act by act (``ngap report``)."""
    patient: str
    ordonnance: Ordonnance
    act: str
    prescribed: int | None            # séances in all, when the prescription (or the NGAP maximum) says it;
                                      # per_day × its days for an act prescribed k a day
    days: list[date] = field(default_factory=list)   # the day of each séance covered

    def key(self) -> tuple:
        return (self.patient, self.ordonnance.id, self.act)




def _span(o: Ordonnance) -> str:
    return f"du {_fr(o.start)} au {_fr(o.end)}"


def _limit(o: Ordonnance, pa, act) -> tuple[int | None, bool]:
    """(séances allowed under this prescription, whether the NGAP maximum is what limits them)."""
    series = act.series[0] if act is not None and act.series else None
    if pa.seances is not None and (series is None or pa.seances <= series):
        return pa.seances, False
    return series, series is not None


def check(chrono: list[Passage], store, diags: Diagnostics) -> list[Usage]:
    """Check the acts of the patients who have prescriptions, in chronological order."""
    pools: dict[str, dict[str, Ordonnance]] = defaultdict(dict)
    for p in chrono:
        for o in p.patient.ordonnances:
            pools[p.patient.id].setdefault(o.id, o)
    if not pools:
        return []
    ordered = {pid: sorted(pool.values(), key=lambda o: (o.start, o.written))  # stable: file order on ties
               for pid, pool in pools.items()}
    usage: dict[tuple, Usage] = {}
    for pid, pool in pools.items():
        for o in pool.values():
            for pa in o.acts:
                limit = _limit(o, pa, store.acts.get(pa.act_id))[0]
                if limit is None and pa.per_day is not None:     # k a day over the prescription's days
                    limit = pa.per_day * ((o.end - o.start).days + 1)
                usage[(pid, o.id, pa.act_id)] = Usage(pid, o, pa.act_id, limit)
    per_day: dict[tuple, int] = defaultdict(int)
    for p in chrono:
        if p.skip or not p.patient.ordonnances:
            continue
        pool = pools[p.patient.id]
        named = pool.get(p.visit.prescription) if p.visit.prescription else None
        candidates = [named] if named is not None else [o for o in ordered[p.patient.id]
                                                        if o.start <= p.day <= o.end]
        covering: list[Ordonnance] = []
        for i in p.items:
            if i.refused or (i.act is not None and i.act.no_prescription):
                continue
            o = _cover(p, i, candidates, named, usage, per_day, diags)
            if o is not None:
                i.prescription = o.id
                if o not in covering:
                    covering.append(o)
        # acts exempt from prescription only, or none: the prescriptions in force, else the short form
        mentions = covering or [o for o in ordered[p.patient.id] if o.start <= p.day <= o.end]
        if mentions:
            p.mentions = Prescription(any(o.home for o in mentions), any(o.night for o in mentions),
                                      any(o.daily for o in mentions))
    return sorted(usage.values(), key=lambda u: (u.patient, u.ordonnance.start, u.ordonnance.id, u.act))


def _cover(p: Passage, i: Item, candidates: list[Ordonnance], named: Ordonnance | None, usage: dict,
           per_day: dict, diags: Diagnostics) -> Ordonnance | None:
    what = f"« {i.act_id} »" if i.act_id else f"« {i.letter} {i.coefficient} » ({i.label})"
    if i.act is None:        # a free cotation: any prescription in force that day, no quantity to count
        for o in candidates:
            if o.start <= p.day <= o.end:
                return o
        _uncovered(p, i, what, named, diags)
        return None
    refusal = None
    for o in candidates:
        pa = o.prescribes(i.act_id)
        if pa is None or not o.start <= p.day <= o.end:
            continue
        key = (p.patient.id, o.id, i.act_id)
        u = usage[key]
        limit, ngap_max = _limit(o, pa, i.act)
        if limit is not None and len(u.days) >= limit:
            refusal = refusal or (_seances_refusal, o, limit, ngap_max)
            continue
        window = i.act.series[1] if i.act.series else None
        if window is not None and (p.day - o.start).days >= window:
            refusal = refusal or (_window_refusal, o, window, True)
            continue
        dkey = (key, p.day)
        if pa.per_day is not None and per_day[dkey] >= pa.per_day:
            refusal = refusal or (_per_day_refusal, o, pa.per_day, False)
            continue
        per_day[dkey] += 1
        u.days.append(p.day)
        return o
    if refusal is None:
        _uncovered(p, i, what, named, diags)
    else:
        how, o, n, ngap_max = refusal
        how(p, i, what, o, n, ngap_max, diags)
    return None


def _uncovered(p: Passage, i: Item, what: str, named: Ordonnance | None, diags: Diagnostics) -> None:
    i.refuse("sans prescription qui le couvre")
    if named is not None:
        why = (f"n'est pas en vigueur le {_fr(p.day)} ({_span(named)})" if not named.start <= p.day <= named.end
               else "ne le prescrit pas")
        diags.add("NGAP171", f"{what} non facturé : la prescription « {named.id} » nommée pour ce passage {why} ; "
                  f"nommez une autre prescription, ou ajoutez l'acte à « {named.id} » s'il y figure.", p, i.source_line)
        return
    act = i.act_id or "l'acte"
    diags.add("NGAP170", f"{what} non facturé : aucune prescription du patient en vigueur le {_fr(p.day)} ne le "
              f"prescrit ; ajoutez la prescription qui le couvre (prescriptions: - id, date, until, acts: [{act}]).",
              p, i.source_line)


def _seances_refusal(p, i, what, o, n, ngap_max, diags) -> None:
    if ngap_max:
        i.refuse(f"au-delà des {n} séances du programme")
        diags.add("NGAP174", f"{what} non facturé : séance n° {n + 1} depuis le {_fr(o.start)}, premier jour de la "
                  f"prescription « {o.id} » ; {n} par programme au plus ({i.act.article}) : une nouvelle "
                  "prescription ouvre un nouveau programme.", p, i.source_line)
        return
    i.refuse(f"au-delà des {n} séances prescrites")
    diags.add("NGAP172", f"{what} non facturé : séance n° {n + 1} alors que la prescription « {o.id} » ({_span(o)}) "
              f"en prescrit {n} ; demandez une nouvelle prescription et ajoutez-la au patient.", p, i.source_line)


def _window_refusal(p, i, what, o, days, ngap_max, diags) -> None:
    last = o.start + timedelta(days=days - 1)
    i.refuse(f"après le {days}e jour du programme")
    diags.add("NGAP174", f"{what} non facturé : le programme de la prescription « {o.id} » commencé le "
              f"{_fr(o.start)} finit le {_fr(last)} ({i.act.article}) ; une nouvelle prescription ouvre un nouveau "
              "programme.", p, i.source_line)


def _per_day_refusal(p, i, what, o, k, ngap_max, diags) -> None:
    i.refuse(f"au-delà de {k} par jour prescrits")
    diags.add("NGAP173", f"{what} non facturé : la prescription « {o.id} » en prescrit {k} par jour, c'est le "
              f"{k + 1}e du {_fr(p.day)} ; retirez-le de la tournée ou ajoutez une prescription qui le couvre.",
              p, i.source_line)
