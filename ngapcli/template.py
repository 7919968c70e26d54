"""`ngap new`: a commented tour to start from (every key explained in French, the values to choose from),
dated today; it prices as written (`ngap new | ngap price -`)."""
from __future__ import annotations

from datetime import date

TEMPLATE = """\
# Tournée de {nurse} du {day_fr}, écrite par « ngap new » : à compléter.
# Facturer : ngap price {file}
# Contrôler : ngap check {file}
# Un acte s'écrit par son identifiant : « ngap acts MOT » le cherche
# (ngap acts pansement, ngap acts prise de sang) ; « ngap explain ID » dit
# ce qu'il est. Forfaits BSI, IFD/IFI, IK, MAU, MCI, MIE et majorations de
# nuit ou de dimanche se déduisent : ne les écrivez pas.
# Oui/non : true/false ou oui/non.
date: {day}    # date des visites (AAAA-MM-JJ), sauf « date » d'une visite
zone: metropole     # metropole, alsace_moselle, guadeloupe, martinique,
                    # guyane, reunion, mayotte
nurse:
  name: {nurse}
  terrain: plaine   # plaine, montagne ou pied_ski : zone des IK du cabinet
  # replaces: Paul Durand     # remplaçante : le ou la titulaire remplacé(e)
  # cabinet_fee_percent: 10   # frais de cabinet gardés par le titulaire
patients:
  - id: P1          # obligatoire, unique ; même id d'un fichier à l'autre :
                    # le même patient
    name: Mme Exemple         # facultatif
    age: 78                   # ou birth_date: 1947-05-02 (MIE avant 7 ans)
    coverage: standard        # standard, ald, maternity, at_mp, invalidity,
                              # css, ame
    distance_km: 6            # distance cabinet → domicile (aller)
    outside_agglomeration: oui   # IK seulement hors agglomération
    # bsi: BSB                # forfait de dépendance d'un BSI : BSA, BSB, BSC
    # palliative: oui         # soins palliatifs (MCI)
    prescription:             # ce que dit l'ordonnance
      home: oui               # soins à domicile prescrits (IFD)
      night: non              # exécution de nuit prescrite
      daily: non              # « rigoureusement quotidienne »
    visits:
      - time: "08:30"         # HH:MM
        acts: [prelevement_veineux]
      - time: "19:00"
        # place: office       # au cabinet (ni IFD ni IK) ; home par défaut
        # urgent: oui         # soin urgent demandé le jour même
        # called_at: "19:40"  # heure de l'appel urgent
        acts:
          - surveillance_glycemie_insuline
          - injection_insuline
          # - {{act: perfusion_supplement_heure, quantity: 2}}
          # - {{cotation: "AMI 2", label: "acte hors catalogue"}}
"""


def render(day: date | None = None, nurse: str = "Prénom Nom", file: str = "tournee.yaml") -> str:
    day = day or date.today()
    return TEMPLATE.format(day=day.isoformat(), day_fr=f"{day:%d/%m/%Y}", nurse=nurse, file=file)
