"""The act catalog as a table (`ngap acts`), readable from 80 columns: the id on its own line in bold
(never cut: it is what the nurse writes in her tour), the label wrapped under it by words, the cotation and
the AMX rate in narrow columns on the right."""
from __future__ import annotations

from datetime import date

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ngapcli.render.fmt import number

AMX_FR = {"full": "plein", "half": "50 %"}


def _day(text: str) -> str:
    y, m, d = text.split("-")
    return f"{d}/{m}/{y}"


def status(row: dict, day: date) -> str:
    """« » in force; else when it was created or removed."""
    if row["in_force"]:
        return ""
    if row["from"] and row["from"] > day.isoformat():
        return f"en vigueur à partir du {_day(row['from'])}"
    if row["until"]:
        return f"supprimé le {_day(row['until'])}"
    return "hors vigueur"


def render_acts(rows: list[dict], day: date, console: Console) -> None:
    """Wide terminal (the longest id and 60 columns of label fit): one row per act, the label beside.
    Else the id on its own line and the label indented under it."""
    title = f"{len(rows)} acte{'s' if len(rows) > 1 else ''} — coefficients au {day:%d/%m/%Y}"
    longest = max(len(r["id"]) for r in rows)
    wide = console.width >= longest + 26 + 60
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True, show_edge=False,
                  pad_edge=False)
    if wide:
        table.add_column("Identifiant (à écrire dans la tournée)", no_wrap=True, min_width=longest)
    else:
        table.add_column("Acte : identifiant à écrire dans la tournée, puis libellé", ratio=1)
    table.add_column("Cotation", no_wrap=True, min_width=9)
    table.add_column("AMX", no_wrap=True, min_width=5)
    if wide:
        table.add_column("Libellé", ratio=1)
    for r in rows:
        gone = status(r, day)
        style = "" if r["in_force"] else "dim"
        label = Text.assemble((r["label"], style), (f" ({gone})", "italic") if gone else "")
        cot = f"{r['letter']} {number(r['coefficient'])}" if r["in_force"] else f"{r['letter']} —"
        cells = [Text(cot, style=style), Text(AMX_FR.get(r["amx"], "—"), style=style)]
        if wide:
            table.add_row(Text(r["id"], style="bold " + style), *cells, label)
        else:
            table.add_row(Group(Text(r["id"], style="bold " + style), Padding(label, (0, 0, 0, 2))), *cells)
    console.print(table)
