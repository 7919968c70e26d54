"""Writes tests/data/cabinet_month/: January 2026 of a two-nurse cabinet (seeded, reproducible).

    python tests/data/make_cabinet_month.py        # rewrites the YAML files (commit them)

Claire Martin and Paul Durand share their patients (same ids): one does the mornings, the other the
evenings, swapping every ISO week; Léa Petit replaces Paul during week 4 (19-25 January), at 12.5 %
of frais de cabinet. One file per nurse and ISO week, one YAML document per day. The rest of the
patients' care is drawn with a fixed seed. The tests compute their expected figures from these files
through `ngap price`, never from this script.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "cabinet_month"
SEED = 2026
FIRST, LAST = date(2026, 1, 1), date(2026, 1, 31)
HOLIDAYS = {date(2026, 1, 1)}
CLAIRE = {"name": "Claire Martin"}
PAUL = {"name": "Paul Durand"}
LEA = {"name": "Léa Petit", "replaces": "Paul Durand", "cabinet_fee_percent": "12.5"}
LEA_WEEK = 4

# id: (yaml lines of the patient, without visits)
PATIENTS = {
    "P01": ["name: Mme Arnaud", "age: 88", "bsi: BSB", "prescription: {daily: true}"],   # AMX on Mon and Thu
    "P02": ["name: M. Blanc", "age: 74", "coverage: ald", "prescription: {daily: true}"],
    "P03": ["name: Mme Caron", "age: 67", "distance_km: 7.5", "outside_agglomeration: true",
            "prescription: {daily: true}"],
    "P04": ["name: Jules Durand", "birth_date: 2016-09-14"],
    "P05": ["name: Mme Fabre", "age: 31", "coverage: maternity"],
    "P06": ["name: M. Gomez", "age: 52", "coverage: css"],
    "P07": ["name: Mme Haddad", "age: 45", "coverage: ame"],
    "P08": ["name: M. Ibrahim", "age: 70"],
    "P09": ["name: Mme Joly", "age: 80"],
    "P10": ["name: M. Klein", "age: 60", "household: 4 chemin des Vignes"],
    "P11": ["name: Léo Klein", "age: 3", "household: 4 chemin des Vignes"],
}


def days():
    d = FIRST
    while d <= LAST:
        yield d
        d += timedelta(days=1)


def shifts(day: date) -> tuple[dict, dict]:
    """(morning nurse, evening nurse) of a day."""
    week = day.isocalendar()[1]
    morning, evening = (CLAIRE, PAUL) if week % 2 else (PAUL, CLAIRE)
    if week == LEA_WEEK:
        morning, evening = (LEA if n is PAUL else n for n in (morning, evening))
    return morning, evening


def plan(rng: random.Random) -> dict:
    """{(day, "morning"|"evening"): [(patient, visit yaml lines)]}"""
    out: dict = {}

    def visit(day, shift, pid, time, acts, *extra):
        lines = [f'- time: "{time}"'] + [f"  {e}" for e in extra]
        if acts is not None:
            lines.append(f"  acts: [{', '.join(acts)}]")
        out.setdefault((day, shift), []).append((pid, lines))

    working_days = [d for d in days() if d.weekday() < 5 and d not in HOLIDAYS]
    p05_days = set(rng.sample(working_days, 8))
    p07_days = set(rng.sample(working_days, 6))
    p10_days = set(rng.sample(working_days, 7))
    p11_days = set(rng.sample(sorted(p10_days), 3))       # the child is seen with his father
    p09_days = {d for d in working_days if d.weekday() == 3 and rng.random() < 0.75}
    night_call = rng.choice(sorted(p10_days))
    for day in days():
        # dependence passages, every day, morning and evening: one BSB forfait a day across nurses
        visit(day, "morning", "P01", "08:00", ["injection_sc"] if day.weekday() in (0, 3) else None)
        visit(day, "evening", "P01", "19:00", None)
        # insulin twice a day (ALD), Sundays and holidays included
        visit(day, "morning", "P02", "08:20", ["surveillance_glycemie_insuline", "injection_insuline"])
        visit(day, "evening", "P02", "18:30", ["surveillance_glycemie_insuline", "injection_insuline"])
        if date(2026, 1, 5) <= day <= date(2026, 1, 14):
            visit(day, "morning", "P03", "08:45", ["injection_sc"])
        if day.weekday() in (0, 2, 4) and day <= date(2026, 1, 23) and day not in HOLIDAYS:
            visit(day, "evening", "P04", "17:30", ["pansement_autre"])
        if day in p05_days:
            visit(day, "morning", "P05", "09:10", ["injection_sc"])
        if day.weekday() == 1:
            visit(day, "morning", "P06", "07:50", ["prelevement_veineux"])
        if day in p07_days:
            visit(day, "evening", "P07", "17:50", ["pansement_autre"])
        if day.toordinal() % 2 == 0 and day not in HOLIDAYS and day.weekday() < 6:
            visit(day, "morning", "P08", "10:00", ["pansement_ulcere_greffe_etendu"])
        if day in p09_days:
            visit(day, "morning", "P09", "11:30", ["prelevement_veineux"], "place: office")
        if day in p10_days:
            acts = rng.choice([["injection_im"], ["pansement_autre", "injection_sc"], ["injection_sc"]])
            visit(day, "evening", "P10", "18:00", acts)
        if day in p11_days:
            visit(day, "evening", "P11", "18:00", ["pansement_autre"])
        if day == night_call:
            visit(day, "evening", "P10", "23:30", ["injection_im"], "urgent: true", 'called_at: "23:05"')
    return out


def document(day: date, nurse: dict, visits: list) -> str:
    lines = [f"date: {day.isoformat()}", "nurse:"] + [f"  {k}: {v}" for k, v in nurse.items()] + ["patients:"]
    by_patient: dict = {}
    for pid, v in visits:
        by_patient.setdefault(pid, []).append(v)
    for pid in sorted(by_patient):
        lines.append(f"  - id: {pid}")
        lines.extend(f"    {l}" for l in PATIENTS[pid])
        lines.append("    visits:")
        for v in by_patient[pid]:
            lines.extend(f"      {l}" for l in v)
    return "\n".join(lines) + "\n"


def main() -> None:
    rng = random.Random(SEED)
    shifts_plan = plan(rng)
    files: dict = {}
    for day in days():
        morning, evening = shifts(day)
        per_nurse: dict = {}
        for shift, nurse in (("morning", morning), ("evening", evening)):
            per_nurse.setdefault(nurse["name"], (nurse, []))[1].extend(shifts_plan.get((day, shift), []))
        year, week, _ = day.isocalendar()
        for name, (nurse, visits) in per_nurse.items():
            folder = name.split()[0].lower().replace("é", "e")
            files.setdefault(OUT / folder / f"{year}-W{week:02d}.yaml", []).append(document(day, nurse, visits))
    for old in OUT.rglob("*.yaml"):
        old.unlink()
    for path, docs in sorted(files.items()):
        path.parent.mkdir(parents=True, exist_ok=True)
        head = (f"# Cabinet de Claire Martin et Paul Durand, janvier 2026 : généré par "
                f"tests/data/make_cabinet_month.py (graine {SEED}).\n# Ne pas modifier à la main : relancer le script.\n")
        path.write_text(head + "---\n".join(docs), encoding="utf-8")
        print(path.relative_to(OUT.parent))


if __name__ == "__main__":
    main()
