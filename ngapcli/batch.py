"""Pricing many tour files: by chunks of days, in parallel processes, streaming, each file parsed once.

The rules that cross files hold within a day (a patient shared by the nurses of a cabinet, a nurse's
daily IK cap…), so files are priced together when they share a day, and a chunk of days at a time keeps
the memory bounded by a chunk instead of growing with the number of files. How it goes:

1. **Scan** (main process, cheap): each file is read and its days are taken from its ``date:`` keys with
   a regular expression, without parsing the YAML. A file where that is not certain (a ``date`` that is
   not a plain ``YYYY-MM-DD`` — an alias, a tag, the word in a comment…) is parsed instead. So is a
   file naming an act limited per month or per 12 months (``max_per_month`` / ``max_per_year`` in
   acts.yaml), to know who received it when.
2. **Chunks**: files sharing a day are joined (union-find), in date order. Limits spanning several days
   are the exception: when a patient's acts limited per period could reach their limit in the batch,
   every chunk holding those acts of that patient is joined into one, so that the limit is checked
   exactly as if every file were priced in one call (``tests/test_batch.py`` checks that equality).
3. **Pricing**: each chunk is parsed and priced (``rules.price``) once, in a worker process or in the
   main process, and given back in date order as a :class:`Chunk`; the caller sums it and drops it.

``iter_priced`` is the entry point (used by ``ngap report``)::

    for event in iter_priced(paths, store):
        if isinstance(event, Read): ...      # pass 1, one per source, in order: event.error if unreadable
        elif isinstance(event, Planned): ... # once, between the passes: number of chunks and files
        else: ...                            # a Chunk, in date order: event.tours, event.result, event.errors

A source is a path, or an object with ``path`` and ``text`` attributes (``text`` already read, e.g.
standard input). ``special(text, name)`` may claim a source (return a ``Result``, e.g. the JSON of
``ngap price``): it is then not parsed as a tour and comes back alone as a Chunk with ``tours=None``.
``compare(tours)`` is called in the worker after pricing (e.g. the same tours under other tariffs) and
its value comes back as ``Chunk.compared``; an InputError it raises is raised again in the caller.
Hooks must be picklable (top-level functions, or ``functools.partial`` of them) when the platform
cannot fork.

Workers: ``workers=None`` picks one per core for batches big enough to pay for a process (the main
process prices chunks too while it waits), ``1`` prices everything in the calling process.
Measured figures: README, section "Performance".
"""
from __future__ import annotations

import copyreg
import io
import os
import pickle
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Any, Callable, Iterable, Iterator

from ngapcli.errors import InputError

MIN_BYTES_PER_WORKER = 256 * 1024       # below ~256 kB of YAML (~2 000 visits, 0.5 s) a process does not pay
AHEAD = 4                                # chunks queued per worker process
GC_THRESHOLD = 50_000                    # allocations between two collections of the youngest generation
BEHIND = None                            # parsed chunks waiting that make workers price too (None: workers + 1)


# -- events -----------------------------------------------------------------------------------------------

@dataclass
class Read:
    """A source was scanned (pass 1). ``error``: it cannot be read and will not be priced; ``claimed``:
    ``special`` took it (it comes back alone, already priced)."""
    index: int
    source: Any
    name: str
    error: InputError | None = None
    claimed: bool = False


@dataclass
class Planned:
    """Between the passes: what pass 2 will price."""
    chunks: int
    files: int
    workers: int


@dataclass
class Chunk:
    """Sources priced together (pass 2), in date order."""
    indexes: list[int]
    tours: list | None                       # None for a source claimed by ``special``
    result: Any                              # rules.Result
    compared: Any = None
    errors: list[tuple[int, InputError]] = field(default_factory=list)   # found while parsing
    days: tuple[date, date] | None = None    # first and last day of the chunk


# -- pass 1: days of a file without parsing it ------------------------------------------------------

_DATE_AT = re.compile(r"""(["']?)date\1[ \t]*:[ \t]+(["']?)(\d{4})-(\d{2})-(\d{2})\2[ \t]*(?=$|[\r\n,}#])""",
                      re.MULTILINE)
_KEY_START = frozenset(" \t\r\n{,[-")


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


def scan_days(text: str) -> frozenset[date] | None:
    """The days named by the ``date:`` keys of a tour file, or None when the text does not say it plainly.

    Every occurrence of the word ``date`` must be a ``date: YYYY-MM-DD`` key (``birth_date`` is another
    word); anything else — an alias, a tag, the value on the next line, the word in a comment — gives
    None and the file is parsed. An impossible date is left out: the parser refuses the file anyway.
    """
    days = set()
    pos = text.find("date")
    while pos != -1:
        if not (pos and _word(text[pos - 1])) and not _word(text[pos + 4:pos + 5]):
            start = pos - 1 if pos and text[pos - 1] in "\"'" else pos
            match = _DATE_AT.match(text, start)
            if match is None or (start and text[start - 1] not in _KEY_START):
                return None
            try:
                days.add(date(int(match[3]), int(match[4]), int(match[5])))
            except ValueError:
                pass
        pos = text.find("date", pos + 4)
    return frozenset(days)


def _tour_days(tours: list) -> set[date]:
    out = set()
    for t in tours:
        out.add(t.date)
        for p in t.patients:
            for v in p.visits:
                out.add(v.date)
    return out


def _prescription_days(tours: list) -> set[date]:
    """Every day a prescription of the tours covers: a file is then priced with every file that has a visit
    on one of those days (contract §5: the prescription may cover them, its séances count there too)."""
    out = set()
    for t in tours:
        for p in t.patients:
            for o in p.ordonnances:
                out.update(o.start + timedelta(days=n) for n in range((o.end - o.start).days + 1))
    return out


# -- limits spanning several days -----------------------------------------------------------------------------

GARDE = "garde"   # the garde periods (chap. I art. 13): a run of consecutive periods may cross midnight


def period_acts(store) -> dict[str, tuple[int | None, int | None, bool]]:
    """Act id → (max per 12 months, max per calendar month, garde), for the acts limited over several days."""
    # a series limit (séances over fewer days than a year) joins like a yearly one: a superset, exact enough
    return {a.id: (a.max_per_year or (a.series[0] if a.series else None), a.max_per_month, GARDE in a.groups)
            for a in store.acts.values()
            if a.max_per_year or a.max_per_month or a.series or GARDE in a.groups}


def _occurrences(tours: list, limited: dict) -> dict[tuple[str, str], list[date]]:
    """(act id, patient id) → the day of each occurrence (quantity counted) of an act limited per period;
    the garde periods, day and night, under one key (GARDE, patient id)."""
    out: dict[tuple[str, str], list[date]] = defaultdict(list)
    for t in tours:
        for p in t.patients:
            for v in p.visits:
                for ref in v.acts:
                    if ref.act_id in limited:
                        act = GARDE if limited[ref.act_id][2] else ref.act_id
                        out[(act, p.id)].extend([v.date] * ref.quantity)
    return out


def _may_reach(days: list[date], per_year: int | None, per_month: int | None, garde: bool = False) -> bool:
    """Could a limit refuse one of these occurrences? (more of them in 365 days or in a month than allowed;
    garde periods on two following days, whose run may cross midnight)"""
    days = sorted(days)
    if garde and any((b - a).days == 1 for a, b in zip(days, days[1:])):
        return True
    if per_year and any((days[i + per_year] - days[i]).days < 366 for i in range(len(days) - per_year)):
        return True
    if per_month:
        months: dict[tuple[int, int], int] = defaultdict(int)
        for d in days:
            months[(d.year, d.month)] += 1
        if any(n > per_month for n in months.values()):
            return True
    return False


# -- pass 2: pricing a chunk (in a worker or in the main process) -------------------------------------------

_STATE: dict[str, Any] = {}


def _init(store, compare) -> None:
    _STATE.update(store=store, compare=compare)


def _reducers() -> dict:
    """Pickling of the slotted dataclasses as (class, field values): 2-3 times faster than the default."""
    from ngapcli import model, result

    table = copyreg.dispatch_table.copy()
    for cls in (model.Tour, model.Nurse, model.Patient, model.Prescription, model.Visit, model.ActRef,
                result.Line, result.Diagnostic):
        fields = cls.__slots__
        if not fields:
            continue
        get = attrgetter(*fields)
        table[cls] = (lambda c, g, one: (lambda o: (c, (g(o),) if one else g(o))))(cls, get, len(fields) == 1)
    return table


def _dumps(value) -> bytes:
    table = _STATE.get("reducers")
    if table is None:
        table = _STATE["reducers"] = _reducers()
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = table
    pickler.dump(value)
    return buf.getvalue()


def _error(exc: InputError) -> tuple:
    return (exc.message, exc.file, exc.line, exc.column)


def _parse_chunk(task) -> tuple[list, list]:
    """(tours, errors) of the files of one chunk; errors as (index, InputError fields)."""
    from ngapcli.tourfile import parse_tours, read_source

    store = _STATE["store"]
    items, allowed = task
    tours: list = []
    errors = []
    for index, path, text in items:
        try:
            if text is None:
                name, text = read_source(path)
            else:
                name = path
            found = parse_tours(text, name, store.act_ids, store.letters)
        except InputError as exc:
            errors.append((index, _error(exc)))
            continue
        stray = _tour_days(found) - allowed
        if stray:  # the scan missed a day: pricing this chunk alone would break the rules across files
            raise RuntimeError(f"lot : {name} contient le {min(stray)} que la lecture rapide n'a pas vu")
        tours.extend(found)
    return tours, errors


def _price(parsed: tuple[list, list], store, compare) -> tuple:
    """(tours, errors, result, compared, compare error) of a parsed chunk."""
    from ngapcli.result import Result
    from ngapcli.rules import price

    tours, errors = parsed
    result = price(tours, store) if tours else Result()
    compared, compare_error = None, None
    if compare is not None and tours:
        try:
            compared = compare(tours)
        except InputError as exc:
            compare_error = _error(exc)
    return tours, errors, result, compared, compare_error


def _work(task) -> bytes:
    """In a worker process: parse a chunk, and price it too when the main process asks (it is behind).
    Gives back (CPU seconds spent, parsed or priced chunk), pickled."""
    start = time.process_time()
    items, allowed, full = task
    parsed = _parse_chunk((items, allowed))
    done = _price(parsed, _STATE["store"], _STATE["compare"]) if full else parsed
    return _dumps((time.process_time() - start, done))


def _event(chunk: list[int], priced: tuple, days) -> Chunk:
    tours, errors, result, compared, compare_error = priced
    if compare_error is not None:
        raise InputError(*compare_error)
    return Chunk(chunk, tours, result, compared, [(i, InputError(*e)) for i, e in errors], days)


# -- the batch ----------------------------------------------------------------------------------------------

def _source(src) -> tuple[str, str | None]:
    if isinstance(src, (str, os.PathLike)):
        return str(src), None
    return str(src.path), getattr(src, "text", None)


def default_workers(total_bytes: int) -> int:
    """Processes pricing a batch of ``total_bytes`` of YAML: ``$NGAP_WORKERS`` if set (1: no worker
    process), else one per core available, at most one per ~2 MB of input."""
    env = os.environ.get("NGAP_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8, total_bytes // MIN_BYTES_PER_WORKER))


def iter_priced(sources: Iterable, store, *, workers: int | None = None,
                special: Callable[[str, str], Any] | None = None,
                compare: Callable[[list], Any] | None = None) -> Iterator[Read | Planned | Chunk]:
    """Read, chunk and price ``sources``; see the module docstring for the events.

    The cyclic garbage collector runs less often meanwhile (every 50 000 allocations instead of 700):
    parsing and pricing allocate millions of objects that reference counting frees, and each collection
    walks every live one: ~4 % of a batch's CPU. Restored at the end."""
    import gc

    saved = gc.get_threshold()
    gc.set_threshold(max(saved[0], GC_THRESHOLD), *saved[1:])
    try:
        yield from _iter_priced(sources, store, workers, special, compare)
    finally:
        gc.set_threshold(*saved)


def _iter_priced(sources, store, workers, special, compare) -> Iterator[Read | Planned | Chunk]:
    from ngapcli.tourfile import parse_tours, read_source

    sources = list(sources)
    limited = period_acts(store)
    names = tuple(limited)     # `in` on each name: 20 times faster than one regular expression of them all

    # pass 1 -----------------------------------------------------------------------------------------
    plan: dict[int, tuple[str, str | None, frozenset[date]]] = {}   # index -> (path, text to send, days)
    claimed: dict[int, Any] = {}
    occurrences: dict[tuple[str, str], list[tuple[date, int]]] = defaultdict(list)
    total = 0
    for index, src in enumerate(sources):
        path, given = _source(src)
        name = path
        try:
            name, text = (path, given) if given is not None else read_source(path)
            total += len(text)
            mine = special(text, name) if special is not None else None
            if mine is not None:
                claimed[index] = mine
                plan[index] = (path, None, frozenset(date.fromisoformat(l.date) for l in mine.lines))
                yield Read(index, src, name, claimed=True)
                continue
            days = scan_days(text)
            # plans make visits on days no `date:` key names; prescriptions count across files
            if days is None or any(a in text for a in names) or "plan" in text or "prescriptions" in text:
                tours = parse_tours(text, name, store.act_ids, store.letters)
                days = frozenset(_tour_days(tours) | _prescription_days(tours))
                for key, when in _occurrences(tours, limited).items():
                    occurrences[key].extend((d, index) for d in when)
                del tours
        except InputError as exc:
            yield Read(index, src, name, exc)
            continue
        plan[index] = (path, given, days)
        yield Read(index, src, name)

    chunks = _chunks({i: p[2] for i, p in plan.items() if i not in claimed}, occurrences, limited)
    for i in claimed:
        chunks.append([i])
    first_day = {i: min(p[2], default=date.max) for i, p in plan.items()}
    chunks.sort(key=lambda c: (min(first_day[i] for i in c), c[0]))
    n = default_workers(total) if workers is None else max(1, workers)
    n = min(n, max(1, len(chunks)))
    yield Planned(len(chunks), sum(len(c) for c in chunks), n)

    # pass 2 -----------------------------------------------------------------------------------------
    def task(chunk: list[int]):
        days = frozenset().union(*(plan[i][2] for i in chunk))
        return [(i, plan[i][0], plan[i][1]) for i in chunk], days

    def span(chunk):
        days = [d for i in chunk for d in plan[i][2]]
        return (min(days), max(days)) if days else None

    _init(store, compare)
    todo = deque(chunks)
    if n == 1:
        for chunk in todo:
            if chunk[0] in claimed:
                yield Chunk(chunk, None, claimed.pop(chunk[0]), days=span(chunk))
            else:
                yield _event(chunk, _price(_parse_chunk(task(chunk)), store, compare), span(chunk))
        return
    yield from _parallel(todo, claimed, task, span, n - 1, store, compare)


def _parallel(todo: deque, claimed: dict, task, span, processes: int, store, compare) -> Iterator[Chunk]:
    """Chunks in date order, ``processes`` worker processes and the main process sharing the work.

    The main process prices every chunk (and the caller sums it) while the workers parse the chunks
    queued ahead: parsing is about half of the work, and sending parsed tours costs less than sending
    priced lines. The work is balanced both ways: when the next chunk is not parsed yet, the main
    process parses the next unqueued one itself rather than wait; when parsed chunks wait for the main
    process, the next ones are sent to be priced there too."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    pending: deque = deque()        # (chunk, Future | parsed | None when claimed), in date order
    window = processes * AHEAD
    stats = {"parsed here": 0, "parsed there": 0, "priced there": 0, "waited": 0.0, "cpu here": 0.0,
             "cpu there": 0.0}
    began = time.process_time()
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=_init, initargs=(store, compare)) as pool:
        def fill():
            waiting = 0                  # parsed chunks at the front, waiting for the main process
            for _, job in pending:
                if not (isinstance(job, Future) and job.done()):
                    break
                waiting += 1
            in_flight = sum(1 for _, j in pending if isinstance(j, Future))
            while todo and in_flight < window:
                chunk = todo.popleft()
                if chunk[0] in claimed:
                    pending.append((chunk, None))
                    continue
                full = waiting >= (processes + 1 if BEHIND is None else BEHIND)
                pending.append((chunk, pool.submit(_work, (*task(chunk), full))))
                in_flight += 1

        fill()
        while pending:
            chunk, job = pending[0]
            if isinstance(job, Future) and not job.done() and todo:
                mine = todo.popleft()            # the workers are behind: parse the next chunk here
                pending.append((mine, None if mine[0] in claimed else _parse_chunk(task(mine))))
                stats["parsed here"] += 1
                continue
            pending.popleft()
            if job is None:
                fill()
                yield Chunk(chunk, None, claimed.pop(chunk[0]), days=span(chunk))
                continue
            if isinstance(job, Future):
                start = time.perf_counter()
                cpu, done = pickle.loads(job.result())
                stats["waited"] += time.perf_counter() - start
                stats["cpu there"] += cpu
                stats["priced there" if len(done) > 2 else "parsed there"] += 1
            else:
                done = job
            fill()
            if len(done) == 2:               # parsed only: price it here
                done = _price(done, store, compare)
            yield _event(chunk, done, span(chunk))
    if os.environ.get("NGAP_BATCH_STATS"):
        import sys

        stats["cpu here"] = time.process_time() - began
        sys.stderr.write(f"lot : {processes} processus de travail, "
                         f"{ {k: round(v, 2) for k, v in stats.items()} }\n")


def _chunks(days: dict[int, frozenset[date]], occurrences: dict, limited: dict) -> list[list[int]]:
    """Sources sharing a day are one chunk; so are all the sources holding the acts of a patient
    limited per period when the limit could be reached."""
    parent = {i: i for i in days}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    owner: dict[date, int] = {}
    for i, ds in days.items():
        for d in ds:
            union(i, owner.setdefault(d, i))
    for (act, _patient), seen in occurrences.items():
        per_year, per_month, garde = (None, None, True) if act == GARDE else limited[act]
        if _may_reach([d for d, _ in seen], per_year, per_month, garde):
            first = seen[0][1]
            for _, i in seen:
                union(first, i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in days:
        groups[find(i)].append(i)
    return [sorted(g) for g in groups.values()]


def price_all(sources: Iterable, store, workers: int | None = None):
    """Every chunk of a batch, merged into one Result and the list of tours (tests, small batches)."""
    from ngapcli.result import Result

    merged, tours, errors = Result(), [], []
    for event in iter_priced(sources, store, workers=workers):
        if isinstance(event, Read) and event.error is not None:
            errors.append(event.error)
        elif isinstance(event, Chunk):
            merged.lines.extend(event.result.lines)
            merged.diagnostics.extend(event.result.diagnostics)
            tours.extend(event.tours or ())
            errors.extend(e for _, e in event.errors)
    return merged, tours, errors

