"""Travel (DG art. 13): IFD per home passage, IFI per dependence passage, IK and their daily cap."""
from __future__ import annotations

from decimal import Decimal

from ngapcli.result import Line, money, num
from ngapcli.rules.passage import Diagnostics, Passage

NO_TRAVEL = frozenset(("perfusion_organisation", "telesoin", "death_certificate"))


def trip_key(p: Passage):
    """Passages of one nurse to one household at one moment are one trip (DG art. 13 and 16)."""
    who = p.patient.household if p.patient.household else ("patient", p.patient.id)
    return (p.tour.file, p.tour.document, p.day, p.visit.minutes, p.visit.place, who)


def opens_travel(p: Passage) -> bool:
    """The passage's care gives an IFD or IFI: at home, something billed, prescribed at home (or dependence),
    not only acts that exclude travel."""
    billed = p.billed_items
    if not (p.home and p.has_care and (p.dependence or p.bsi_bilan or p.mentions.home)):
        return False
    return not (billed and all(not i.groups.isdisjoint(NO_TRAVEL) for i in billed))


def ik_km(p: Passage, store, diags: Diagnostics) -> Decimal | None:
    """Billed km of a trip after the abattement, or None when IK are not due (DG art. 13 C)."""
    pat = p.patient
    if pat.distance_km is None:
        return None
    ik = store.rules["ik"]
    terrain = p.tour.nurse.terrain
    distance = pat.distance_km
    if pat.nearest_cabinet_km is not None and pat.nearest_cabinet_km < distance:
        diags.add("NGAP113", f"IK calculées sur {num(pat.nearest_cabinet_km).replace('.', ',')} km (cabinet le "
                  f"plus proche) au lieu de {num(distance).replace('.', ',')} km (art. 13 C 2°).", p, once=True)
        distance = pat.nearest_cabinet_km
    threshold = Decimal(str(ik["threshold_km"][terrain]))
    if not pat.outside_agglomeration or distance <= threshold:
        why = ("domicile dans l'agglomération du cabinet" if not pat.outside_agglomeration
               else f"distance de {distance} km, pas plus de {threshold} km ({terrain})")
        diags.add("NGAP112", f"Pas d'IK : {why} (art. 13 C).", p, once=True)
        return None
    if terrain == "pied_ski" and ik.get("pied_ski_abattement_uncertain"):
        diags.add("NGAP004", "IK à pied / à ski : l'abattement appliqué aux IK de plaine ou de montagne est repris "
                  "(non confirmé par les textes).", p, once=True)
    km = 2 * distance - Decimal(str(ik["abattement_km"][terrain]))
    return km if km > 0 else None


def travel(p: Passage, store, diags: Diagnostics, make_line, ifi_count: dict, billable_ifi: bool,
           followers: list[Passage]) -> None:
    """Travel lines of the first passage of a trip; the others of the household are told why not, or get
    the « IFI 0,01 » of a dependent patient seen in the same household (see ``household_ifi``)."""
    if not p.home:
        _followers(p, followers, diags)
        return
    billed = p.billed_items
    if not p.has_care:
        _followers(p, followers, diags)
        return
    if billed and all(not i.groups.isdisjoint(NO_TRAVEL) for i in billed):
        if any(i.has("perfusion_organisation") for i in billed):
            diags.add("NGAP123", "Pas d'indemnité de déplacement : le forfait d'organisation de la surveillance "
                      "d'une perfusion l'exclut (chap. II art. 3).", p)
        _followers(p, followers, diags)
        return
    rules = store.rules
    # IFI for each trip for dependence care, the BSI bilan's included (decision UNCAM of 13/02/2020)
    if p.dependence or p.bsi_bilan:
        if not billable_ifi(p):
            diags.add("NGAP132", "Pas d'IFI : ni forfait BSA/BSB/BSC ni DI du BSI facturé ce jour au patient.", p)
            _followers(p, followers, diags)
            return
        if not _count_ifi(p, rules, ifi_count, diags):
            _followers(p, followers, diags)
            return
        what = "passage de dépendance" if p.dependence else "passage du bilan de soins infirmiers (DI)"
        p.travel.append(make_line(p, "IFI", "travel", "Indemnité forfaitaire infirmière",
                                  f"art. 13 : IFI, {what} n° {ifi_count[(p.patient.id, p.day)]}"))
        rest = [o for o in followers
                if not household_ifi(o, p, store, diags, make_line, ifi_count, billable_ifi)]
        _followers(p, rest, diags)
    else:
        _followers(p, followers, diags)
        if not p.mentions.home:
            diags.add("NGAP110", "Pas d'IFD : les soins ne sont pas prescrits à domicile (art. 13).", p)
            return
        p.travel.append(make_line(p, "IFD", "travel", "Indemnité forfaitaire de déplacement",
                                  "art. 13 : IFD, un déplacement au domicile"))
    km = ik_km(p, store, diags)
    if km is not None:
        code = rules["ik"]["code"][p.tour.nurse.terrain]
        p.travel.append(make_line(p, code, "travel", "Indemnités kilométriques",
                                  f"art. 13 C : {num(km)} km aller-retour après abattement", quantity=km))


def _followers(head: Passage, others: list[Passage], diags: Diagnostics) -> None:
    for other in others:
        diags.add("NGAP111", f"Même foyer que le patient {head.patient.id} au même passage : le déplacement n'est "
                  "facturé qu'une fois (art. 13 et 16).", other)


def _count_ifi(p: Passage, rules, ifi_count: dict, diags: Diagnostics) -> bool:
    """One more IFI for the patient that day, unless the 4 of the day are reached (NGAP131)."""
    key = (p.patient.id, p.day)
    if ifi_count.get(key, 0) >= rules["bsi"]["max_ifi_per_day"]:
        diags.add("NGAP131", "Passage de dépendance au-delà du 4e de la journée : ni IFI ni IFD (art. 13).", p)
        return False
    ifi_count[key] = ifi_count.get(key, 0) + 1
    return True


def household_ifi(p: Passage, head: Passage, store, diags: Diagnostics, make_line, ifi_count: dict,
                  billable_ifi) -> bool:
    """A dependent patient seen in the household of ``head``, whose passage got the one IFI: « IFI 0,01 »
    (decision UNCAM of 12/11/2020; the line carries the passage's majorations in SESAM). False when the
    rule does not apply (date, not a dependence passage, nothing billed): the caller says NGAP111."""
    rule = store.rules["bsi"].get("household_extra_ifi")
    if not rule or rule.get("coefficient") is None or p.day < rule["from"]:
        return False
    if not (p.dependence and p.home and p.has_care and billable_ifi(p)):
        return False
    if not _count_ifi(p, store.rules, ifi_count, diags):
        return True
    coefficient = Decimal(str(rule["coefficient"]))
    p.travel.append(make_line(p, "IFI", "travel", "Indemnité forfaitaire infirmière",
                              f"art. 13 et 16 : même foyer que {head.patient.id}, IFI {num(coefficient).replace('.', ',')} pour le "
                              "patient de plus (décision UNCAM du 12/11/2020)", coefficient=coefficient))
    return True


def cap_split(start: Decimal, km: Decimal, full: Decimal, half: Decimal) -> list[tuple[Decimal, int, Decimal]]:
    """Pieces (km, rate %, factor) of ``km`` billed after ``start`` km the same day by the same nurse:
    km 1 to ``full`` at 100 %, to ``half`` at 50 %, then 0 % (avenant 6 daily cap)."""
    pieces = [(min(km, max(Decimal(0), full - start)), 100, Decimal(1))]
    rest = km - pieces[0][0]
    in_half = min(rest, max(Decimal(0), half - max(start, full)))
    pieces += [(in_half, 50, Decimal("0.5")), (rest - in_half, 0, Decimal(0))]
    return [(q, r, c) for q, r, c in pieces if q > 0]


def cap_ik(lines: list[Line], store, diags: Diagnostics, where) -> list[Line]:
    """Avenant 6 daily cap of one nurse's day: km 1-299 at 100 %, 300-399 at 50 %, then 0 %."""
    cap = store.rules["ik"]["daily_cap"]
    full, half = Decimal(cap["full_km"]), Decimal(cap["half_km"])
    out, done, reported = [], Decimal(0), False
    total = sum((l.quantity for l in lines), Decimal(0))
    for line in lines:
        km, start = line.quantity, done
        done += km
        kept = cap_split(start, km, full, half)
        if len(kept) == 1 and kept[0][1] == 100:
            out.append(line)
            continue
        if not reported:
            diags.add("NGAP114", f"Plafond journalier des IK : {total} km cumulés par l'infirmière ce jour ; "
                      f"km {int(full) + 1} à {int(half)} payés à 50 %, au-delà non payés (avenant 6).", where(line))
            reported = True
        for q, r, c in kept:
            piece = Line(**{f: getattr(line, f) for f in line.__slots__})
            piece.quantity, piece.rate, piece.coefficient = q, r, c
            piece.amount = money(q * c * line.unit_value)
            piece.rule = f"{line.rule} ; plafond journalier : {r} %"
            out.append(piece)
    return out
