"""Majorations of a passage: night, Sunday/holiday (DG art. 14), MAU, MCI, MIE (DG art. 23)."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ngapcli.rules.passage import Diagnostics, Passage

NO_MAJORATION = frozenset(("perfusion_organisation", "ic_bpco", "garde", "death_certificate"))


@lru_cache(maxsize=64)
def minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def in_window(m: int, start: int, end: int) -> bool:
    return start <= m < end if start < end else (m >= start or m < end)


def night_key(p: Passage, rules: dict) -> str | None:
    for band in rules["night"]["bands"]:
        if in_window(p.visit.minutes, minutes(band["start"]), minutes(band["end"])):
            return band["value"]
    return None


def night_justified(p: Passage, rules: dict) -> bool:
    if p.mentions.night:
        return True
    if not p.visit.urgent:
        return False
    call = p.visit.called_at if p.visit.called_at is not None else p.visit.minutes
    start, end = (minutes(t) for t in rules["night"]["call_window"])
    return in_window(call, start, end)


def sunday_reason(p: Passage, store) -> str | None:
    """Why the day is majorable: Sunday, a public holiday of the zone, or Saturday from 8 h if urgent."""
    holiday = store.is_holiday(p.day, p.tour.zone)
    if holiday:
        return f"jour férié ({holiday})"
    if p.day.weekday() == 6:
        return "dimanche"
    if p.day.weekday() == 5 and p.visit.urgent and p.visit.minutes >= minutes(store.rules["saturday_urgent_from"]):
        return "samedi, soins urgents"
    return None


def time_majoration(p: Passage, store, diags: Diagnostics, add) -> None:
    """N or F, never both on one passage (DG art. 14)."""
    rules = store.rules
    billed = p.billed_items
    if not p.has_care:
        return
    if billed and all(not i.groups.isdisjoint(NO_MAJORATION) for i in billed):
        if night_key(p, rules) or sunday_reason(p, store):
            diags.add("NGAP123", "Pas de majoration de nuit ni de dimanche : l'acte de la séance l'exclut "
                      "(forfait d'organisation de perfusion, séance IC/BPCO, garde ou certificat de décès).", p)
        return
    key = night_key(p, rules)
    night_ok = key is not None and night_justified(p, rules)
    reason = sunday_reason(p, store)
    sunday_ok = reason is not None and (p.visit.urgent or p.mentions.daily)
    if key and not night_ok:
        diags.add("NGAP121", f"Passage de {p.visit.time} sans majoration de nuit : ni appel urgent reçu entre "
                  "19 h et 7 h, ni prescription imposant l'exécution de nuit (art. 14). Pour la justifier : "
                  "« urgent: true » et « called_at: \"HH:MM\" » sur la visite, ou « prescription: {night: true} » "
                  "sur le patient.", p)
    if reason and not sunday_ok:
        diags.add("NGAP122", f"Passage du {reason} sans majoration : ni soins urgents, ni prescription "
                  "« rigoureusement quotidienne » (art. 14). Pour la justifier : « urgent: true » sur la visite, ou "
                  "« prescription: {daily: true} » sur le patient.", p)
    if night_ok and sunday_ok:
        diags.add("NGAP120", f"Nuit et {reason} : une seule majoration par passage, la majoration de nuit "
                  "est retenue (art. 14).", p)
    if night_ok:
        label = "Majoration de nuit 23 h-5 h" if key == "N_DEEP" else "Majoration de nuit"
        add(p, key, label, "art. 14 : nuit " + ("(urgence)" if p.visit.urgent else "(prescrite)"))
    elif sunday_ok:
        add(p, "F", "Majoration dimanche / jour férié", f"art. 14 : {reason}")


def mci(p: Passage, store, diags: Diagnostics, add) -> bool:
    if p.day < store.rules["mci_from"]:
        return False
    billed = p.billed_items
    plc = any(i.act and i.act.gives_mci for i in billed)
    palliative = p.patient.palliative and p.has_care
    if not (plc or palliative):
        return False
    if any(i.has("bilan_plaie") for i in billed):
        diags.add("NGAP126", "Pas de MCI : le bilan de plaie (AMI 11) n'est pas associable à la MCI (art. 23.2).", p)
        return False
    if not p.home:
        diags.add("NGAP126", "Pas de MCI : elle n'est due qu'au domicile du patient (art. 23.2).", p)
        return False
    add(p, "MCI", "Majoration de coordination infirmière",
        "art. 23.2 : " + ("pansement lourd et complexe" if plc else "soins palliatifs"))
    return True


def mau(p: Passage, store, diags: Diagnostics, add, has_mci: bool, forfait_day: bool) -> None:
    rules = store.rules["mau"]
    billed = p.billed_items
    if p.dependence or p.day < rules["from"] or len(billed) != 1:
        return
    act = billed[0]
    coef = act.billed_coefficient()
    if act.letter not in rules.get("letters", ("AMI",)) or coef > Decimal(rules["max_coefficient"]):
        return
    if p.day < rules["any_coefficient_from"] and coef not in (Decimal(1), Decimal("1.5")):
        return
    if has_mci:
        diags.add("NGAP124", "Pas de MAU : elle ne se cumule pas avec la MCI (art. 23.1).", p)
        return
    if forfait_day:
        diags.add("NGAP125", "MAU facturée un jour de forfait BSI du patient : la caisse peut la rejeter "
                  "(décision UNCAM du 08/02/2023).", p)
    add(p, "MAU", "Majoration acte unique", "art. 23.1 : acte unique de coefficient ≤ 1,5")


def mie(p: Passage, store, diags: Diagnostics, add, has_mci: bool) -> None:
    if not p.has_care:
        return
    age = p.patient.age_on(p.day, p.tour.date)
    if age is None or age >= 7 or store.value("MIE", p.day, p.tour.zone) is None:
        return
    if has_mci:
        diags.add("NGAP127", "MIE et MCI : aucun texte n'exclut le cumul, la MIE est facturée (lecture incertaine).", p)
    add(p, "MIE", "Majoration enfant de moins de 7 ans", "art. 23 : enfant de moins de 7 ans")
