"""Generate tests/data/audit_month/: a month (May 2025) of a two-nurse cabinet with the cotation each
visit was billed with, and billing errors injected at random (seeded), listed in expected.json.

    python tests/data/gen_audit_month.py          # rewrites tests/data/audit_month/

The correct cotation of each visit comes from ``ngap price`` (the rules under test elsewhere); it is
written the way nurses write it (order, spaces, comma or dot, aliases IFA/NUIT/DIM/x0,5, lower case)
and the BSI forfait is sometimes billed on another passage of the day (no difference). Then about one
visit in eight gets exactly one error: an item dropped (oubli), an item added that is not due (indu),
or an item billed with another rate, km or level (écart). expected.json lists each with its amount,
computed here from the priced lines (billed − due), independently of `ngap audit`.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ngapcli.rules import price  # noqa: E402
from ngapcli.tariffs import TariffStore  # noqa: E402
from ngapcli.tourfile import parse_tours  # noqa: E402

import yaml  # noqa: E402

SEED = 20250501
OUT = Path(__file__).resolve().parent / "audit_month"
NURSES = {"A": ("Claire Martin", "cabinet_claire.yaml"), "B": ("Paul Durand", "cabinet_paul.yaml")}
HOLIDAYS = {date(2025, 5, 1), date(2025, 5, 8), date(2025, 5, 29)}
KM = ("IK", "IKM", "IKS")

PATIENTS = {
    "P01": {"name": "M. Aubert", "age": 70, "prescription": {"daily": True}},
    "P02": {"name": "Mme Blanc", "age": 83, "distance_km": 7.5, "outside_agglomeration": True,
            "prescription": {"daily": True}},
    "P03": {"name": "Mme Colin", "age": 88, "bsi": "BSB"},
    "P04": {"name": "M. Dupuis", "age": 91, "bsi": "BSA", "distance_km": 12, "outside_agglomeration": True},
    "P05": {"name": "M. Étienne", "age": 66},
    "P06": {"name": "Mme Faure", "age": 59},
    "P07": {"name": "M. Garnier", "age": 45},
    "P08": {"name": "Léo H.", "birth_date": "2021-02-11"},
    "P09": {"name": "Mme Joly", "age": 77},
    "P10": {"name": "M. Klein", "age": 62, "distance_km": 9, "outside_agglomeration": True},
    "P11": {"name": "Mme Lebrun", "age": 35},
    "P12": {"name": "M. Marchand", "age": 80},
}


def money(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def plan(rng: random.Random) -> list[dict]:
    """Visits of the month: (day, nurse, patient, time, acts, extra keys)."""
    visits = []
    day = date(2025, 5, 1)
    while day.month == 5:
        morning, evening = ("A", "B") if day.day % 2 else ("B", "A")
        sunday = day.weekday() == 6
        add = lambda nurse, pid, time, acts, **kw: visits.append(  # noqa: E731
            {"day": day, "nurse": nurse, "patient": pid, "time": time, "acts": acts, **kw})
        add(morning, "P01", "07:45", ["surveillance_glycemie_insuline", "injection_insuline"])
        add(evening, "P01", "19:10", ["surveillance_glycemie_insuline", "injection_insuline"])
        add(morning, "P02", "08:15", ["injection_sc"])
        add(morning, "P03", "08:40", ["injection_sc"])
        add(evening, "P03", "18:30", [])
        add(morning, "P04", "09:10", [])
        if day.day % 2 == 0:
            add(morning, "P05", "09:40", ["pansement_ulcere_greffe_etendu"])
        if not sunday and day.weekday() in (0, 3):
            add(morning, "P06", "07:30", ["prelevement_veineux"], place=rng.choice(["home", "office"]))
        if not sunday and day.weekday() in (1, 4):
            add(evening, "P07", "17:45", ["pansement_autre", "injection_sc"])
        if day.day % 7 == 3:
            add(evening, "P08", "16:30", ["injection_im"])
        if day.day % 5 == 1:
            late = rng.choice([("23:30", "23:05"), ("21:15", "20:50"), ("05:40", "05:10")])
            add(evening, "P09", late[0], ["injection_im"], urgent=True, called_at=late[1])
        if day.day % 3 == 0:
            add(morning, "P10", "10:30", ["perfusion_courte"])
        if not sunday and day not in HOLIDAYS and day.weekday() != 5:
            add(rng.choice("AB"), "P11", "12:00", ["injection_im"], place="office")
        if day.day % 4 == 2:
            add(morning, "P12", "11:00", ["prelevement_veineux", "pansement_autre"])
        day += timedelta(days=1)
    return visits


def documents(visits: list[dict], nurse: str) -> list[dict]:
    docs = []
    by_day: dict[date, list[dict]] = defaultdict(list)
    for v in visits:
        if v["nurse"] == nurse:
            by_day[v["day"]].append(v)
    for day in sorted(by_day):
        patients: dict[str, dict] = {}
        for v in sorted(by_day[day], key=lambda v: (v["patient"], v["time"])):
            p = patients.setdefault(v["patient"], {"id": v["patient"], **PATIENTS[v["patient"]], "visits": []})
            entry = {"time": v["time"]}
            for key in ("place", "urgent", "called_at"):
                if key in v:
                    entry[key] = v[key]
            if v["acts"] or "bsi" not in p:
                entry["acts"] = list(v["acts"])
            v["number"] = len(p["visits"]) + 1
            p["visits"].append(entry)
            v["entry"] = entry
        docs.append({"date": day.isoformat(), "zone": "metropole", "nurse": {"name": NURSES[nurse][0]},
                     "patients": list(patients.values())})
    return docs


def write_item(rng: random.Random, item: dict) -> str:
    """One item the way a nurse writes it."""
    code, coef, rate = item["code"], item["coef"], item["rate"]
    if code in KM:
        return f"{code}{rng.choice(['', ' '])}{_num(rng, coef)}"
    if code == "N":
        return rng.choice(["N", "NUIT", "nuit"] + (["NUIT2", "NP"] if item["deep"] else ["NUIT1"]))
    if code == "F":
        return rng.choice(["F", "DIM", "F"] if item["sunday"] else ["F", "FERIE"])
    if code == "IFD":
        return rng.choice(["IFD", "IFD", "IFA", "ifd"])
    if item["kind"] != "act":
        return code if rng.random() < 0.8 else code.lower()
    text = code + rng.choice(["", " "]) + _num(rng, coef)
    if rate == 50:
        text += rng.choice(["/2", "/2", " x0,5", "x0.5"])
    return text if rng.random() < 0.9 else text.lower()


def _num(rng: random.Random, d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text.replace(".", ",") if rng.random() < 0.7 else text


def main() -> None:
    rng = random.Random(SEED)
    store = TariffStore.load(ROOT / "tariffs")
    visits = plan(rng)
    docs = {n: documents(visits, n) for n in NURSES}
    tours = []
    for n, (_, fname) in NURSES.items():
        text = yaml.safe_dump_all(docs[n], allow_unicode=True, sort_keys=False)
        tours.extend(parse_tours(text, fname, store.act_ids, store.letters))
    result = price(tours, store)
    by_visit: dict[tuple, list] = defaultdict(list)
    for l in result.lines:
        by_visit[(l.nurse, l.date, l.patient, l.visit)].append(l)
    name_of = {n: NURSES[n][0] for n in NURSES}

    # the due items of each visit, as billed items
    for v in visits:
        lines = by_visit[(name_of[v["nurse"]], v["day"].isoformat(), v["patient"], v["number"])]
        items, ik = [], defaultdict(Decimal)
        for l in lines:
            if l.code in KM:
                ik[l.code] += l.quantity
                unit_ik = l.unit_value
                continue
            if l.rate == 0 or l.amount == 0:
                continue
            base = l.coefficient * 2 if l.rate == 50 else l.coefficient
            items.append({"code": l.code, "coef": base, "rate": l.rate, "kind": l.kind, "amount": l.amount,
                          "unit": l.unit_value, "deep": l.unit_value == Decimal("18.30"),
                          "sunday": v["day"].weekday() == 6})
        for code, km in ik.items():
            items.append({"code": code, "coef": km, "rate": 100, "kind": "travel", "unit": unit_ik,
                          "amount": money(km * unit_ik), "deep": False, "sunday": False})
        v["items"] = items

    # the BSI forfait is sometimes billed on the other passage of the day (same patient, other nurse)
    days: dict[tuple, list[dict]] = defaultdict(list)
    for v in visits:
        days[(v["day"], v["patient"])].append(v)
    moved = set()
    for (day, pid), vs in days.items():
        if len(vs) > 1 and any(i["code"].startswith("BS") for v in vs for i in v["items"]) and rng.random() < 0.3:
            src = next(v for v in vs if any(i["code"].startswith("BS") for i in v["items"]))
            dst = next(v for v in vs if v is not src)
            forfait = next(i for i in src["items"] if i["code"].startswith("BS"))
            src["items"].remove(forfait)
            dst["items"].append(forfait)
            moved.add((day, pid))

    expected = []
    values = {"F": Decimal("8.50"), "MAU": Decimal("1.35"), "IFD": Decimal("2.75"), "MCI": Decimal("5.00"),
              "N": Decimal("9.15")}
    for v in visits:
        items = v["items"]
        where = {"date": v["day"].isoformat(), "patient": v["patient"], "time": v["time"],
                 "nurse": name_of[v["nurse"]]}
        if rng.random() < 0.13 and items:
            codes = {i["code"] for i in items}
            choices = ["drop", "add", "rate", "km", "night", "level"]
            rng.shuffle(choices)
            for what in choices:
                if what == "drop":
                    cand = [i for i in items if not i["code"].startswith("BS")
                            or (v["day"], v["patient"]) not in moved]
                    if not cand:
                        continue
                    i = rng.choice(cand)
                    items.remove(i)
                    expected.append({**where, "kind": "oubli", "item": i["code"], "amount": str(-i["amount"])})
                elif what == "add":
                    opts = [c for c in ("F", "MAU", "IFD", "MCI", "N") if c not in codes]
                    if v["day"].weekday() == 6 or v["day"] in HOLIDAYS:
                        opts = [c for c in opts if c != "F"]
                    if "N" in opts and not ("08:00" <= v["time"] < "20:00"):
                        opts.remove("N")
                    if not opts:
                        continue
                    c = rng.choice(opts)
                    items.append({"code": c, "coef": Decimal(1), "rate": 100, "kind": "majoration",
                                  "amount": values[c], "deep": False, "sunday": False, "injected": True})
                    expected.append({**where, "kind": "indu", "item": c, "amount": str(values[c])})
                elif what == "rate":
                    acts = [i for i in items if i["kind"] == "act" and i["code"] in ("AMI", "AMX")]
                    if not acts:
                        continue
                    i = rng.choice(acts)
                    old = i["amount"]
                    if i["rate"] == 50:
                        i["rate"], new = 100, money(i["coef"] * i["unit"])
                    else:
                        i["rate"], new = 50, money(i["coef"] / 2 * i["unit"])
                    i["amount"] = new
                    expected.append({**where, "kind": "ecart", "item": i["code"], "amount": str(new - old)})
                elif what == "km":
                    ks = [i for i in items if i["code"] in KM]
                    if not ks:
                        continue
                    i = ks[0]
                    extra = Decimal(rng.choice([2, 4, -2]))
                    old, i["coef"] = i["amount"], i["coef"] + extra
                    i["amount"] = money(i["coef"] * i["unit"])
                    expected.append({**where, "kind": "ecart", "item": i["code"], "amount": str(i["amount"] - old)})
                elif what == "night":
                    ns = [i for i in items if i["code"] == "N"]
                    if not ns:
                        continue
                    i = ns[0]
                    i["deep"] = not i["deep"]
                    i["force"] = "NUIT2" if i["deep"] else "NUIT1"
                    new = Decimal("18.30") if i["deep"] else Decimal("9.15")
                    expected.append({**where, "kind": "ecart", "item": "N", "amount": str(new - i["amount"])})
                elif what == "level":
                    fs = [i for i in items if i["code"] in ("BSA", "BSB")]
                    if not fs:
                        continue
                    i = fs[0]
                    new_code, new = ("BSC", Decimal("28.70"))
                    expected.append({**where, "kind": "ecart", "item": new_code,
                                     "amount": str(new - i["amount"])})
                    i["code"] = new_code
                break
        rng.shuffle(items)
        written = [i.get("force") or write_item(rng, i) for i in items]
        sep = rng.choice([" + ", "+", " +", "+ "])
        v["entry"]["billed"] = sep.join(written)
        if not written:
            v["entry"]["billed"] = ""

    OUT.mkdir(exist_ok=True)
    header = ("# Généré par tests/data/gen_audit_month.py (graine {seed}) : un mois d'un cabinet de deux IDEL,\n"
              "# avec la cotation facturée de chaque visite ; les erreurs injectées sont dans expected.json.\n")
    for n, (_, fname) in NURSES.items():
        text = yaml.safe_dump_all(docs[n], allow_unicode=True, sort_keys=False, width=120)
        (OUT / fname).write_text(header.format(seed=SEED) + text, encoding="utf-8")
    expected.sort(key=lambda e: (e["date"], e["time"], e["patient"], e["kind"], e["item"]))
    (OUT / "expected.json").write_text(json.dumps({"seed": SEED, "differences": expected}, ensure_ascii=False,
                                                  indent=1) + "\n", encoding="utf-8")
    kinds = defaultdict(int)
    for e in expected:
        kinds[e["kind"]] += 1
    print(f"{len(visits)} visites, {len(expected)} erreurs injectées : {dict(kinds)}")


if __name__ == "__main__":
    main()
