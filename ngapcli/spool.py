"""A sorted list that keeps at most a few thousand items in memory and the rest in a temporary file.

``ngap report`` over a year gathers tens of thousands of warnings and prints them sorted at the end; kept
in memory they would make the batch grow with the number of files (issue 7). Items are added in
batches; every ``limit`` items the buffer is sorted and written as a *run* (pickled blocks in one
temporary file); reading merges the runs and the buffer. The order equals a stable ``sorted(items,
key=key)`` of every item in the order they were added, and the spool can be read several times.
"""
from __future__ import annotations

import heapq
import pickle
import tempfile
from typing import Any, Callable, Iterable, Iterator

LIMIT = 2048      # items kept in memory (~1 MB of warnings)
BLOCK = 256       # items per pickled block: what a run costs in memory while the runs are merged


class SortedSpool:
    def __init__(self, key: Callable[[Any], Any], limit: int | None = None, block: int | None = None):
        self.key, self.limit, self.block = key, limit or LIMIT, block or BLOCK
        self._buffer: list = []
        self._runs: list[list[tuple[int, int]]] = []   # per run: (offset, size) of its pickled blocks
        self._file = None
        self._count = 0

    def extend(self, items: Iterable) -> None:
        before = len(self._buffer)
        self._buffer.extend(items)
        self._count += len(self._buffer) - before
        if len(self._buffer) >= self.limit:
            self._spill()

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        self._buffer.sort(key=self.key)
        if not self._runs:
            return iter(list(self._buffer))
        self._file.flush()
        # heapq.merge takes equal keys from the earlier iterable first: runs in the order they were written,
        # the buffer (the newest items) last, hence the stable order
        return heapq.merge(*(self._read(run) for run in self._runs), list(self._buffer), key=self.key)

    def _spill(self) -> None:
        self._buffer.sort(key=self.key)
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="ngap-")
        f = self._file
        f.seek(0, 2)
        run = []
        for i in range(0, len(self._buffer), self.block):
            data = pickle.dumps(self._buffer[i:i + self.block], pickle.HIGHEST_PROTOCOL)
            run.append((f.tell(), len(data)))
            f.write(data)
        self._runs.append(run)
        self._buffer = []

    def _read(self, run: list[tuple[int, int]]) -> Iterator:
        f = self._file
        for offset, size in run:
            f.seek(offset)
            yield from pickle.loads(f.read(size))

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._runs, self._buffer, self._count = [], [], 0
