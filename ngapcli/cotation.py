"""Reading a billed cotation as nurses write it: ``"AMI1 + AMI1,5/2 + IFD + MAU"``,
``"BSB+IFI+AMX4+AMX1/2"``, ``"AMI4 + MCI + IFD + IK 24"``, ``"AIS3 x2 + N"``.

Grammar of one cotation: items separated by ``+``. An item is a code, then (for letter keys) a
coefficient, then modifiers in any order:

- comma or dot decimals (``AMI 1,5`` = ``AMI1.5``), spaces optional, case ignored;
- ``/2``, ``x0,5`` or ``50 %`` for an act billed at half rate (``AMI1,5/2`` = AMI 0.75);
- ``x2`` (``×2``, ``*2``) or a leading ``2x`` for a quantity;
- IK, IKM, IKS take the billed km (``IK 24``, ``IK 24 km``);
- aliases: ``IFA`` = IFD (code of the FSE); ``N``/``NUIT`` = night majoration, level not said;
  ``NUIT1``/``N1``/``N 1`` = N 9.15; ``NUIT2``/``N2``/``N 2``/``NP``/``NUIT PROFONDE`` = N 18.30 (23 h-5 h);
  ``F``/``DIM``/``DIMANCHE``/``FERIE``/``FÉRIÉ``/``JF`` = F (Sunday, public holiday).

Any fault raises :class:`ngapcli.errors.InputError` with the file, line and the column of the
faulty token. Pure: no I/O.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from ngapcli.errors import InputError

HALF = Decimal("0.5")

# codes that need a coefficient written after them
NEEDS_COEFFICIENT = frozenset({"AMI", "AMX", "AIS", "DI", "TMI", "CDC"})
# codes whose number is a distance in km
KM_CODES = frozenset({"IK", "IKM", "IKS"})
CODES = frozenset({"AMI", "AMX", "AIS", "DI", "TMI", "TLS", "TLL", "TLD", "CDC", "BSA", "BSB", "BSC",
                   "IFD", "IFI", "IK", "IKM", "IKS", "MAU", "MCI", "MIE", "N", "F"})

# alias (folded upper case, "\s*" between words) -> (code, night level)
_ALIASES: dict[str, tuple[str, int | None]] = {c: (c, None) for c in CODES}
_ALIASES.update({
    "IFA": ("IFD", None),
    "NUIT": ("N", None),
    "NUIT1": ("N", 1), "N1": ("N", 1), "NUIT 1": ("N", 1),
    "NUIT2": ("N", 2), "N2": ("N", 2), "NUIT 2": ("N", 2), "NP": ("N", 2),
    "NUIT PROFONDE": ("N", 2), "NUIT_PROFONDE": ("N", 2), "NUITPROFONDE": ("N", 2),
    "DIM": ("F", None), "DIMANCHE": ("F", None), "FERIE": ("F", None), "JF": ("F", None),
    "JOUR FERIE": ("F", None), "DIMANCHE FERIE": ("F", None),
})
_ALIAS_RE = re.compile(
    "(" + "|".join(r"\s+".join(map(re.escape, a.split())) for a in sorted(_ALIASES, key=len, reverse=True))
    + r")(?![A-Z_](?<!X)|X(?!\s*\d))")   # not inside a longer word; « TLDx2 » is TLD twice
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SPACES = re.compile(r"\s*")
_LEADING_QTY = re.compile(r"(\d+)\s*[X×*]\s*(?=[A-Z])")
_KM = re.compile(r"\s*KM\b")
_HALF_SLASH = re.compile(r"/\s*(\d+(?:[.,]\d+)?)")
_TIMES = re.compile(r"[X×*]\s*(\d+(?:[.,]\d+)?)")
_PERCENT = re.compile(r"\(?\s*(?:A\s+)?(\d+)\s*%\s*\)?")


@dataclass(frozen=True, slots=True)
class BilledItem:
    """One item of a billed cotation, as written."""
    code: str                 # billing code: AMI, AMX, ..., IFD, IK, N, F
    coefficient: Decimal      # as written, before halving; km for IK/IKM/IKS; 1 for forfaits and majorations
    rate: int = 100           # 100, or 50 for /2
    quantity: int = 1         # x2
    level: int | None = None  # N only: 1 (9.15), 2 (18.30), None when not said
    text: str = ""            # the token as written
    offset: int = 0           # 0-based position of the token in the cotation string

    @property
    def effective(self) -> Decimal:
        """The coefficient actually billed (AMI 1,5/2 → 0.75); km for IK."""
        return self.coefficient * HALF if self.rate == 50 else self.coefficient


def _fold(text: str) -> str:
    """Upper case without accents, one character for one (offsets stay valid)."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append((base[:1] or ch).upper())
    return "".join(out)


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _show(d: Decimal) -> str:
    return format(d.normalize(), "f").replace(".", ",")


class _Parser:
    def __init__(self, text: str, file: str, line: int | None, column: int | None):
        self.raw = text
        self.up = _fold(text)
        self.file, self.line, self.column = file, line, column

    def fail(self, message: str, offset: int) -> InputError:
        col = None if self.column is None else self.column + offset
        shown = " ".join(self.raw.split())
        if len(shown) > 60:
            shown = shown[:59] + "…"
        return InputError(f"cotation facturée « {shown} » : {message}", self.file, self.line, col)

    def items(self) -> list[BilledItem]:
        out: list[BilledItem] = []
        if not self.raw.strip():
            return out
        start = 0
        for part in self.raw.split("+"):
            end = start + len(part)
            out.extend(self.item(start, end))
            start = end + 1
        return out

    def item(self, start: int, end: int) -> list[BilledItem]:
        up = self.up
        pos = start + len(_SPACES.match(up, start, end).group())
        if pos >= end:
            where = end if end < len(up) else max(0, start - 1)
            raise self.fail("élément vide (un « + » de trop ?)", where)
        token_start = pos
        quantity = None
        m = _LEADING_QTY.match(up, pos, end)
        if m:
            quantity = int(m[1])
            pos = m.end()
        m = _ALIAS_RE.match(up, pos, end)
        if not m:
            word = re.match(r"[^\s+0-9/,.]+", up[pos:end])
            word = self.raw[pos:pos + len(word.group())] if word else self.raw[pos:end].strip()
            hint = difflib.get_close_matches(_fold(word), sorted(_ALIASES), n=1, cutoff=0.6)
            extra = f" (« {hint[0]} » ?)" if hint else ""
            raise self.fail(f"code « {word} » inconnu{extra} ; codes compris : "
                            f"{', '.join(sorted(CODES))} et les alias IFA, NUIT, NUIT2, DIM, FERIE…", pos)
        code, level = _ALIASES[" ".join(m[1].split())]
        code_at, code_text = pos, self.raw[pos:m.end()]
        pos = m.end()
        pos += len(_SPACES.match(up, pos, end).group())
        number, number_at = None, pos
        m = _NUMBER.match(up, pos, end)
        if m and code == "N" and level is None and m.group() in ("1", "2"):
            level, pos = int(m.group()), m.end()      # « N 2 » is written for N2: the night's level
        elif m:
            number = _dec(m.group())
            pos = m.end()
            if code in KM_CODES:
                k = _KM.match(up, pos, end)
                if k:
                    pos = k.end()
        rate = 100
        while True:
            pos += len(_SPACES.match(up, pos, end).group())
            if pos >= end:
                break
            at = pos
            if (m := _HALF_SLASH.match(up, pos, end)):
                if _dec(m[1]) != 2:
                    raise self.fail(f"« /{m[1]} » : seul « /2 » (demi-tarif) est compris", at)
                if rate == 50:
                    raise self.fail("demi-tarif indiqué deux fois", at)
                rate, pos = 50, m.end()
            elif (m := _TIMES.match(up, pos, end)):
                factor = _dec(m[1])
                if factor == HALF:
                    if rate == 50:
                        raise self.fail("demi-tarif indiqué deux fois", at)
                    rate = 50
                elif factor == factor.to_integral_value() and 1 <= factor <= 50:
                    if quantity is not None:
                        raise self.fail("quantité indiquée deux fois", at)
                    quantity = int(factor)
                else:
                    raise self.fail(f"multiplicateur « {self.raw[at:m.end()].strip()} » illisible : « x0,5 » pour "
                                    "un demi-tarif, « x2 » pour une quantité", at)
                pos = m.end()
            elif (m := _PERCENT.match(up, pos, end)):
                if m[1] not in ("50", "100"):
                    raise self.fail(f"« {self.raw[at:m.end()].strip()} » : seuls 50 % et 100 % sont compris", at)
                if m[1] == "50":
                    rate = 50
                pos = m.end()
            else:
                bad = self.raw[at:end].strip()
                raise self.fail(f"« {bad} » illisible après « {self.raw[token_start:at].strip()} »", at)
        if code in KM_CODES:
            if number is None:
                raise self.fail(f"nombre de km manquant après « {code_text} » (par ex. « {code} 24 »)", code_at)
            if number <= 0 or number > 2000:
                raise self.fail(f"« {code_text} {_show(number)} » : nombre de km hors bornes", number_at)
            if rate == 50:
                raise self.fail("demi-tarif sans objet pour des IK", number_at)
        elif number is None:
            if code in NEEDS_COEFFICIENT:
                raise self.fail(f"coefficient manquant après « {code_text} » (par ex. « {code} 1,5 »)", code_at)
            number = Decimal(1)
        elif number <= 0 or number > 100:
            raise self.fail(f"« {code_text} {_show(number)} » : coefficient hors bornes", number_at)
        text = self.raw[token_start:end].strip()
        return [BilledItem(code, number, rate, quantity or 1, level, text, token_start)]


def parse_cotation(text: str, file: str = "", line: int | None = None, column: int | None = None
                   ) -> list[BilledItem]:
    """Items of a billed cotation. ``column`` is the column of the string's first character: errors
    point to the faulty token (column + its offset)."""
    if not isinstance(text, str):
        raise InputError("cotation facturée : un texte est attendu", file, line, column)
    return _Parser(text, file, line, column).items()


def describe(item: BilledItem) -> str:
    """A canonical writing of an item: ``AMI 1,5/2``, ``IK 24 km``, ``N (23 h-5 h)``."""
    if item.code in KM_CODES:
        text = f"{item.code} {_show(item.coefficient)} km"
    elif item.coefficient == 1 and item.code not in NEEDS_COEFFICIENT:
        text = item.code
    else:
        text = f"{item.code} {_show(item.coefficient)}"
    if item.rate == 50:
        text += "/2"
    if item.quantity != 1:
        text += f" x{item.quantity}"
    return text
