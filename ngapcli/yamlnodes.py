"""YAML with positions: compose nodes with the C parser and build plain values that remember
their line and column, so that every input error can point to its place in the file.

Scalars are kept as text when YAML 1.1 would turn them into something surprising: an unquoted
``12:30`` (a base-60 integer for YAML 1.1) stays ``"12:30"``, a date stays ``"2025-03-10"``.
"""
from __future__ import annotations

import yaml

from ngapcli.errors import InputError

try:  # the C parser is several times faster than the pure-Python one
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class YMap(dict):
    """A mapping that knows where it and each of its keys stand in the file."""

    __slots__ = ("line", "column", "key_pos")


class YList(list):
    __slots__ = ("line", "column", "item_pos")


_BOOLS = {"true": True, "yes": True, "on": True, "y": True,
          "false": False, "no": False, "off": False, "n": False}


def _scalar(node: yaml.ScalarNode):
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _INT:
        if ":" in value:  # YAML 1.1 base 60: 12:30 is a time here
            return value
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _FLOAT:
        if ":" in value:
            return value
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    if tag == _BOOL:
        return _BOOLS.get(value.lower(), value)
    if tag == _NULL:
        return None
    return value  # timestamps and anything else stay text


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.count = 0
        self.memo: dict[int, object] = {}

    def build(self, node):
        key = id(node)
        if key in self.memo:  # an alias: share the value, never expand it again
            return self.memo[key]
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError("document trop volumineux (trop de nœuds YAML)", self.file,
                             node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node)
            self.memo[key] = value
            return value
        if isinstance(node, yaml.SequenceNode):
            out = YList()
            out.line, out.column = node.start_mark.line + 1, node.start_mark.column + 1
            out.item_pos = []
            self.memo[key] = out
            for item in node.value:
                out.append(self.build(item))
                out.item_pos.append((item.start_mark.line + 1, item.start_mark.column + 1))
            return out
        out = YMap()
        out.line, out.column = node.start_mark.line + 1, node.start_mark.column + 1
        out.key_pos = {}
        self.memo[key] = out
        for knode, vnode in node.value:
            k = self.build(knode)
            if not isinstance(k, (str, int, float, bool)) or k is None:
                raise InputError("clé invalide", self.file, knode.start_mark.line + 1, knode.start_mark.column + 1)
            if k in out:
                raise InputError(f"clé « {k} » en double", self.file, knode.start_mark.line + 1,
                                 knode.start_mark.column + 1)
            out[k] = self.build(vnode)
            out.key_pos[k] = (knode.start_mark.line + 1, knode.start_mark.column + 1,
                              vnode.start_mark.line + 1, vnode.start_mark.column + 1)
        return out


def decode(data: bytes, file: str) -> str:
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
    builder = _Builder(file)
    try:
        for node in yaml.compose_all(text, Loader=_Loader):
            docs.append(None if node is None else builder.build(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntaxe invalide"
        raise InputError(f"YAML invalide : {problem}", file,
                         mark.line + 1 if mark else None, mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML invalide : {exc}", file) from None
    except RecursionError:
        raise InputError("YAML trop profondément imbriqué", file) from None
    return docs


def load_plain(path) -> object:
    """A trusted data file of ours (tariffs): plain values, C loader."""
    with open(path, "rb") as fh:
        return yaml.load(fh, Loader=_Loader)
