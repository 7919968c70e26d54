"""YAML with positions: read the event stream of the C parser and build plain values that remember
their line and column, so that every input error can point to its place in the file.

Scalars are kept as text when YAML 1.1 would turn them into something surprising: an unquoted
``12:30`` (a base-60 integer for YAML 1.1) stays ``"12:30"``, a date stays ``"2025-03-10"``. The
source text of every scalar that YAML turned into a number, a boolean or null is kept too
(``YMap.raw``, ``YList.item_raw``): ``id: 012`` is the patient « 012 », not the octal 10.

Hostile input stays bounded: values are built from parser events (no node tree is kept), the
number of values counts every alias expansion (billion laughs), the nesting depth is limited and
no recursion is used, so a 10 000-level document is refused at its place, not by a RecursionError.
"""
from __future__ import annotations

import yaml

from ngapcli.errors import InputError

try:  # the C parser is several times faster than the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 1_000_000      # values built, aliases counted at their expanded size
MAX_DEPTH = 200            # nested collections
MAX_NUMBER_CHARS = 100     # a longer "number" stays text (no 5 000-digit integers)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class YMap(dict):
    """A mapping that knows where it and each of its keys stand in the file.

    ``key_pos[k]`` = (key line, key column, value line, value column); ``raw[k]`` = source text of
    the value when YAML read it as a number, a boolean or null."""

    __slots__ = ("line", "column", "key_pos", "raw")


class YList(list):
    __slots__ = ("line", "column", "item_pos", "item_raw")


_BOOLS = {"true": True, "yes": True, "on": True, "y": True,
          "false": False, "no": False, "off": False, "n": False}

# libyaml's messages, in French (the original is kept for anything not listed)
_PROBLEMS = {
    "did not find expected node content": "contenu attendu introuvable",
    "did not find expected key": "clé attendue introuvable (indentation ?)",
    "did not find expected ',' or ']'": "« , » ou « ] » attendu",
    "did not find expected ',' or '}'": "« , » ou « } » attendu",
    "did not find expected '-' indicator": "tiret « - » attendu (indentation ?)",
    "did not find expected <document start>": "début de document « --- » attendu",
    "did not find expected comment or line break": "commentaire ou fin de ligne attendu",
    "mapping values are not allowed in this context": "« : » inattendu (une valeur avec « : » doit être entre guillemets)",
    "found character that cannot start any token": "caractère qui ne peut commencer aucun élément",
    "found a tab character that violates indentation": "tabulation dans l'indentation (utilisez des espaces)",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
    "found unknown escape character": "séquence d'échappement inconnue",
    "found undefined tag handle": "préfixe d'étiquette non défini",
    "found unexpected ':'": "« : » inattendu",
    "could not find expected ':'": "« : » attendu",
    "block sequence entries are not allowed in this context": "élément de liste « - » inattendu ici",
    "found incompatible YAML document": "version de YAML incompatible",
    "control characters are not allowed": "caractère de contrôle interdit",
    "exceeded maximum nesting depth": "trop profondément imbriqué (limite de libyaml)",  # PyYAML ≥ 6.0.4
}


# where an unclosed construct started: worth telling, the fault is often there
_OPENED = {
    "while scanning a quoted scalar": "guillemet ouvert ligne {}",
    "while parsing a flow sequence": "« [ » ouvert ligne {}",
    "while parsing a flow mapping": "« {{ » ouvert ligne {}",
}


def _french(problem: str | None) -> str:
    if not problem:
        return "syntaxe invalide"
    for en, fr in _PROBLEMS.items():
        if problem.startswith(en):
            return fr
    return problem


def _scalar(tag: str, value: str):
    if tag == _STR:
        return value
    if tag in (_INT, _FLOAT):
        if ":" in value or len(value) > MAX_NUMBER_CHARS:  # YAML 1.1 base 60: 12:30 is a time here
            return value
        try:
            return int(value.replace("_", ""), 0) if tag == _INT else float(value.replace("_", ""))
        except ValueError:
            return value
    if tag == _BOOL:
        return _BOOLS.get(value.lower(), value)
    if tag == _NULL:
        return None
    return value  # timestamps and anything else stay text


class _Open:
    """A collection being built."""

    __slots__ = ("value", "anchor", "start", "size", "key", "key_mark", "is_map")

    def __init__(self, value, anchor, start, is_map):
        self.value, self.anchor, self.start, self.is_map = value, anchor, start, is_map
        self.size, self.key, self.key_mark = 1, _NO_KEY, None


_NO_KEY = object()


class _Builder:
    def __init__(self, file: str, loader):
        self.file = file
        self.loader = loader
        self.count = 0
        self.cache: dict[tuple, tuple] = {}  # (tag, text, implicit) -> (value, raw text)

    def fail(self, message: str, mark) -> InputError:
        return InputError(message, self.file, mark.line + 1, mark.column + 1)

    def document(self):
        """Build the next document from the events (after its DocumentStartEvent).

        The loop runs once per value of every file of a batch: attaching a value to its parent and
        counting it are written inline (a method call each cost a tenth of the parse)."""
        get_event = self.loader.get_event
        resolve = self.loader.resolve
        anchors: dict[str, tuple[object, int, str | None]] = {}  # value, size, raw text
        open_anchors: set[str] = set()
        stack: list[_Open] = []
        cache = self.cache
        root = None
        count = self.count
        parent = None                    # stack[-1]
        Scalar, Alias, MapStart, SeqStart = yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, \
            yaml.SequenceStartEvent
        MapEnd, SeqEnd, DocEnd, ScalarNode = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.DocumentEndEvent, \
            yaml.ScalarNode
        try:
            while True:
                event = get_event()
                cls = type(event)
                if cls is Scalar:
                    ckey = (event.tag, event.value, event.implicit)
                    known = cache.get(ckey)
                    if known is None:
                        text, tag = event.value, event.tag
                        if tag is None or tag == "!":
                            tag = resolve(ScalarNode, text, event.implicit)
                        value = _scalar(tag, text)
                        known = (value, None if isinstance(value, str) else text)
                        if len(text) < 64 and len(cache) < 4096:
                            cache[ckey] = known
                    value, raw = known
                    size = 1
                    if event.anchor is not None:
                        self._anchor(anchors, event.anchor, (value, 1, raw), event.start_mark)
                elif cls is MapStart or cls is SeqStart:
                    mark = event.start_mark
                    if len(stack) >= MAX_DEPTH:
                        raise self.fail(f"YAML trop profondément imbriqué (plus de {MAX_DEPTH} niveaux)", mark)
                    is_map = cls is MapStart
                    out = YMap() if is_map else YList()
                    out.line, out.column = mark.line + 1, mark.column + 1
                    if is_map:
                        out.key_pos, out.raw = {}, {}
                    else:
                        out.item_pos, out.item_raw = [], {}
                    count += 1
                    if count > MAX_NODES:
                        raise self._too_big(mark)
                    if event.anchor is not None:
                        self._anchor(anchors, event.anchor, (out, 0, None), mark)
                        open_anchors.add(event.anchor)
                    parent = _Open(out, event.anchor, mark, is_map)
                    stack.append(parent)
                    continue
                elif cls is MapEnd or cls is SeqEnd:
                    done = stack.pop()
                    parent = stack[-1] if stack else None
                    if done.anchor is not None:
                        anchors[done.anchor] = (done.value, done.size, None)
                        open_anchors.discard(done.anchor)
                    # its values were counted one by one; only aliases count a subtree again
                    if parent is None:
                        root = done.value
                    else:
                        self._attach(parent, done.value, done.size, None, done.start)
                    continue
                elif cls is Alias:
                    mark = event.start_mark
                    name = event.anchor
                    if name in open_anchors:
                        raise self.fail(f"alias « *{name} » récursif (il se contient lui-même)", mark)
                    if name not in anchors:
                        raise self.fail(f"alias « *{name} » sans ancre « &{name} » avant lui", mark)
                    value, size, raw = anchors[name]
                elif cls is DocEnd:
                    return root
                else:  # pragma: no cover - stream events are handled by load_documents
                    raise self.fail(f"événement YAML inattendu ({cls.__name__})", event.start_mark)
                # a scalar or an alias: count it, then attach it
                count += size
                if count > MAX_NODES:
                    raise self._too_big(event.start_mark)
                if parent is None:
                    root = value
                elif parent.is_map:
                    if parent.key is _NO_KEY:  # a key: a name, as written
                        self._key(parent, value if raw is None else raw, event.start_mark)
                        continue
                    mark = event.start_mark
                    key, kmark = parent.key, parent.key_mark
                    out = parent.value
                    out[key] = value
                    out.key_pos[key] = (kmark.line + 1, kmark.column + 1, mark.line + 1, mark.column + 1)
                    if raw is not None:
                        out.raw[key] = raw
                    parent.key = _NO_KEY
                    parent.size += size
                else:
                    mark = event.start_mark
                    out = parent.value
                    if raw is not None:
                        out.item_raw[len(out)] = raw
                    out.append(value)
                    out.item_pos.append((mark.line + 1, mark.column + 1))
                    parent.size += size
        finally:
            self.count = count

    def _anchor(self, anchors, name, entry, mark) -> None:
        if name in anchors:
            raise self.fail(f"ancre « &{name} » définie deux fois", mark)
        anchors[name] = entry

    def _too_big(self, mark) -> InputError:
        return self.fail(f"document trop volumineux (plus de {MAX_NODES} valeurs YAML, alias compris)", mark)

    def _key(self, parent: _Open, name, mark) -> None:
        if isinstance(name, (YMap, YList)) or name is None:
            raise self.fail("clé invalide : une clé est un nom, pas une liste ou une table", mark)
        if name in parent.value:
            raise self.fail(f"clé « {name} » en double", mark)
        parent.key, parent.key_mark = name, mark
        parent.size += 1

    def _attach(self, parent: _Open, value, size: int, raw, mark) -> None:
        """A collection that just ended, or any value, into its parent."""
        if parent.is_map and parent.key is _NO_KEY:
            self._key(parent, value if raw is None else raw, mark)
            return
        parent.size += size
        out = parent.value
        if not parent.is_map:
            if raw is not None:
                out.item_raw[len(out)] = raw
            out.append(value)
            out.item_pos.append((mark.line + 1, mark.column + 1))
            return
        key, kmark = parent.key, parent.key_mark
        out[key] = value
        out.key_pos[key] = (kmark.line + 1, kmark.column + 1, mark.line + 1, mark.column + 1)
        if raw is not None:
            out.raw[key] = raw
        parent.key, parent.key_mark = _NO_KEY, None


def decode(data: bytes, file: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("le fichier est encodé en UTF-16 ; enregistrez-le en UTF-8", file)
    if b"\x00" in data[:8192]:
        raise InputError("fichier binaire, pas un fichier YAML", file)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"le fichier n'est pas encodé en UTF-8 (octet 0x{data[exc.start]:02x}) ; "
                         "enregistrez-le en UTF-8", file, line) from None


def load_documents(text: str, file: str) -> list:
    """Every document of a YAML stream, as YMap/YList/scalars with positions."""
    docs = []
    loader = _Loader(text)
    builder = _Builder(file, loader)
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                docs.append(builder.document())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = _french(exc.problem or exc.context)
        opened = _OPENED.get(exc.context or "")
        if opened and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            message += " ; " + opened.format(exc.context_mark.line + 1)
        raise InputError(f"YAML invalide : {message}", file,
                         mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    except yaml.reader.ReaderError as exc:
        pos = exc.position if isinstance(exc.position, int) else None  # a byte offset in UTF-8
        line = text.encode("utf-8", "surrogatepass")[:pos].count(b"\n") + 1 if pos is not None else None
        char = exc.character if isinstance(exc.character, int) else ord(exc.character or "?")
        raise InputError(f"YAML invalide : caractère interdit U+{char:04X} ({_french(exc.reason)})",
                         file, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML invalide : {exc}", file) from None
    finally:
        loader.dispose()
    return docs


def load_plain(path) -> object:
    """A trusted data file of ours (tariffs): plain values, C loader."""
    with open(path, "rb") as fh:
        return yaml.load(fh, Loader=_Loader)
