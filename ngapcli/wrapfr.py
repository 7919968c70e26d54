"""Plain text wrapped by words for a terminal, French typography kept: never after « nor before », « : »,
« ; », « ? », « ! », « % », « € », nor between a number and its unit (8 h, 12 km); continuation lines
indented. (Tables are rich's: see render/richfr.py.)"""
from __future__ import annotations

import re
import shutil
import textwrap

_GLUE = re.compile(r"(?<=«) | (?=[»:;?!%€=])|(?<=\d) (?=(?:h|km|ans)\b)")


def width() -> int:
    return max(40, shutil.get_terminal_size((100, 24)).columns)


def wrap(text: str, indent: str = "", columns: int | None = None) -> str:
    out = []
    for para in text.split("\n"):
        glued = _GLUE.sub("\u00a0", para)  # textwrap does not break at a no-break space
        out.append(textwrap.fill(glued, (columns or width()) - 1, initial_indent=indent,
                                 subsequent_indent=indent + "  ", break_long_words=False,
                                 break_on_hyphens=False).replace("\u00a0", " ") if para else "")
    return "\n".join(out)


def for_terminal(text: str, stream) -> str:
    """``text`` wrapped when ``stream`` is a terminal; as is for a pipe or a file (one message, one line)."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return wrap(text) if tty else text
