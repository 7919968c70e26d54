"""`ngap report` on a terminal: the progress bar (stderr) and the tables (rich)."""
from __future__ import annotations

import os
import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ngapcli.render import euros, fr
from ngapcli.render.table import SEVERITY_FR, SEVERITY_STYLE
from ngapcli.report import Progress, Report, dimension_fr

FORCE_PROGRESS_ENV = "NGAP_FORCE_PROGRESS"
MAX_DIAGNOSTICS_LISTED = 20


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def want_progress(quiet: bool) -> bool:
    """A progress bar only on a terminal (stderr), never with --quiet; NGAP_FORCE_PROGRESS=1 forces it."""
    if quiet:
        return False
    return os.environ.get(FORCE_PROGRESS_ENV) == "1" or stderr_is_terminal()


class RichProgress(Progress):
    """rich.progress on stderr: stdout stays data only."""

    def __init__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

        # the caller checked want_progress(): the terminal test is done there, once
        console = Console(stderr=True, force_terminal=True)
        self.bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=console, transient=True)
        self.task = None

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()
        return False

    def stage(self, label: str, total: int) -> None:
        if self.task is not None:
            self.bar.update(self.task, visible=False)
        self.task = self.bar.add_task(label, total=total)

    def advance(self) -> None:
        if self.task is not None:
            self.bar.advance(self.task)


def _count(n: int, one: str, many: str) -> str:
    """« 1 fichier lu », « 3 fichiers lus » (not « fichier(s) lu(s) »)."""
    return f"{n} {one if n == 1 else many}"


def render_report(report: Report, console: Console) -> None:
    doc = report.document()
    period = doc["period"]
    ok = sum(1 for f in doc["files"] if f["status"] == "ok")
    title = Text.assemble(("Rapport", "bold"), f"  {_count(ok, 'fichier lu', 'fichiers lus')}")
    if period["from"]:
        title.append(f" · du {period['from']} au {period['to']}")
    console.print(title)
    skipped = [f for f in doc["files"] if f["status"] == "skipped"]
    if skipped:   # each one is told on the error output (« ignoré : … »), once
        console.print(Text.assemble((_count(len(skipped), "fichier ignoré", "fichiers ignorés"), "bold red"),
                                    " : " + ", ".join(f["path"] for f in skipped[:3])
                                    + (" …" if len(skipped) > 3 else "") + " (le détail est sur la sortie d'erreur)"))

    t = doc["totals"]
    summary = Table(box=box.ROUNDED, show_header=False, title="Totaux", title_justify="left")
    summary.add_column()
    summary.add_column(justify="right")
    summary.add_row(Text("Montant facturé", style="bold"), Text(euros(t["amount"]), style="bold"))
    summary.add_row("Part AMO", euros(t["amo"]))
    summary.add_row("  dont franchise déduite par l'AMO", euros(t["franchise"]))
    summary.add_row("  AMO versée après franchise", euros(t["amo_net"]))
    summary.add_row("Part patient / complémentaire", euros(t["patient_share"]))
    summary.add_row(Text("Lignes", style="dim"), Text(str(t["lines"]), style="dim"))
    console.print(summary)

    compare = "comparison" in doc
    # the comparison beside the sums when the terminal is wide enough, else in a table of its own: at 80
    # columns eight columns would cut the numbers
    beside = compare and console.width >= 120
    for dim in doc["by"]:
        rows = [g for g in doc["groups"] if g["by"] == dim]
        longest = min(max((len(g["key"]) for g in rows), default=0), 12)   # the key may wrap, never a number
        table = Table(box=box.SIMPLE_HEAD, title=f"Par {dimension_fr(dim)} (montants en €)", title_justify="left")
        table.add_column(dimension_fr(dim).capitalize(), min_width=longest)
        for col in ("Montant", "AMO", "Franchise", "Part patient", "Lignes"):
            table.add_column(col, justify="right", no_wrap=True)
        if beside:
            table.add_column("Comparé", justify="right", no_wrap=True)
            table.add_column("Écart", justify="right", no_wrap=True)
        for g in rows:
            cells = [g["key"], fr(g["amount"]), fr(g["amo"]), fr(g["franchise"]), fr(g["patient_share"]),
                     str(g["lines"])]
            if beside:
                cells += [fr(g["compared"]), _signed(g["difference"], g["percent"])]
            table.add_row(*cells)
        console.print(table)
        if compare and not beside:
            other = Table(box=box.SIMPLE_HEAD, title=f"Par {dimension_fr(dim)} : comparaison (montants en €)",
                          title_justify="left")
            other.add_column(dimension_fr(dim).capitalize(), min_width=longest)
            for col in ("Montant", "Comparé", "Écart"):
                other.add_column(col, justify="right", no_wrap=True)
            for g in rows:
                other.add_row(g["key"], fr(g["amount"]), fr(g["compared"]), _signed(g["difference"], g["percent"]))
            console.print(other)

    if doc["retrocession"]:
        base = ("honoraires hors IK (recommandation de l'ordre)" if report.options.retrocession_base == "fees_without_ik"
                else "tous les honoraires, IK comprises")
        console.print(Text(f"Rétrocession aux remplaçants — base : {base}", style="bold"))
        for r in doc["retrocession"]:
            fee = ("taux de frais de cabinet absent" if r["fee_percent"] is None
                   else f"frais de cabinet {fr(r['fee_percent'])} %")
            console.print(Text.assemble(
                f"  {r['remplacant']} pour {r['titulaire']}, du {r['from']} au {r['to']} : base {euros(r['base_amount'])}, "
                f"{fee} → ", (f"{euros(r['amount'])}", "bold"), f" dus à {r['remplacant']}"))
        console.print()

    _prescriptions(doc, console)

    if compare:
        c = doc["comparison"]
        table = Table(box=box.SIMPLE_HEAD, title=f"Comparaison avec les tarifs de {c['tariffs']}",
                      title_justify="left")
        for col in ("Code", "Actuel", "Comparé", "Écart"):
            table.add_column(col, justify="left" if col == "Code" else "right")
        for r in c["by_code"]:
            table.add_row(r["code"], euros(r["amount"]), euros(r["compared"]), _signed(r["difference"], r["percent"]))
        tot = c["total"]
        table.add_row(Text("Total", style="bold"), euros(tot["amount"]), euros(tot["compared"]),
                      Text(_signed(tot["difference"], tot["percent"]), style="bold"))
        console.print(table)

    for note in doc["notes"]:
        console.print(Text.assemble(("note ", "cyan"), note))
    _diagnostics(doc["warnings"], console)


def _signed(diff: str, percent: str | None) -> str:
    """« +37,98 € (+4,76 %) », « −1,20 € (−0,5 %) », « 0,00 € (0,00 %) »: one minus sign, no signed zero."""
    from ngapcli.render.fmt import euros as money, percent as pct

    return money(diff, sign=True) + ("" if percent is None else f" ({pct(percent, sign=True)})")


def _diagnostics(warnings: list[dict], console: Console) -> None:
    if not warnings:
        return
    if len(warnings) <= MAX_DIAGNOSTICS_LISTED:
        from ngapcli.render.table import diagnostic_rows

        for row in diagnostic_rows(warnings, console.width):
            console.print(row)
        return
    counts: dict[tuple[str, str], int] = {}
    for d in warnings:
        counts[(d["code"], d["severity"])] = counts.get((d["code"], d["severity"]), 0) + 1
    table = Table(box=box.SIMPLE_HEAD, title=f"Diagnostics ({len(warnings)}) — le détail : --format json",
                  title_justify="left")
    table.add_column("Code")
    table.add_column("Gravité")
    table.add_column("Nombre", justify="right")
    table.add_column("Titre", overflow="fold")
    from ngapcli.diagnostics import RULES

    for (code, severity), n in sorted(counts.items()):
        r = RULES.get(code)
        table.add_row(code, Text(SEVERITY_FR.get(severity, severity), style=SEVERITY_STYLE.get(severity, "")),
                      str(n), r.title if r else "")
    console.print(table)


def _prescriptions(doc: dict, console: Console) -> None:
    """Séances prescribed, done and left per prescription and act; the renewals to ask for (--expiring)."""
    def day(iso: str) -> str:
        return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"

    rows = doc.get("prescriptions") or []
    if rows:
        # one heading row per prescription (patient, id, last day), then its acts: the act id gets the
        # width of the table (never broken inside, as « surveillan / ce_glycemi / e_insuline » at 80 columns)
        table = Table(box=box.SIMPLE_HEAD, title="Prescriptions : séances ou actes prescrits, faits et restants",
                      title_justify="left")
        table.add_column("Prescription · acte", overflow="fold")
        for col in ("Prescrits", "Faits", "Restants"):
            table.add_column(col, justify="right", no_wrap=True)
        current = None
        for r in rows:
            if (r["patient"], r["prescription"]) != current:
                current = (r["patient"], r["prescription"])
                table.add_row(Text(f"{r['patient']} · {r['prescription']}, jusqu'au {day(r['until'])}", style="bold"))
            table.add_row(f"  {r['act']}", "—" if r["prescribed"] is None else str(r["prescribed"]), str(r["done"]),
                          "—" if r["left"] is None else str(r["left"]))
        console.print(table)
    if "expiring" in doc:
        last = doc["period"]["to"]
        if not doc["expiring"]:
            console.print(Text("Aucune prescription ne finit dans la période demandée (--expiring).", style="dim"))
        else:
            # counted from the last day of the report, not from today: « aujourd'hui » would be wrong
            console.print(Text.assemble(("Prescriptions à renouveler", "bold"),
                                        f" (à compter du {day(last)}, fin du rapport)" if last else ""))
            for r in doc["expiring"]:
                when = "le jour de fin du rapport" if r["days_left"] == 0 else \
                    f"dans {_count(r['days_left'], 'jour', 'jours')}"
                console.print(f"  {r['patient']} · {r['prescription']} : dernier jour le {day(r['until'])} ({when})")
        console.print()
