"""`ngap tariffs`: the values at a date with the data currency (checked_on, pending, horizon), and the
changes of a tariff folder against the shipped data (``--diff``)."""
from __future__ import annotations

from datetime import date

from ngapcli import currency

GROUPS_FR = {"metropole": "métropole, Alsace-Moselle", "dom": "DOM"}
DIFF_COLUMNS = ["file", "key", "date", "zone", "shipped", "overlay"]


def values_rows(store, day: date, zone: str) -> list[dict]:
    rows = []
    for key, s in store.series.items():
        value = store.value(key, day, zone)
        rows.append({"key": key, "code": s.code, "label": s.label, "value": None if value is None else str(value),
                     "note": s.uncertain or ""})
    return rows


def meta(store, day: date, zone: str) -> dict:
    """What the JSON of ``ngap tariffs`` says besides the values: the date, the zone, the currency."""
    ov = store.overlay
    return {"date": day.isoformat(), "zone": zone, "checked_on": store.checked_on.isoformat(),
            "directory": str(store.directory), "pending": store.pending,
            "stale_after_days": store.stale_after_days, "first_date": store.first_date.isoformat(),
            "horizon": currency.horizon(store).isoformat(), "currency": currency.status(store, day),
            "notes": currency.notes(store, day),
            "overlay": None if ov is None else {"directory": str(ov.directory), "base": "shipped",
                                                "label": ov.label, "files": list(ov.files)}}


def render_values(store, rows: list[dict], day: date, zone: str, console) -> None:
    from rich.table import Table
    from rich.text import Text

    from ngapcli.render import fr

    caption = (f"Tarifs vérifiés le {currency.fr(store.checked_on)} contre la source la plus récente ; horizon : "
               f"{currency.fr(currency.horizon(store))} (+{store.stale_after_days} jours, au-delà : NGAP002).")
    if store.pending:
        caption += f"\nEn attente : {store.pending}."
    if store.overlay is not None:
        caption += (f"\nSurcouche {store.overlay.directory}"
                    + (f" ({store.overlay.label})" if store.overlay.label else "")
                    + f" sur les tarifs fournis : {', '.join(store.overlay.files) or 'aucun fichier'}.")
    table = Table(title=f"Valeurs au {currency.fr(day)} — {store.zones[zone]['label']}", title_justify="left",
                  caption=caption, caption_justify="left")
    table.add_column("Code")
    table.add_column("Valeur", justify="right")
    table.add_column("Libellé", overflow="fold")
    for r in rows:
        table.add_row(r["code"], fr(r["value"]) + " €" if r["value"] else "[dim]—[/dim]",
                      # « — note »: the notes have parentheses of their own (« (source secondaire) »)
                      r["label"] + (f" [dim]— {r['note']}[/dim]" if r["note"] else ""))
    console.print(table)
    for note in currency.notes(store, day):
        console.print(Text(f"Attention : {note[:1].lower()}{note[1:]}", style="bold"))


def diff_document(directory, rows: list[dict]) -> dict:
    return {"tariffs": str(directory), "changes": rows}


def diff_csv_rows(rows: list[dict]) -> list[dict]:
    """The changes as CSV cells: a list or a table (a rule parameter) as JSON, nothing for None."""
    import json

    def cell(value) -> str:
        return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    return [{**r, "shipped": cell(r["shipped"]), "overlay": cell(r["overlay"])} for r in rows]


def _show(value) -> str:
    from ngapcli.render import fr

    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return value
        return fr(value)
    if isinstance(value, (list, dict)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render_diff(directory, rows: list[dict], console) -> None:
    from rich.table import Table

    if not rows:
        console.print(f"{directory} ne change rien aux tarifs fournis.")
        return
    table = Table(title=f"Ce que {directory} change aux tarifs fournis ({len(rows)}\u00a0changement{'s' if len(rows) > 1 else ''})",
                  title_justify="left")
    for col in ("Fichier", "Clé", "Date", "Zones", "Fournis", "→ Dossier"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["file"], r["key"], r["date"] or "", GROUPS_FR.get(r["zone"], r["zone"] or ""),
                      _show(r["shipped"]), _show(r["overlay"]))
    console.print(table)
