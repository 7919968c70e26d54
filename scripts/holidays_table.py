#!/usr/bin/env python3
"""Writes ``tariffs/holidays.yaml``: the public holidays of every zone, from python-holidays.

python-holidays stays the source of truth: this table only spares every ``ngap`` command the cost of
importing it (the library's ``country_holidays("FR")`` imports every country: ~0.2-0.4 s; the
table is read with the tariffs and cached with them). ``tests/test_holidays_table.py`` checks that the
table equals the library's output for every zone and every year it covers; run this script again after
upgrading python-holidays or adding a zone:

    python scripts/holidays_table.py              # rewrite tariffs/holidays.yaml
    python scripts/holidays_table.py --check      # exit 1 if the file differs from the library

Dates outside the covered years are asked to the library at run time (see ``TariffStore.is_holiday``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_YEAR, LAST_YEAR = 2009, 2035
METROPOLE = "FR"          # key of the zones whose `holidays` is null (no subdivision)
SEP = " | "               # between the holidays of one year: one short line per zone and year


def subdivisions(tariffs: Path) -> list[str | None]:
    import yaml

    with open(tariffs / "zones.yaml", "rb") as fh:
        zones = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["zones"]
    found: list[str | None] = []
    for spec in zones.values():
        sub = spec.get("holidays")
        sub = None if sub is None else str(sub)
        if sub not in found:
            found.append(sub)
    return found


def compute(subs: list[str | None], first: int = FIRST_YEAR, last: int = LAST_YEAR) -> dict[str, dict]:
    """{key: {date: name}} as python-holidays gives them (names joined by "; " when two fall on one day)."""
    import holidays

    out = {}
    for sub in subs:
        table = holidays.country_holidays("FR", subdiv=sub, years=range(first, last + 1), language="fr")
        out[sub or METROPOLE] = {day: table.get(day) for day in sorted(table)}
    return out


def render(table: dict[str, dict], first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    import holidays

    lines = [
        f"# Jours fériés de chaque zone, {first}-{last}. FICHIER GÉNÉRÉ par scripts/holidays_table.py depuis",
        f"# python-holidays {holidays.__version__} (la source de vérité) : ne pas l'éditer à la main.",
        "# Clés : la subdivision de zones.yaml (« holidays: »), FR pour la métropole sans subdivision ; puis",
        "# une ligne par année : « MM-JJ nom | MM-JJ nom | … ».",
        "# Hors de ces années, ngap interroge la bibliothèque. tests/test_holidays_table.py vérifie l'égalité.",
        f"source: python-holidays {holidays.__version__}",
        f"first_year: {first}",
        f"last_year: {last}",
        "holidays:",
    ]
    for key, days in table.items():
        lines.append(f'  "{key}":')
        by_year: dict[int, list[str]] = {}
        for day, name in days.items():
            if SEP.strip() in name or '"' in name or "\\" in name:
                raise ValueError(f"nom de jour férié inattendu : {name!r}")
            by_year.setdefault(day.year, []).append(f"{day:%m-%d} {name}")
        for year, items in by_year.items():
            lines.append(f'    {year}: "{SEP.join(items)}"')
    return "\n".join(lines) + "\n"


def parse_year(year: int, text: str) -> dict:
    """{date: name} of one line of the table: "MM-DD name | MM-DD name | …"."""
    from datetime import date

    return {date(year, int(item[0:2]), int(item[3:5])): item[6:] for item in text.split(SEP)} if text else {}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tariffs", type=Path, default=ROOT / "tariffs", help="tariff folder (default: tariffs/)")
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 when the file is out of date")
    args = ap.parse_args()
    text = render(compute(subdivisions(args.tariffs)))
    target = args.tariffs / "holidays.yaml"
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        same = current.split("\n", 6)[-1] == text.split("\n", 6)[-1]  # the header names the library version
        print(f"{target}: {'à jour' if same else 'PÉRIMÉ, relancez scripts/holidays_table.py'}")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"{target}: {text.count(chr(10))} lignes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
