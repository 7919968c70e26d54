"""The table a nurse reads at the end of her day (rich)."""
from __future__ import annotations

import re
from itertools import groupby

from rich import box
from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ngapcli.render import euros, fr
from ngapcli.render.fmt import coefficient
from ngapcli.result import Result, num

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
SEVERITY_FR = {"error": "erreur", "warning": "alerte", "info": "info"}
PLACE_FR = {"home": "domicile", "office": "cabinet"}


def _visit_title(line, patient_names: dict) -> Text:
    name = patient_names.get(line.patient)
    who = f"{line.patient}" + (f" · {name}" if name else "")
    return Text.assemble(("▸ ", "dim"), (who, "bold"), f"  visite {line.visit} · {line.time}")


def _visit_table(show_header: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_header=show_header, show_edge=False,
                  pad_edge=False, padding=(0, 1), expand=True)
    table.add_column("Code", no_wrap=True, width=4)
    table.add_column("Coef", justify="right", no_wrap=True, width=10)
    table.add_column("Taux", justify="right", no_wrap=True, width=5)
    table.add_column("Valeur", justify="right", no_wrap=True, width=6)
    table.add_column("Montant", justify="right", no_wrap=True, width=8)
    table.add_column("Acte · règle", overflow="fold", ratio=1, min_width=20)
    return table


def _coef_text(l) -> str:
    if l.kind == "travel" and l.code.startswith("IK"):
        km = f"{fr(num(l.quantity))} km"
        return km if l.coefficient == 1 else f"{km} ×{fr(num(l.coefficient))}"
    # a half rate as nurses write it: « 1,5/2 » (the billed coefficient, in JSON, is 0.75)
    return coefficient(l.coefficient, l.rate, l.quantity)


def _what(l) -> str:
    """What a line is, the same way for acts and majorations: its label (an act's catalog id is in JSON
    and CSV, and `ngap explain ID` tells the rest)."""
    return l.label or l.act or l.code


def render_price(result: Result, console: Console, patient_names: dict | None = None) -> None:
    names = patient_names or {}
    key = lambda l: (l.file, l.nurse, l.date)  # noqa: E731
    lines = sorted(result.lines, key=key)  # stable: a day is printed once, its patients in file order
    for (file, nurse, day), day_lines in groupby(lines, key=key):
        console.print(Text.assemble((f"{day}", "bold underline"), f"  {nurse or 'infirmière'} · {file}"))
        day_total = 0
        first = True
        for _, vlines in groupby(day_lines, key=lambda l: (l.patient, l.visit, l.time)):
            vlines = list(vlines)
            table = _visit_table(first)
            first = False
            for l in vlines:
                zero = l.rate == 0
                style = "dim strike" if zero else ("" if l.kind == "act" else "green")
                what = _what(l)
                table.add_row(
                    Text(l.code, style=style), Text(_coef_text(l), style=style),
                    Text(f"{l.rate} %", style="red" if zero else ("yellow" if l.rate == 50 else "")),
                    # an act not in force (or a letter without value) has no value: « — », not « 0 »
                    fr(l.unit_value) if l.unit_value else Text("—", style="dim"),
                    Text(fr(l.amount), style="bold" if not zero else "dim"),
                    Text.assemble((what, "dim" if zero else ""), "\n", (l.rule, "dim italic")),
                )
                day_total += l.amount
            console.print(_visit_title(vlines[0], names))
            console.print(table)
        console.print(Text.assemble(("Total du jour : ", "bold"), (euros(day_total), "bold")))
        console.print()
    totals = result.totals()
    summary = Table(box=box.ROUNDED, show_header=False, title="Totaux", title_justify="left")
    summary.add_column(justify="left")
    summary.add_column(justify="right")
    summary.add_row(Text("Montant facturé", style="bold"), Text(euros(totals["amount"]), style="bold"))
    summary.add_row("Part AMO", euros(totals["amo"]))
    summary.add_row("Part patient / complémentaire", euros(totals["patient_share"]))
    if len(totals["by_patient"]) > 1:
        summary.add_section()
        summary.add_row(Text("Montant facturé par patient", style="bold"), "")
        for pid, amount in totals["by_patient"].items():
            who = f"{pid} · {names[pid]}" if names.get(pid) else pid
            summary.add_row(Text(f"  {who}"), Text(euros(amount)))
    console.print(summary)
    render_diagnostics(result, console)


def in_file_order(result: Result) -> list:
    """The diagnostics as a reader meets them: files in the order given, then by line."""
    rank: dict[str, int] = {}
    for l in result.lines:
        rank.setdefault(l.file, len(rank))
    for d in result.diagnostics:
        rank.setdefault(d.file, len(rank))
    return sorted(result.diagnostics, key=lambda d: (rank[d.file], d.line or 0))


def _reference(d) -> str:
    """The reference, without the article the message already cites (« … (art. 14). » then
    « [NGAP DG art. 14] »): the rest of it only (« CE 26/07/2018 n° 409361 »)."""
    kept = []
    for part in (d.reference or "").split(" ; "):
        article = part.split("NGAP DG ", 1)[1].strip() if part.startswith("NGAP DG ") else None
        if article and re.search(rf"\({re.escape(article)}\b", d.message or ""):
            continue
        kept.append(part)
    return " ; ".join(p for p in kept if p)


def _glued(reference: str, width: int) -> str:
    """Each part of a reference in one piece (« [CE 26/07/2018 n° 409361] », never « [CE » at a line end
    and the date on the next): its spaces made no-break (ngapcli/render/richfr.py), unless it is too long
    for a line; the parts themselves may go to the next line at « ; »."""
    return " ; ".join(p.replace(" ", "\u00a0") if len(p) + 4 <= width else p for p in reference.split(" ; "))


def diagnostic_rows(diagnostics, width: int = 76) -> list:
    """Two renderables per diagnostic (objects or the dicts of JSON): the head — severity, code, the
    location in one piece, who — then the message indented under it, with the reference unless the
    message cites it already."""
    rows = []
    for d in diagnostics:
        d = _Diag(**d) if isinstance(d, dict) else d
        where = (d.file or "") + (f":{d.line}" if d.line else "")
        who = " · ".join(x for x in (d.patient, d.date, d.time) if x)
        ref = _reference(d)
        head = Text.assemble((f"{SEVERITY_FR.get(d.severity, d.severity)} {d.code}",
                              SEVERITY_STYLE.get(d.severity, "")), "  ",
                             # the location is one word: never cut between the file and its line
                             (where, "bold"))
        if who:   # on the same line when it fits, else on its own line, indented like the message
            fits = len(head.plain) + 2 + len(who) <= width
            head.append(("  " if fits else "\n  ") + who, "dim")
        body = Text.assemble(d.message, (f"  [{_glued(ref, width)}]", "dim") if ref else "")
        rows.append(head)
        rows.append(Padding(body, (0, 0, 0, 2)))   # continuation lines indented under the message
    return rows


class _Diag:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def render_diagnostics(result: Result, console: Console) -> None:
    if not result.diagnostics:
        return
    rows = diagnostic_rows(in_file_order(result), console.width - 4)   # inside the panel's borders
    console.print(Panel(Group(*rows), title="Diagnostics", title_align="left", border_style="yellow"))


def check_summary(result: Result) -> str:
    """What `ngap check` looked at, said as such: visits and billing lines (the lines it priced, not the
    lines of the files), then the diagnostics by severity."""
    visits = len({(l.file, l.patient, l.date, l.visit) for l in result.lines})
    count = {s: sum(d.severity == s for d in result.diagnostics) for s in SEVERITY_FR}
    files = len({l.file for l in result.lines} | {d.file for d in result.diagnostics if d.file})
    seen = (f"{files} fichier{'s' if files > 1 else ''}, {visits} visite{'s' if visits > 1 else ''}, "
            f"{len(result.lines)} ligne{'s' if len(result.lines) > 1 else ''} de facturation contrôlée"
            f"{'s' if len(result.lines) > 1 else ''}")
    if not result.diagnostics:
        return f"Aucun diagnostic : {seen}."
    said = ", ".join(f"{n} {SEVERITY_PLURAL[s] if n > 1 else SEVERITY_FR[s]}" for s, n in count.items() if n)
    return f"{said} — {seen}."


SEVERITY_PLURAL = {"error": "erreurs", "warning": "alertes", "info": "infos"}
