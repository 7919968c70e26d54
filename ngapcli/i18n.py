"""typer's and click's own words said in French: help panels, usage line, defaults, metavariables.

typer 0.28 carries its own copy of click (``typer._click``) whose strings are plain English literals, and
its rich help (``typer.rich_utils``) reads module constants built at import time. No gettext catalogue
can reach both, so ``install()`` sets them once, at the few places they live:

- ``typer.core._`` (the gettext function typer's core calls at help time: « default », « required »…);
- the constants of ``typer.rich_utils`` (panel titles, ``[default: …]``), set when help is first printed:
  rich is imported for a help page only, never for a command's run (cold start, benchmarks/run.py);
- the usage prefix (« Utilisation : »), the help option's text, the metavariables (``<str>``,
  ``[files]...`` become ``FICHIER...``, ``DATE``, ``DOSSIER``…) and typer's completion options.

Every command, present or future, gets the same treatment: a parameter without a metavariable of its
own gets one from its name and type (``METAVARS``). Usage errors are translated in ``ngapcli/usage.py``.
"""
from __future__ import annotations

import copy

WORDS = {
    "default: {default}": "par défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable d'environnement : {var}",
    "(dynamic)": "(dynamique)",
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "Aborted!": "Interrompu.",
}

RICH = {
    "DEPRECATED_STRING": "(obsolète) ",
    "DEFAULT_STRING": "[par défaut : {}]",
    "ENVVAR_STRING": "[variable d'environnement : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Interrompu.",
    "RICH_HELP": "Aide : [blue]{command_path} {help_option}[/]",
}

USAGE_PREFIX = "Utilisation : "
HELP_TEXT = "Affiche cette aide et quitte."
SUBCOMMAND_METAVAR = "COMMANDE [ARGUMENTS]..."

# a parameter's metavariable from its (python) name; else from its type (see _metavar)
METAVARS = {
    "files": "FICHIER...", "paths": "CHEMIN...", "query": "MOTS...", "code": "CODE",
    "on": "DATE", "day": "DATE", "date": "DATE", "date_from": "DATE", "date_to": "DATE",
    "zone": "ZONE", "by": "GROUPES", "tariffs": "DOSSIER", "compare_tariffs": "DOSSIER",
    "billed": "FICHIER.csv", "retrocession_base": "BASE", "output": "FICHIER", "expiring": "JOURS", "nurse": "NOM",
}
TYPES = {"text": "TEXTE", "integer": "NOMBRE", "integer range": "NOMBRE", "float": "NOMBRE", "path": "CHEMIN", "file": "FICHIER",
         "date": "DATE", "datetime": "DATE"}
CHOICES_MAX = 16        # choices longer than this (« fees|fees_without_ik ») are named, not listed

# typer's own options (completion), by their python name
OPTION_HELP = {
    "install_completion": "Installe la complétion pour le shell courant (bash, zsh, fish).",
    "show_completion": "Affiche le script de complétion du shell courant, pour l'installer à la main.",
}

_installed = False


def translate(message: str) -> str:
    return WORDS.get(message, message)


def _metavar(param) -> str | None:
    if param.metavar is not None or getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    named = METAVARS.get(param.name or "")
    choices = getattr(param.type, "choices", None)
    if choices:
        listed = "|".join(str(getattr(c, "value", c)) for c in choices)
        return listed if len(listed) <= CHOICES_MAX or not named else named
    if named:
        return named
    kind = getattr(param.type, "name", "") or ""
    word = TYPES.get(kind.lower(), (param.name or "valeur").upper())
    if getattr(param, "nargs", 1) != 1:
        word += "..."
    return word


def install_completion(ctx, param, value):
    """typer's --install-completion, said in French."""
    if not value or ctx.resilient_parsing:
        return value
    import sys

    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    sys.stdout.write(f"complétion {shell} installée dans {path} : elle prendra effet dans un nouveau terminal\n")
    sys.exit(0)


def describe_range(self) -> str:
    """A number range as a French user reads it (click says « x>=0 », « 1<=x<=5 »)."""
    low = None if self.min is None else (f"plus de {self.min}" if self.min_open else f"{self.min} ou plus")
    high = None if self.max is None else (f"moins de {self.max}" if self.max_open else f"{self.max} ou moins")
    if low and high:
        return f"de {self.min} à {self.max}" if not (self.min_open or self.max_open) else f"{low} et {high}"
    return low or high or ""


def _no_metavar(param, ctx) -> str:
    return ""


def frenchify(command, ctx=None) -> None:
    """Give a command (and a group's subcommands) French metavariables and option texts; idempotent."""
    if getattr(command, "_ngap_fr", False):
        return
    command._ngap_fr = True
    for param in command.params:
        mv = _metavar(param)
        if mv is not None:
            param.metavar = mv
            if param.param_type_name == "argument":   # rich's help would add « <str> » after the name
                param.type = copy.copy(param.type)
                param.type.get_metavar = _no_metavar
        if param.name in OPTION_HELP:
            param.help = OPTION_HELP[param.name]
        if param.name == "install_completion":
            param.callback = install_completion
    if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
        command.subcommand_metavar = SUBCOMMAND_METAVAR
    for sub in (getattr(command, "commands", None) or {}).values():
        frenchify(sub)


def french_rich() -> None:
    """Set typer.rich_utils's strings (imports rich: call it only to print help or an error panel)."""
    from typer import rich_utils

    from ngapcli.render.richfr import install

    install()
    for name, text in RICH.items():
        setattr(rich_utils, name, text)


def install() -> None:
    """Once per process: hook the French words into typer (cheap: no rich import here)."""
    global _installed
    if _installed:
        return
    _installed = True
    from typer import core
    from typer._click import formatting
    from typer._click import core as click_core
    from typer._click import types

    core._ = translate
    types._NumberRangeBase._describe_range = describe_range   # help « [0 ou plus] », errors (ngapcli/usage.py)

    write_usage = formatting.HelpFormatter.write_usage

    def french_usage(self, prog, args="", prefix=None):
        return write_usage(self, prog, args, USAGE_PREFIX if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = french_usage

    get_help_option = click_core.Command.get_help_option

    def french_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    click_core.Command.get_help_option = french_help_option

    for cls in (core.TyperCommand, core.TyperGroup):
        _wrap_main(cls)
        _wrap_help(cls)


def _wrap_main(cls) -> None:
    main = cls.main

    def french_main(self, *args, **kwargs):
        frenchify(self)
        return main(self, *args, **kwargs)

    cls.main = french_main


def _wrap_help(cls) -> None:
    format_help = cls.format_help

    def french_help(self, ctx, formatter):
        french_rich()
        frenchify(self)
        return format_help(self, ctx, formatter)

    cls.format_help = french_help
