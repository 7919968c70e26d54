"""Safe outputs (issue 13 §4): CSV cells a spreadsheet would run are neutralised, JSON and CSV runs also give
their diagnostics on stderr, and a closed pipe ends with the status of the work."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

from conftest import ROOT, run_cli

EVIL = """\
date: 2025-03-10
nurse: {name: '=HYPERLINK("http://evil.example","x")'}
patients:
  - id: "@SUM(A1:A2)"
    visits:
      - {time: "08:30", acts: [injection_sc]}
  - id: "-P2"
    visits:
      - {time: "09:00", acts: [injection_sc], billed: "AMI 2"}
  - id: "+P3"
    visits:
      - {time: "09:30", acts: [injection_sc]}
  - id: "\\tP4"
    visits:
      - {time: "10:00", acts: [injection_sc]}
  - id: "\\rP5"
    visits:
      - {time: "10:30", acts: [injection_sc]}
"""

NASTY = ("=", "+", "-", "@", "\t", "\r")


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_no_formula(table: list[dict]) -> None:
    for row in table:
        for key, cell in row.items():
            if cell.startswith(NASTY):
                float(cell)       # only numbers may start so (a negative amount)


def test_price_csv_neutralises_formulas_and_keeps_numbers(tour):
    r = run_cli("price", tour(EVIL), "--format", "csv")
    assert r.exit_code == 0, r.stderr
    table = rows(r.stdout)
    assert_no_formula(table)
    assert {row["nurse"] for row in table} == {"'=HYPERLINK(\"http://evil.example\",\"x\")"}
    assert [row["patient"] for row in table if row["code"] == "AMI"] == [
        "'@SUM(A1:A2)", "'-P2", "'+P3", "'\tP4", "'\rP5"]
    # numbers untouched: AMI 1 3.15, MAU 1.35, IFD 2.75 for each of the 5 patients
    assert [(row["coefficient"], row["amount"]) for row in table[:3]] == [("1", "3.15"), ("1", "1.35"), ("1", "2.75")]
    assert sum(float(row["amount"]) for row in table) == 5 * 7.25


def test_audit_and_report_csv_neutralise_too_and_keep_negative_amounts(tour):
    path = tour(EVIL)
    audit = run_cli("audit", path, "--format", "csv")
    table = rows(audit.stdout)
    assert_no_formula(table)
    assert {row["patient"] for row in table} == {"'-P2"}
    # AMI 2 billed for AMI 1 due: +3.15; MAU and IFD forgotten: -1.35 and -2.75, as numbers
    assert [(row["item"], row["amount"]) for row in table] == [("AMI", "3.15"), ("MAU", "-1.35"), ("IFD", "-2.75")]
    report = run_cli("report", path, "--format", "csv", "--by", "patient", "--by", "nurse")
    table = rows(report.stdout)
    assert_no_formula(table)
    assert "'@SUM(A1:A2)" in {row["key"] for row in table}
    assert table[-1]["amount"] == "36.25"


def test_json_and_csv_runs_give_the_diagnostics_on_stderr(tour):
    path = tour("""\
        date: 2025-03-10
        patients:
          - id: P1
            visits:
              - {time: "10:00", acts: [bilan_plaie_initial]}
              - {time: "10:00", date: 2025-11-10, acts: [bilan_plaie_initial]}
        """)
    expected = (f"{path}:6: NGAP150 error « bilan_plaie_initial » non facturé : au plus 1 par 12 mois et par "
                "patient (déjà le 2025-03-10).\n")
    for fmt in ("csv", "json"):
        r = run_cli("price", path, "--format", fmt)
        assert r.exit_code == 1 and r.stderr == expected, fmt
        assert "NGAP150" not in r.stdout if fmt == "csv" else r.json["warnings"][0]["code"] == "NGAP150"
    check = run_cli("check", path, "--format", "csv")
    assert check.exit_code == 1 and check.stderr == expected
    table = run_cli("price", path)
    assert table.stderr == "" and "NGAP150" in table.stdout      # tables show them as before
    report = run_cli("report", path, "--format", "json")
    assert report.exit_code == 1 and report.stderr == expected


def test_a_diagnostic_without_a_line_names_its_file():
    from ngapcli.render.data import diagnostic_line

    d = {"code": "NGAP160", "severity": "error", "file": "a.yaml", "line": None, "message": "deux\nlignes"}
    assert diagnostic_line(d) == "a.yaml: NGAP160 error deux lignes\n"


def ngap(*args, **kw) -> subprocess.Popen:
    env = {**os.environ, "NGAP_CACHE_DIR": "off"}
    return subprocess.Popen([sys.executable, "-m", "ngapcli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env, **kw)


def big_tour(tmp_path, refused: bool):
    patients = "".join(f'  - id: P{i}\n    visits:\n      - {{time: "08:00", acts: [injection_sc]}}\n'
                       for i in range(300))
    if refused:
        patients += ('  - id: D1\n    visits:\n'
                     + "".join(f'      - {{time: "{h}:00", acts: [dialyse_peritoneale_seance]}}\n'
                               for h in (10, 12, 14, 16, 18)))
    path = tmp_path / ("refused.yaml" if refused else "ok.yaml")
    path.write_text("date: 2025-03-10\nnurse: {name: Claire Martin}\npatients:\n" + patients, encoding="utf-8")
    return path


def test_closed_pipe_ends_quietly_with_the_status_of_the_work(tmp_path):
    for refused, status in ((False, 0), (True, 1)):
        path = big_tour(tmp_path, refused)
        for fmt in ("table", "json", "csv"):
            p = ngap("price", str(path), "--format", fmt)
            first = p.stdout.readline()        # `| head -1`: one line read, then the pipe is closed
            p.stdout.close()
            err = p.stderr.read().decode()
            assert p.wait() == status, (fmt, err)
            assert first and "Traceback" not in err and "Broken pipe" not in err and "BrokenPipe" not in err
            if fmt != "table":
                assert ("NGAP150 error" in err) is refused


def test_closed_pipe_through_a_shell_pipeline(tmp_path):
    path = big_tour(tmp_path, False)
    script = f'"{sys.executable}" -m ngapcli price "{path}" --format csv | head -1; echo "status=${{PIPESTATUS[0]}}"'
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "NGAP_CACHE_DIR": "off"})
    assert r.stdout.splitlines() == ["file,nurse,date,patient,visit,time,kind,code,coefficient,rate,quantity,"
                                     "unit_value,amount,act,label,rule,amo,patient_name", "status=0"]
    assert r.stderr == ""


def test_pipe_safe_stream_drops_what_a_closed_pipe_would_refuse(monkeypatch):
    """In process: the writer of a pipe whose reader is gone keeps working, into the null device."""
    from ngapcli import output

    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "w", encoding="utf-8")
    safe = output.PipeSafe(stream)
    safe.write("première ligne\n")
    safe.flush()
    assert os.read(read_end, 100) == "première ligne\n".encode()
    os.close(read_end)                                  # `head -1` has read its line and gone
    safe.write("deuxième ligne\n")                       # kept in the buffer...
    safe.flush()                                          # ...the flush hits the closed pipe
    assert safe.closed_pipe and safe.encoding == "utf-8" and not safe.isatty()
    assert safe.write("x" * 100_000) == 100_000
    safe.write("encore\n")
    safe.flush()                                          # now into the null device, no error
    stream.close()
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w", encoding="utf-8") as stream:
        safe = output.PipeSafe(stream)
        assert safe.write("x" * 100_000) == 100_000      # more than the buffer: the write itself hits the pipe
        assert safe.closed_pipe
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    output.pipe_safe()
    output.pipe_safe()                                    # once: not wrapped twice
    assert isinstance(sys.stdout, output.PipeSafe) and not isinstance(sys.stdout._stream, output.PipeSafe)
    output.diagnostics_to_stderr([{"code": "NGAP150", "severity": "error", "file": "t.yaml", "line": 3,
                                   "message": "refusé"}])
    assert sys.stderr.getvalue() == "t.yaml:3: NGAP150 error refusé\n"
