"""Data currency: up to which date the tariff values can be trusted, and what to say past it.

``checked_on`` (values.yaml) is the date of the newest source the values were checked against, not the
day they were typed; ``pending`` says what was known to be coming (a negotiated avenant). A date more
than ``stale_after_days`` after ``checked_on`` is past the *horizon*: a tour of that date gets NGAP002,
and ``ngap tariffs`` says so. Pure functions of the store and a date (docs/tarifs.md).
"""
from __future__ import annotations

from datetime import date, timedelta

from ngapcli.datefr import fr_date as fr

ADVICE = ("vérifiez les valeurs de cette date sur ameli.fr (NGAP en vigueur, tarifs des infirmiers) ; si elles "
          "ont changé, donnez-les dans une surcouche de tarifs : --tariffs DOSSIER (docs/tarifs.md)")


def horizon(store) -> date:
    """The last date priced without NGAP002."""
    return store.checked_on + timedelta(days=store.stale_after_days)


def is_stale(store, day: date) -> bool:
    return day > horizon(store)


def stale_message(store, day: date) -> str:
    """The message of NGAP002 for a tour with a visit on ``day`` past the horizon."""
    pending = f" En attente à cette date : {store.pending}." if store.pending else ""
    return (f"Tarifs vérifiés le {fr(store.checked_on)} (source la plus récente) ; le {fr(day)} est plus de "
            f"{store.stale_after_days} jours après : un avenant a pu changer les valeurs depuis.{pending} "
            f"Le calcul garde les dernières valeurs connues : {ADVICE}.")


def status(store, day: date) -> str:
    """``before_first_date``, ``past_horizon`` or ``checked``."""
    if day < store.first_date:
        return "before_first_date"
    return "past_horizon" if is_stale(store, day) else "checked"


def notes(store, day: date) -> list[str]:
    """What ``ngap tariffs --date`` says about that date, in French (empty when the values are checked)."""
    state = status(store, day)
    if state == "before_first_date":
        return [f"Le {fr(day)} précède les premières valeurs connues ({fr(store.first_date)}) : aucune valeur ; une "
                "tournée de cette date n'est pas facturée (NGAP001)."]
    if state == "past_horizon":
        return [f"Le {fr(day)} est au-delà de l'horizon des tarifs ({fr(horizon(store))} : vérifiés le "
                f"{fr(store.checked_on)}, "
                f"plus {store.stale_after_days} jours) : un avenant a pu changer ces valeurs, une tournée de "
                f"cette date reçoit l'info NGAP002 ; {ADVICE}."]
    return []
