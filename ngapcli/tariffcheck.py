"""Validation of a tariff folder before use: a broken or hostile value file is an input error that
names the file and the key, never a wrong amount or a crash later (issue 6)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ngapcli.errors import InputError

#: keys the rules look up by name (values.yaml)
REQUIRED_SERIES = ("AMI", "AMX", "AIS", "DI", "BSA", "BSB", "BSC", "IFD", "IFI", "IK", "IKM", "IKS",
                   "N", "N_DEEP", "F", "MAU", "MCI", "MIE")
VALUE_GROUPS = ("metropole", "dom")


class _Check:
    def __init__(self, folder, name: str):
        self.file = str(folder / name)

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{where} : {message}", self.file)

    def mapping(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, "une table clé: valeur est attendue")
        return value

    def day(self, value, where: str) -> date:
        if not isinstance(value, date):
            raise self.fail(where, f"date AAAA-MM-JJ attendue, pas « {value} »")
        return value

    def amount(self, value, where: str, *, positive=False) -> Decimal:
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise self.fail(where, f"« {value} » n'est pas un nombre") from None
        if not d.is_finite() or d < 0 or (positive and d == 0) or d > 100_000:
            raise self.fail(where, f"valeur {value} invalide (nombre positif fini attendu)")
        return d

    def series_rows(self, rows, where: str) -> None:
        if not isinstance(rows, list) or not rows:
            raise self.fail(where, "une liste non vide de {from: date, value: montant} est attendue")
        for n, row in enumerate(rows, 1):
            row = self.mapping(row, f"{where}[{n}]")
            self.day(row.get("from"), f"{where}[{n}].from")
            self.amount(row.get("value"), f"{where}[{n}].value")


def check_tariffs(folder, raw: dict) -> None:
    """Raise InputError on the first fault of a loaded tariff folder (``raw``: file name → data)."""
    c = _Check(folder, "values.yaml")
    values = c.mapping(raw["values.yaml"], "values.yaml")
    for key in ("checked_on", "first_date"):
        c.day(values.get(key), key)
    c.amount(values.get("stale_after_days", 90), "stale_after_days")
    if values.get("pending") is not None and not isinstance(values["pending"], str):
        raise c.fail("pending", "un texte est attendu (ce qui peut changer les valeurs), ou rien")
    series = c.mapping(values.get("values"), "values")
    for key in REQUIRED_SERIES:
        if key not in series:
            raise c.fail("values", f"la série « {key} » manque (utilisée par les règles)")
    for key, spec in series.items():
        spec = c.mapping(spec, f"values.{key}")
        if "metropole" not in spec:
            raise c.fail(f"values.{key}", "la série « metropole » manque")
        for group in VALUE_GROUPS:
            if group in spec:
                c.series_rows(spec[group], f"values.{key}.{group}")
    c = _Check(folder, "acts.yaml")
    acts = c.mapping(raw["acts.yaml"], "acts.yaml").get("acts")
    if not isinstance(acts, list) or not acts:
        raise c.fail("acts", "une liste d'actes est attendue")
    seen = set()
    for n, act in enumerate(acts, 1):
        act = c.mapping(act, f"acts[{n}]")
        ident = act.get("id")
        where = f"acte « {ident} »" if ident else f"acts[{n}]"
        if not isinstance(ident, str) or not ident or ident in seen:
            raise c.fail(where, "identifiant absent ou en double")
        seen.add(ident)
        if act.get("letter") not in series:
            raise c.fail(where, f"lettre clé « {act.get('letter')} » absente de values.yaml")
        if not isinstance(act.get("label"), str):
            raise c.fail(where, "libellé absent")
        c.amount(act.get("coefficient"), f"{where}.coefficient", positive=True)
        for m, row in enumerate(act.get("coefficients") or [], 1):
            row = c.mapping(row, f"{where}.coefficients[{m}]")
            c.day(row.get("from"), f"{where}.coefficients[{m}].from")
            c.amount(row.get("value"), f"{where}.coefficients[{m}].value", positive=True)
        for key in ("from", "until", "dependence_until"):
            if act.get(key) is not None:
                c.day(act[key], f"{where}.{key}")
        if act.get("series") is not None:
            series_ = c.mapping(act["series"], f"{where}.series")
            for key in ("max", "days"):
                if not isinstance(series_.get(key), int) or isinstance(series_.get(key), bool) or series_[key] < 1:
                    raise c.fail(f"{where}.series.{key}", "nombre entier positif attendu")
        if act.get("no_prescription") is not None and not (isinstance(act["no_prescription"], str)
                                                          and act["no_prescription"].strip()):
            raise c.fail(f"{where}.no_prescription", "le texte qui dispense l'acte de prescription est attendu")
        if act.get("amx", "none") not in ("full", "half", "none", None):
            raise c.fail(where, f"amx « {act.get('amx')} » inconnu (full, half ou none)")
    c = _Check(folder, "zones.yaml")
    zones = c.mapping(c.mapping(raw["zones.yaml"], "zones.yaml").get("zones"), "zones")
    for name, zone in zones.items():
        zone = c.mapping(zone, f"zones.{name}")
        if zone.get("values") not in VALUE_GROUPS:
            raise c.fail(f"zones.{name}.values", "metropole ou dom attendu")
        c.amount(zone.get("amo_standard", 60), f"zones.{name}.amo_standard")
    c = _Check(folder, "rules.yaml")
    rules = c.mapping(raw["rules.yaml"], "rules.yaml")
    for key in ("amo", "mau", "night", "ik", "bsi", "perfusion"):
        c.mapping(rules.get(key), key)
    for key in ("mci_from", "pds_full_rate_from", "vaccination_full_rate_from", "analgesie_full_rate_from"):
        c.day(rules.get(key), key)
    for key in ("from", "any_coefficient_from"):
        c.day(rules["mau"].get(key), f"mau.{key}")
    c.day(rules["ik"].get("daily_cap", {}).get("from"), "ik.daily_cap.from")
    c.day(rules["bsi"].get("ais_dependence_end"), "bsi.ais_dependence_end")
    c.day(rules["perfusion"].get("long_once_a_day_from"), "perfusion.long_once_a_day_from")
    for n, step in enumerate(rules["bsi"].get("forfait_scope") or [], 1):
        c.day(c.mapping(step, f"bsi.forfait_scope[{n}]").get("from"), f"bsi.forfait_scope[{n}].from")
