"""Article 11B of the Dispositions générales: several acts in one passage, and its derogations
(DG art. 11B), plus the dependence passage of a BSI patient (chap. I art. 12; docs/lectures.md)."""
from __future__ import annotations

from datetime import date

from ngapcli.rules.passage import Diagnostics, Item, Passage

PERFUSION_FORFAITS = ("perfusion_short", "perfusion_long")
NON_CUMUL_TRIGGERS = frozenset(("perfusion_short", "prise_medicamenteuse", "urinary_catheter", "ic_bpco",
                                "ais_dependence"))
# chap. I art. 11 and chap. II art. 5 ter: the weekly surveillance séances exclude each other and the AIS 3
WEEKLY_SURVEILLANCE = frozenset(("ais_surveillance_hebdomadaire", "surveillance_hebdo_diabetique_75ans"))
OUTSIDE_11B = frozenset(("perfusion_supplement", "telesante_tl", "bsi_bilan", "death_certificate"))


def _coef(unit: list[Item]):
    return sum(i.coefficient for i in unit)


def _set(unit: list[Item], rate: int, why: str) -> None:
    for i in unit:
        i.rate, i.rule = rate, why


def _rank_key(p: Passage, store):
    """Highest coefficient first (11B ranks by coefficient, a 5 bis group by its sum); between equal
    coefficients, the higher letter value, then the act that carries the MCI, then the act id: the
    result never depends on the order the acts were written in."""
    def key(unit: list[Item]):
        value = store.value(unit[0].letter, p.day, p.tour.zone) or 0
        mci = any(i.act is not None and i.act.gives_mci for i in unit)
        # a 5 bis group whose sum equals the other act's coefficient is the act at 100 % (chap. II art. 5 bis as the caisses read it:
        # « if the group sum ≥ the other act »)
        group5 = len(unit) > 1 or unit[0].has("diabete_5bis")
        return (-_coef(unit), -value, not group5, not mci, unit[0].act_id or unit[0].label)
    return key


def _is(unit: list[Item], group: str) -> bool:
    return len(unit) == 1 and unit[0].has(group)


def non_cumuls(p: Passage, diags: Diagnostics) -> None:
    """Explicit exclusions inside Titre XVI (the acts' own wording)."""
    live = [i for i in p.items if not i.refused]
    present = frozenset().union(*(i.groups for i in live))
    if not present & NON_CUMUL_TRIGGERS:
        return
    if "perfusion_short" in present:
        for i in live:
            if i.has("perfusion_removal"):
                i.refuse("non cumulable avec un forfait de surveillance continue")
                diags.add("NGAP141", f"« {i.act_id} » (AMI 5) refusé : le retrait est inclus dans le forfait de "
                          "perfusion sous surveillance continue de la même séance.", p, i.source_line)
    if "prise_medicamenteuse" in present:
        for i in live:
            if i.act and i.act.article.endswith("chap. I art. 10") and not i.has("prise_medicamenteuse"):
                i.refuse("non cumulable avec l'accompagnement de la prise médicamenteuse")
                diags.add("NGAP103", f"« {i.act_id} » non facturé : l'accompagnement de la prise médicamenteuse "
                          "n'est pas cumulable avec les autres actes du chap. I art. 10.", p, i.source_line)
    if "ic_bpco" in present:
        for i in live:
            if i.act_id in WEEKLY_SURVEILLANCE:
                i.refuse("non cumulable avec la séance IC/BPCO")
                diags.add("NGAP103", f"« {i.act_id} » non facturé : la séance de surveillance IC/BPCO (AMI 5,8) "
                          "n'est cumulable ni avec l'AIS 4 ni avec la séance hebdomadaire du diabétique de plus de "
                          "75 ans (chap. II art. 5 ter).", p, i.source_line)
    if any(i.act_id == "ais_seance_soins" for i in live):
        for i in live:
            if i.act_id == "ais_surveillance_hebdomadaire" and not i.refused:
                i.refuse("non cumulable avec les séances de soins")
                diags.add("NGAP103", f"« {i.act_id} » non facturé : la séance hebdomadaire de surveillance (AIS 4) "
                          "ne se cumule pas avec les séances de soins infirmiers (chap. I art. 11).", p,
                          i.source_line)
    if "urinary_catheter" in present:
        for i in live:
            if i.has("urinary_other"):
                i.refuse("non cumulable avec le sondage")
                diags.add("NGAP103", f"« {i.act_id} » non facturé : non cumulable avec le cathétérisme urétral "
                          "de la même séance (chap. I art. 6).", p, i.source_line)


def rank_11b(p: Passage, items: list[Item], store, diags: Diagnostics, letter: str | None = None) -> None:
    """Rates of the acts of one passage under 11B with its derogations (DG art. 11B)."""
    rules = store.rules
    day: date = p.day
    pds_on = day >= rules["pds_full_rate_from"]
    vacc_on = day >= rules["vaccination_full_rate_from"] and p.home
    with_analgesia = rules.get("analgesie_full_rate_with", {})
    prepared = [with_analgesia.get(i.act_id) for i in items if i.act_id and not i.refused]
    analg_on = day >= rules["analgesie_full_rate_from"] and any(prepared) and \
        any(i.has("analgesie_topique") for i in items)
    if analg_on and "certain" not in prepared:
        diags.add("NGAP004", "Analgésie topique à taux plein avec le pansement d'ulcère étendu ou de greffe qu'elle "
                  "prépare : lecture retenue (le catalogue ne cite que le pansement avec compression ; paramètre "
                  "analgesie_full_rate_with).", p, once=True)
    units: list[list[Item]] = []
    group5: list[Item] = []
    for i in items:
        if letter and i.letter == "AMI":
            i.letter = letter
        if not i.groups.isdisjoint(OUTSIDE_11B) or i.letter == "DI":
            _set([i], 100, "hors 11B : facturé en sus")
        elif vacc_on and i.has("vaccination"):
            _set([i], 100, "11B dérogation : vaccination à domicile à taux plein")
        elif analg_on and i.has("analgesie_topique"):
            _set([i], 100, "11B dérogation : analgésie topique avec le pansement d'ulcère ou de greffe qu'elle prépare")
        elif i.has("diabete_5bis"):
            group5.append(i)
        else:
            units.append([i])
    if group5:
        units.append(group5)
    if not units:
        return
    units.sort(key=_rank_key(p, store))
    perf = [u for u in units if any(_is(u, g) for g in PERFUSION_FORFAITS)]
    pds = next((u for u in units if pds_on and _is(u, "pds")), None)
    if perf:
        for u in perf:
            _set(u, 100, "11B dérogation : forfait de perfusion à taux plein")
        rest = [u for u in units if u not in perf]
        if pds is not None:
            _set(pds, 100, "11B dérogation : prélèvement veineux à taux plein")
            rest.remove(pds)
            if rest:
                diags.add("NGAP102", "Forfait de perfusion et prélèvement veineux, tous deux à taux plein par "
                          "dérogation : lecture retenue, les autres actes de la séance ne sont pas facturés.", p)
            dropped = rest
        else:
            if rest and _coef(rest[0]) > max(_coef(u) for u in perf):
                # 11B ranks by coefficient: the act above the forfait is the principal one (100 %), the
                # forfait keeps its full rate by derogation (DG art. 11B; chap. II art. 3)
                _set(rest[0], 100, "11B : acte principal (coefficient supérieur au forfait de perfusion)")
            elif rest:
                _set(rest[0], 50, "11B : second acte à 50 % (après le forfait de perfusion)")
            dropped = rest[1:]
    elif pds is not None:
        rest = [u for u in units if u is not pds]
        _set(pds, 100, "11B dérogation : prélèvement veineux à taux plein" if rest else "acte unique")
        if rest:
            _set(rest[0], 100, "11B : acte principal")
        if pds not in units[:2]:
            diags.add("NGAP102", "Le prélèvement veineux n'est pas parmi les deux actes de plus fort coefficient : "
                      "lecture retenue, acte principal + prélèvement à taux plein, les autres non facturés.", p)
        dropped = rest[1:]
    else:
        _set(units[0], 100, "11B : acte principal" if len(units) > 1 else "acte unique")
        if len(units) > 1:
            _set(units[1], 50, "11B : second acte à 50 %")
        dropped = units[2:]
    for u in dropped:
        _set(u, 0, "11B : troisième acte non facturé")
        for i in u:
            diags.add("NGAP101", f"« {i.act_id or i.label} » non facturé : au-delà des deux actes d'une même séance "
                      "(art. 11B).", p, i.source_line)
    if group5 and group5[0].rate == 100:
        _set(group5, 100, "11B dérogation : actes du chap. II art. 5 bis cumulés à taux plein"
             + (" (somme des coefficients, acte principal)" if len(units) > 1 else ""))
    elif group5 and group5[0].rate == 50:
        _set(group5, 50, "11B : actes 5 bis (groupe, somme des coefficients) chacun à 50 %")


def rank_dependence(p: Passage, store, diags: Diagnostics) -> None:
    """Acts of a dependence passage next to the BSI forfait (chap. I art. 12; docs/lectures.md): AMX at full rate for
    the full-rate groups, at 50 % for injections and insulin; other acts are included."""
    bsi = store.rules["bsi"]
    full, half = [], []
    for i in p.items:
        if i.refused:
            continue
        if i.has("ais_dependence"):
            i.refuse("séance AIS remplacée par le forfait BSI")
            diags.add("NGAP133", f"« {i.act_id} » refusé : la prise en charge de la dépendance d'un patient BSI "
                      "se facture par le forfait BSA/BSB/BSC, plus par des séances AIS.", p, i.source_line)
        elif not i.groups.isdisjoint(OUTSIDE_11B) or i.letter in ("DI", "TLS", "TLL", "TLD"):
            full.append(i)
        elif i.act is None or i.amx == "full":
            full.append(i)
        elif i.amx == "half":
            half.append(i)
        else:
            i.refuse("inclus dans le forfait de dépendance")
            diags.add("NGAP134", f"« {i.act_id} » non facturé : hors liste AMX, il est inclus dans le forfait "
                      f"{p.patient.bsi} lors d'un passage de dépendance (chap. I art. 12).", p, i.source_line)
    if full:
        rank_11b(p, full, store, diags, letter="AMX")
        for i in full:
            if i.rate and i.letter == "AMX":
                i.rule = f"AMX plein avec le forfait ; {i.rule}"
    if not half:
        return
    for i in half:
        if i.letter == "AMI":
            i.letter = "AMX"
    insulin = [i for i in half if i.has("insulin")]
    units = [[i] for i in half if not i.has("insulin")]
    if insulin:
        units.append(insulin)
    units.sort(key=_rank_key(p, store))
    one_reading = bsi.get("half_rate_reading", "one") == "one"
    for n, u in enumerate(units):
        if n == 0 or not one_reading:
            if u is insulin and bsi.get("insulin_group_reading", "each") == "each":
                _set(u, 50, "AMX à 50 % avec le forfait (groupe 5 bis : chacun à 50 %)")
            elif u is insulin:
                _set(u[:1], 50, "AMX à 50 % avec le forfait")
                _set(u[1:], 0, "AMX au-delà du premier acte à 50 %")
            else:
                _set(u, 50, "AMX à 50 % avec le forfait")
        else:
            _set(u, 0, "AMX : un seul acte à 50 % avec le forfait")
    if len(half) > 1:
        reading = ("un seul acte (ou le groupe 5 bis) à 50 %, les autres non facturés" if one_reading
                   else "chaque acte à 50 %")
        diags.add("NGAP136", f"Plusieurs actes AMX à 50 % dans le passage : lecture retenue, {reading} "
                  "(paramètre bsi.half_rate_reading).", p)
