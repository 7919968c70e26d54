"""Output of `ngap audit`: JSON document, CSV of differences, and the rich table (billed | due)."""
from __future__ import annotations

from decimal import Decimal

from ngapcli import __version__
from ngapcli.audit import KIND_FR, AuditResult
from ngapcli.render import euros, fr  # table numbers: U+202F thousands, one minus sign (render/fmt.py)

CSV_COLUMNS = ["code", "kind", "file", "nurse", "date", "patient", "visit", "time", "line", "item", "billed", "due",
               "billed_amount", "due_amount", "amount", "article", "message", "reading", "certain"]


def audit_document(result: AuditResult) -> dict:
    return {
        "ngap_version": __version__,
        "visits": [v.as_dict() for v in result.audited],
        "differences": [d.as_dict() for d in result.differences],
        "warnings": [d.as_dict() for d in result.diagnostics],
        "totals": result.totals(),
    }


def csv_rows(result: AuditResult) -> list[dict]:
    rows = []
    for d in result.differences:
        row = d.as_dict()
        row["billed"] = d.billed.text if d.billed else ""
        row["due"] = d.due.text if d.due else ""
        row["certain"] = "true" if d.certain else "false"
        rows.append(row)
    return rows


STYLE = {"indu": "bold red", "oubli": "bold yellow", "ecart": "bold magenta", "orphelin": "bold red"}


def render_audit(result: AuditResult, console, names: dict | None = None, show_all: bool = False) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    names = names or {}
    audited = result.audited
    if not audited and not result.differences:
        console.print("Aucune cotation facturée à contrôler : ajoutez « billed » aux visites ou donnez --billed "
                      "FICHIER.csv.")
        return
    for v in audited:
        if not v.differences and not show_all:
            continue
        w = v.where
        who = w["patient"] + (f" · {names[w['patient']]}" if names.get(w["patient"]) else "")
        status = Text("conforme", style="green") if not v.differences else Text(
            f"{len(v.differences)} différence(s)", style="bold red" if any(
                d.kind == "indu" for d in v.differences) else "bold yellow")
        console.print(Text.assemble(("▸ ", "dim"), (w["date"], "bold"), "  ", (who, "bold"),
                                    f"  visite {w['visit']} · {w['time']}  ", status,
                                    (f"  {w['file']}" + (f" · {w['nurse']}" if w["nurse"] else ""), "dim")))
        console.print(Text.assemble(("  facturé : ", "dim"), v.billed_text or "(rien)"))
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), expand=True)
        # the items may wrap (« N (20 h-23 h, 5 h-8 h) ») so that the finding keeps a readable width at 80 columns
        table.add_column("Facturé", overflow="fold", max_width=14)
        table.add_column("€", justify="right", no_wrap=True)
        table.add_column("Dû", overflow="fold", max_width=14)
        table.add_column("€", justify="right", no_wrap=True)
        table.add_column("Écart €", justify="right", no_wrap=True)
        table.add_column("Constat · article", overflow="fold", ratio=1, min_width=28)
        for b, d in v.matched:
            table.add_row(Text(b.text, style="dim"), Text(fr(b.amount), style="dim"), Text(d.text, style="dim"),
                          Text(fr(d.amount), style="dim"), Text("0,00", style="dim"), Text("conforme", style="dim green"))
        for diff in v.differences:
            style = STYLE[diff.kind]
            sign = "+" if diff.amount > 0 else ""
            table.add_row(
                Text(diff.billed.text if diff.billed else "—", style="" if diff.billed else "dim"),
                fr(diff.billed.amount) if diff.billed else "",
                Text(diff.due.text if diff.due else "—", style="" if diff.due else "dim"),
                fr(diff.due.amount) if diff.due else "",
                Text(f"{sign}{fr(diff.amount)}", style=style),
                Text.assemble((f"{KIND_FR[diff.kind]} {diff.ngap}", style), f" · {diff.article}\n",
                              (diff.message, "italic"),
                              (f"\nlecture retenue : {diff.reading}" if diff.reading else "", "dim")),
            )
        console.print(table)
    orphans = [d for d in result.differences if d.kind == "orphelin"]
    for d in orphans:
        console.print(Text.assemble((f"{KIND_FR[d.kind]} {d.ngap}", STYLE[d.kind]),
                                    f"  {d.message} ({fr(d.amount)} €)"))
    _totals(result, console)
    for d in result.diagnostics:   # what is due rests on tariffs that may have changed since: say it
        if d.code == "NGAP002":
            console.print(Text.assemble(("info NGAP002", "bold"), f"  {d.file}:{d.line}  {d.message}"))


def _totals(result: AuditResult, console) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    t = result.totals()
    summary = Table(box=box.ROUNDED, show_header=False, title="Bilan de l'audit", title_justify="left")
    summary.add_column()
    summary.add_column(justify="right")
    summary.add_row("Visites contrôlées", f"{t['visits_audited']} / {t['visits']}"
                    + (f" (conformes : {t['visits_matching']})" if t["visits_audited"] else ""))
    summary.add_row("Montant facturé", euros(t["billed"]))
    summary.add_row("Montant dû", euros(t["due"]))
    summary.add_row(Text("Indus (NGAP201, à rembourser si la caisse contrôle)", style="red"),
                    Text(euros(t["undue"]), style="bold red"))
    if result.differences and any(d.kind == "orphelin" for d in result.differences):
        summary.add_row(Text("Lignes non rattachées (NGAP204, à vérifier)", style="red"),
                        Text(euros(t["orphans"]), style="red"))
    summary.add_row(Text("Oublis (NGAP202, manque à gagner)", style="yellow"),
                    Text(euros(t["forgotten"]), style="bold yellow"))
    summary.add_row(Text("Écarts en trop / en moins (NGAP203)", style="magenta"),
                    Text(f"{euros(t['ecart_over'], sign=True)} / {euros(-Decimal(t['ecart_under']))}",
                         style="magenta"))   # « +21,47 € / −31,42 € », « 0,00 € » for none (never −0,00)
    console.print(summary)
    if not result.differences:
        console.print(Text("La facturation correspond à la cotation due.", style="bold green"))
        return
    for title, key, label in (("Par code", "by_code", "Code"), ("Par mois", "by_month", "Mois")):
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left")
        table.add_column(label)
        orphans = any(b["orphans"] != "0.00" for b in t[key].values())
        for col in ("Indus €", *(("Non rattachées €",) if orphans else ()), "Oublis €", "Écarts + €", "Écarts − €",
                    "Nombre"):
            table.add_column(col, justify="right")
        for k, b in t[key].items():
            table.add_row(k, euros(b["undue"]), *((euros(b["orphans"]),) if orphans else ()), euros(b["forgotten"]),
                          euros(b["ecart_over"]), euros(b["ecart_under"]), str(b["count"]))
        console.print(table)
