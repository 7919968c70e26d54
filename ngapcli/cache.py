"""A small on-disk cache for data that is costly to build and cheap to unpickle (the tariff store).

Building the tariff store means parsing ~2 000 lines of YAML with PyYAML's constructor: ~40 ms, a
quarter of a cold start. The built store is pickled in the user's cache folder (``$NGAP_CACHE_DIR``, else
``$XDG_CACHE_HOME/ngap`` or ``~/.cache/ngap``), under a key made of the contents of the data files,
their folder, the source of the code that builds them and the Python version: any change to a tariff
file or to that code is a miss, never a stale hit. ``NGAP_CACHE_DIR=off`` (or empty) disables the cache.
A cache that cannot be read or written is ignored: the data is then built as if there were none.

Unpickling runs whatever code the file asks for, so an entry is loaded only from a folder and a file that no
one else could have written: both owned by the current user, with no write bit for group or others (checked
on the open file itself, with ``fstat``). A cache folder that fails the check (``NGAP_CACHE_DIR=/tmp`` or any
shared folder) is neither read nor written: every start builds the store, as without a cache. A format
that cannot run code (JSON, marshal) would need the store rebuilt object by object at each start, the cost
the cache exists to avoid; the checks cost two ``stat`` calls.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# what a cold start imports here is paid at every command: the C modules directly (hashlib would load
# OpenSSL's _hashlib, ~4 ms; pickle.py ~3 ms; tempfile, only for a miss, ~3 ms)
try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - another Python implementation
    from hashlib import blake2b
try:
    from _pickle import dump, load
except ImportError:  # pragma: no cover
    from pickle import dump, load

ENV = "NGAP_CACHE_DIR"
KEEP = 32                 # entries kept; the oldest are removed when a new one is written
_OFF = ("", "0", "off", "no", "false", "none")


def folder() -> Path | None:
    env = os.environ.get(ENV)
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ngap"


def key(kind: str, where: Path, files: list[Path]) -> str:
    """A digest of the folder, the Python version and the bytes of each file (missing ones included)."""
    h = blake2b(digest_size=20)
    h.update(f"{kind}\0{sys.version}\0{where.resolve()}\0".encode())
    for f in files:
        h.update(f"\0{f.name}\0".encode())
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"\0missing\0")
    return f"{kind}-{h.hexdigest()}"


_UID = os.getuid() if hasattr(os, "getuid") else None


def trusted(st: os.stat_result) -> bool:
    """Owned by the current user and writable by no one else (group and others)."""
    if _UID is None:  # pragma: no cover - no POSIX owners (Windows): the user's own profile folder
        return True
    return st.st_uid == _UID and not st.st_mode & 0o022


def get(name: str):
    base = folder()
    if base is None:
        return None
    try:
        if not trusted(os.stat(base)):
            return None
        with open(base / f"{name}.pickle", "rb") as fh:
            if not trusted(os.fstat(fh.fileno())):
                return None
            return load(fh)
    except Exception:  # noqa: BLE001 - a missing, partial or foreign cache entry is a miss
        return None


def put(name: str, value) -> None:
    base = folder()
    if base is None:
        return
    import tempfile

    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not trusted(os.stat(base)):   # a shared folder: an entry written there would never be read
            return
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                dump(value, fh, protocol=5)
            os.replace(tmp, base / f"{name}.pickle")
        except BaseException:
            os.unlink(tmp)
            raise
        entries = sorted(base.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs the next start
        return
