"""Output of `ngap audit --billed FILE.csv` without tours: JSON, CSV of findings, rich table, progress bar."""
from __future__ import annotations

import re

import contextlib
import sys

from ngapcli import __version__
from ngapcli.claims import ClaimsResult, fr

CSV_COLUMNS = ["code", "certain", "kind", "rule", "file", "line", "nurse", "date", "time", "patient", "zone", "item",
               "cotation", "billed_amount", "amount", "article", "message", "reading", "sources"]


def claims_document(result: ClaimsResult) -> dict:
    return {
        "ngap_version": __version__,
        "mode": "export",
        "visits": [],
        "differences": [f.as_dict() for f in result.findings],
        "warnings": [w.as_dict() for w in result.warnings],
        "totals": result.totals(),
    }


def csv_rows(result: ClaimsResult) -> list[dict]:
    rows = []
    for f in result.findings:
        d = f.as_dict()
        row = {k: d.get(k) for k in CSV_COLUMNS}
        row["certain"] = "true" if f.certain else "false"
        row["cotation"] = f.claim.text
        row["sources"] = " ".join(d["sources"])
        rows.append(row)          # render.data.write_csv neutralises the cells a spreadsheet would run
    return rows


@contextlib.contextmanager
def progress_bar(enabled: bool):
    """A rich progress bar on stderr when it is a terminal; else nothing at all (a pipe, a file)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("Lecture de l'export"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("export", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def render_claims(result: ClaimsResult, console, limit: int | None = 30) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ngapcli.render import euros

    t = result.totals()
    summary = Table(box=box.ROUNDED, show_header=False, title=f"Contrôle de l'export {result.file}",
                    title_justify="left")
    summary.add_column()
    summary.add_column(justify="right")
    period = f"{_d(t['from'])} → {_d(t['to'])}" if t["from"] else "—"
    summary.add_row("Lignes lues · passages", f"{t['rows']} · {t['passages']}")
    summary.add_row("Période", period)
    if t["nurses"]:
        summary.add_row("Infirmières", str(len(t["nurses"])))
    summary.add_row("Montant facturé", euros(t["billed"]))
    summary.add_row(Text("Indus certains (dus en aucun cas)", style="red"), Text(euros(t["undue_certain"]),
                                                                                  style="bold red"))
    summary.add_row(Text("À vérifier (selon les soins donnés)", style="yellow"),
                    Text(euros(t["to_check"]), style="bold yellow"))
    summary.add_row(Text("Facturé en moins (manque à gagner)", style="magenta"), euros(t["under_billed"]))
    console.print(summary)
    for w in result.warnings:
        console.print(Text.assemble((f"{w.code} ", "dim"), w.message, (f" ({w.file}:{w.line})", "dim")))
    if not result.findings:
        console.print(Text("Aucune anomalie décelable sur les seules lignes facturées.", style="bold green"))
        return
    rules = Table(box=box.SIMPLE_HEAD, title="Par règle", title_justify="left")
    rules.add_column("Code", no_wrap=True)
    rules.add_column("Règle · article", overflow="fold", ratio=1, min_width=24)
    rules.add_column("Nb", justify="right")
    rules.add_column("Certains", justify="right")   # of them certain (« Cert. » said nothing)
    rules.add_column("€ en jeu", justify="right", no_wrap=True)
    rules.add_column("Lignes", overflow="fold", max_width=14)
    for code, b in t["by_rule"].items():
        at_stake = _sum(b)
        rules.add_row(code, Text.assemble(b["rule"], ("\u00a0· " + bound(b["article"]), "dim")), str(b["count"]),
                      str(b["certain"]), fr_signed(at_stake), ", ".join(_line(s) for s in b["rows"][:3]))
    console.print(rules)
    for title, key, label in (("Par mois", "by_month", "Mois"), ("Par infirmière", "by_nurse", "Infirmière")):
        if key == "by_nurse" and not result.nurses:
            continue
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
        table.add_column(label)
        for col in ("Nombre", "Indus certains", "À vérifier", "En moins"):   # the amounts carry their €
            table.add_column(col, justify="right")
        for k, b in t[key].items():
            table.add_row(k, str(b["count"]), euros(b["undue_certain"]), euros(b["to_check"]), euros(b["under_billed"]))
        console.print(table)
    shown = result.findings if limit is None else result.findings[:limit]
    lst = Table(box=box.SIMPLE_HEAD, title="Constats" + (f" (les {limit} premiers ; tous avec --all ou --format csv)"
                                                          if len(shown) < len(result.findings) else ""),
                title_justify="left")
    lst.add_column("Ligne", justify="right", no_wrap=True)
    lst.add_column("Code", no_wrap=True)
    lst.add_column("€", justify="right", no_wrap=True)
    lst.add_column("Constat", overflow="fold", ratio=1)
    for f in shown:
        style = "red" if f.certain else "yellow"
        lst.add_row(_line(f.claim.source), Text(f.code, style=style), fr_signed(f.amount),
                    Text.assemble(("certain · " if f.certain else "à vérifier · ", style), f.message))
    console.print(lst)


_BOUND = re.compile(r"\b(NGAP|DG|art\.|chap\.|n°|JORF|Titre|du) (?=[\dIVXA-Z]|art\.)")


def bound(reference: str) -> str:
    """A reference whose words stay with their number (« art. 12 », « NGAP DG », « JORF 11/09/2019 »): never
    « art. » at a line end and « 12 » on the next (no-break spaces, ngapcli/render/richfr.py)."""
    return _BOUND.sub(lambda m: m.group(1) + "\u00a0", reference)


def _line(source: str) -> str:
    """« 3 » for « export.csv:3 »: one file per run, named in the title."""
    return source.rsplit(":", 1)[1]


def _sum(b: dict):
    from decimal import Decimal

    return Decimal(b["undue_certain"]) + Decimal(b["to_check"]) - Decimal(b["under_billed"])


def fr_signed(amount) -> str:
    return ("+" if amount > 0 else "") + fr(amount)


def _d(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()
