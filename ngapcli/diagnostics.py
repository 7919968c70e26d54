"""Stable diagnostic codes (ruff style): one code, one meaning, one severity, one reference.

Severity policy (contract §3), one rule for every code — ``tests/test_severity.py`` checks each code:

``error`` — something the tour types or bills that the NGAP does not allow at all: its amount is not billed
  (the act stays as a line at rate 0) or it is billed as the text prescribes instead (NGAP140). Count limits
  per passage, day, month, 12 months or programme (NGAP142, NGAP150, NGAP137, NGAP130 for a second forfait
  of the same nurse), exclusions between acts (NGAP103, NGAP141, NGAP143, NGAP144, NGAP133), a third garde
  period (NGAP151), a remplaçant's third titulaire (NGAP160), an act not in force or a date before every
  known tariff (NGAP003, NGAP001), an IFI with neither forfait nor DI that day (NGAP132), an act without a
  covering prescription, beyond its séances or its count a day, or beyond a programme's maximum counted from
  the prescription's first day (NGAP170, NGAP171, NGAP172, NGAP173, NGAP174); in ``ngap audit``,
  an undue item and a billed row that matches no visit (NGAP201, NGAP204); in ``ngap audit --billed`` alone,
  the findings whose certain case is an indu (NGAP205, NGAP206, NGAP208 to NGAP218, NGAP220 to NGAP224,
  NGAP226). Any error makes the exit code 1: a billing script sees it (in the export audit, a finding's
  ``certain`` decides, and only when euros were billed too much).
``warning`` — an amount reduced or dropped by the ordinary working of a rule (NGAP101 third act under 11B,
  NGAP102 the acts after the venous sample, NGAP134 an act included in the dependence forfait, NGAP114 the
  daily IK cap, NGAP131 no IFI past the 4th dependence passage), or something billed that is probably
  wrong (NGAP125 MAU on a forfait day, NGAP135 a forfait that does not exist yet, NGAP138 an AIS séance of
  dependence without BSI, NGAP152, NGAP202 forgotten, NGAP203 a different amount; in the export audit, the
  findings always to check: NGAP207 an unknown coefficient, NGAP219 an IFI without forfait in the export,
  NGAP225 three acts at full rate). Exit 0; 1 with ``--strict``.
  NGAP152 (séances of a programme beyond the NGAP maximum) stays a warning: a tour does not say where a
  programme or an episode starts, and a new programme or prescription may start one within the window
  counted; so the séance is billed and the user is asked to check. Where the tour gives the prescription
  (contract §5), its own count of séances refuses beyond it with an error.
``info`` — a hint: what the calculator did not add for lack of a justification the tour could give
  (NGAP110, NGAP112, NGAP121, NGAP122, NGAP124, NGAP126), a rule applied as the texts say it (NGAP111,
  NGAP113, NGAP120, NGAP123), a forfait a colleague already billed that day (NGAP139), a reading chosen
  where the sources disagree (NGAP004, NGAP127, NGAP136), tariffs checked long before the date (NGAP002);
  in the export audit, a MAU forgotten (NGAP227) and findings counted but not listed (NGAP228).

References cite official texts (NGAP article, convention, avenant, UNCAM decision, CNAM circular) or a
section of the project's own ``docs/``; never a file the user does not have.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    reference: str
    explanation: str


_RULES = [
    # --- dates and tariff data -------------------------------------------------------------
    Rule("NGAP001", "error", "Date antérieure aux tarifs connus", "docs/sources.md",
         "La date de la visite précède la première valeur connue des lettres clés (15/04/2009) : rien n'est facturé."),
    Rule("NGAP002", "info", "Tarifs vérifiés avant cette date", "docs/tarifs.md",
         "Les valeurs ont été vérifiées contre la source la plus récente à la date « checked_on » des tarifs (ngap tariffs l'affiche, avec ce qui était en attente : l'avenant 11) ; une visite plus de 90 jours après peut relever d'un avenant entré en vigueur depuis. Le calcul garde les dernières valeurs connues. Vérifiez-les sur ameli.fr ; si elles ont changé, donnez-les dans une surcouche de tarifs : --tariffs DOSSIER (docs/tarifs.md)."),
    Rule("NGAP003", "error", "Acte non en vigueur à cette date", "NGAP Titre XVI",
         "L'acte n'existait pas encore ou a été supprimé à la date de la visite : il reste en ligne à taux 0."),
    Rule("NGAP004", "info", "Lecture incertaine retenue", "docs/lectures.md",
         "Les sources divergent sur ce point ; la lecture retenue est un paramètre de tariffs/rules.yaml."),
    # --- article 11B ---------------------------------------------------------------------------
    Rule("NGAP101", "warning", "Troisième acte et suivants non facturés", "NGAP DG art. 11B",
         "Dans une même séance, l'acte de plus fort coefficient est payé à 100 %, le second à 50 %, les suivants ne sont pas facturés."),
    Rule("NGAP102", "warning", "Prélèvement veineux hors des deux actes principaux", "NGAP DG art. 11B ; Titre XVI chap. I art. 1",
         "Le prélèvement par ponction veineuse directe est cumulable à taux plein, mais compte parmi les deux actes facturables : il est gardé avec l'acte de plus fort coefficient, les autres ne sont pas facturés."),
    Rule("NGAP103", "error", "Actes non cumulables", "NGAP Titre XVI",
         "Le texte de l'acte exclut son cumul avec un autre acte de la même séance : l'acte exclu reste en ligne à taux 0."),
    # --- travel, DG art. 13 --------------------------------------------------------------------------
    Rule("NGAP110", "info", "IFD non facturable", "NGAP DG art. 13",
         "L'IFD suppose des soins prescrits et réalisés au domicile du patient ; elle n'est pas due au cabinet, ni pour un passage de dépendance (IFI)."),
    Rule("NGAP111", "info", "Déplacement unique pour le même foyer", "NGAP DG art. 13 et 16 ; décision UNCAM du 12/11/2020",
         "Plusieurs patients d'un même foyer vus au même passage : l'indemnité de déplacement et les IK ne sont facturées qu'une fois ; en dépendance, chaque patient de plus reçoit une « IFI 0,01 » (décision du 12/11/2020, paramètre bsi.household_extra_ifi)."),
    Rule("NGAP112", "info", "IK non dues", "NGAP DG art. 13 C",
         "Les IK exigent un domicile hors de l'agglomération du cabinet et une distance de plus de 2 km en plaine (1 km en montagne)."),
    Rule("NGAP113", "info", "IK limitées au cabinet le plus proche", "NGAP DG art. 13 C 2°",
         "Le remboursement des IK est limité à la distance du cabinet infirmier le plus proche du domicile du patient."),
    Rule("NGAP114", "warning", "Plafond journalier des IK atteint", "Convention nationale, avenant 6",
         "Par infirmière et par jour, les kilomètres facturés de 300 à 399 sont payés à 50 %, à partir du 400e à 0 %."),
    # --- majorations, DG art. 14 and 23 ----------------------------------------------------------
    Rule("NGAP120", "info", "Nuit et dimanche non cumulables", "NGAP DG art. 14",
         "Une seule majoration de nuit ou de dimanche/jour férié par passage : la majoration de nuit est retenue."),
    Rule("NGAP121", "info", "Majoration de nuit non justifiée", "NGAP DG art. 14 ; CE 26/07/2018 n° 409361",
         "La majoration de nuit exige un appel urgent entre 19 h et 7 h, ou une prescription qui impose l'exécution de nuit."),
    Rule("NGAP122", "info", "Majoration de dimanche ou jour férié non justifiée", "NGAP DG art. 14",
         "La majoration de dimanche/jour férié exige des soins urgents ou une prescription « rigoureusement quotidienne »."),
    Rule("NGAP123", "info", "Majoration exclue par l'acte", "NGAP Titre XVI chap. II art. 3 et 5 ter",
         "Le forfait d'organisation de la surveillance d'une perfusion et la séance IC/BPCO n'ouvrent droit ni aux majorations de nuit ou de dimanche ni, pour le premier, aux indemnités de déplacement."),
    Rule("NGAP124", "info", "MAU non applicable", "NGAP DG art. 23.1 ; décision UNCAM du 08/02/2023",
         "La MAU suppose un acte unique en AMI de coefficient au plus 1,5, hors MCI, forfait BSI, AMX et IFI."),
    Rule("NGAP125", "warning", "MAU un jour de forfait BSI", "NGAP DG art. 23.1 ; décision UNCAM du 08/02/2023",
         "La MAU ne se cumule pas avec les forfaits BSA/BSB/BSC : la caisse peut la rejeter un jour de forfait."),
    Rule("NGAP126", "info", "MCI non applicable", "NGAP DG art. 23.2",
         "La MCI est due au domicile, une fois par intervention, pour un pansement lourd et complexe ou un patient en soins palliatifs ; jamais avec le bilan de plaie."),
    Rule("NGAP127", "info", "MIE et MCI", "NGAP DG art. 23 ; docs/lectures.md#mie-et-mci",
         "Aucun texte n'exclut le cumul MIE + MCI ; une source le conteste : la MIE est facturée."),
    # --- dependence (BSI) ----------------------------------------------------------------------------
    Rule("NGAP130", "error", "Second forfait BSI le même jour", "NGAP Titre XVI chap. I art. 12",
         "Un seul forfait BSA/BSB/BSC par patient et par jour, quels que soient les passages et les infirmières : la même infirmière cote un autre niveau de forfait le même jour (deux « bsi » différents pour le patient). Gardez un seul niveau, celui du BSI en cours. Le forfait déjà facturé par une collègue est NGAP139."),
    Rule("NGAP131", "warning", "Cinquième IFI du jour", "NGAP DG art. 13 ; décision UNCAM du 13/02/2020",
         "Au plus quatre IFI par patient et par jour : le passage suivant n'a ni IFI ni IFD."),
    Rule("NGAP132", "error", "IFI sans forfait ni bilan", "NGAP DG art. 13 ; décision UNCAM du 13/02/2020",
         "L'IFI suppose un forfait BSA/BSB/BSC ou un DI du BSI facturé le même jour au patient."),
    Rule("NGAP133", "error", "AIS pour un patient BSI", "Convention nationale art. 5.7 ; NGAP chap. I art. 11",
         "Les séances AIS de prise en charge de la dépendance ne sont plus facturables pour un patient relevant du BSI."),
    Rule("NGAP134", "warning", "Acte inclus dans le forfait de dépendance", "NGAP Titre XVI chap. I art. 12",
         "Pendant un passage de dépendance, seuls les actes de la liste AMX sont facturés en plus du forfait ; cet acte est inclus."),
    Rule("NGAP135", "warning", "Forfait BSI indisponible", "NGAP Titre XVI chap. I art. 12 ; avenants 6, 8 et 10",
         "Les forfaits BSI n'existent qu'à partir du 01/01/2020 (patients de 90 ans et plus), du 05/09/2022 (85 ans et plus), du 03/10/2023 (tous) : le passage est coté comme des soins ordinaires."),
    Rule("NGAP136", "info", "Plusieurs actes à 50 % en dépendance", "NGAP Titre XVI chap. I art. 12 ; docs/lectures.md#plusieurs-actes-amx-a-50",
         "Les sources ne disent que « 50 % » : la lecture retenue est indiquée (groupe 5 bis chacun à 50 %, sinon un seul acte à 50 %)."),
    Rule("NGAP137", "error", "Limite de BSI intermédiaires", "NGAP Titre XVI chap. I art. 12",
         "Au plus deux BSI intermédiaires par période de 12 mois : le troisième n'est pas facturé (ligne à taux 0)."),
    Rule("NGAP138", "warning", "Séance AIS de dépendance sans BSI", "Convention nationale art. 5.7 ; NGAP chap. I art. 11 et 12",
         "Depuis le 01/01/2024, les séances AIS et la DSI ne servent plus à la prise en charge de la dépendance, qui passe par le BSI et les forfaits BSA/BSB/BSC : une séance facturée pour un patient sans BSI peut être rejetée."),
    Rule("NGAP139", "info", "Forfait BSI déjà facturé par une collègue", "NGAP Titre XVI chap. I art. 12",
         "Le forfait BSA/BSB/BSC du jour a déjà été facturé pour ce patient par une autre infirmière : ce passage de dépendance n'en porte pas un second (un seul forfait par patient et par jour) ; ses actes AMX et son IFI restent facturés."),
    # --- perfusions ------------------------------------------------------------------------------
    Rule("NGAP140", "error", "Second forfait de perfusion longue le même jour", "NGAP Titre XVI chap. II art. 3 ; circulaire CNAM CIR-9/2025",
         "Depuis le 25/06/2025, le forfait AMI 14/15 est journalier : une seconde perfusion longue le même jour est cotée AMI 4,1."),
    Rule("NGAP141", "error", "Retrait avec un forfait de surveillance continue", "NGAP Titre XVI chap. II art. 3",
         "Le forfait arrêt et retrait (AMI 5) n'est pas cumulable avec un forfait de perfusion sous surveillance continue, qui inclut le retrait."),
    Rule("NGAP142", "error", "Trop de suppléments horaires", "NGAP Titre XVI chap. II art. 3",
         "Au plus cinq suppléments horaires de surveillance continue au-delà de la première heure."),
    Rule("NGAP143", "error", "Forfait de perfusion en double dans la séance", "NGAP Titre XVI chap. II art. 3",
         "Le forfait rémunère la perfusion, pas chaque produit : deux forfaits du même type (courte ou longue) dans une même séance ne se cumulent pas ; seul le plus fort est facturé."),
    Rule("NGAP144", "error", "Organisation de la surveillance le jour de la pose ou du retrait", "NGAP Titre XVI chap. II art. 3",
         "Le forfait journalier d'organisation de la surveillance (AMI 4) est dû les jours sans pose ni retrait : le jour où le forfait de perfusion longue ou l'arrêt-retrait est facturé, il ne l'est pas."),
    # --- limits of acts ------------------------------------------------------------------------
    Rule("NGAP150", "error", "Limite de l'acte dépassée", "NGAP Titre XVI",
         "L'acte a une limite de nombre (par passage, par jour, par mois ou par an) ; au-delà il n'est pas facturé."),
    Rule("NGAP152", "warning", "Nombre de séances de la série dépassé", "NGAP Titre XVI chap. I art. 6 et 10, chap. II art. 5 ter et 7",
         "L'acte est limité à un nombre de séances par programme ou par épisode (IC/BPCO 15, rééducation à l'autosondage 10, surveillance de mise en route d'un traitement 15, surveillance post-opératoire 3 de J0 à J+6) : au-delà, il faut un nouveau programme ou une nouvelle prescription. L'acte reste facturé ; vérifiez-le."),
    Rule("NGAP151", "error", "Garde : plus de deux périodes consécutives", "NGAP Titre XVI chap. I art. 13",
         "Une même infirmière ne peut facturer plus de deux périodes de garde de 6 h consécutives : la troisième n'est pas facturée (ligne à taux 0) ; une collègue peut la prendre."),
    # --- remplacement -------------------------------------------------------------------------------
    Rule("NGAP160", "error", "Remplaçant pour plus de deux titulaires", "CSP R.4312-83 ; convention 2007 art. 5.2.3",
         "Un remplaçant ne peut remplacer plus de deux infirmières en même temps : le même jour, une troisième titulaire (« replaces ») n'est pas permise. Les titulaires sont prises dans l'ordre de leur premier passage du jour (heure, puis ordre des fichiers) ; les soins faits pour la troisième et les suivantes ne sont pas facturés (actes à 0,00 €, sans majoration ni déplacement). Corrigez « replaces » de leurs tournées ou retirez ces passages (docs/diagnostics.md#ngap160)."),
    # --- prescriptions (contract §5) ------------------------------------------------------------------
    Rule("NGAP170", "error", "Acte sans prescription qui le couvre", "NGAP DG art. 5",
         "Le patient a des prescriptions, mais aucune en vigueur ce jour-là ne prescrit cet acte : il n'est pas facturé. Ajoutez au patient la prescription qui le couvre (prescriptions: id, date, until ou days, acts), ou corrigez l'acte ou la date. Les actes que le catalogue dispense de prescription (ngap explain ACTE) ne sont pas concernés."),
    Rule("NGAP171", "error", "Prescription nommée qui ne couvre pas l'acte", "NGAP DG art. 5",
         "La visite ou l'entrée du plan nomme une prescription (prescription: O1) qui n'est pas en vigueur ce jour-là ou ne prescrit pas cet acte : l'acte n'est pas facturé. Nommez la bonne prescription ou retirez « prescription » pour que la plus ancienne en vigueur qui convient soit prise."),
    Rule("NGAP172", "error", "Séances prescrites épuisées", "NGAP DG art. 5",
         "La prescription donne un nombre de séances (seances: N) : la séance N+1 n'est pas facturée. Une nouvelle prescription est nécessaire ; ajoutez-la au patient."),
    Rule("NGAP173", "error", "Plus d'actes dans la journée que prescrits", "NGAP DG art. 5",
         "La prescription limite l'acte à k par jour (per_day: k) : le k+1-ième du jour n'est pas facturé."),
    Rule("NGAP174", "error", "Maximum de séances du programme atteint", "NGAP DG art. 5 ; NGAP Titre XVI",
         "La NGAP limite certains actes à un nombre de séances par programme (rééducation à l'autosondage 10, IC/BPCO 15, mise en route d'un traitement 15, surveillance post-opératoire 3 de J0 à J+6) ; avec une prescription, le programme commence à son premier jour : au-delà, l'acte n'est pas facturé et une nouvelle prescription ouvre un nouveau programme."),
    # --- ngap audit: billed against due ---------------------------------------------------------
    Rule("NGAP201", "error", "Indu : facturé, non dû", "article de la règle indiqué pour chaque différence",
         "Un élément facturé (acte, majoration, indemnité, forfait) n'est pas dû pour ce passage selon la NGAP : la caisse peut en réclamer le remboursement."),
    Rule("NGAP202", "warning", "Oubli : dû, non facturé", "article de la règle indiqué pour chaque différence",
         "Un élément dû pour ce passage (par ex. la MAU d'une injection seule) n'a pas été facturé : c'est un manque à gagner."),
    Rule("NGAP203", "warning", "Écart : même élément, autre coefficient, taux ou valeur", "article de la règle indiqué pour chaque différence",
         "L'élément est facturé et dû, mais pas avec le même coefficient, le même taux (50 % / 100 %) ou le même montant : l'écart est la différence facturé − dû."),
    Rule("NGAP204", "error", "Ligne facturée non rattachée", "docs/audit.md",
         "Une ligne du CSV des cotations facturées ne correspond à aucune visite des tournées (date, patient, heure ou numéro de visite), ou à plusieurs."),
    # --- ngap audit --billed FILE.csv without tours: the billing export checked by itself ---------------
    # (ngapcli/claims.py; « certain » = undue whatever care was given, « à vérifier » = depends on the care)
    Rule("NGAP205", "error", "Montant de la ligne différent des valeurs en vigueur",
         "NGAP DG art. 2 et 11 ; valeurs des lettres clés (convention nationale et avenants)",
         "Le montant déclaré d'une ligne n'est pas la somme de ses cotations aux valeurs en vigueur ce jour-là dans la zone (coefficient × valeur de la lettre, arrondi au centime) : l'écart est certain : au-dessus, c'est un indu ; au-dessous, un manque à gagner (par ex. IFD comptée 2,50 € après le 28/01/2024). Corrigez la valeur dans le logiciel de facturation."),
    Rule("NGAP206", "error", "Code sans valeur à cette date", "NGAP Titre XVI ; convention nationale et avenants",
         "Le code facturé n'existait pas à la date du soin (par ex. BSA/BSB/BSC ou AMX avant le 01/01/2020, MAU et MCI avant le 27/05/2012) : rien n'est dû pour lui."),
    Rule("NGAP207", "warning", "Coefficient d'aucun acte de la lettre à cette date", "NGAP Titre XVI (liste des actes)",
         "Aucun acte de la nomenclature n'a ce coefficient avec cette lettre clé à cette date (ou seulement un acte supprimé ou pas encore créé) : cotation libre, actes additionnés sur une ligne ou erreur de saisie ; à vérifier."),
    Rule("NGAP208", "error", "MAU avec un second acte", "NGAP DG art. 23.1 ; décision UNCAM du 08/02/2023 (JORF 16/03/2023)",
         "La majoration pour acte unique n'est due que si le passage ne compte qu'un seul acte."),
    Rule("NGAP209", "error", "MAU sur un acte non éligible", "NGAP DG art. 23.1 ; décision UNCAM du 18/07/2019 (JORF 11/09/2019)",
         "La MAU s'ajoute à un acte unique en AMI de coefficient au plus 1,5 (avant le 01/12/2019 : AMI 1 ou AMI 1,5 seulement) ; jamais à un AIS ou à un DI."),
    Rule("NGAP210", "error", "MAU avec MCI, AMX, IFI ou forfait BSI", "NGAP DG art. 23.1 ; décision UNCAM du 08/02/2023 (JORF 16/03/2023)",
         "La MAU ne se cumule ni avec la MCI, ni avec un acte en AMX, une IFI ou un forfait BSA/BSB/BSC ; sur un autre passage d'un jour de forfait, c'est à vérifier."),
    Rule("NGAP211", "error", "Majoration ou indemnité sans acte", "NGAP DG art. 13, 14 et 23",
         "Une majoration (N, F, MAU, MCI, MIE) ou une indemnité de déplacement (IFD, IFI, IK) n'accompagne qu'un acte ou un forfait du même passage."),
    Rule("NGAP212", "error", "Nuit et dimanche/férié sur un passage", "NGAP DG art. 14",
         "Les majorations de nuit et de dimanche/jour férié ne se cumulent pas : une seule par passage (la nuit est retenue, la majoration F est indue)."),
    Rule("NGAP213", "error", "Majoration de nuit hors des heures de nuit", "NGAP DG art. 14",
         "La majoration de nuit n'est due que pour un passage entre 20 h et 8 h."),
    Rule("NGAP214", "error", "Nuit 23 h-5 h facturée hors de cette tranche", "NGAP DG art. 14",
         "La majoration de nuit du niveau 23 h-5 h (18,30 €) est facturée pour un passage de 20 h-23 h ou 5 h-8 h, où 9,15 € sont dus."),
    Rule("NGAP215", "error", "Majoration F un jour ouvré non férié", "NGAP DG art. 14",
         "La majoration F suppose un dimanche, un jour férié de la zone, ou un samedi à partir de 8 h pour des soins urgents (ce dernier cas est à vérifier)."),
    Rule("NGAP216", "error", "IFD et IFI sur un passage", "NGAP DG art. 13 ; décision UNCAM du 13/02/2020 (JORF 09/04/2020)",
         "En passage de dépendance, l'IFI remplace l'IFD : les deux ensemble, l'IFD est indue."),
    Rule("NGAP217", "error", "Plus de quatre IFI dans la journée", "NGAP DG art. 13 ; décision UNCAM du 13/02/2020 (JORF 09/04/2020)",
         "Au plus quatre IFI par patient et par jour, toutes infirmières confondues (paramètre bsi.max_ifi_per_day)."),
    Rule("NGAP218", "error", "Deux forfaits BSI le même jour", "NGAP Titre XVI chap. I art. 12",
         "Un seul forfait BSA/BSB/BSC par patient et par jour, toutes infirmières confondues."),
    Rule("NGAP219", "warning", "IFI sans forfait BSI ni DI ce jour-là", "NGAP DG art. 13 ; décision UNCAM du 13/02/2020 (JORF 09/04/2020)",
         "L'IFI suppose un forfait BSA/BSB/BSC ou un DI facturé le même jour au patient ; l'export n'en montre aucun (à vérifier : une infirmière hors de l'export a pu le facturer)."),
    Rule("NGAP220", "error", "Élément facturé deux fois sur un passage", "NGAP DG art. 13, 14 et 23",
         "MAU, MCI, MIE, majoration de nuit ou de dimanche, IFD et IFI se facturent au plus une fois par passage."),
    Rule("NGAP221", "error", "MCI avec le bilan de plaie", "NGAP DG art. 23.2 ; NGAP Titre XVI chap. I art. 3",
         "La majoration de coordination infirmière ne se cumule pas avec le bilan initial de plaie (AMI 11)."),
    Rule("NGAP222", "error", "Second forfait de perfusion longue le même jour", "NGAP Titre XVI chap. II art. 3 ; circulaire CNAM CIR-9/2025 du 25/06/2025",
         "Depuis le 25/06/2025, le forfait de perfusion longue (AMI 14 ; AMI 15 immunodéprimé) est journalier : une seconde perfusion le même jour se cote AMI 4,1 (paramètres perfusion.long_once_a_day_from et long_second_becomes). AMI 15 est aussi la séance de mucoviscidose : alors, à vérifier."),
    Rule("NGAP223", "error", "Plafond journalier des IK dépassé", "Convention nationale, avenant 6 (plafonnement journalier des IK)",
         "Par infirmière et par jour, les kilomètres de 300 à 399 sont payés à 50 %, au-delà à 0 % : le montant au-delà n'est pas dû (à vérifier avant le 31/03/2020, date d'effet discutée)."),
    Rule("NGAP224", "error", "Limite sur 12 mois dépassée", "NGAP Titre XVI chap. I art. 3 et 12",
         "Le coefficient désigne des actes limités par période de 12 mois (BSI de renouvellement et intermédiaires en DI 1,2 : trois au plus ; bilan de plaie AMI 11 : un, sauf récidive après deux mois sans soins de plaie, à vérifier)."),
    Rule("NGAP225", "warning", "Trois actes ou plus à taux plein", "NGAP DG art. 11B",
         "Dans une séance, le deuxième acte est à 50 % et les suivants ne sont pas facturés, sauf dérogations de l'article 11B (perfusions, prélèvement veineux, vaccination, pansements lourds…) : à vérifier."),
    Rule("NGAP226", "error", "AIS le jour d'un forfait BSI", "Convention nationale art. 5.7 ; NGAP Titre XVI chap. I art. 11 et 12",
         "Depuis le 03/01/2024, la dépendance d'un patient BSI passe par les forfaits BSA/BSB/BSC : une séance AIS le jour d'un forfait est indue."),
    Rule("NGAP227", "info", "MAU oubliée sur un acte unique", "NGAP DG art. 23.1 ; décision UNCAM du 18/07/2019 (JORF 11/09/2019)",
         "Un passage facturé avec un seul acte en AMI de coefficient au plus 1,5, sans MCI, AMX, IFI ni forfait, ouvre droit à la MAU : elle n'a pas été facturée (manque à gagner, à vérifier)."),
    Rule("NGAP228", "info", "Constats trop nombreux pour être tous listés", "docs/audit.md#a-year-or-a-billing-services-25-million-rows",
         "Au-delà de 200 000 constats, les suivants sont comptés dans les totaux (par règle, mois, infirmière) mais pas listés, pour que la mémoire reste bornée : contrôlez l'export par période ou par infirmière pour les voir."),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}


def rule(code: str) -> Rule:
    return RULES[code]
