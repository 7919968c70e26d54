#!/usr/bin/env python3
"""Benchmarks of ngap (issue 7): cold start, batch throughput and scaling, as whole processes.

    python benchmarks/run.py              # every case: figures, then one PASS/FAIL line per target
    python benchmarks/run.py --quick      # fewer runs (a smoke run: noisier figures)
    python benchmarks/run.py --only cold  # or --only batch
    python benchmarks/run.py --keep       # keep the generated inputs (their folder is printed)

Each case runs the real ``ngap`` console script (the one next to this interpreter, not a shell shim)
as a new process, several times, interleaved with its baseline (A B A B …) so that a change of load
hits both, and prints the median of each and their ratio. Other processes on the machine skew the
figures (above all the batch's, which uses both cores): before each timed run the script waits (up to
``--wait-idle`` seconds) for idle CPUs, and a run during which other processes took more than a tenth
of a CPU is done again (at most three times; the count is printed). The inputs are generated into a temporary folder:

- a 30-patient day tour of one nurse (cold start);
- a year of a four-nurse cabinet: one file per nurse and day, 1 460 files, ~100 000 visits (batch).

Baselines: for the cold start, a process that only imports typer and yaml and loads the same tour with
PyYAML's C loader; for the batch, a process that only parses the same files with the C loader.

The processes run as an installed ngap would: bytecode cached (``PYTHONDONTWRITEBYTECODE`` is dropped
and ``PYTHONPYCACHEPREFIX`` points into the temporary folder) and the tariff store cached
(``NGAP_CACHE_DIR`` in the temporary folder); one warm-up run fills both caches before the timed runs.
Time is wall-clock; CPU (user + system, the process and its workers) is printed too. Peak memory is the
largest proportional set size (PSS) of the whole process tree (main process plus workers), sampled
from /proc every 50 ms. The exit status is 0 when every target is PASS.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

COLD_RATIO = 1.3        # cold start ≤ 1.3 × (import typer + yaml, load the tour)
BATCH_RATIO = 1.2       # batch ≤ 1.2 × bare parse of the same files
PEAK_MB = 250           # peak memory of the batch (process tree)
PEAK_GROWTH = 1.25      # peak at 100 000 visits ≤ 1.25 × peak at 10 000: not growing with the files
LINEAR_SLOPE = 1.25     # time per extra visit from 50k to 100k ≤ 1.25 × from 10k to 50k: linear

# -- inputs ------------------------------------------------------------------------------------------

NURSES = [("Claire Martin", "plaine"), ("Sophie Roux", "plaine"), ("Julien Petit", "plaine"),
          ("Amélie Fontaine", "plaine")]

# (weight, profile): what a patient of the cabinet receives, visit by visit
PROFILES = [
    (22, "diabetes"),      # glycémie + insuline, morning and evening (art. 5 bis)
    (14, "anticoag"),      # injection SC once a day
    (12, "wound"),         # pansement courant, sometimes a second act
    (7, "heavy_wound"),    # pansement lourd et complexe (MCI)
    (8, "blood"),          # prélèvement veineux (MAU)
    (10, "oral"),          # administration thérapeutique orale, two passages
    (15, "dependence"),    # BSI patient: forfait BSA/BSB/BSC, IFI, 2-3 passages
    (4, "perfusion"),      # perfusion courte
    (5, "child"),          # child under 7 (MIE)
    (3, "palliative"),     # soins palliatifs (MCI)
]


def _patients(rng: random.Random, group: int, count: int) -> list[dict]:
    out = []
    profiles = [p for w, p in PROFILES for _ in range(w)]
    for n in range(count):
        profile = rng.choice(profiles)
        pid = f"P{group}{n:02d}"
        far = rng.random() < 0.3     # a hamlet outside the cabinet's town: IK; in town, no distance given
        p = {"id": pid, "name": f"Patient {pid}", "profile": profile,
             "age": rng.randint(2, 6) if profile == "child" else rng.randint(45, 97),
             "coverage": "ald" if profile in ("diabetes", "heavy_wound", "palliative", "dependence")
             else rng.choice(["standard", "standard", "standard", "css", "invalidity"]),
             "distance_km": round(rng.uniform(3, 9), 1) if far else None,
             "outside_agglomeration": far}
        if profile == "dependence":
            p["bsi"] = rng.choice(["BSA", "BSB", "BSB", "BSC"])
        if profile in ("diabetes", "anticoag", "dependence"):
            p["daily"] = True
        if profile == "palliative":
            p["palliative"] = True
        if n % 11 == 3 and out:
            p["household"] = out[-1].setdefault("household", f"{n} rue des Lilas")
            p["distance_km"], p["outside_agglomeration"] = out[-1]["distance_km"], out[-1]["outside_agglomeration"]
        out.append(p)
    return out


def _visits(rng: random.Random, p: dict) -> list[tuple[str, list, dict]]:
    """(time, acts, extra keys) of one patient's day."""
    prof = p["profile"]
    morning = f"{rng.randint(8, 11):02d}:{rng.choice(['00', '10', '20', '30', '40', '50'])}"
    evening = f"{rng.randint(17, 19):02d}:{rng.choice(['00', '15', '30', '45'])}"
    if prof == "diabetes":           # insulin before breakfast: from 07:30 (night band until 08:00)
        acts = ["surveillance_glycemie_insuline", "injection_insuline"]
        early = f"0{rng.choice(['7:30', '7:45', '8:00', '8:15', '8:30'])}"
        return [(early, acts, {}), (evening, acts, {})]
    if prof == "anticoag":
        return [(morning, ["injection_sc"], {})]
    if prof == "wound":
        acts = ["pansement_autre"] + (["injection_sc"] if rng.random() < 0.3 else [])
        return [(morning, acts, {})]
    if prof == "heavy_wound":
        return [(morning, ["pansement_ulcere_greffe_etendu"], {})]
    if prof == "blood":
        return [(morning, ["prelevement_veineux"], {})]
    if prof == "oral":
        return [(morning, ["administration_therapeutique_orale"], {}),
                (evening, ["administration_therapeutique_orale"], {})]
    if prof == "dependence":
        noon = f"{rng.randint(12, 13):02d}:{rng.choice(['00', '30'])}"
        out = [(morning, [], {}), (evening, [], {})]
        if rng.random() < 0.5:
            out.insert(1, (noon, [], {}))
        return out
    if prof == "perfusion":
        return [(morning, ["perfusion_courte"], {})]
    if prof == "child":
        return [(morning, [rng.choice(["injection_im", "pansement_autre"])], {})]
    # palliative
    out = [(morning, ["pansement_autre", "injection_sc"], {}), (evening, ["injection_sc"], {})]
    if rng.random() < 0.1:
        out.append(("23:40", ["injection_sc"], {"urgent": True, "called_at": "23:10"}))
    return out


def tour_yaml(rng: random.Random, day: date, nurse: tuple[str, str], patients: list[dict]) -> tuple[str, int]:
    """One nurse's day as YAML text, and its number of visits."""
    lines = [f"# Tournée générée pour les mesures de performance, {day.isoformat()}",
             f"date: {day.isoformat()}", "zone: metropole",
             "nurse:", f"  name: {nurse[0]}", f"  terrain: {nurse[1]}", "patients:"]
    visits = 0
    for p in patients:
        lines += [f"  - id: {p['id']}", f"    name: {p['name']}", f"    age: {p['age']}"]
        if "bsi" in p:
            lines.append(f"    bsi: {p['bsi']}")
        if p["coverage"] != "standard":
            lines.append(f"    coverage: {p['coverage']}")
        if "household" in p:
            lines.append(f"    household: \"{p['household']}\"")
        if p["distance_km"] is not None:
            lines.append(f"    distance_km: {p['distance_km']}")
        if p["outside_agglomeration"]:
            lines.append("    outside_agglomeration: true")
        if p.get("palliative"):
            lines.append("    palliative: true")
        if p.get("daily"):
            lines += ["    prescription:", "      daily: true"]
        lines.append("    visits:")
        for time_, acts, extra in _visits(rng, p):
            visits += 1
            lines.append(f"      - time: \"{time_}\"" if rng.random() < 0.7 else f"      - time: {time_}")
            for k, v in extra.items():
                lines.append(f"        {k}: {str(v).lower() if isinstance(v, bool) else repr(v)}")
            if acts:
                if len(acts) == 1:
                    lines.append(f"        acts: [{acts[0]}]")
                else:
                    lines.append("        acts:")
                    lines += [f"          - {a}" for a in acts]
    return "\n".join(lines) + "\n", visits


def make_day_tour(folder: Path, patients: int = 30) -> Path:
    rng = random.Random(7)
    path = folder / "tournee_30_patients.yaml"
    text, _ = tour_yaml(rng, date(2025, 3, 10), NURSES[0], _patients(rng, 0, patients))
    path.write_text(text, encoding="utf-8")
    return path


def make_cabinet_year(folder: Path, year: int = 2025, per_nurse: int = 44) -> tuple[list[Path], list[int]]:
    """A year of a four-nurse cabinet, one file per nurse and day; nurses swap rounds every week.

    Returns the files in chronological order and the number of visits of each."""
    rng = random.Random(2025)
    groups = [_patients(rng, g, per_nurse) for g in range(len(NURSES))]
    files, counts = [], []
    day = date(year, 1, 1)
    while day.year == year:
        week = (day - date(year, 1, 1)).days // 7
        for k, nurse in enumerate(NURSES):
            group = groups[(k + week) % len(NURSES)]
            todays = [p for p in group if rng.random() < 0.97]
            text, visits = tour_yaml(rng, day, nurse, todays)
            sub = folder / nurse[0].split()[0].lower()
            sub.mkdir(parents=True, exist_ok=True)
            path = sub / f"{day.isoformat()}.yaml"
            path.write_text(text, encoding="utf-8")
            files.append(path)
            counts.append(visits)
        day += timedelta(days=1)
    return files, counts


def subset(files: list[Path], counts: list[int], visits: int, folder: Path) -> tuple[Path, int]:
    """A folder holding (hard links to) the first files of the year, up to ``visits`` visits."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for f, n in zip(files, counts):
        if total >= visits:
            break
        dest = folder / f.parent.name / f.name
        dest.parent.mkdir(exist_ok=True)
        try:
            os.link(f, dest)
        except OSError:
            shutil.copyfile(f, dest)
        total += n
    return folder, total


# -- measuring ---------------------------------------------------------------------------------------

def _descendants(pid: int) -> list[int]:
    """The process and its descendants, from /proc/PID/task/TID/children (no scan of all of /proc)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", "rb") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _tree_memory(root: int) -> int:
    """Proportional set size (bytes) of a process and its descendants: pages shared by the forked
    workers and their parent are counted once (their resident sets would count them in each)."""
    total = 0
    for pid in _descendants(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError):
            pass
    return total


class Run:
    def __init__(self, seconds: float, cpu: float, maxrss_mb: float, tree_mb: float, code: int):
        self.seconds, self.cpu, self.maxrss_mb, self.tree_mb, self.code = seconds, cpu, maxrss_mb, tree_mb, code


ENV: dict[str, str] = {}
SAMPLE_EVERY = 0.05     # seconds between two memory samples (each costs ~0.3 ms of this process's CPU)
QUIET = {"wait": 0.0, "noisy": 0, "retried": 0}


def _cpu_idle(interval: float = 0.5) -> float:
    """Fraction of all CPUs idle over ``interval`` seconds (/proc/stat)."""
    def read():
        with open("/proc/stat", encoding="ascii") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
        return f[3] + f[4], sum(f)
    idle0, total0 = read()
    time.sleep(interval)
    idle1, total1 = read()
    return (idle1 - idle0) / max(1, total1 - total0)


def wait_quiet() -> None:
    """Before a timed run: wait until the other processes leave the CPUs idle (≥ 90 % over half a second),
    at most QUIET["wait"] seconds."""
    deadline = time.monotonic() + QUIET["wait"]
    while QUIET["wait"] > 0 and time.monotonic() < deadline:
        if _cpu_idle() >= 0.9:
            return
        time.sleep(1)


def _busy_seconds() -> float:
    """CPU seconds spent by every process of the machine so far (/proc/stat, all CPUs)."""
    with open("/proc/stat", encoding="ascii") as fh:
        f = [int(x) for x in fh.readline().split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")


def run_once(cmd: list[str], sample_tree: bool = False) -> Run:
    """One timed run; run again (at most 3 times) when other processes took more than a tenth of a CPU
    meanwhile (the machine's busy time minus the run's own CPU time)."""
    for attempt in range(4):
        wait_quiet()
        before, mine = _busy_seconds(), time.process_time()
        run = _run(cmd, sample_tree)
        others = _busy_seconds() - before - run.cpu - (time.process_time() - mine)
        if others <= 0.1 * run.seconds + 0.05 or QUIET["wait"] <= 0:
            return run
        QUIET["retried"] += 1
    QUIET["noisy"] += 1
    return run


def _run(cmd: list[str], sample_tree: bool) -> Run:
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV or None)
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_memory(proc.pid))
            done.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True) if sample_tree else None
    if sampler:
        sampler.start()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    if sampler:
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        sys.exit(f"failed: {' '.join(cmd[:4])}… (exit {proc.returncode}):\n{stderr.decode(errors='replace')}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0] / 2**20, proc.returncode)


def compare(cmd: list[str], base: list[str], runs: int, sample_tree: bool = False, warmup: int = 1):
    """Runs of a command and of its baseline, interleaved (A B A B …) so that drift hits both."""
    for _ in range(warmup):
        run_once(cmd)
        run_once(base)
    a, b = [], []
    for _ in range(runs):
        a.append(run_once(cmd, sample_tree))
        b.append(run_once(base, sample_tree))
    return a, b


def median(runs: list[Run], attr: str = "seconds") -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def ngap_command() -> list[str]:
    script = Path(sys.executable).parent / "ngap"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "ngapcli"]


# -- the cases ----------------------------------------------------------------------------------------

class Targets:
    def __init__(self):
        self.lines: list[tuple[bool, str]] = []

    def check(self, ok: bool, text: str) -> None:
        self.lines.append((ok, text))
        print(f"{'PASS' if ok else 'FAIL'}  {text}", flush=True)


def cold_start(ngap: list[str], folder: Path, runs: int, targets: Targets) -> None:
    tour = make_day_tour(folder)
    base = [sys.executable, "-c",
            "import sys, typer, yaml\n"
            "with open(sys.argv[1], 'rb') as fh: yaml.load(fh, Loader=yaml.CSafeLoader)", str(tour)]
    print(f"\n## Cold start (median of {runs} runs each)")
    for label, cmd in (("ngap price --format json (30 patients)", ngap + ["price", str(tour), "--format", "json"]),
                       ("ngap --version", ngap + ["--version"])):
        a, b = compare(cmd, base, runs)
        ratio = median(a) / median(b)
        print(f"{label:40} {median(a) * 1000:6.0f} ms (cpu {median(a, 'cpu') * 1000:4.0f})   baseline "
              f"{median(b) * 1000:4.0f} ms (cpu {median(b, 'cpu') * 1000:4.0f})   × {ratio:.2f}", flush=True)
        targets.check(ratio <= COLD_RATIO, f"cold start, {label}: ≤ {COLD_RATIO} × baseline ({ratio:.2f})")
    script = ngap[-1] if ngap[0] != sys.executable else None
    for fmt in ("json", "csv"):
        cmd = [sys.executable, "-X", "importtime"] + ([script] if script else ["-m", "ngapcli"])
        out = subprocess.run(cmd + ["price", str(tour), "--format", fmt], capture_output=True, text=True, env=ENV)
        mods = {l.split("|")[-1].strip().split(".")[0] for l in out.stderr.splitlines() if l.startswith("import time:")}
        heavy = sorted(mods & {"rich", "pydantic", "holidays"})
        targets.check(not heavy, f"--format {fmt} imports neither rich, pydantic nor holidays"
                      + (f" (imported: {', '.join(heavy)})" if heavy else ""))


def _n(x: float) -> str:
    return f"{x:,.0f}".replace(",", "\u202f")


def batch_cmd(ngap: list[str], folder: Path) -> list[str]:
    return ngap + ["report", str(folder), "--format", "json", "--quiet"]


def parse_cmd(folder: Path) -> list[str]:
    return [sys.executable, "-c",
            "import os, sys, yaml\n"
            "paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1])\n"
            "               for f in fs if f.endswith('.yaml'))\n"
            "for p in paths:\n"
            "    with open(p, 'rb') as fh: yaml.load(fh, Loader=yaml.CSafeLoader)", str(folder)]


def batch(ngap: list[str], folder: Path, runs: int, targets: Targets) -> None:
    t0 = time.perf_counter()
    year = folder / "year"
    files, counts = make_cabinet_year(year)
    size = sum(f.stat().st_size for f in files)
    total = sum(counts)
    print(f"\n## Batch: a year of a four-nurse cabinet ({len(files)} files, {_n(total)} visits, {size / 2**20:.1f} MB, "
          f"generated in {time.perf_counter() - t0:.1f} s; median of {runs} runs each)", flush=True)
    a, b = compare(batch_cmd(ngap, year), parse_cmd(year), runs, sample_tree=True, warmup=0)
    ratio = median(a) / median(b)
    print(f"{'ngap report YEAR --format json':40} {median(a):6.2f} s  (cpu {median(a, 'cpu'):5.2f})   bare parse "
          f"{median(b):5.2f} s (cpu {median(b, 'cpu'):5.2f})   × {ratio:.2f}")
    print(f"{'':40} {_n(total / median(a))} visits/s against {_n(total / median(b))}; peak memory "
          f"{median(a, 'tree_mb'):.0f} MB (PSS of the process tree; largest RSS {median(a, 'maxrss_mb'):.0f} MB), "
          f"bare parse {median(b, 'tree_mb'):.0f} MB", flush=True)
    targets.check(ratio <= BATCH_RATIO, f"batch: ≤ {BATCH_RATIO} × bare parse ({ratio:.2f})")

    print(f"\n## Scaling (median of {runs} runs each)")
    points = []
    for visits in (10_000, 50_000, 100_000):
        sub, n = subset(files, counts, visits, folder / f"first{visits}")
        nfiles = sum(1 for _ in sub.rglob("*.yaml"))
        got = [run_once(batch_cmd(ngap, sub), sample_tree=True) for _ in range(runs)]
        t, mem = median(got), median(got, "tree_mb")
        points.append((n, t, mem))
        print(f"{n:>7} visits {nfiles:>5} files {t:7.2f} s (cpu {median(got, 'cpu'):6.2f})  {n / t:7.0f} visits/s   "
              f"peak {mem:4.0f} MB (PSS; largest RSS {median(got, 'maxrss_mb'):.0f} MB)", flush=True)
    (n1, t1, m1), (n2, t2, m2), (n3, t3, m3) = points
    s1, s2 = (t2 - t1) / (n2 - n1), (t3 - t2) / (n3 - n2)
    targets.check(s2 <= LINEAR_SLOPE * s1, f"linear time: cost of a visit from 50k to 100k ≤ {LINEAR_SLOPE} × "
                  f"from 10k to 50k ({s2 * 1e6:.0f} µs against {s1 * 1e6:.0f} µs)")
    peak = max(m1, m2, m3)
    targets.check(peak <= PEAK_MB, f"batch peak memory ≤ {PEAK_MB} MB ({peak:.0f} MB)")
    targets.check(m3 <= PEAK_GROWTH * m1, f"memory not growing with the files: peak at 100k ≤ {PEAK_GROWTH} × "
                  f"peak at 10k ({m3:.0f} MB against {m1:.0f} MB)")


def machine() -> str:
    cpu = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((l.split(":", 1)[1].strip() for l in fh if l.startswith("model name")), "?")
    except OSError:
        pass
    try:
        from importlib.metadata import version

        libs = ", ".join(f"{n} {version(n)}" for n in ("typer", "PyYAML", "holidays"))
    except Exception:  # noqa: BLE001
        libs = ""
    return (f"nproc {len(os.sched_getaffinity(0))}, {cpu}, Python {platform.python_version()}, {libs}, "
            f"{platform.system()} {platform.release()}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--keep", action="store_true", help="keep the generated inputs")
    ap.add_argument("--only", choices=["cold", "batch"], help="run one case")
    ap.add_argument("--wait-idle", type=float, default=60, metavar="S",
                    help="before each timed run, wait up to S seconds for idle CPUs (default 60; 0: never)")
    args = ap.parse_args()
    QUIET["wait"] = args.wait_idle
    ngap = ngap_command()
    folder = Path(tempfile.mkdtemp(prefix="ngap-bench-"))
    ENV.update(os.environ)
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    ENV.update(PYTHONPYCACHEPREFIX=str(folder / "pycache"), NGAP_CACHE_DIR=str(folder / "cache"), NO_COLOR="1")
    print(f"# ngap benchmarks — {machine()}")
    load = os.getloadavg()
    print(f"# command: {' '.join(ngap)}; load average at the start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
          flush=True)
    targets = Targets()
    try:
        if args.only in (None, "cold"):
            cold_start(ngap, folder, 5 if args.quick else 21, targets)
        if args.only in (None, "batch"):
            batch(ngap, folder, 1 if args.quick else 3, targets)
    finally:
        if args.keep:
            print(f"\ninputs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{QUIET['retried']} run(s) done again because other processes used the CPUs meanwhile")
    if QUIET["noisy"]:
        print(f"WARNING: {QUIET['noisy']} timed run(s) kept although other processes used the CPUs "
              "(no quiet moment found): their figures are pessimistic")
    failed = [t for ok, t in targets.lines if not ok]
    print(f"\n{len(targets.lines) - len(failed)}/{len(targets.lines)} targets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
