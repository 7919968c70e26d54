#!/usr/bin/env python3
"""Writes ``docs/ngap.1``: the man page of ngap (roff, in French), built from the command line itself.

Each command's usage line, options and help texts are read from the click command that typer builds
from ``ngapcli.cli.app`` (``typer.main.get_command``), in French as ``ngap … --help`` says them
(ngapcli/i18n.py): the page cannot say something the program does not. ``tests/test_manpage.py`` checks
that running this script again gives exactly the committed file; after changing a command, an option,
a help text or a file of docs/, run it again:

    python scripts/make_manpage.py            # rewrite docs/ngap.1
    python scripts/make_manpage.py --check    # exit 1 if docs/ngap.1 differs from what it would write

Read it with ``man -l docs/ngap.1``; a ``pip install`` puts it in the package (``ngapcli/man/ngap.1``).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "ngap.1"

NAME = "ngap \\- cotation des soins infirmiers libéraux (NGAP Titre XVI) en ligne de commande"

DESCRIPTION = [
    "L'infirmière décrit sa tournée dans un fichier YAML (patients, visites, actes, prescriptions, "
    "plans de soins) ; ngap applique les règles de la NGAP (article 11B et ses dérogations, forfaits BSI "
    "et AMX, IFD, IFI et IK avec le plafond journalier, majorations de nuit, de dimanche et de jour férié, "
    "MAU, MCI, MIE) avec les tarifs datés du dossier de tarifs, et montre chaque ligne avec la règle qui "
    "l'a produite.",
    "Les dates s'écrivent AAAA-MM-JJ ou JJ/MM/AAAA. Les montants sont en euros, au centime. Avec "
    "--format json ou csv, la sortie standard ne contient que les données : les diagnostics vont aussi "
    "sur la sortie d'erreur, un par ligne. « ngap new tournee.yaml » écrit un modèle de tournée commenté "
    "pour commencer.",
]

EXIT_CODES = [
    ("0", "Tout est tarifé ou contrôlé ; des alertes (warning) et des informations sont permises."),
    ("1", "Une erreur de facturation : un acte que la NGAP n'autorise pas du tout (limite de nombre, "
          "exclusion entre actes, acte hors vigueur, acte sans prescription qui le couvre) ; avec --strict, "
          "aussi toute alerte. Pour ngap audit : un indu (avec --strict, toute différence)."),
    ("2", "Entrée illisible (fichier, ligne et colonne sont donnés) ou mauvaise utilisation de la commande."),
    ("3", "Erreur interne de ngap : un défaut du programme, à signaler."),
    ("130", "Interrompu (Ctrl+C)."),
]

FILES = [
    ("tariffs/", "Les tarifs fournis : actes et coefficients (acts.yaml), valeurs des lettres clés, forfaits, "
                 "majorations et indemnités (values.yaml), règles (rules.yaml), zones, jours fériés, "
                 "franchise ; chaque valeur datée et sourcée. Installé avec le paquet (ngapcli/tariffdata). "
                 "--tariffs DOSSIER en donne d'autres : un dossier complet, ou une surcouche overlay.yaml "
                 "qui ne contient que ce qui change."),
    ("docs/", "La documentation du projet, dans le dépôt (voir VOIR AUSSI)."),
    ("examples/", "Des tournées d'exemple, une surcouche de tarifs (avenant11_proposal) et un mois de "
                  "prescriptions (prescriptions/mars_2025.yaml)."),
]

ENVIRONMENT = [
    ("NO_COLOR", "Si elle est définie, pas de couleurs (il n'y en a pas non plus hors d'un terminal)."),
    ("COLUMNS", "Largeur des tableaux en colonnes (par défaut celle du terminal ; 80 hors d'un terminal)."),
]

_OPTION = re.compile(r"(?<![\w\\-])(--?[A-Za-z][\w-]*)")


_FRENCH_SPACE = re.compile(r"(?<=«) | (?=[»:;?!])|(?<=\[par) (?=défaut)|(?<=\[par défaut :) ")


def text(s: str) -> str:
    """Plain text for roff: backslashes escaped, the dashes of options as real hyphen-minus signs, and
    the space inside « » and before : ; ? ! unbreakable (a line never starts with « ; » or ends with «)."""
    s = " ".join(s.replace("\\", "\\e").split())
    s = _OPTION.sub(lambda m: m.group(1).replace("-", "\\-"), s)
    return _FRENCH_SPACE.sub(lambda m: "\\~", s)


def line(s: str) -> str:
    """A roff text line: one starting with a control character would be read as a request."""
    return "\\&" + s if s[:1] in (".", "'") else s


def paragraphs(help_text: str | None) -> list[str]:
    parts = [p for p in re.split(r"\n\s*\n", help_text or "") if p.strip()]
    return [line(text(p.replace("\b", ""))) for p in parts]


# what each file of docs/ is about, said to a nurse (a file not named here is listed by its name alone)
DOCS = {
    "README.md": "Index de la documentation : quelle page lire pour quoi.",
    "format.md": "Le format d'une tournée : chaque clé.",
    "diagnostics.md": "Chaque code de diagnostic : ce qu'il veut dire, ce qu'il faut écrire pour le corriger.",
    "lectures.md": "Les lectures retenues là où les textes se contredisent, avec le paramètre de rules.yaml.",
    "sources.md": "Les textes officiels d'où viennent les valeurs, avec leurs dates.",
    "tarifs.md": "Les dossiers de tarifs, leur fraîcheur, les surcouches (--tariffs, --diff).",
    "prescriptions.md": "Prescriptions et plans de soins (ngap plan, ngap report --expiring).",
    "audit.md": "Contrôler ce qui a été facturé (ngap audit), avec ou sans tournées.",
}


def doc_files() -> list[tuple[str, str]]:
    """The files of docs/ as they are: a new one makes tests/test_manpage.py ask for this script again."""
    return [(f"docs/{p.name}", DOCS.get(p.name, "")) for p in sorted((ROOT / "docs").glob("*.md"))]


def _usage(cmd, ctx) -> str:
    return " ".join(cmd.collect_usage_pieces(ctx))


def _options(cmd, ctx) -> list[str]:
    out = []
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        if param.param_type_name == "argument":
            head = f"\\fI{text(names)}\\fR"
        else:
            *opts, last = names.split(", ")
            last, _, metavar = last.partition(" ")
            head = ", ".join(f"\\fB{text(o)}\\fR" for o in [*opts, last])
            if metavar:
                head += f" \\fI{text(metavar)}\\fR"
        out += [".TP", line(head), line(text(help_text)) if help_text.strip() else "\\&"]
    return out


def build() -> str:
    import typer.main
    from typer import _click as click

    from ngapcli import __version__, cli
    from ngapcli.i18n import frenchify

    group = typer.main.get_command(cli.app)
    frenchify(group)
    top = click.Context(group, info_name="ngap", **group.context_settings)
    out = [
        ".\\\" -*- coding: UTF-8 -*-",
        ".\\\" Généré par scripts/make_manpage.py à partir des commandes de ngap : ne pas modifier à la main.",
        f'.TH NGAP 1 "" "ngap {__version__}" "Commandes utilisateur"',
        ".nh",   # no hyphenation (groff's is English: « in-staller ») and ragged right, as the terminal screens
        ".ad l",
        ".SH NOM",
        NAME,
        ".SH SYNOPSIS",
    ]
    commands = list(group.commands.items())
    first = True
    for name, cmd in commands:
        if not first:
            out.append(".br")
        first = False
        ctx = click.Context(cmd, info_name=name, parent=top)
        out += [f".B ngap {name}", line(text(_usage(cmd, ctx)))]
    out += [".br", ".B ngap", line(text(_usage(group, top)))]
    out += [".SH DESCRIPTION", *paragraphs(group.help)]
    for p in DESCRIPTION:
        out += [".PP", line(text(p))]
    out += [".SS Options générales", *_options(group, top)]
    out.append(".SH COMMANDES")
    for name, cmd in commands:
        ctx = click.Context(cmd, info_name=name, parent=top)
        out.append(f'.SS "ngap {name}"')
        out += [".PP", f".B ngap {name}", line(text(_usage(cmd, ctx)))]
        for p in paragraphs(cmd.help):
            out += [".PP", p]
        out += _options(cmd, ctx)
    out.append(".SH CODES DE SORTIE")
    for code, meaning in EXIT_CODES:
        out += [".TP", f".B {code}", line(text(meaning))]
    out.append(".SH ENVIRONNEMENT")
    for var, meaning in ENVIRONMENT:
        out += [".TP", f".B {var}", line(text(meaning))]
    out.append(".SH FICHIERS")
    for path, meaning in FILES:
        out += [".TP", f".I {path}", line(text(meaning))]
    out.append(".SH VOIR AUSSI")
    out.append(line(text("La documentation du dépôt, dans docs/ :")))
    for path, title in doc_files():
        out += [".TP", f".I {path}", line(text(title)) if title else "\\&"]
    out += [".PP", line(text("ngap <commande> --help, ngap explain --list (codes de facturation, diagnostics "
                             "et actes), README.md du projet."))]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Écrit docs/ngap.1, la page de manuel de ngap.")
    parser.add_argument("--check", action="store_true", help="code 1 si docs/ngap.1 n'est pas à jour")
    args = parser.parse_args(argv)
    page = build()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != page:
            print(f"{TARGET.relative_to(ROOT)} n'est pas à jour : python scripts/make_manpage.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(page, encoding="utf-8")
    print(f"écrit : {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
