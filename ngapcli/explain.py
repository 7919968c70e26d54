"""`ngap explain`: what a billing code, an act id or a diagnostic code means, with its reference; and
`ngap explain --list`, everything it knows. Plain text wrapped by words at the terminal's width."""
from __future__ import annotations

from datetime import date

SEVERITY_FR = {"error": "erreur", "warning": "alerte", "info": "info"}

# code → (what it is, when it is billed, reference). Values come from the tariff data (ngap tariffs).
CODES: dict[str, tuple[str, str, str]] = {
    "AMI": ("Acte médico-infirmier : la lettre clé de la plupart des actes infirmiers.",
            "Montant d'une ligne = coefficient × valeur de la lettre, arrondi au centime. Plusieurs actes d'un "
            "même passage : le plus fort à taux plein, le deuxième à 50 % (noté « AMI 1,5/2 »), les suivants "
            "ne sont pas facturés, sauf dérogations.",
            "NGAP Titre XVI ; NGAP DG art. 11B"),
    "AMX": ("Acte infirmier réalisé lors d'un passage de dépendance, chez un patient qui a un forfait BSI "
            "(BSA, BSB ou BSC) ce jour-là.",
            "Même valeur que l'AMI. Selon l'acte, à taux plein ou à 50 % (le forfait compte comme acte "
            "principal) ; `ngap acts` donne le taux de chaque acte.",
            "Convention nationale, avenant 6 ; NGAP Titre XVI chap. I art. 12"),
    "AIS": ("Acte infirmier de soins : séances de soins infirmiers (nursing) d'un patient dépendant sans BSI.",
            "Par demi-heure de séance ; depuis la généralisation du BSI, la dépendance d'un patient BSI se "
            "facture par les forfaits BSA/BSB/BSC.",
            "NGAP Titre XVI chap. I art. 11"),
    "DI": ("Démarche de soins infirmiers / bilan de soins infirmiers (BSI) : la lettre des bilans.",
           "BSI initial DI 2,5 ; renouvellement et intermédiaire DI 1,2. Ouvre droit aux forfaits BSA/BSB/BSC "
           "et à l'IFI le jour où il est facturé.",
           "NGAP Titre XVI chap. I art. 12"),
    "BSA": ("Forfait journalier de prise en charge d'un patient dépendant, dépendance légère (BSI).",
            "Un forfait par patient et par jour, déduit de « bsi: BSA » du patient ; jamais saisi à la main.",
            "NGAP Titre XVI chap. I art. 12 ; avenant 6"),
    "BSB": ("Forfait journalier de prise en charge d'un patient dépendant, dépendance intermédiaire (BSI).",
            "Un forfait par patient et par jour, déduit de « bsi: BSB » du patient ; jamais saisi à la main.",
            "NGAP Titre XVI chap. I art. 12 ; avenant 6"),
    "BSC": ("Forfait journalier de prise en charge d'un patient dépendant, dépendance lourde (BSI).",
            "Un forfait par patient et par jour, déduit de « bsi: BSC » du patient ; jamais saisi à la main.",
            "NGAP Titre XVI chap. I art. 12 ; avenant 6"),
    "TMI": ("Télésoin infirmier : un soin fait à distance, en vidéo.",
            "Même valeur que l'AMI, avec le coefficient de l'acte (les actes de télésoin du catalogue : ngap acts télésoin).",
            "Convention nationale, avenant 9"),
    "TLS": ("Aide du patient à une téléconsultation médicale lors d'un soin infirmier programmé.",
            "Hors de la règle des actes multiples (art. 11B).", "Convention nationale, avenant 6"),
    "TLL": ("Aide du patient à une téléconsultation médicale dans un lieu dédié.",
            "Hors de la règle des actes multiples (art. 11B).", "Convention nationale, avenant 6"),
    "TLD": ("Aide du patient à une téléconsultation médicale, à domicile, lors d'un déplacement fait pour elle.",
            "Hors de la règle des actes multiples (art. 11B).", "Convention nationale, avenant 6"),
    "CDC": ("Examen et certificat de décès par un infirmier.",
            "Le coefficient est le montant en euros (jour ouvré ou majoré la nuit, le week-end).",
            "arrêté du 26/06/2025"),
    "MAU": ("Majoration acte unique.",
            "Quand l'acte est le seul du passage et en AMI de coefficient 1,5 au plus, au domicile ou au "
            "cabinet ; jamais avec un forfait BSI, un AMX, l'IFI ou la MCI.",
            "NGAP DG art. 23.1 ; décision UNCAM du 08/02/2023"),
    "MCI": ("Majoration de coordination infirmière.",
            "Au domicile, une fois par intervention, pour un pansement lourd et complexe ou un patient en "
            "soins palliatifs (« palliative: true ») ; pas avec la MAU ni le bilan de plaie.",
            "NGAP DG art. 23.2"),
    "MIE": ("Majoration pour un enfant de moins de 7 ans.",
            "À chaque passage, au domicile ou au cabinet ; demande « age » ou « birth_date » du patient.",
            "NGAP DG art. 23.3 ; avenant 6"),
    "IFD": ("Indemnité forfaitaire de déplacement (code IFA sur la feuille de soins).",
            "Une par passage au domicile quand les soins à domicile sont prescrits ; pas au cabinet, ni lors "
            "d'un passage de dépendance (IFI). Même foyer : un seul déplacement.",
            "NGAP DG art. 13 ; décision UNCAM du 12/11/2020"),
    "IFI": ("Indemnité forfaitaire infirmière d'un passage de dépendance.",
            "À chaque passage de dépendance d'un jour où le patient a un forfait BSA/BSB/BSC ou un bilan DI, "
            "quatre par patient et par jour au plus.",
            "NGAP DG art. 13 ; décision UNCAM du 13/02/2020"),
    "IK": ("Indemnités kilométriques, plaine (par km).",
           "Hors agglomération et au-delà de 2 km : 2 × distance aller − 4 km (abattement), depuis le "
           "cabinet ; plafond journalier de km. « distance_km » et « outside_agglomeration » du patient.",
           "NGAP DG art. 13 C"),
    "IKM": ("Indemnités kilométriques, montagne (par km).",
            "Hors agglomération et au-delà de 1 km : 2 × distance aller − 2 km ; « terrain: montagne » de "
            "l'infirmière.", "NGAP DG art. 13 C"),
    "IKS": ("Indemnités kilométriques à pied ou à ski (par km).",
            "« terrain: pied_ski » de l'infirmière.", "NGAP DG art. 13 C"),
    "N": ("Majoration de nuit : 20 h-23 h et 5 h-8 h (premier montant) ; 23 h-5 h (nuit profonde).",
          "Seulement si la prescription demande une exécution de nuit ou pour un soin urgent ; pas avec la "
          "majoration du dimanche au même passage.", "NGAP DG art. 14"),
    "F": ("Majoration du dimanche et des jours fériés (et du samedi, à partir de 8 h, pour un soin urgent).",
          "Seulement pour un soin urgent ou une prescription « rigoureusement quotidienne » ; pas avec la "
          "majoration de nuit au même passage.", "NGAP DG art. 14"),
}
ALIASES = {"IFA": "IFD", "NUIT": "N", "N1": "N", "N2": "N", "NP": "N", "DIM": "F", "FERIE": "F", "IKP": "IK"}


def wrap(text: str, indent: str = "") -> str:
    """Lines wrapped by words at the terminal's width (ngapcli/wrapfr.py)."""
    from ngapcli.wrapfr import wrap as fill

    return fill(text, indent)


def _money(value) -> str:
    from ngapcli.render.fmt import euros

    return euros(value)


def code_text(code: str, store, day: date) -> str:
    what, when, ref = CODES[code]
    keys = [k for k, s in store.series.items() if s.code == code] or [code]
    values = []
    for key in keys:
        s = store.series.get(key)
        v = store.value(key, day, "metropole")
        dom = store.value(key, day, "reunion") if "reunion" in store.zones else None
        label = s.label if s else code
        if v is None:
            values.append(f"{label} : pas de valeur au {day:%d/%m/%Y}")
        else:
            values.append(f"{label} : {_money(v)}" + (f" (DOM : {_money(dom)})" if dom not in (None, v) else ""))
    head = f"{code} — {what}"
    return "\n".join([wrap(head), wrap(f"Valeur au {day:%d/%m/%Y} : " + " ; ".join(values), "  "),
                      wrap(when, "  "), wrap(f"Référence : {ref}", "  ")])


def rule_text(rule) -> str:
    sev = SEVERITY_FR.get(rule.severity, rule.severity)
    return "\n".join([wrap(f"{rule.code} ({sev}) — {rule.title}"), wrap(rule.explanation, "  "),
                      wrap(f"Référence : {rule.reference}", "  "),
                      wrap(f"Que faire : voir docs/diagnostics.md#{rule.code.lower()}", "  ")])


def act_text(act, day: date) -> str:
    from ngapcli.render.fmt import number

    amx = {"full": "AMX à taux plein avec un forfait BSI", "half": "AMX à 50 % avec un forfait BSI"}.get(
        act.amx, "pas de cotation AMX")
    confidence = {"H": "texte officiel", "M": "une source secondaire", "L": "à confirmer"}.get(act.confidence, "")
    if act.in_force(day):
        cot = f"{act.letter} {number(act.coefficient(day))}"
    elif act.start and day < act.start:
        cot = f"{act.letter} {number(act.coefficient(act.start))}, en vigueur à partir du {act.start:%d/%m/%Y}"
    else:
        cot = f"{act.letter} {number(act.coefficient(day))} jusqu'au {act.until:%d/%m/%Y} : n'est plus facturable"
    lines = [wrap(f"{act.id} — {act.label}"), wrap(f"{cot} · {act.article}", "  "),
             wrap(f"{amx} · source : {confidence}", "  ")]
    if act.note:
        lines.append(wrap(act.note, "  "))
    lines.append(wrap(f"sans prescription : {act.no_prescription}" if act.no_prescription
                      else "sur prescription (NGAP DG art. 5)", "  "))
    return "\n".join(lines)


def known(store) -> list[str]:
    from ngapcli.diagnostics import RULES

    return [*CODES, *ALIASES, *RULES, *store.acts]


def explain(name: str, store, day: date) -> str | None:
    """The text for a code, an act or a diagnostic; None when unknown."""
    from ngapcli.diagnostics import RULES

    key = name.strip()
    up = key.upper().replace(" ", "")
    if up in RULES:
        return rule_text(RULES[up])
    if up in CODES or up in ALIASES:
        return code_text(ALIASES.get(up, up), store, day)
    act = store.acts.get(key) or store.acts.get(key.lower())
    if act is not None:
        return act_text(act, day)
    return None


def suggestion(name: str, store) -> str | None:
    import difflib

    from ngapcli.diagnostics import RULES
    from ngapcli.search import suggest

    up = name.strip().upper()
    close = difflib.get_close_matches(up, [*CODES, *ALIASES, *RULES], n=1, cutoff=0.6)
    return close[0] if close else suggest(name, store.act_ids)


def listing(store, day: date) -> str:
    """Everything `ngap explain` knows: billing codes, diagnostic codes, act ids."""
    from ngapcli.diagnostics import RULES

    out = ["Codes de facturation (ngap explain CODE) :"]
    for code, (what, _, _) in CODES.items():
        out.append(wrap(f"{code:<4} {what}", "  "))
    out.append(wrap("Écritures reconnues aussi : " + ", ".join(f"{a} = {c}" for a, c in ALIASES.items()), "  "))
    out += ["", "Diagnostics (ngap explain NGAP101) :"]
    for code, rule in sorted(RULES.items()):   # in the order of their numbers (NGAP151 before NGAP152)
        out.append(wrap(f"{code} {SEVERITY_FR.get(rule.severity, rule.severity):<6} {rule.title}", "  "))
    out += ["", f"Actes du catalogue (ngap explain ID ; ngap acts pour chercher), {len(store.acts)} :"]
    for act in store.acts.values():
        out.append(wrap(f"{act.id} — {act.label}", "  "))
    return "\n".join(out)
