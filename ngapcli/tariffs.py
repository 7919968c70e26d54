"""The tariff store: the value of a code at a date in a zone, the act catalog, rule parameters.

All of it is data under ``tariffs/`` (``--tariffs DIR`` replaces the folder, or is laid on it when it
holds an ``overlay.yaml``: ngapcli/overlay.py): a new avenant is a data change, not a code change.
"""
from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from ngapcli.errors import InputError
from ngapcli.yamlnodes import load_plain

FILES = ("values.yaml", "acts.yaml", "zones.yaml", "rules.yaml")
HOLIDAYS = "holidays.yaml"   # optional: precomputed public holidays (scripts/holidays_table.py)
FRANCHISE = "franchise.yaml"  # read by `ngap report` only (ngapcli/report.py)
OVERLAY = "overlay.yaml"      # marks a folder that holds only what changes (ngapcli/overlay.py)


def default_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "tariffs", here / "tariffdata"):
        if (candidate / "values.yaml").is_file():
            return candidate
    return here.parent / "tariffs"


@dataclass(slots=True)
class Act:
    id: str
    label: str
    article: str
    letter: str
    coefficients: list[tuple[date, Decimal]]
    amx: str = "none"
    groups: frozenset[str] = frozenset()
    start: date | None = None
    until: date | None = None
    dependence_until: date | None = None
    max_per_day: int | None = None
    max_per_passage: int | None = None
    max_per_month: int | None = None
    max_per_year: int | None = None
    series: tuple[int, int] | None = None      # (séances at most, over that many days): a warning past it
    gives_mci: bool = False
    confidence: str = "H"
    note: str = ""
    no_prescription: str | None = None   # billable without a prescription: the text that says so

    def coefficient(self, day: date) -> Decimal:
        coef = self.coefficients[0][1]
        for start, value in self.coefficients:
            if day >= start:
                coef = value
        return coef

    def in_force(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.until is None or day < self.until)


@dataclass
class Series:
    code: str
    label: str
    by_group: dict[str, tuple[list[date], list[Decimal]]]
    uncertain: str | None = None


def _d(value) -> Decimal:
    return Decimal(str(value))


class ActIds(frozenset):
    """The catalog's act ids, with ``labels`` (id → label) for the suggestion of an unknown id."""
    labels: dict = {}


def fold(text: str) -> str:
    """Lower case without accents, for searches."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@dataclass
class TariffStore:
    directory: Path
    series: dict[str, Series]
    acts: dict[str, Act]
    zones: dict[str, dict]
    rules: dict
    checked_on: date
    first_date: date
    stale_after_days: int
    pending: str | None = None     # what may change the values soon (values.yaml `pending`)
    overlay: object = None         # ngapcli.overlay.Overlay when the folder is an overlay
    _holidays: dict = field(default_factory=dict)
    _values: dict = field(default_factory=dict)  # (key, day, zone) → value: many lookups, few distinct
    holiday_table: dict = field(default_factory=dict)  # holidays.yaml, read as is; see is_holiday

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def load(cls, directory: str | Path | None = None) -> "TariffStore":
        """The shipped tariffs, a full tariff folder, or an overlay laid on the shipped tariffs (a folder
        with an ``overlay.yaml``: ngapcli/overlay.py)."""
        path = Path(directory) if directory else default_dir()
        if not path.is_dir():
            raise InputError("dossier de tarifs introuvable", str(path))
        from ngapcli import cache  # the built store, pickled: ~2 ms instead of ~40 ms of YAML

        files = [path / n for n in (*FILES, HOLIDAYS)]
        code = [Path(__file__), Path(__file__).with_name("tariffcheck.py")]
        overlay = directory is not None and (path / OVERLAY).is_file()   # one stat, and only with --tariffs
        if overlay:
            from ngapcli.overlay import FILES as LAYERED, MARKER

            base = default_dir()
            files = ([path / n for n in (MARKER, *LAYERED)] + [base / n for n in (*FILES, HOLIDAYS, FRANCHISE)]
                     + sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
            code.append(Path(__file__).with_name("overlay.py"))
        key = cache.key("tariffs", path, files + code)
        store = cache.get(key)
        if store is not None:
            return store
        store = cls._load_overlay(path) if overlay else cls._load(path)
        cache.put(key, store)
        return store

    @staticmethod
    def _read(path: Path) -> dict:
        """File name → data of a full tariff folder (holidays.yaml: None when absent)."""
        raw = {}
        for name in FILES:
            f = path / name
            try:
                raw[name] = load_plain(f)
            except FileNotFoundError:
                raise InputError("fichier de tarifs manquant (un dossier qui ne contient que ce qui change doit "
                                 "avoir un overlay.yaml : docs/tarifs.md)", str(f)) from None
            except Exception as exc:  # noqa: BLE001 - any fault in our data is an input error
                mark = getattr(exc, "problem_mark", None)
                raise InputError(f"fichier de tarifs illisible : {getattr(exc, 'problem', exc)}", str(f),
                                 mark.line + 1 if mark else None) from None
        try:
            raw[HOLIDAYS] = load_plain(path / HOLIDAYS)
        except FileNotFoundError:
            raw[HOLIDAYS] = None  # then python-holidays is asked for every year
        except Exception as exc:  # noqa: BLE001
            raise InputError(f"fichier de tarifs illisible : {getattr(exc, 'problem', exc)}",
                             str(path / HOLIDAYS)) from None
        return raw

    @classmethod
    def _load(cls, path: Path) -> "TariffStore":
        return cls._checked(path, cls._read(path))

    @classmethod
    def _load_overlay(cls, path: Path) -> "TariffStore":
        from ngapcli import overlay

        base = default_dir()
        raw = cls._read(base)
        if (path / FRANCHISE).is_file():   # read by `ngap report` only; an overlay may change it
            raw[FRANCHISE] = overlay.read_optional(base / FRANCHISE)
        merged, info = overlay.apply(path, base, raw)
        store = cls._checked(path, merged)
        store.overlay = info
        return store

    @classmethod
    def layers(cls, directory: str | Path) -> tuple[dict, dict]:
        """(shipped data, data of ``directory``: an overlay laid on the shipped data, or a full folder), file
        name → data, checked as for pricing: what ``ngap tariffs --diff`` compares (not cached: rare)."""
        from ngapcli import overlay
        from ngapcli.tariffcheck import check_tariffs

        path, base = Path(directory), default_dir()
        if not path.is_dir():
            raise InputError("dossier de tarifs introuvable", str(path))
        shipped = cls._read(base)
        shipped[FRANCHISE] = overlay.read_optional(base / FRANCHISE)
        if (path / OVERLAY).is_file():
            other, _ = overlay.apply(path, base, shipped)
        else:
            other = cls._read(path)
            other[FRANCHISE] = overlay.read_optional(path / FRANCHISE)
        check_tariffs(path, other)
        return shipped, other

    @classmethod
    def _checked(cls, path: Path, raw: dict) -> "TariffStore":
        from ngapcli.tariffcheck import check_tariffs

        check_tariffs(path, raw)
        try:
            store = cls._build(path, raw)
            store.holiday_table = raw[HOLIDAYS] or {}
            return store
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputError(f"données tarifaires invalides : {exc!r}", str(path)) from None

    @classmethod
    def _build(cls, path: Path, raw: dict) -> "TariffStore":
        vals = raw["values.yaml"]
        series = {}
        for key, spec in vals["values"].items():
            groups = {}
            for group in ("metropole", "dom"):
                rows = spec.get(group) or spec.get("metropole")
                rows = sorted(rows, key=lambda r: r["from"])
                groups[group] = ([r["from"] for r in rows], [_d(r["value"]) for r in rows])
            series[key] = Series(spec.get("code", key), spec.get("label", key), groups, spec.get("uncertain"))
        acts = {}
        for a in raw["acts.yaml"]["acts"]:
            hist = a.get("coefficients") or [{"from": a.get("from") or date(2009, 4, 15), "value": a["coefficient"]}]
            acts[a["id"]] = Act(
                id=a["id"], label=a["label"], article=a.get("article", ""), letter=a["letter"],
                coefficients=sorted((r["from"], _d(r["value"])) for r in hist),
                amx=a.get("amx") or "none", groups=frozenset(a.get("groups") or ()),
                start=a.get("from"), until=a.get("until"), dependence_until=a.get("dependence_until"),
                max_per_day=a.get("max_per_day"), max_per_passage=a.get("max_per_passage"),
                max_per_month=a.get("max_per_month"), max_per_year=a.get("max_per_year"),
                series=(a["series"]["max"], a["series"]["days"]) if a.get("series") else None,
                gives_mci=bool(a.get("gives_mci")), confidence=a.get("confidence", "H"), note=a.get("note") or "",
                no_prescription=a.get("no_prescription") or None,
            )
        return cls(path, series, acts, raw["zones.yaml"]["zones"], raw["rules.yaml"],
                   vals["checked_on"], vals["first_date"], int(vals.get("stale_after_days", 90)),
                   vals.get("pending") or None)

    # -- lookups -------------------------------------------------------------------------------
    @cached_property
    def act_ids(self) -> frozenset[str]:
        ids = ActIds(self.acts)
        ids.labels = {k: a.label for k, a in self.acts.items()}  # suggestions by label (ngapcli/search.py)
        return ids

    @cached_property
    def letters(self) -> frozenset[str]:
        return frozenset(a.letter for a in self.acts.values()) | {"AMX"}

    def value(self, key: str, day: date, zone: str) -> Decimal | None:
        """Value of a letter key / forfait / majoration at a date in a zone; None before it existed."""
        memo = self._values
        found = memo.get((key, day, zone), memo)
        if found is not memo:
            return found
        s = self.series[key]
        dates, values = s.by_group[self.zones[zone]["values"]]
        i = bisect.bisect_right(dates, day)
        found = memo[(key, day, zone)] = values[i - 1] if i else None
        return found

    def code(self, key: str) -> str:
        return self.series[key].code

    def amo_rate(self, coverage: str, zone: str) -> int:
        if coverage == "standard":
            return int(self.zones[zone].get("amo_standard", self.rules["amo"]["standard"]))
        return int(self.rules["amo"][coverage])

    def is_holiday(self, day: date, zone: str) -> str | None:
        subdiv = self.zones[zone].get("holidays")
        key = (subdiv, day.year)
        table = self._holidays.get(key)
        if table is None:
            table = self._holidays[key] = self._holiday_year(subdiv, day.year)
        return table.get(day)

    def _holiday_year(self, subdiv: str | None, year: int) -> dict:
        """{date: name}: from tariffs/holidays.yaml (generated from python-holidays by
        scripts/holidays_table.py) for the years it covers, else from python-holidays itself."""
        t = self.holiday_table
        line = None
        if t and t.get("first_year", 0) <= year <= t.get("last_year", 0):
            line = (t.get("holidays") or {}).get("FR" if subdiv is None else str(subdiv), {}).get(year)
        if line is not None:
            return {date(year, int(i[0:2]), int(i[3:5])): i[6:] for i in line.split(" | ")} if line else {}
        import holidays  # costly import (~0.2 s): only for a year or a zone the table lacks

        return holidays.country_holidays("FR", subdiv=subdiv, years=year, language="fr")

    def search(self, query: str | None) -> list[Act]:
        from ngapcli.search import search

        return search(self.acts.values(), query)
