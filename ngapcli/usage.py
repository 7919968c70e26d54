"""Command-line usage errors (unknown option, bad --format value, missing argument…) said in French.

The parser typer 0.28 carries (``typer._click``) writes its messages in English, with no gettext hook;
``cli.main`` runs the command with ``standalone_mode=False`` and hands the exception here. A message this
table does not know is kept as click wrote it: never lost, at worst in English.
"""
from __future__ import annotations

import re

_KIND = {"argument": "argument manquant", "option": "option manquante", "parameter": "paramètre manquant"}
_PATH = {"File": "le fichier", "Directory": "le dossier", "Path": "le chemin"}
_NUMBER = {"integer": "un nombre entier", "float": "un nombre", "boolean": "oui/non (true/false)"}


def _quoted(text: str) -> str:
    """'--format' / '-f' → « --format » / « -f »."""
    return re.sub(r"'([^']*)'", r"« \1 »", text)


def _choices(text: str) -> str:
    return ", ".join(c.strip().strip("'") for c in text.split(",") if c.strip())


# the value part of "Invalid value for X: <message>"
_VALUE = [
    (r"'(.*)' is not one of (.+)\.", lambda m: f"« {m[1]} » n'est pas une valeur permise ({_choices(m[2])})"),
    (r"'(.*)' is not a valid (integer|float|boolean).*", lambda m: f"« {m[1]} » n'est pas {_NUMBER[m[2]]}"),
    (r"'(.*)' is not '(.*)'\.", lambda m: f"« {m[1]} » n'est pas permis (seule valeur : {m[2]})"),
    (r"(.+) is not in the range (.+)\.", lambda m: f"{m[1]} n'est pas permis (valeurs permises : {m[2]})"),
    (r"(File|Directory|Path) '(.*)' does not exist\.", lambda m: f"{_PATH[m[1]]} « {m[2]} » n'existe pas"),
    (r"(File|Directory|Path) '(.*)' is a file\.", lambda m: f"« {m[2]} » est un fichier, pas un dossier"),
    (r"(File|Directory|Path) '(.*)' is a directory\.", lambda m: f"« {m[2]} » est un dossier, pas un fichier"),
    (r"(File|Directory|Path) '(.*)' is not readable\.", lambda m: f"« {m[2]} » n'est pas lisible (droits)"),
]

_MESSAGE = [
    (r"No such option: (\S+)(?: \(Possible options: (.+)\))?",
     lambda m: f"option inconnue « {m[1]} »" + (f" ; options proches : {m[2]}" if m[2] else "")),
    (r"No such command '(.*)'\.(?: Did you mean (.+)\?)?",
     lambda m: f"commande inconnue « {m[1]} »" + (f" ; vouliez-vous dire {_quoted(m[2])} ?" if m[2] else "")),
    (r"Missing command\.", lambda m: "commande manquante"),
    (r"Got unexpected extra argument\(s\) \((.*)\)", lambda m: f"argument en trop : {m[1]}"),
    (r"Option '(.*)' requires an argument\.", lambda m: f"l'option « {m[1]} » attend une valeur"),
    (r"Option '(.*)' requires (\d+) arguments\.", lambda m: f"l'option « {m[1]} » attend {m[2]} valeurs"),
    (r"Option '(.*)' does not take a value\.", lambda m: f"l'option « {m[1]} » ne prend pas de valeur"),
    (r"Missing (argument|option|parameter) (.+?)\.(?: (.*))?",
     lambda m: f"{_KIND[m[1]]} : {_quoted(m[2])}" + (f" ({_value(m[3])})" if m[3] else "")),
    (r"Invalid value for (.+?): (.+)", lambda m: f"valeur invalide pour {_quoted(m[1])} : {_value(m[2])}"),
    (r"Invalid value: (.+)", lambda m: f"valeur invalide : {_value(m[1])}"),
]
_VALUE = [(re.compile(p, re.S), f) for p, f in _VALUE]
_MESSAGE = [(re.compile(p, re.S), f) for p, f in _MESSAGE]


def _value(text: str) -> str:
    text = text.strip()
    if text.startswith("Choose from:"):
        return "valeurs permises : " + _choices(text.split(":", 1)[1])
    for pattern, say in _VALUE:
        m = pattern.fullmatch(text)
        if m:
            return say(m)
    return text


def french(message: str) -> str:
    """The French of one of click's usage messages; the message itself when it is not one we know."""
    for pattern, say in _MESSAGE:
        m = pattern.fullmatch(message.strip())
        if m:
            return say(m)
    return message


def render(exc, args: list[str]) -> str:
    """The lines printed on stderr for a click UsageError (or ClickException); ``args``: the command line
    (the command named first gives the help to read when click did not say which command failed)."""
    lines = [f"erreur : {french(exc.format_message())}"]
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        command = next((a for a in args[:1] if not a.startswith("-")), None)
        lines.append(f"  aide : ngap {command + ' ' if command else ''}-h")
    else:
        usage = ctx.get_usage()
        prefix = next((p for p in ("Usage:", "Utilisation :") if usage.startswith(p)), None)
        lines.append("  usage : " + usage[len(prefix):].strip() if prefix else usage)
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(f"  aide : {ctx.command_path} {ctx.help_option_names[0]}")
    return "\n".join(lines) + "\n"
