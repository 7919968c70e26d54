"""Command line: bad input (exit 2, located messages, never a traceback), formats, other commands."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from conftest import EXAMPLES, price_json, run_cli

WIDE = {"NO_COLOR": "1", "COLUMNS": "200"}  # keep rich tables from wrapping long act ids

VALID = """\
date: 2025-03-10
nurse:
  name: Claire Martin
patients:
  - id: P1
    visits:
      - time: "10:00"
        acts: [injection_sc]
"""


def no_traceback(r) -> None:
    assert "Traceback" not in r.stdout + r.stderr


def assert_located(message: str, path, line: int) -> None:
    """The message names the file and the line: `tour.yaml:9[:col]` (or `… ligne 9`)."""
    name = re.escape(path.name)
    assert path.name in message, message
    assert re.search(rf"{name}:{line}(?!\d)", message) or \
        re.search(rf"\b(ligne|line) {line}(?!\d)", message), message


def bad_input(path, *extra):
    r = run_cli("price", path, "--format", "json", *extra)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    no_traceback(r)
    return r


# --------------------------------------------------------------------------------------------------
# input errors → exit 2


def test_unknown_act_suggests_the_close_one(tour):
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts:
                  - injection_cs
        """)
    r = bad_input(path)
    assert_located(r.stderr, path, 9)
    assert "injection_cs" in r.stderr
    assert "injection_sc" in r.stderr.replace("injection_cs", "")  # the suggestion


def test_impossible_time(tour):
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "25:99"
                acts: [injection_sc]
        """)
    r = bad_input(path)
    assert_located(r.stderr, path, 7)


def test_impossible_date(tour):
    path = tour(VALID.replace("date: 2025-03-10", "date: 2025-02-30"))
    r = bad_input(path)
    assert_located(r.stderr, path, 1)


def test_unquoted_time_is_read_as_hh_mm(tour):
    # YAML 1.1 reads 12:30 as the sexagesimal integer 750: it must still mean 12:30
    path = tour(VALID.replace('time: "10:00"', "time: 12:30"))
    data = price_json(path)
    assert {l["time"] for l in data["lines"]} == {"12:30"}
    assert data["totals"]["amount"] == "7.25"  # daytime: no night majoration


def test_unquoted_time_with_leading_zero(tour):
    path = tour(VALID.replace('time: "10:00"', "time: 08:30"))
    data = price_json(path)
    assert {l["time"] for l in data["lines"]} == {"08:30"}


def test_broken_yaml(tour):
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
            terrain: plaine
        patients: []
        """)
    r = bad_input(path)
    assert_located(r.stderr, path, 4)


def test_missing_file(tmp_path):
    missing = tmp_path / "absent.yaml"
    r = bad_input(missing)
    assert "absent.yaml" in r.stdout + r.stderr


def test_unknown_key(tour):
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                plac: office
                acts: [injection_sc]
        """)
    r = bad_input(path)
    assert_located(r.stderr, path, 8)
    assert "plac" in r.stderr


def test_unknown_zone(tour):
    path = tour(VALID.replace("nurse:", "zone: paris\nnurse:"))
    r = bad_input(path)
    assert "paris" in r.stderr


def test_duplicate_patient_id(tour):
    path = tour("""\
        date: 2025-03-10
        nurse:
          name: Claire Martin
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [injection_sc]
          - id: P1
            visits:
              - time: "11:00"
                acts: [injection_im]
        """)
    r = bad_input(path)
    assert "P1" in r.stderr
    assert path.name in r.stderr


def test_bad_input_in_one_file_prices_nothing(tour):
    good = tour(VALID)
    bad = tour(VALID.replace("injection_sc", "injection_cs"))
    r = bad_input(good, bad)
    assert "injection_sc" in r.stderr


def test_unknown_format(tour):
    r = run_cli("price", tour(VALID), "--format", "xml")
    assert r.exit_code == 2
    no_traceback(r)


# --------------------------------------------------------------------------------------------------
# several documents, stdin, formats


def test_multi_document_file(tour):
    # two nurses in one file: 7.25 each (AMI 1 + MAU + IFD)
    second = VALID.replace("Claire Martin", "Paul Durand").replace("P1", "P2")
    data = price_json(tour(VALID + "---\n" + second))
    assert {l["nurse"] for l in data["lines"]} == {"Claire Martin", "Paul Durand"}
    assert data["totals"]["by_patient"] == {"P1": "7.25", "P2": "7.25"}
    assert data["totals"]["amount"] == "14.50"


def test_several_files(tour):
    a = tour(VALID, name="a.yaml")
    b = tour(VALID.replace("P1", "P2"), name="b.yaml")
    data = price_json(a, b)
    assert {l["file"].split("/")[-1] for l in data["lines"]} == {"a.yaml", "b.yaml"}
    assert data["totals"]["amount"] == "14.50"


def test_stdin():
    r = run_cli("price", "-", "--format", "json", input=VALID)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert r.json["totals"]["amount"] == "7.25"


def test_stdin_error_exit_2():
    r = run_cli("price", "-", "--format", "json", input="date: [unclosed\n")
    assert r.exit_code == 2
    no_traceback(r)


def test_json_stdout_is_only_json(tour):
    r = run_cli("price", tour(VALID), "--format", "json")
    assert r.exit_code == 0
    assert r.stdout.lstrip().startswith("{")
    r.json  # parses


def test_csv_format(tour):
    # 11B + IK: AMI 6.30, AMI 0.5 1.58, IFD 2.75, IK 16 km 5.60
    path = tour(VALID.replace("acts: [injection_sc]", "acts: [pansement_autre, injection_sc]")
                .replace("  - id: P1\n", "  - id: P1\n    distance_km: 10\n    outside_agglomeration: true\n"))
    data = price_json(path)
    r = run_cli("price", path, "--format", "csv")
    assert r.exit_code == 0, r.stderr
    no_traceback(r)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    header = r.stdout.splitlines()[0].split(",")
    assert header[:13] == ["file", "nurse", "date", "patient", "visit", "time", "kind", "code",
                           "coefficient", "rate", "quantity", "unit_value", "amount"]
    assert len(rows) == len(data["lines"])
    assert sorted((x["code"], x["amount"]) for x in rows) == \
        sorted((l["code"], l["amount"]) for l in data["lines"])
    assert sum(Decimal(x["amount"]) for x in rows) == Decimal("16.23")  # 6.30 + 1.58 + 2.75 + 5.60
    ik = [x for x in rows if x["code"] == "IK"]
    assert [(Decimal(x["quantity"]), x["amount"]) for x in ik] == [(Decimal(16), "5.60")]


def test_table_format_default(tour):
    r = run_cli("price", tour(VALID), env=WIDE)
    assert r.exit_code == 0, r.stdout + r.stderr
    no_traceback(r)
    assert re.search(r"7[.,]25", r.stdout)
    assert "\x1b[" not in r.stdout  # NO_COLOR / not a terminal: no escape codes


def test_table_totals_list_the_amount_of_each_patient_under_its_own_heading():
    r = run_cli("price", EXAMPLES / "morning_round.yaml", env=WIDE)
    assert r.exit_code == 0
    totals = r.stdout[r.stdout.index("Totaux"):]
    rows = [re.sub(r"[│ ]+", " ", l).strip() for l in totals.splitlines() if "€" in l or "par patient" in l]
    assert rows == ["Montant facturé 64,46 €", "Part AMO 42,30 €", "Part patient / complémentaire 22,16 €",
                    "Montant facturé par patient", "P1 · Mme Bernard 8,83 €", "P2 · M. Caron 11,10 €",
                    "P3 · Mme Dubois 9,05 €", "P4 · M. Lefèvre 20,35 €", "P5 · Mme Garnier 10,63 €",
                    "P6 · M. Henry 4,50 €"]


@pytest.mark.parametrize("name", ["morning_round", "sunday_urgent_night", "mountain_ik",
                                  "dom_reunion", "child_care"])
def test_examples_render_as_table_and_csv(name):
    for fmt in ("table", "csv"):
        r = run_cli("price", EXAMPLES / f"{name}.yaml", "--format", fmt, env=WIDE)
        assert r.exit_code == 0, (fmt, r.stdout, r.stderr)
        no_traceback(r)


# --------------------------------------------------------------------------------------------------
# check, acts, tariffs, version


def test_check_lists_diagnostics(tour):
    path = tour(VALID.replace("acts: [injection_sc]",
                              "acts: [pansement_stomie, pansement_autre, injection_sc]"))
    r = run_cli("check", path, env=WIDE)
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "NGAP101" in r.stdout + r.stderr
    no_traceback(r)


def test_check_bad_input(tour):
    r = run_cli("check", tour(VALID.replace("injection_sc", "injection_cs")))
    assert r.exit_code == 2
    no_traceback(r)


def test_acts_search_prefix():
    r = run_cli("acts", "perf", env=WIDE)
    assert r.exit_code == 0, r.stderr
    assert "perfusion_courte" in r.stdout


def test_acts_search_pansement():
    r = run_cli("acts", "pansement", env=WIDE)
    assert r.exit_code == 0, r.stderr
    assert "pansement_autre" in r.stdout
    assert "pansement_escarre_profonde" in r.stdout


@pytest.mark.parametrize("query", ["prelevement", "PRÉLÈVEMENT", "Prélèvement"])
def test_acts_search_accent_and_case_insensitive(query):
    r = run_cli("acts", query, env=WIDE)
    assert r.exit_code == 0, r.stderr
    assert "prelevement_veineux" in r.stdout


def test_acts_without_query_lists_the_catalog():
    r = run_cli("acts", env=WIDE)
    assert r.exit_code == 0, r.stderr
    for act in ("injection_sc", "perfusion_courte", "pansement_autre", "vaccination_injection"):
        assert act in r.stdout


def _row_with(output: str, code: str, value: str) -> bool:
    pattern = re.compile(rf"\b{code}\b.*\b{value}\b")
    return any(pattern.search(line) for line in output.splitlines())


def test_tariffs_2023_ifd_2_50():
    r = run_cli("tariffs", "--date", "2023-06-01", env=WIDE)
    assert r.exit_code == 0, r.stderr
    assert _row_with(r.stdout, "IFD", r"2[.,]50")
    assert not _row_with(r.stdout, "IFD", r"2[.,]75")


def test_tariffs_2025_ifd_2_75():
    r = run_cli("tariffs", "--date", "2025-01-01", env=WIDE)
    assert r.exit_code == 0, r.stderr
    assert _row_with(r.stdout, "IFD", r"2[.,]75")
    assert _row_with(r.stdout, "AMI", r"3[.,]15")


def test_tariffs_reunion_ami_3_30():
    r = run_cli("tariffs", "--zone", "reunion", "--date", "2025-01-01", env=WIDE)
    assert r.exit_code == 0, r.stderr
    assert _row_with(r.stdout, "AMI", r"3[.,]30")


def test_tariffs_bad_date():
    r = run_cli("tariffs", "--date", "2025-13-45")
    assert r.exit_code == 2
    no_traceback(r)


def test_version():
    r = run_cli("--version")
    assert r.exit_code == 0
    assert "0.1.0" in r.stdout


def test_help():
    r = run_cli("--help", env=WIDE)
    assert r.exit_code == 0
    for command in ("price", "check", "acts", "tariffs"):
        assert command in r.stdout


# -- usage errors of the real command line, in French (ngapcli/usage.py) --------------------------------

@pytest.mark.parametrize("args, said", [
    (["price", "--format", "xml", "t.yaml"],
     "erreur : valeur invalide pour « --format » / « -f » : « xml » n'est pas une valeur permise (table, json, csv, csv-fr)\n"
     "  usage : ngap price [OPTIONS] [FICHIER...]\n  aide : ngap price -h\n"),
    (["pric"], "erreur : commande inconnue « pric » ; vouliez-vous dire « price » ?\n"
               "  usage : ngap [OPTIONS] COMMANDE [ARGUMENTS]...\n  aide : ngap -h\n"),
    (["report", "--bogus"], "erreur : option inconnue « --bogus »\n"
                            "  usage : ngap report [OPTIONS] [CHEMIN...]\n  aide : ngap report -h\n"),
    (["report", "--by"], "erreur : l'option « --by » attend une valeur\n  aide : ngap report -h\n"),
    (["tariffs", "extra"], "erreur : argument en trop : extra\n"
                           "  usage : ngap tariffs [OPTIONS]\n  aide : ngap tariffs -h\n"),
    (["audit", "--billed"], "erreur : l'option « --billed » attend une valeur\n  aide : ngap audit -h\n"),
    (["report", "--retrocession-base", "net", "x"],
     "erreur : valeur invalide pour « --retrocession-base » : « net » n'est pas une valeur permise "
     "(fees, fees_without_ik)\n  usage : ngap report [OPTIONS] [CHEMIN...]\n  aide : ngap report -h\n"),
])
def test_usage_errors_are_french_with_the_usage_and_exit_2(tmp_path, args, said):
    """The console script (not CliRunner): click's own checks, said in French, nothing on stdout."""
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "ngapcli", *args], capture_output=True, text=True, cwd=tmp_path,
                       env={"PATH": "", "NO_COLOR": "1", "NGAP_CACHE_DIR": "off"})
    assert (r.returncode, r.stdout, r.stderr) == (2, "", said)


def test_usage_errors_rendered_in_process_like_the_console_script(tmp_path):
    """Same path as cli.main (not standalone, then usage.render), in this process; the cases of the
    subprocess test above plus the ones only reachable here."""
    from typer._click.exceptions import ClickException

    from ngapcli.cli import _app_for
    from ngapcli.usage import render

    def said(*args):
        with pytest.raises(ClickException) as caught:
            _app_for(list(args))(args=list(args), standalone_mode=False, prog_name="ngap")
        return render(caught.value, list(args))

    assert said("price", "-f", "xml") == ("erreur : valeur invalide pour « --format » / « -f » : « xml » n'est pas "
                                          "une valeur permise (table, json, csv, csv-fr)\n  usage : ngap price [OPTIONS] "
                                          "[FICHIER...]\n  aide : ngap price -h\n")
    assert said("report", "--by") == "erreur : l'option « --by » attend une valeur\n  aide : ngap report -h\n"
    assert said("--bogus").startswith("erreur : option inconnue « --bogus »\n  usage : ngap [OPTIONS] COMMANDE")
    assert said("pric").startswith("erreur : commande inconnue « pric » ; vouliez-vous dire « price » ?\n")
    assert said("audit", "--billed", str(tmp_path)).startswith(
        f"erreur : valeur invalide pour « --billed » : « {tmp_path} » est un dossier, pas un fichier\n")


def test_a_directory_given_as_billed_csv(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "ngapcli", "audit", str(EXAMPLES), "--billed", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert f"« --billed » : « {tmp_path} » est un dossier, pas un fichier" in r.stderr


def test_a_usage_message_we_do_not_know_is_kept_as_written():
    from ngapcli.usage import french

    assert french("Something new from click.") == "Something new from click."
    assert french("Invalid value for '-x': 7 is not in the range 1<=x<=5.") == \
        "valeur invalide pour « -x » : 7 n'est pas permis (valeurs permises : 1<=x<=5)"
    assert french("Invalid value: 'abc' is not a valid integer.") == "valeur invalide : « abc » n'est pas un nombre entier"
    assert french("Missing option '--billed'.") == "option manquante : « --billed »"
    assert french("Option '--x' does not take a value.") == "l'option « --x » ne prend pas de valeur"
    assert french("Option '--x' requires 2 arguments.") == "l'option « --x » attend 2 valeurs"
    assert french("Missing command.") == "commande manquante"
    assert french("Invalid value for '-z': 'q' is not 'metropole'.") == \
        "valeur invalide pour « -z » : « q » n'est pas permis (seule valeur : metropole)"
    assert french("Invalid value for 'p': Path '/x' does not exist.") == \
        "valeur invalide pour « p » : le chemin « /x » n'existe pas"
    assert french("Invalid value for 'p': File '/x' is not readable.") == \
        "valeur invalide pour « p » : « /x » n'est pas lisible (droits)"
    assert french("Invalid value for 'p': Directory '/x' is a file.") == \
        "valeur invalide pour « p » : « /x » est un fichier, pas un dossier"
    assert french("Invalid value for 'p': Choose from:\n\ta,\n\tb") == "valeur invalide pour « p » : valeurs permises : a, b"
    assert french("Invalid value for 'p': something else") == "valeur invalide pour « p » : something else"


def test_ngap_alone_shows_the_help_and_exits_2():
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "ngapcli"], capture_output=True, text=True, env={"NO_COLOR": "1",
                                                                                              "PATH": ""})
    assert r.returncode == 2
    assert "Commandes" in r.stdout and "price" in r.stdout and "Traceback" not in r.stderr


def test_a_named_pipe_is_read_to_its_end(tmp_path):
    """A path whose size says 0 (a FIFO, /dev/stdin, a process substitution): read until its end."""
    import os
    import threading

    fifo = tmp_path / "tour.fifo"
    os.mkfifo(fifo)
    text = (EXAMPLES / "morning_round.yaml").read_text(encoding="utf-8")

    def write():
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    data = price_json(fifo)
    writer.join()
    assert data["totals"]["amount"] == "64.46"


def test_tables_for_nurses_write_french_numbers_and_words():
    """Found by a review of what a nurse sees (2026-11-25): decimal commas, French severities, no bare id
    cut in two, a message when nothing matches."""
    tariffs = run_cli("tariffs", "--date", "2025-03-10", env=WIDE)
    assert re.search(r"AMI\s*│\s*3,15 €", tariffs.stdout) and "3.15" not in tariffs.stdout
    acts = run_cli("acts", "prelevement", env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert "AMI 1,5" in acts.stdout and "prelevement_veineux" in acts.stdout
    none = run_cli("acts", "zzzz")
    assert none.exit_code == 1 and "Aucun acte ne correspond à « zzzz »" in none.stderr
    assert "NGAP101 (alerte)" in run_cli("explain", "NGAP101").stdout
    act = run_cli("explain", "prelevement_veineux").stdout
    assert "AMI 1,5" in act and "AMX à taux plein avec un forfait BSI" in act and "source : texte officiel" in act


def test_zone_and_date_as_a_french_user_writes_them():
    r = run_cli("tariffs", "--zone", "Réunion", "--date", "01/06/2021", env=WIDE)
    assert r.exit_code == 0 and "Valeurs au 01/06/2021 — La Réunion" in r.stdout and "3,30 €" in r.stdout
    assert run_cli("tariffs", "--zone", "Alsace-Moselle").exit_code == 0
    bad = run_cli("tariffs", "--date", "31/02/2021")
    assert bad.exit_code == 2 and "date « 31/02/2021 » impossible" in bad.stderr
