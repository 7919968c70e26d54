"""rich's line breaking taught French typography: no break between « and the word it opens, before »,
« : », « ; », « ? », « ! », « % », « € », nor inside a number grouped by narrow no-break spaces.

rich breaks a line at any whitespace (``rich._wrap.re_word``) and measures a column's narrowest width from
``str.split()``; both treat the spaces of « 1 234,50 € » or « « - » » as break points, so a narrow column
could print « « » alone at a line end. ``install()`` gives both the same notion of a word: the spaces
that French typography binds (after «, before » : ; ? ! % €, and U+00A0/U+202F) belong to the word.
Imported only by the table renderers (rich is already loaded there).
"""
from __future__ import annotations

import re

_GLUED = r"(?:«[ \u00a0\u202f]+|[ \u00a0\u202f]+(?=[»:;?!%€])|[\u00a0\u202f]|[^\s])"
WORD = re.compile(rf"[^\S\u00a0\u202f]*{_GLUED}+[^\S\u00a0\u202f]*")
_SPLIT = re.compile(rf"{_GLUED}+")

_done = False


def words(text: str) -> list[str]:
    """The unbreakable pieces of ``text`` (what rich may not cut)."""
    return _SPLIT.findall(text)


def install() -> None:
    global _done
    if _done:
        return
    _done = True
    from rich import _wrap
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.text import Text

    _wrap.re_word = WORD

    def measure(self, console, options):
        text = self.plain
        lines = text.splitlines()
        widest = max(cell_len(line) for line in lines) if lines else 0
        pieces = words(text)
        return Measurement(max(cell_len(w) for w in pieces) if pieces else widest, widest)

    Text.__rich_measure__ = measure


def console(**kw):
    """A rich Console for a table, with French line breaking."""
    install()
    from rich.console import Console

    return Console(**kw)
