"""Command-line wiring (thin): read arguments, call loaders, rules and renderers, set the exit code."""
from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ngapcli import __version__
from ngapcli.errors import InputError, UsageError
from ngapcli.i18n import install as _french

_french()  # typer's own words (help, usage, defaults) in French: ngapcli/i18n.py

app = typer.Typer(
    name="ngap",
    help="Cotation des soins infirmiers libéraux (NGAP Titre XVI) : prix d'une tournée, contrôles, rapports.",
    add_completion=True,   # --install-completion / --show-completion (bash, zsh, fish)
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    csv_fr = "csv-fr"


def _format(value):
    """csv-fr (French spreadsheet: « ; », decimal comma, BOM) is csv written another way (render/data.py):
    the commands see csv. (typer converts what this returns from its text: the value, not the member.)"""
    value = Format(value)
    if value in (Format.csv, Format.csv_fr):
        from ngapcli.render import data

        data.use_french_csv(value is Format.csv_fr)
        return Format.csv.value
    return value.value


TariffsOpt = typer.Option(None, "--tariffs", help="Dossier de tarifs à utiliser à la place de celui fourni "
                          "(par exemple les valeurs d'un nouvel avenant) : complet, ou surcouche (overlay.yaml) "
                          "qui ne contient que ce qui change (docs/tarifs.md).")
FormatOpt = typer.Option(Format.table, "--format", "-f", callback=_format,
                         help="table (défaut), json, csv, ou csv-fr pour un tableur français (« ; », virgule "
                         "décimale, BOM UTF-8).")
DayOpt = typer.Option(None, "--day", help="Ne montre que ce jour (AAAA-MM-JJ ou JJ/MM/AAAA) ; les tournées sont "
                      "tarifées en entier (séances des prescriptions, limites) et seules les lignes du jour sont gardées.")
FromOpt = typer.Option(None, "--from", help="Premier jour montré (AAAA-MM-JJ ou JJ/MM/AAAA).")
ToOpt = typer.Option(None, "--to", help="Dernier jour montré (AAAA-MM-JJ ou JJ/MM/AAAA).")


def _version(value: bool):
    if value:
        typer.echo(f"ngap {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                       help="Affiche la version et quitte.")):
    """Cotation des soins infirmiers libéraux (NGAP Titre XVI)."""
    data = sys.modules.get("ngapcli.render.data")
    if data is not None:   # each invocation starts with the plain CSV (csv-fr is set by --format, see _format)
        data.FRENCH_CSV = False


def fail(exc: Exception) -> typer.Exit:
    from ngapcli.wrapfr import for_terminal

    typer.echo(for_terminal(f"erreur : {exc}", sys.stderr), err=True)  # by words on a terminal (80 columns)
    return typer.Exit(2)


def _store(tariffs: Optional[Path]):
    from ngapcli.tariffs import TariffStore

    return TariffStore.load(tariffs)


def _read_all(files: List[str], store) -> list:
    from ngapcli.tourfile import load_tours

    if not files:
        raise UsageError("aucun fichier de tournée ; donnez un chemin ou « - » pour l'entrée standard")
    tours = []
    for f in files:
        tours.extend(load_tours(f, store.act_ids, store.letters))
    return tours


def _console(**kw):
    from ngapcli.render.richfr import console

    return console(**kw)


def _names(tours) -> dict:
    return {p.id: p.name for t in tours for p in t.patients if p.name}


def _period_if_any(day, date_from, date_to):
    """The period of --day/--from/--to, or None when none is given (price and check then keep every line)."""
    return None if day is None and date_from is None and date_to is None else _period(day, date_from, date_to)


def _period(day, date_from, date_to):
    from ngapcli.period import Period

    try:
        return Period.from_options(day, date_from, date_to)
    except UsageError as exc:
        raise fail(exc)


def _price_files(files: List[str], tariffs: Optional[Path], period=None):
    """Read every file first (an input error prices nothing, exit 2), then price them together; with a
    period, keep its lines and diagnostics."""
    from ngapcli.rules import price as price_tours

    try:
        store = _store(tariffs)
        tours = _read_all(files, store)
    except (InputError, UsageError) as exc:
        raise fail(exc)
    result = price_tours(tours, store)
    return tours, (period.result(result) if period is not None else result)


def _diagnostics_to_stderr(diagnostics) -> None:
    """JSON and CSV keep stdout pure data: the diagnostics also go to stderr, one line each (contract §3)."""
    from ngapcli.output import diagnostics_to_stderr

    diagnostics_to_stderr(diagnostics)


def _write_data(format: "Format", document, rows, diagnostics) -> None:
    """``--format json|csv|csv-fr``: the document (json) or the rows (csv) on stdout — ``document()`` and
    ``rows()`` → (rows, columns) are called only for the format asked — and the diagnostics on stderr."""
    from ngapcli.render import data

    if format is Format.json:
        data.write_json(document(), sys.stdout)
    else:
        table, columns = rows()
        data.write_csv(table, sys.stdout, columns)
    _diagnostics_to_stderr(diagnostics)


def _exit_code(result, strict: bool) -> int:
    if result.has_errors or (strict and result.has_warnings):
        return 1
    return 0


@app.command()
def price(
    files: List[str] = typer.Argument(None, help="Fichiers de tournée YAML, ou « - » pour l'entrée standard."),
    format: Format = FormatOpt,
    strict: bool = typer.Option(False, "--strict", help="Toute alerte fait échouer (code 1)."),
    day: Optional[str] = DayOpt,
    date_from: Optional[str] = FromOpt,
    date_to: Optional[str] = ToOpt,
    tariffs: Optional[Path] = TariffsOpt,
):
    """Facture une ou plusieurs tournées : lignes, majorations, déplacements, totaux, diagnostics."""
    tours, result = _price_files(files, tariffs, _period_if_any(day, date_from, date_to))
    if format is Format.table:
        from ngapcli.render.table import render_price

        render_price(result, _console(), _names(tours))
    else:
        from ngapcli.render import data

        _write_data(format, lambda: data.price_document(result, tours),
                    lambda: (data.line_rows(result, tours), data.CSV_COLUMNS), result.diagnostics)
    raise typer.Exit(_exit_code(result, strict))


@app.command()
def check(
    files: List[str] = typer.Argument(None, help="Fichiers de tournée YAML, ou « - »."),
    format: Format = FormatOpt,
    strict: bool = typer.Option(False, "--strict", help="Toute alerte fait échouer (code 1)."),
    day: Optional[str] = DayOpt,
    date_from: Optional[str] = FromOpt,
    date_to: Optional[str] = ToOpt,
    tariffs: Optional[Path] = TariffsOpt,
):
    """Valide les tournées et liste les diagnostics, sans totaux."""
    tours, result = _price_files(files, tariffs, _period_if_any(day, date_from, date_to))
    if format is Format.table:
        from ngapcli.render.table import check_summary, render_diagnostics

        console = _console()
        render_diagnostics(result, console)
        console.print(check_summary(result))
    else:
        warnings = [d.as_dict() for d in result.diagnostics]
        cols = ["code", "severity", "file", "line", "patient", "date", "time", "message", "reference"]
        _write_data(format, lambda: {"ngap_version": __version__, "warnings": warnings}, lambda: (warnings, cols),
                    result.diagnostics)
    raise typer.Exit(_exit_code(result, strict))


@app.command()
def acts(
    query: Optional[str] = typer.Argument(None, help="Mots à chercher (sans accents ni casse)."),
    on: Optional[str] = typer.Option(None, "--date", help="Coefficient en vigueur à cette date (AAAA-MM-JJ)."),
    format: Format = FormatOpt,
    tariffs: Optional[Path] = TariffsOpt,
):
    """Cherche dans le catalogue des actes (identifiant, libellé, article)."""
    try:
        store = _store(tariffs)
        day = _parse_date(on) if on else date.today()
    except (InputError, UsageError) as exc:
        raise fail(exc)
    found = store.search(query)
    rows = [{"id": a.id, "letter": a.letter, "coefficient": str(a.coefficient(day)), "amx": a.amx,
             "article": a.article, "label": a.label, "from": str(a.start or ""), "until": str(a.until or ""),
             "in_force": a.in_force(day), "confidence": a.confidence} for a in found]
    if format is Format.json:
        from ngapcli.render import data

        data.write_json({"ngap_version": __version__, "date": day.isoformat(), "acts": rows}, sys.stdout)
    elif format is Format.csv:
        from ngapcli.render import data

        data.write_csv(rows, sys.stdout, list(rows[0]) if rows else ["id"])
    else:
        if not rows:
            typer.echo(f"Aucun acte ne correspond à « {query} » (essayez un mot du libellé, ou « ngap acts » pour "
                       "tout le catalogue).", err=True)
            raise typer.Exit(1)
        from ngapcli.render.acts import render_acts

        render_acts(rows, day, _console())
    raise typer.Exit(0 if rows else 1)


@app.command()
def tariffs(
    on: Optional[str] = typer.Option(None, "--date", help="Date (AAAA-MM-JJ), par défaut aujourd'hui."),
    zone: str = typer.Option("metropole", "--zone", help="metropole, alsace_moselle, guadeloupe, martinique, "
                             "guyane, reunion, mayotte."),
    format: Format = FormatOpt,
    tariffs: Optional[Path] = TariffsOpt,
    diff: bool = typer.Option(False, "--diff", help="Avec --tariffs DOSSIER : ce que ce dossier (une surcouche "
                              "ou un dossier complet) change aux tarifs fournis, clé par clé et date par date."),
):
    """Valeurs en vigueur des lettres clés, forfaits, majorations et indemnités, et leur fraîcheur."""
    from ngapcli.render import tariffs as out

    if diff:
        _tariffs_diff(tariffs, format)
    try:
        store = _store(tariffs)
        day = _parse_date(on) if on else date.today()
        from ngapcli.tariffs import fold

        zone = {fold(z): z for z in store.zones}.get(fold(zone.strip()).replace(" ", "_").replace("-", "_"), zone)
        if zone not in store.zones:
            raise UsageError(f"zone « {zone} » inconnue ; zones : {', '.join(store.zones)}")
    except (InputError, UsageError) as exc:
        raise fail(exc)
    rows = out.values_rows(store, day, zone)
    if format is Format.json:
        from ngapcli.render import data

        data.write_json({"ngap_version": __version__, **out.meta(store, day, zone), "values": rows}, sys.stdout)
    elif format is Format.csv:
        from ngapcli.render import data

        data.write_csv(rows, sys.stdout, ["key", "code", "label", "value", "note"])
    else:
        out.render_values(store, rows, day, zone, _console())
    raise typer.Exit(0)


def _tariffs_diff(tariffs: Optional[Path], format: Format) -> None:
    from ngapcli.render import tariffs as out
    from ngapcli.tariffdiff import changes
    from ngapcli.tariffs import TariffStore

    try:
        if tariffs is None:
            raise UsageError("--diff compare un dossier de tarifs aux tarifs fournis : donnez-le avec --tariffs "
                             "DOSSIER")
        rows = changes(*TariffStore.layers(tariffs))
    except (InputError, UsageError) as exc:
        raise fail(exc)
    from ngapcli.render import data

    if format is Format.json:
        data.write_json({"ngap_version": __version__, **out.diff_document(tariffs, rows)}, sys.stdout)
    elif format is Format.csv:
        data.write_csv(out.diff_csv_rows(rows), sys.stdout, out.DIFF_COLUMNS)
    else:
        out.render_diff(tariffs, rows, _console())
    raise typer.Exit(0)


@app.command()
def audit(
    paths: List[str] = typer.Argument(None, help="Fichiers ou dossiers de tournées YAML (avec « billed »), ou « - »."),
    billed: Optional[Path] = typer.Option(None, "--billed", dir_okay=False, help="CSV des cotations facturées "
                                          "(colonnes date, patient, time ou visit, cotation, amount facultatif) ; "
                                          "remplace les clés « billed » des tournées ; "
                                          "sans tournée, l'export est contrôlé seul (colonnes nurse, zone facultatives)."),
    format: Format = FormatOpt,
    strict: bool = typer.Option(False, "--strict", help="Toute différence (oubli, écart ; export seul : tout constat) fait échouer (code 1)."),
    show_all: bool = typer.Option(False, "--all", help="Tableau : montre aussi les visites conformes (export seul : tous les constats)."),
    day: Optional[str] = DayOpt,
    date_from: Optional[str] = FromOpt,
    date_to: Optional[str] = ToOpt,
    tariffs: Optional[Path] = TariffsOpt,
):
    """Compare la cotation facturée de chaque visite à la cotation due : indus, oublis, écarts (code 1 si un indu).

    Avec --billed FICHIER.csv et sans tournée : contrôle l'export de facturation seul (indus certains, à vérifier)."""
    if billed is not None and not paths:
        _audit_export(billed, format, strict, tariffs, show_all, _period_if_any(day, date_from, date_to))
    from ngapcli import auditio
    from ngapcli.audit import audit as run_audit
    from ngapcli.render import audit as out

    period = _period(day, date_from, date_to)
    try:
        store = _store(tariffs)
        tours, texts = auditio.read_tours(paths or [], store)
        orphans = []
        if billed is not None:
            rows = auditio.read_billed_csv(str(billed))
            billed_rows, orphans = auditio.join_csv(rows, tours)
        else:
            billed_rows = auditio.billed_from_tours(tours, texts)
    except (InputError, UsageError) as exc:
        raise fail(exc)
    result = period.audit(run_audit(tours, store, billed_rows, orphans))
    if format is Format.table:
        out.render_audit(result, _console(), _names(tours), show_all)
    else:
        _write_data(format, lambda: out.audit_document(result), lambda: (out.csv_rows(result), out.CSV_COLUMNS),
                    result.diagnostics)
    raise typer.Exit(result.exit_code(strict))


def _audit_export(billed: Path, format: Format, strict: bool, tariffs: Optional[Path], show_all: bool,
                  period=None) -> None:
    """`ngap audit --billed FILE.csv` without tours: the export checked by itself (ngapcli.claims)."""
    from ngapcli.claimsio import audit_export
    from ngapcli.render import claims as out

    try:
        store = _store(tariffs)
        with out.progress_bar(out.stderr_is_terminal()) as progress:
            result = audit_export(str(billed), store, progress, period.keeps if period is not None else None)
    except (InputError, UsageError) as exc:
        raise fail(exc)
    if format is Format.table:
        out.render_claims(result, _console(), None if show_all else 30)
    else:
        _write_data(format, lambda: out.claims_document(result), lambda: (out.csv_rows(result), out.CSV_COLUMNS),
                    result.warnings)
    raise typer.Exit(result.exit_code(strict))


@app.command()
def explain(code: Optional[str] = typer.Argument(None, help="Code de facturation (AMI, MAU, IFD, etc.), "
                                                 "code de diagnostic (NGAP101) ou identifiant d'acte."),
            list_all: bool = typer.Option(False, "--list", "-l", help="Liste tout ce que « explain » connaît.")):
    """Explique un code de facturation, un diagnostic ou un acte, avec sa référence."""
    from ngapcli import explain as ex

    try:
        store = _store(None)
    except InputError as exc:
        raise fail(exc)
    if list_all:
        typer.echo(ex.listing(store, date.today()))
        raise typer.Exit(0)
    if not code:
        raise fail(UsageError("donnez un code (AMI, MAU, NGAP101…) ou un identifiant d'acte ; "
                              "« ngap explain --list » les liste tous"))
    text = ex.explain(code, store, date.today())
    if text is None:
        hint = ex.suggestion(code, store)
        raise fail(UsageError(f"« {code} » n'est ni un code de facturation, ni un code de diagnostic, ni un acte "
                              "connu" + (f" ; « {hint} » ?" if hint else "") + " (ngap explain --list)"))
    typer.echo(text)
    raise typer.Exit(0)


@app.command()
def new(
    output: Optional[Path] = typer.Argument(None, help="Fichier à écrire (par défaut la sortie standard) ; "
                                            "jamais écrasé s'il existe."),
    on: Optional[str] = typer.Option(None, "--date", help="Date de la tournée (AAAA-MM-JJ ou JJ/MM/AAAA), par "
                                     "défaut aujourd'hui."),
    nurse: str = typer.Option("Prénom Nom", "--nurse", help="Nom de l'infirmière."),
):
    """Écrit un modèle de tournée commenté, à compléter (il se facture tel quel)."""
    from ngapcli import template

    try:
        day = _parse_date(on) if on else None
        text = template.render(day, nurse, str(output) if output else "tournee.yaml")
        if output is None:
            sys.stdout.write(text)
        elif output.exists():
            raise UsageError(f"« {output} » existe déjà : choisissez un autre nom (rien n'a été écrit)")
        else:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"modèle écrit dans {output} ; ensuite : ngap price {output}", err=True)
    except OSError as exc:
        raise fail(UsageError(f"« {output} » : écriture impossible ({exc.strerror or exc})"))
    except UsageError as exc:
        raise fail(exc)
    raise typer.Exit(0)


class RetroBase(str, Enum):
    fees = "fees"
    fees_without_ik = "fees_without_ik"


@app.command()
def report(
    paths: List[str] = typer.Argument(None, help="Fichiers et dossiers de tournées (*.yaml, *.yml, dossiers "
                                      "parcourus récursivement), ou « - » : une tournée ou la sortie "
                                      "« ngap price --format json » sur l'entrée standard."),
    by: List[str] = typer.Option(None, "--by", help="Regroupements : day, week, month, patient, code, nurse "
                                 "(ou jour, semaine, mois, infirmière) ; option répétable : un tableau par regroupement ; « month,nurse » "
                                 "croise : une ligne par mois et infirmière. Par défaut : day, patient, code, nurse."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Première date gardée (AAAA-MM-JJ ou JJ/MM/AAAA)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Dernière date gardée (AAAA-MM-JJ ou JJ/MM/AAAA)."),
    day: Optional[str] = typer.Option(None, "--day", help="Un seul jour (AAAA-MM-JJ ou JJ/MM/AAAA)."),
    expiring: Optional[int] = typer.Option(None, "--expiring", min=0, help="Liste les prescriptions qui finissent "
                                           "dans les N jours après le dernier jour tarifé : les renouvellements à "
                                           "demander au médecin."),
    format: Format = typer.Option(Format.table, "--format", "-f", callback=_format,
                                  help="table (défaut), json, csv (une ligne par groupe, puis le total) ou "
                                  "csv-fr (tableur français)."),
    retrocession_base: RetroBase = typer.Option(RetroBase.fees_without_ik, "--retrocession-base",
                                                help="Base de la rétrocession due au remplaçant : fees (tous les "
                                                "honoraires) ou fees_without_ik (hors indemnités kilométriques, "
                                                "par défaut, comme le recommande l'ordre)."),
    compare_tariffs: Optional[Path] = typer.Option(None, "--compare-tariffs",
                                                   help="Tarifie aussi avec ce dossier de tarifs (par exemple "
                                                   "le dossier avenant11_proposal des exemples) et montre l'écart "
                                                   "par code et au total, en euros et en %."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Pas de barre de progression (elle ne s'affiche, "
                               "sur la sortie d'erreur, que sur un terminal)."),
    strict: bool = typer.Option(False, "--strict", help="Toute alerte fait échouer (code 1)."),
    tariffs: Optional[Path] = TariffsOpt,
):
    """Rapport sur un lot de tournées : totaux par jour, semaine, mois, patient, code et infirmière ; part AMO, part patient et franchise ; rétrocession des remplaçants.

    Un fichier illisible est signalé (chemin et ligne) et les autres comptent quand même : le code de sortie est alors 2. Sinon 0 (alertes permises) ou 1 (erreur de facturation, ou toute alerte avec --strict).
    """  # noqa: E501 - one line per paragraph: the help keeps line breaks
    from ngapcli import report as rep

    try:
        period = _period(day, date_from, date_to)
        options = rep.Options(rep.parse_by(by), period.start, period.end, retrocession_base.value, expiring)
        store = _store(tariffs)
        other = _store(compare_tariffs) if compare_tariffs else None
        from contextlib import nullcontext

        from ngapcli.render.report_table import RichProgress, want_progress

        progress = RichProgress() if want_progress(quiet) else None
        with progress or nullcontext():
            result = rep.run(paths or [], store, options, other, str(compare_tariffs) if compare_tariffs else None,
                             progress)
    except (InputError, UsageError) as exc:
        raise fail(exc)
    for f in result.skipped:
        typer.echo(f"ignoré : {f.reason}", err=True)
    if format is Format.table:
        from ngapcli.render.report_table import render_report

        render_report(result, _console())
    else:
        doc = result.document()
        _write_data(format, lambda: doc, lambda: rep.csv_table(doc), doc["warnings"])
    if result.skipped:
        raise typer.Exit(2)
    raise typer.Exit(_exit_code(result, strict))


def _parse_date(text: str) -> date:
    """AAAA-MM-JJ, or JJ/MM/AAAA as a French user writes it (ngapcli/datefr.py)."""
    from ngapcli.datefr import parse

    return parse(text)


@app.command()
def plan(
    files: List[str] = typer.Argument(None, help="Fichiers de tournée YAML avec des « plan », ou « - »."),
    date_from: Optional[str] = FromOpt,
    date_to: Optional[str] = ToOpt,
    tariffs: Optional[Path] = TariffsOpt,
):
    """Développe les plans de soins en visites et écrit les tournées en YAML (chaque visite commentée de la ligne du plan dont elle vient) ; tarifer cette sortie donne les mêmes lignes que tarifer le plan."""  # noqa: E501
    from ngapcli import planout

    period = _period(None, date_from, date_to)
    try:
        tours = _read_all(files, _store(tariffs))
    except (InputError, UsageError) as exc:
        raise fail(exc)
    planout.write(tours, sys.stdout, period.keeps)
    raise typer.Exit(0)


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command named first in ``args``, when there is one: typer turns every
    registered command into a click command at each call (signatures, type hints), ~10 ms for all of
    them; building only the one that runs is a third of a cold start's overhead (see benchmarks/run.py).
    Same callback, settings and messages: ``ngap price --help`` is the same either way."""
    from typer.main import get_command_name

    name = args[0] if args else None
    for info in app.registered_commands:
        if (info.name or get_command_name(info.callback.__name__)) == name:
            import copy

            one = copy.copy(app)
            one.registered_commands = [info]
            return one
    return app


def _end(code) -> None:
    """End the process without the interpreter's teardown when nothing needs it: freeing every module
    and object at exit costs 25-40 ms of each command (benchmarks/run.py), for nothing once the output
    is flushed. Not while a worker process or a thread is still there, nor for an exit message: a
    normal exit then."""
    threading = sys.modules.get("threading")
    processes = sys.modules.get("multiprocessing")
    if not isinstance(code, (int, type(None))) or (processes is not None and processes.active_children()) \
            or (threading is not None and threading.active_count() > 1):
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe: let the interpreter say it as usual
        sys.exit(code)
    import os

    os._exit(code or 0)


def main() -> None:
    """The console entry point: runs the command and ends the process (see _end)."""
    from typer._click import exceptions as click_errors
    from typer.exceptions import Abort  # (typer._click has none: naming it there broke the clause below)

    from ngapcli.output import pipe_safe

    pipe_safe()
    try:
        # not standalone: click's usage errors come back here to be said in French (ngapcli/usage.py)
        _end(_app_for(sys.argv[1:])(standalone_mode=False, prog_name="ngap"))
    except SystemExit as exc:
        _end(exc.code)
    except click_errors.NoArgsIsHelpError as exc:   # `ngap` alone: the help, as typer shows it
        from typer import rich_utils

        rich_utils.rich_format_error(exc)
        _end(exc.exit_code)
    except click_errors.ClickException as exc:
        from ngapcli.usage import render

        sys.stderr.write(render(exc, sys.argv[1:]))
        _end(exc.exit_code)
    except (KeyboardInterrupt, Abort):
        sys.stderr.write("interrompu\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback for a user
        sys.stderr.write(f"erreur interne de ngap ({type(exc).__name__}: {exc}) ; merci de la signaler\n")
        sys.exit(3)
