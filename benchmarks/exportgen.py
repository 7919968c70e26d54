"""A seeded billing export of a cabinet over a year (2025, métropole), for `ngap audit --billed FILE.csv`.

Used by ``benchmarks/run.py`` (100 nurses, a year: ~2.5 million rows) and by the tests (four nurses, with
a violation of every rule of the claims-only audit injected on known rows). Clean rows are billed as
the NGAP says, with the 2025 values written here by hand (not read from the tariff store, so that the
checker is tested against an independent pricing):

AMI/AMX 3.15, IFD/IFI 2.75, MAU 1.35, MCI 5.00, N 9.15 / 18.30, F 8.50, IK 0.35, BSA/BSB/BSC 13.00/18.20/28.70,
DI 10.00 (coefficient × value, half-up to the cent).
"""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

VALUES = {"AMI": "3.15", "AMX": "3.15", "AIS": "2.65", "DI": "10.00", "IFD": "2.75", "IFI": "2.75", "MAU": "1.35",
          "MCI": "5.00", "N": "9.15", "N2": "18.30", "F": "8.50", "IK": "0.35", "BSA": "13.00", "BSB": "18.20",
          "BSC": "28.70"}
HOLIDAYS_2025 = {date(2025, 1, 1), date(2025, 4, 21), date(2025, 5, 1), date(2025, 5, 8), date(2025, 5, 29),
                 date(2025, 6, 9), date(2025, 7, 14), date(2025, 8, 15), date(2025, 11, 1), date(2025, 11, 11),
                 date(2025, 12, 25)}
PROFILES = [(22, "diabetes"), (16, "anticoag"), (12, "wound"), (6, "heavy_wound"), (8, "blood"),
            (15, "dependence"), (4, "perfusion"), (3, "night")]
CENT = Decimal("0.01")


def price(cotation: str) -> Decimal:
    """Amount of a cotation written as this generator writes it: « AMI1,5 + MAU + IK 6 + AMI1/2 »."""
    total = Decimal(0)
    for part in cotation.split("+"):
        part = part.strip()
        half = part.endswith("/2")
        part = part[:-2] if half else part
        if part.startswith("IK "):
            total += (Decimal(part[3:]) * Decimal(VALUES["IK"])).quantize(CENT, ROUND_HALF_UP)
            continue
        code = part.rstrip("0123456789,")
        coef = Decimal(part[len(code):].replace(",", ".") or "1")
        if half:
            coef /= 2
        total += (coef * Decimal(VALUES[code])).quantize(CENT, ROUND_HALF_UP)
    return total


def _sunday(day: date) -> bool:
    return day.weekday() == 6 or day in HOLIDAYS_2025


class Cabinet:
    def __init__(self, nurses: int, patients_per_nurse: int, seed: int):
        self.rng = random.Random(seed)
        weights = [p for w, p in PROFILES for _ in range(w)]
        self.patients = []      # (nurse, patient id, profile, far km or None, forfait)
        for n in range(nurses):
            for i in range(patients_per_nurse):
                prof = self.rng.choice(weights)
                far = self.rng.choice([None, None, 4, 6, 8]) if prof in ("wound", "heavy_wound") else None
                forfait = self.rng.choice(["BSA", "BSB", "BSC"]) if prof == "dependence" else None
                self.patients.append((f"Infirmière {n + 1:03d}", f"N{n + 1:03d}P{i + 1:02d}", prof, far, forfait))

    def day(self, day: date) -> list[tuple[str, str, str, str]]:
        """(nurse, patient, time, cotation) of every passage of the day, clean."""
        rng, out = self.rng, []
        sunday = _sunday(day)
        f = " + F" if sunday else ""
        for nurse, pid, prof, far, forfait in self.patients:
            ik = f" + IK {far * 2}" if far else ""
            m = f"{rng.randint(9, 11):02d}:{rng.choice(['00', '15', '30', '45'])}"
            if prof == "diabetes":
                out.append((nurse, pid, "08:15", "AMI1 + AMI1/2 + IFD" + f))
                out.append((nurse, pid, f"{rng.randint(17, 19):02d}:30", "AMI1 + AMI1/2 + IFD" + f))
            elif prof == "anticoag":
                out.append((nurse, pid, m, "AMI1 + MAU + IFD" + f))
            elif prof == "wound" and (day.toordinal() % 2 == 0):
                out.append((nurse, pid, m, "AMI2 + IFD" + ik + f))
            elif prof == "heavy_wound" and (day.toordinal() % 2 == 1):
                first = day == date(2025, 1, 1) or day == date(2025, 1, 2)
                out.append((nurse, pid, m, ("AMI11 + IFD" if first else "AMI4 + MCI + IFD") + ik + f))
            elif prof == "blood" and day.weekday() == 0:
                out.append((nurse, pid, "08:30", "AMI1,5 + MAU + IFD"))
            elif prof == "dependence":
                out.append((nurse, pid, m, f"{forfait} + IFI" + f))
                out.append((nurse, pid, "18:00", "IFI" + f))
            elif prof == "perfusion" and day.weekday() < 5:
                out.append((nurse, pid, m, "AMI9 + IFD"))
            elif prof == "night":
                out.append((nurse, pid, "21:30", "AMI1 + MAU + IFD + N"))
        return out


# row index (0-based among the day's rows) is chosen at random; each injection says the expected code and
# whether it is certain; ``replace`` gives the new cotation (None: keep), ``time``/``amount_delta`` their change
def _injections():
    return [
        # code, certain, profile wanted, weekday wanted (None: any), new cotation, new time, amount delta
        ("NGAP205", True, "anticoag", None, None, None, Decimal("1.00")),
        ("NGAP205", True,  "anticoag", None, None, None, Decimal("-0.25")),   # IFD at 2.50 (old value)
        ("NGAP206", True, "anticoag", "before_cdc", "CDC20", None, None),
        ("NGAP207", False, "anticoag", None, "AMI7,3 + IFD", None, None),
        ("NGAP208", True, "anticoag", None, "AMI1 + AMI1/2 + MAU + IFD", None, None),
        ("NGAP209", True, "anticoag", None, "AMI2 + MAU + IFD", None, None),
        ("NGAP210", True, "anticoag", None, "AMI1 + MAU + MCI + IFD", None, None),
        ("NGAP211", True, "anticoag", None, "IFD", None, None),
        ("NGAP212", True, "anticoag", "sunday", "AMI1 + MAU + IFD + N + F", "21:00", None),
        ("NGAP213", True, "anticoag", "weekday", "AMI1 + MAU + IFD + N", "14:00", None),
        ("NGAP214", True, "anticoag", "weekday", "AMI1 + MAU + IFD + N2", "21:00", None),
        ("NGAP215", True, "anticoag", "weekday", "AMI1 + MAU + IFD + F", None, None),
        ("NGAP216", True, "dependence", "weekday", "{forfait} + IFI + IFD", None, None),
        ("NGAP219", False, "anticoag", "weekday", "AMX1 + IFI", None, None),
        ("NGAP220", True, "anticoag", "weekday", "AMI1 + MAU + IFD + IFD", None, None),
        ("NGAP221", True, "heavy_wound", "weekday", "AMI11 + MCI + IFD", None, None),
        ("NGAP225", False, "anticoag", "weekday", "AMI2 + AMI1 + AMI1 + IFD", None, None),
        ("NGAP226", True, "dependence", "weekday", "{forfait} + IFI + AIS3", None, None),
        ("NGAP223", True, "anticoag", "weekday", "AMI1 + MAU + IFD + IK 350", None, None),
    ]


def generate(nurses: int = 4, patients_per_nurse: int = 25, seed: int = 2025, inject: bool = True,
             start: date = date(2025, 1, 1), days: int = 365):
    """Rows (dicts: date, nurse, patient, time, cotation, amount) in date order, and the expected findings
    [(row index, code, certain)] of the injected violations."""
    cab = Cabinet(nurses, patients_per_nurse, seed)
    rng = random.Random(seed + 1)
    plan: dict[date, list] = {}
    if inject:
        for spec in _injections():
            want = spec[3]
            while True:
                d = start + timedelta(days=rng.randrange(days))
                if want == "sunday" and not (d.weekday() == 6 and d not in HOLIDAYS_2025):
                    continue
                if want == "weekday" and (d.weekday() >= 5 or d in HOLIDAYS_2025):
                    continue
                if want == "before_cdc" and d >= date(2025, 6, 29):
                    continue
                if spec[2] == "heavy_wound" and d.toordinal() % 2 == 0:     # seen every other day
                    continue
                if d in plan and any(s[0] == spec[0] for s in plan[d]):
                    continue
                break
            plan.setdefault(d, []).append(spec)
        # rules that need several rows: fixed days
        plan.setdefault(date(2025, 3, 12), []).append(("NGAP217", True, "dependence", None, "extra_ifi", None, None))
        plan.setdefault(date(2025, 4, 16), []).append(("NGAP218", True, "dependence", None, "extra_forfait", None, None))
        plan.setdefault(date(2025, 9, 17), []).append(("NGAP222", True, "perfusion", None, "two_long", None, None))
        for d in (date(2025, 2, 5), date(2025, 5, 7), date(2025, 8, 6), date(2025, 10, 8)):
            plan.setdefault(d, []).append(("NGAP224", d == date(2025, 10, 8), "dependence", None, "di", None, None))
    rows: list[dict] = []
    expected: list[tuple[int, str, bool]] = []
    profile_of = {p[1]: p for p in cab.patients}
    di_patient = None
    for k in range(days):
        d = start + timedelta(days=k)
        passages = [{"date": d, "nurse": n, "patient": p, "time": t, "cotation": c} for n, p, t, c in cab.day(d)]
        hits = []
        for spec in plan.get(d, []):
            code, certain, prof, _w, cot, time, delta = spec
            cands = [i for i, r in enumerate(passages) if profile_of[r["patient"]][2] == prof
                     and "touched" not in r and r["time"] not in ("08:15",)
                     and (prof != "dependence" or r["time"] != "18:00")]
            if code == "NGAP224":
                di_patient = di_patient or passages[cands[0]]["patient"]
                cands = [i for i in cands if passages[i]["patient"] == di_patient]
            i = rng.choice(cands) if code != "NGAP224" else cands[0]
            r = passages[i]
            r["touched"] = True
            forfait = profile_of[r["patient"]][4]
            if cot == "extra_ifi":         # three more IFI passages after 18:00: the 5th IFI of the day is at 19:30
                extra = [dict(r, time=t, cotation="IFI", touched=True) for t in ("19:00", "19:30", "19:45")]
                passages[i + 1:i + 1] = extra
                hits.append((extra[2], code, certain))
                continue
            if cot == "extra_forfait":     # a second, lower forfait by another passage
                other = "BSA" if forfait != "BSA" else "BSB"
                if other == "BSB":
                    r["cotation"] = r["cotation"].replace("BSA", "BSC")
                row = dict(r, time="15:00", cotation=other, touched=True)
                passages.insert(i + 1, row)
                hits.append((row, code, certain))
                continue
            if cot == "two_long":
                r["cotation"] = "AMI14 + IFD"
                row = dict(r, time="20:00", cotation="AMI14 + IFD", touched=True)
                passages.insert(i + 1, row)
                hits.append((row, code, certain))
                continue
            if cot == "di":
                r["cotation"] = f"DI1,2 + {forfait} + IFI"
                if certain:                # the 4th DI 1,2 in 12 months; the three before are allowed
                    hits.append((r, code, certain))
                continue
            if cot is not None:
                r["cotation"] = cot.format(forfait=forfait)
            if time is not None:
                r["time"] = time
            if delta is not None:
                r["delta"] = delta
            hits.append((r, code, certain))
        for r in passages:
            amount = price(r["cotation"]) if not r["cotation"].startswith("CDC") else Decimal("20.00")
            amount += r.get("delta", 0)
            rows.append({"date": d, "nurse": r["nurse"], "patient": r["patient"], "time": r["time"],
                         "cotation": r["cotation"], "amount": amount})
            for row, code, certain in hits:
                if row is r:
                    expected.append((len(rows) - 1, code, certain))
    return rows, expected


HEADERS = {
    "fr": {"date": "Date", "nurse": "Infirmière", "patient": "Patient", "time": "Heure", "cotation": "Cotation",
           "amount": "Montant"},
    "en": {"date": "date", "nurse": "nurse", "patient": "patient", "time": "time", "cotation": "cotation",
           "amount": "amount"},
}


def write_csv(rows, path, *, headers: str = "fr", delimiter: str = ";", encoding: str = "utf-8-sig",
              french: bool = True) -> None:
    """Write rows as a billing program would: French dates and decimal commas by default."""
    names = HEADERS[headers]
    order = ["date", "nurse", "patient", "time", "cotation", "amount"]
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
        w.writerow([names[k] for k in order])
        for r in rows:
            d = r["date"]
            w.writerow([d.strftime("%d/%m/%Y") if french else d.isoformat(), r["nurse"], r["patient"], r["time"],
                        r["cotation"], (f"{r['amount']:.2f}".replace(".", ",") if french else f"{r['amount']:.2f}")])


def stream_csv(path, nurses: int, patients_per_nurse: int, seed: int = 7, days: int = 365) -> int:
    """A big clean export written day by day (bounded memory): the benchmark's input. Returns its rows."""
    cab = Cabinet(nurses, patients_per_nurse, seed)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("date;infirmiere;patient;heure;cotation;montant\r\n")
        cache: dict[str, str] = {}
        for k in range(days):
            d = date(2025, 1, 1) + timedelta(days=k)
            ds = d.strftime("%d/%m/%Y")
            lines = []
            for n, p, t, c in cab.day(d):
                a = cache.get(c)
                if a is None:
                    a = cache[c] = f"{price(c):.2f}".replace(".", ",")
                lines.append(f"{ds};{n};{p};{t};{c};{a}\r\n")
            f.writelines(lines)
            count += len(lines)
    return count
