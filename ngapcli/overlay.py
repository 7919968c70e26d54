"""Tariff overlays: a folder that holds only what changes, layered on the shipped tariffs (docs/tarifs.md).

A folder given to ``--tariffs`` or ``--compare-tariffs`` is an overlay when it holds an ``overlay.yaml``
(``overlay: true``, ``base: shipped``). Its other files are all optional and hold only what changes:

- ``values.yaml``: dated rows of some keys, merged by date with the shipped rows of the same key and
  group of zones (a row at the same date replaces the shipped one); ``label``/``code``/``uncertain``
  replace the shipped ones; a new key is a whole series (``metropole`` at least). ``checked_on``,
  ``stale_after_days``, ``first_date``, ``pending``: when given, they replace the shipped ones, else the
  shipped ones hold (an overlay of a proposal checks nothing: the shipped ``checked_on`` stays).
- ``acts.yaml``: an act of a shipped id changes only the keys given (``coefficients`` merged by date);
  a new id is a whole act.
- ``rules.yaml``, ``zones.yaml``, ``franchise.yaml``: deep-merged (a mapping into the mapping, anything
  else replaces); ``franchise.yaml`` ``periods`` merged by date. A key the shipped file does not have is
  refused (a typo would otherwise change nothing, silently) — except a new act id in a mapping keyed by
  act ids. A new zone is refused too: a tour can only name the zones of the format.

The public holidays are the shipped ones. Every fault is said with ``file:line`` (exit 2). Pure data in,
data out: the reading of the files is done here, the checks of the merged folder in tariffcheck.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ngapcli.errors import InputError

MARKER = "overlay.yaml"
FILES = ("values.yaml", "acts.yaml", "rules.yaml", "zones.yaml", "franchise.yaml")
VALUE_TOP = ("checked_on", "stale_after_days", "first_date", "pending")
SERIES_KEYS = ("label", "code", "uncertain", "metropole", "dom")
GROUPS = ("metropole", "dom")
ACT_KEYS = ("id", "label", "article", "letter", "coefficient", "coefficients", "amx", "groups", "from", "until",
            "dependence_until", "max_per_day", "max_per_passage", "max_per_month", "max_per_year", "series",
            "gives_mci", "confidence", "note")
ACT_DATES = ("from", "until", "dependence_until")


@dataclass(frozen=True)
class Overlay:
    """What an overlay is, for ``ngap tariffs`` and the franchise of ``ngap report``."""
    directory: Path
    base: Path                     # the shipped folder it is laid on
    label: str
    files: tuple[str, ...]         # the files it holds (of FILES)
    franchise: dict | None = None  # the merged franchise.yaml, when the overlay changes it


class _File:
    """One file of the overlay: its data (the same reading as a full folder) and, for the messages, the
    place of every key (read again with positions: a few lines; a key given twice is refused there, where
    a plain YAML reading would keep the last one silently)."""

    def __init__(self, path: Path, data):
        from ngapcli.yamlnodes import load_documents

        self.path = path
        self.data = data
        docs = load_documents(path.read_text(encoding="utf-8-sig"), str(path))
        self._tree = docs[0] if docs else None

    def fail(self, where: tuple, message: str) -> InputError:
        return InputError(f"{_dotted(where)} : {message}" if where else message, str(self.path),
                          self._line(where))

    def _line(self, where: tuple) -> int | None:
        from ngapcli.yamlnodes import YList, YMap

        node, line = self._tree, getattr(self._tree, "line", None)
        for step in where:
            if isinstance(node, YMap) and step in node.key_pos:
                line = node.key_pos[step][0]
                node = node[step]
            elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
                line = node.item_pos[step][0]
                node = node[step]
            else:
                break
        return line


def _dotted(where: tuple) -> str:
    out = ""
    for step in where:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def read_optional(path: Path):
    """The data of a tariff file, None when it is absent; a fault is an InputError at its line."""
    from ngapcli.yamlnodes import load_plain

    try:
        return load_plain(path)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - any fault in tariff data is an input error
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"fichier de tarifs illisible : {getattr(exc, 'problem', exc)}", str(path),
                         mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None


def apply(directory: Path, base_dir: Path, base: dict) -> tuple[dict, Overlay]:
    """The shipped data ``base`` (file name → data, as read from ``base_dir``) with the overlay of
    ``directory`` laid on it: (merged data, what the overlay is). ``base`` is not modified."""
    marker = _File(directory / MARKER, read_optional(directory / MARKER))
    label = _marker(marker)
    unknown = sorted(p.name for p in directory.iterdir()
                     if p.suffix in (".yaml", ".yml") and p.name not in (MARKER, *FILES))
    if unknown:
        raise InputError(f"fichier « {unknown[0]} » inconnu dans une surcouche de tarifs (fichiers possibles : "
                         f"{', '.join(FILES)})", str(directory / unknown[0]))
    merged = dict(base)
    files = []
    for name in FILES:
        data = read_optional(directory / name)
        if data is None:
            continue
        files.append(name)
        f = _File(directory / name, data)
        if not isinstance(data, dict):
            raise f.fail((), "une table clé: valeur est attendue")
        if name == "values.yaml":
            merged[name] = _values(f, base[name])
        elif name == "acts.yaml":
            merged[name] = _acts(f, base[name])
        elif name == "zones.yaml":
            merged[name] = {**base[name], "zones": _zones(f, base[name].get("zones") or {})}
        elif name == "franchise.yaml":
            merged[name] = _franchise(f, base.get(name))
        else:
            # rules.yaml (after acts.yaml: a reading keyed by act ids may name an act the overlay adds)
            merged[name] = _deep(f, base[name], data, (), {a["id"] for a in merged["acts.yaml"]["acts"]})
    info = Overlay(directory, base_dir, label, tuple(files), merged.get("franchise.yaml") if
                   "franchise.yaml" in files else None)
    return merged, info


def _marker(f: _File) -> str:
    data = f.data
    if not isinstance(data, dict):
        raise f.fail((), "une table est attendue : « overlay: true » et « base: shipped » (docs/tarifs.md)")
    for key in data:
        if key not in ("overlay", "base", "label"):
            raise f.fail((key,), "clé inconnue (clés possibles : overlay, base, label)")
    if data.get("overlay") is not True:
        raise f.fail(("overlay",), "« overlay: true » attendu : ce dossier ne contient que ce qui change")
    if data.get("base", "shipped") != "shipped":
        raise f.fail(("base",), f"base « {data.get('base')} » inconnue : seule « shipped » (les tarifs fournis "
                     "avec ngap) est possible")
    label = data.get("label", "")
    if not isinstance(label, str):
        raise f.fail(("label",), "un texte est attendu")
    return label


# -- checks of single values -----------------------------------------------------------------------------

def _day(f: _File, value, where: tuple) -> date:
    if not isinstance(value, date):
        raise f.fail(where, f"date AAAA-MM-JJ attendue, pas « {value} »")
    return value


def _amount(f: _File, value, where: tuple, *, positive=False) -> None:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise f.fail(where, f"« {value} » n'est pas un nombre") from None
    if isinstance(value, bool) or not d.is_finite() or d < 0 or (positive and d == 0) or d > 100_000:
        raise f.fail(where, f"valeur {value} invalide (nombre positif fini attendu)")


def _mapping(f: _File, value, where: tuple) -> dict:
    if not isinstance(value, dict):
        raise f.fail(where, "une table clé: valeur est attendue")
    return value


def _rows(f: _File, rows, where: tuple, value_key: str = "value", *, positive=False) -> list[dict]:
    """Dated rows {from: date, value: amount} of the overlay: checked, no date twice."""
    if not isinstance(rows, list) or not rows:
        raise f.fail(where, f"une liste non vide de {{from: date, {value_key}: montant}} est attendue")
    seen = set()
    for n, row in enumerate(rows):
        row = _mapping(f, row, (*where, n))
        day = _day(f, row.get("from"), (*where, n, "from"))
        if day in seen:
            raise f.fail((*where, n, "from"), f"date {day} donnée deux fois")
        seen.add(day)
        if value_key == "value":
            _amount(f, row.get("value"), (*where, n, "value"), positive=positive)
    return rows


def _by_date(base_rows: list, rows: list) -> list[dict]:
    """Shipped rows and overlay rows, one per date, the overlay's replacing a shipped row of the same date."""
    out = {r["from"]: r for r in base_rows}
    out.update((r["from"], r) for r in rows)
    return [out[d] for d in sorted(out)]


# -- values.yaml --------------------------------------------------------------------------------------------

def _values(f: _File, base: dict) -> dict:
    data = f.data
    merged = {k: v for k, v in base.items() if k != "values"}
    for key, value in data.items():
        if key == "values":
            continue
        if key not in VALUE_TOP:
            raise f.fail((key,), f"clé inconnue (clés possibles : values, {', '.join(VALUE_TOP)})")
        if key in ("checked_on", "first_date"):
            _day(f, value, (key,))
        elif key == "stale_after_days":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise f.fail((key,), "nombre entier de jours attendu")
        elif value is not None and not isinstance(value, str):
            raise f.fail((key,), "un texte est attendu (ou null : rien en attente)")
        merged[key] = value
    series = dict(base["values"])
    for key, spec in _mapping(f, data.get("values") or {}, ("values",)).items():
        where = ("values", key)
        spec = _mapping(f, spec, where)
        for k in spec:
            if k not in SERIES_KEYS:
                raise f.fail((*where, k), f"clé inconnue (clés possibles : {', '.join(SERIES_KEYS)})")
        if key not in series and "metropole" not in spec:
            raise f.fail(where, "nouvelle série : « metropole » (ses valeurs datées) est obligatoire")
        for k in ("label", "code", "uncertain"):
            if k in spec and spec[k] is not None and not isinstance(spec[k], str):
                raise f.fail((*where, k), "un texte est attendu")
        shipped = series.get(key) or {}
        out = {**shipped, **{k: spec[k] for k in ("label", "code", "uncertain") if k in spec}}
        for group in GROUPS:
            if group in spec:
                rows = _rows(f, spec[group], (*where, group))
                # a shipped series without dom rows has the métropole values in the DOM: they stay so
                out[group] = _by_date(shipped.get(group) or [], rows)
        series[key] = out
    merged["values"] = series
    return merged


# -- acts.yaml ----------------------------------------------------------------------------------------------

def _acts(f: _File, base: dict) -> dict:
    acts = f.data.get("acts")
    for key in f.data:
        if key != "acts":
            raise f.fail((key,), "clé inconnue (une surcouche d'actes ne contient que « acts »)")
    if not isinstance(acts, list) or not acts:
        raise f.fail(("acts",), "une liste d'actes est attendue")
    merged = [dict(a) for a in base["acts"]]
    index = {a["id"]: i for i, a in enumerate(merged)}
    seen = set()
    for n, act in enumerate(acts):
        where = ("acts", n)
        act = _mapping(f, act, where)
        ident = act.get("id")
        if not isinstance(ident, str) or not ident or ident in seen:
            raise f.fail(where, "identifiant « id » absent ou en double")
        seen.add(ident)
        for k in act:
            if k not in ACT_KEYS:
                raise f.fail((*where, k), f"clé d'acte inconnue (clés possibles : {', '.join(ACT_KEYS)})")
        for k in ACT_DATES:
            if act.get(k) is not None:
                _day(f, act[k], (*where, k))
        if "coefficient" in act:
            _amount(f, act["coefficient"], (*where, "coefficient"), positive=True)
        if ident not in index:
            for k in ("label", "letter", "coefficient"):
                if k not in act:
                    raise f.fail(where, f"nouvel acte « {ident} » : « {k} » est obligatoire")
            merged.append(dict(act))
            index[ident] = len(merged) - 1
            continue
        shipped = merged[index[ident]]
        out = {**shipped, **{k: v for k, v in act.items() if k != "coefficients"}}
        if "coefficients" in act:
            rows = _rows(f, act["coefficients"], (*where, "coefficients"), positive=True)
            history = shipped.get("coefficients") or [{"from": shipped.get("from") or date(2009, 4, 15),
                                                       "value": shipped["coefficient"]}]
            out["coefficients"] = _by_date(history, rows)
            if "coefficient" not in act:
                out["coefficient"] = out["coefficients"][-1]["value"]
        merged[index[ident]] = out
    return {**base, "acts": merged}


# -- zones.yaml, rules.yaml, franchise.yaml -----------------------------------------------------------------

def _zones(f: _File, base: dict) -> dict:
    for key in f.data:
        if key != "zones":
            raise f.fail((key,), "clé inconnue (une surcouche de zones ne contient que « zones »)")
    zones = dict(base)
    for name, zone in _mapping(f, f.data.get("zones"), ("zones",)).items():
        zone = _mapping(f, zone, ("zones", name))
        if name not in zones:   # the zones a tour may name are those of the format (docs/format.md)
            raise f.fail(("zones", name), f"zone inconnue (zones possibles : {', '.join(zones)})")
        zones[name] = _deep(f, zones[name], zone, ("zones", name), set())
    return zones


def _franchise(f: _File, base: dict | None) -> dict:
    if base is None:
        raise f.fail((), "les tarifs fournis n'ont pas de franchise.yaml sur lequel superposer celui-ci")
    out = _deep(f, {k: v for k, v in base.items() if k != "periods"},
                {k: v for k, v in f.data.items() if k != "periods"}, (), set())
    if "periods" in f.data:
        rows = _rows(f, f.data["periods"], ("periods",), value_key="per_act")
        for n, row in enumerate(rows):
            for k in ("per_act", "daily_cap"):
                _amount(f, row.get(k), ("periods", n, k))
        out["periods"] = _by_date(base.get("periods") or [], rows)
    else:
        out["periods"] = base.get("periods")
    return out


def _deep(f: _File, base: dict, data: dict, where: tuple, act_ids: set) -> dict:
    """``data`` deep-merged into ``base``: a mapping into a mapping, anything else replaces. A key that
    ``base`` lacks is refused, but in a mapping keyed by act ids (the reading of a new act)."""
    out = dict(base)
    for key, value in data.items():
        here = (*where, key)
        if key not in base:
            if base and act_ids and all(k in act_ids for k in base) and key in act_ids:
                out[key] = value
                continue
            known = ", ".join(map(str, base)) if base else "aucune"
            raise f.fail(here, f"paramètre inconnu des tarifs fournis (clés possibles ici : {known})")
        old = base[key]
        if isinstance(old, dict):
            out[key] = _deep(f, old, _mapping(f, value, here), here, act_ids)
        elif isinstance(old, list):
            if not isinstance(value, list):
                raise f.fail(here, "une liste est attendue, comme dans les tarifs fournis")
            out[key] = value
        elif isinstance(value, (dict, list)):
            raise f.fail(here, "une valeur simple est attendue, comme dans les tarifs fournis")
        elif isinstance(old, date) and not isinstance(value, date):
            raise f.fail(here, f"date AAAA-MM-JJ attendue, pas « {value} »")
        else:
            out[key] = value
    return out
