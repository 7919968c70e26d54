"""`ngap plan`: tours written back as YAML with every plan expanded into plain visits (contract §5).

Each visit is one line, commented with the plan entry it came from (``# plan : mars.yaml:14``). Every key
that a default would fill is written out (date, place, dependence, urgent), the prescriptions are kept,
and the visits come in the order the reader numbers them: pricing this output gives the same lines and
totals as pricing the plan (tests/test_plan_command.py). A patient left without visits (all in another
period, or all excepted) is left out with a comment: a tour lists patients who have visits.
"""
from __future__ import annotations

import json
from datetime import date
from typing import Callable, TextIO

from ngapcli.model import ActRef, Patient, Tour, Visit
from ngapcli.standing import Ordonnance
from ngapcli.result import num


def _s(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _act(ref: ActRef) -> str:
    if ref.act_id is None:
        parts = [f"cotation: {_s(f'{ref.letter} {num(ref.coefficient)}')}"]
    elif ref.quantity == 1 and ref.label is None:
        return _s(ref.act_id)
    else:
        parts = [f"act: {_s(ref.act_id)}"]
    if ref.quantity != 1:
        parts.append(f"quantity: {ref.quantity}")
    if ref.label is not None:
        parts.append(f"label: {_s(ref.label)}")
    return "{" + ", ".join(parts) + "}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _visit(v: Visit, file: str) -> str:
    parts = [f"date: {v.date.isoformat()}", f"time: {_s(v.time)}", f"place: {v.place}",
             f"dependence: {_flag(v.dependence)}", f"urgent: {_flag(v.urgent)}"]
    if v.called_at is not None:
        parts.append(f"called_at: {_s(_clock(v.called_at))}")
    if v.prescription is not None:
        parts.append(f"prescription: {_s(v.prescription)}")
    parts.append(f"acts: [{', '.join(_act(a) for a in v.acts)}]")
    if v.billed is not None:
        parts.append(f"billed: {_s(v.billed)}")
    where = f"plan : {file}:{v.plan_line}" if v.plan_line is not None else f"visite : {file}:{v.line}"
    return "      - {" + ", ".join(parts) + "}   # " + where


def _ordonnance(o: Ordonnance) -> list[str]:
    acts = []
    for a in o.acts:
        if a.seances is not None:
            acts.append(f"{{act: {_s(a.act_id)}, seances: {a.seances}}}")
        elif a.per_day is not None:
            acts.append(f"{{act: {_s(a.act_id)}, per_day: {a.per_day}}}")
        else:
            acts.append(_s(a.act_id))
    return [f"      - id: {_s(o.id)}", f"        date: {o.written.isoformat()}", f"        from: {o.start.isoformat()}",
            f"        until: {o.end.isoformat()}", f"        acts: [{', '.join(acts)}]",
            f"        home: {_flag(o.home)}", f"        night: {_flag(o.night)}", f"        daily: {_flag(o.daily)}",
            f"        urgent: {_flag(o.urgent)}"]


def _patient(p: Patient, visits: list[Visit], file: str) -> list[str]:
    out = [f"  - id: {_s(p.id)}"]
    for key in ("name", "household"):
        if getattr(p, key) is not None:
            out.append(f"    {key}: {_s(getattr(p, key))}")
    if p.birth_date is not None:
        out.append(f"    birth_date: {p.birth_date.isoformat()}")
    elif p.age is not None:
        out.append(f"    age: {p.age}")
    if p.bsi is not None:
        out.append(f"    bsi: {p.bsi}")
    out.append(f"    coverage: {p.coverage}")
    for key in ("distance_km", "nearest_cabinet_km"):
        if getattr(p, key) is not None:
            out.append(f"    {key}: {num(getattr(p, key))}")
    out.append(f"    outside_agglomeration: {_flag(p.outside_agglomeration)}")
    out.append(f"    palliative: {_flag(p.palliative)}")
    f = p.prescription
    out.append(f"    prescription: {{home: {_flag(f.home)}, night: {_flag(f.night)}, daily: {_flag(f.daily)}}}")
    if p.ordonnances:
        out.append("    prescriptions:")
        for o in p.ordonnances:
            out.extend(_ordonnance(o))
    out.append("    visits:")
    out.extend(_visit(v, file) for v in visits)
    return out


def write(tours: list[Tour], out: TextIO, keep: Callable[[date], bool] = lambda d: True) -> int:
    """Write the tours, their visits of the days ``keep`` accepts; gives back the number of visits written."""
    count = 0
    for n, t in enumerate(tours):
        lines = ["---"] if n else []
        # two short lines: one would pass 80 columns with any real path (« dévelop / pés » cut by the terminal)
        lines.append("# ngap plan : les plans de soins développés en visites")
        lines.append(f"# de {t.file}, document {t.document}")
        lines.append(f"date: {t.date.isoformat()}")
        lines.append(f"zone: {t.zone}")
        nurse = [f"  name: {_s(t.nurse.name)}", f"  terrain: {t.nurse.terrain}"]
        if t.nurse.replaces is not None:
            nurse.append(f"  replaces: {_s(t.nurse.replaces)}")
        if t.nurse.cabinet_fee_percent is not None:
            nurse.append(f"  cabinet_fee_percent: {num(t.nurse.cabinet_fee_percent)}")
        lines += ["nurse:", *nurse]
        body = []
        for p in t.patients:
            visits = [v for v in p.visits if keep(v.date)]
            if not visits:
                body.append(f"  # patient {_s(p.id)} : aucune visite dans la période")
                continue
            count += len(visits)
            body.extend(_patient(p, visits, t.file))
        lines.append("patients:" if any(not b.startswith("  #") for b in body) else "patients: []")
        lines.extend(body)
        out.write("\n".join(lines) + "\n")
    return count
