"""A nurse's terminal (issue 16): every screen readable at 80 columns, French all the way, numbers and dates as
French users read them, the half rate as nurses write it, explain/list, search and suggestions, completion,
`ngap new`, csv-fr, crossed groupings, check summaries."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from conftest import EXAMPLES, ROOT, run_cli

NARROW = {"NO_COLOR": "1", "COLUMNS": "80"}
MONTH = ROOT / "tests" / "data" / "cabinet_month"
COMMANDS = ["price", "check", "acts", "tariffs", "explain", "report", "audit", "new"]


def lines_fit(text: str, width: int = 80) -> None:
    for line in text.splitlines():
        assert len(line.rstrip()) <= width, line
    assert "…" not in text, "text cut by an ellipsis"


# -- 1. every screen at 80 columns, no word broken ----------------------------------------------------------

def test_act_catalog_at_80_columns_never_breaks_an_id_or_a_word_of_a_label():
    from rich.console import Console

    from ngapcli.render.acts import render_acts
    from ngapcli.render.richfr import install
    from ngapcli.tariffs import TariffStore

    install()
    store = TariffStore.load(None)
    day = date(2025, 3, 10)
    rows = [{"id": a.id, "letter": a.letter, "coefficient": str(a.coefficient(day)), "amx": a.amx,
             "label": a.label, "from": str(a.start or ""), "until": str(a.until or ""), "in_force": a.in_force(day)}
            for a in store.acts.values()]
    for width in (80, 120):
        console = Console(width=width, record=True, color_system=None)
        render_acts(rows, day, console)
        out = console.export_text()
        lines_fit(out, width)
        tokens = set(re.findall(r"\S+", out))
        for r in rows:
            assert r["id"] in tokens, r["id"]              # the id whole, on one line
            for word in r["label"].split():                 # every word of the label whole
                assert word in tokens or any(word in t for t in tokens if len(t) > len(word)), (r["id"], word)
        assert len(out.splitlines()) < 4 * len(rows)        # not 2 000 lines for 124 acts


def test_acts_through_the_cli_at_80_and_wide():
    narrow = run_cli("acts", env=NARROW)
    assert narrow.exit_code == 0
    lines_fit(narrow.stdout)
    assert re.search(r"^telesoin_accompagnement_prise_medicamenteuse_initial\s", narrow.stdout, re.M)
    assert "Prélè\n" not in narrow.stdout and "Hyposensibilisat" in narrow.stdout
    wide = run_cli("acts", "injection", env={"NO_COLOR": "1", "COLUMNS": "140"})
    assert re.search(r"^injection_im\s+AMI 1\s+50 %\s+Injection intramusculaire", wide.stdout, re.M)
    gone = run_cli("acts", "antigrippale", "--date", "01/06/2024", env=NARROW).stdout
    assert "AMI —" in gone and "supprimé le 23/03/2023" in gone


@pytest.mark.parametrize("args", [
    ["price", str(EXAMPLES / "morning_round.yaml")], ["check", *map(str, sorted(EXAMPLES.glob("*.yaml")))],
    ["tariffs", "--date", "01/03/2025"], ["explain", "IFD"], ["explain", "--list"],
    ["report", str(MONTH), "--by", "month+nurse", "-q"], ["audit", str(ROOT / "tests" / "data" / "audit_month")],
    ["report", str(MONTH), "--by", "mois,infirmière", "--by", "code", "-q", "--compare-tariffs",
     str(EXAMPLES / "avenant11_proposal")],
])
def test_every_screen_fits_80_columns(args):
    r = run_cli(*args, env=NARROW)
    assert r.exit_code in (0, 1), r.stderr
    lines_fit(r.stdout)
    if "report" in args:   # numbers never cut nor wrapped: each row of a group table ends with its line count
        assert re.search(r"^  2026-01 · Claire\s+1\u202f\d{3},\d\d\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+\d+\s*$",
                         r.stdout, re.M)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_french_and_fits_80_columns(command):
    r = run_cli(*([command] if command else []), "--help", env=NARROW)
    assert r.exit_code == 0
    out = r.stdout
    lines_fit(out)
    for english in ("Usage:", "Show this message", "[default:", "[required]", "<str>", "<path>", "[files]",
                    "[paths]", "Commands", "COMMAND [ARGS]"):
        assert english not in out, english
    words = " ".join(re.sub(r"[│╭╮╰╯─]", " ", out).split())
    assert "Utilisation : ngap" in out and "Affiche cette aide et quitte." in words
    if command in ("price", "report"):
        assert "[par défaut : table]" in out and ("FICHIER..." in out or "CHEMIN..." in out)
    if command is None:
        assert "Commandes" in out and "--install-completion" in out
    else:   # no word of a help text broken across lines
        import typer.main

        from ngapcli.cli import app

        click_command = typer.main.get_command(app).commands[command]
        tokens = set(re.findall(r"[\w'’-]+", out))
        for param in click_command.params:    # no metavariable left as the English parameter name (EXPIRING)
            english = (param.name or "").upper()
            if english and english not in ("CODE", "DATE", "ZONE"):
                assert re.search(rf"\b{english}\b", out) is None, (command, english)
        for param in click_command.params:
            for word in re.findall(r"[\w'’-]+", param.help or ""):
                assert word in tokens, (command, param.name, word)


def test_diagnostics_at_80_columns_indented_in_file_order_article_once():
    files = [EXAMPLES / "sunday_urgent_night.yaml", EXAMPLES / "morning_round.yaml", EXAMPLES / "mountain_ik.yaml"]
    out = run_cli("check", *files, env=NARROW).stdout
    lines_fit(out)
    heads = re.findall(r"(?:info|alerte|erreur) NGAP\d+\s+(\S+):(\d+)", out)
    order = [str(f) for f in files]
    assert heads == sorted(heads, key=lambda h: (order.index(h[0]), int(h[1])))
    body = out.split("Diagnostics", 1)[1]
    for line in body.splitlines():
        text = line.strip("│ ").rstrip()
        if text and not re.match(r"(info|alerte|erreur) NGAP", text) and not line.startswith(("╰", "╭")):
            assert line.startswith("│   ") or not line.startswith("│"), line     # message lines indented
    assert "(art. 14).  [NGAP DG art. 14]" not in out.replace("\n", " ")
    assert not re.search(r"«\s*│?\s*$", out, re.M)      # no « alone at a line end


def test_check_summary_says_what_it_counts():
    only_infos = run_cli("check", EXAMPLES / "mountain_ik.yaml", env=NARROW).stdout
    assert re.search(r"\d+ infos? — 1 fichier, \d+ visites, \d+ lignes de facturation contrôlées\.", only_infos)
    clean = run_cli("check", EXAMPLES / "child_care.yaml", env=NARROW)
    assert "Aucun diagnostic" in clean.stdout or "— 1 fichier" in clean.stdout


# -- 3. numbers and dates ------------------------------------------------------------------------------------

def test_french_numbers():
    from ngapcli.render.fmt import coefficient, euros, number

    assert number(Decimal("832561.35")) == "832\u202f561,35"
    assert number(Decimal("-0.00")) == "0,00" and number(Decimal("-2.36")) == "\u22122,36"
    assert euros(Decimal("1000.00")) == "1\u202f000,00 €" and euros(None) == "—"
    assert number("+1.5", sign=True) == "+1,5" and number(None) == "—"
    assert coefficient(Decimal("0.75"), 50) == "1,5/2" and coefficient(Decimal("2"), 100, 2) == "2 ×2"


def test_half_rate_in_the_table_as_nurses_write_it_json_unchanged(tour):
    path = tour("""
        date: 2025-03-10
        nurse: {name: C}
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [pansement_autre, injection_iv_directe_isolee]
    """)
    table = run_cli("price", path, env=NARROW).stdout
    assert re.search(r"AMI\s+1,5/2\s+50 %\s+3,15\s+2,36", table)
    data = run_cli("price", path, "--format", "json").json
    half = [l for l in data["lines"] if l["rate"] == 50][0]
    assert half["coefficient"] == "0.75" and half["amount"] == "2.36"


def test_thousands_and_euros_in_report_tables():
    out = run_cli("report", MONTH, "--by", "code", "--compare-tariffs", EXAMPLES / "avenant11_proposal", "-q",
                  env={"NO_COLOR": "1", "COLUMNS": "120"}).stdout
    assert re.search(r"Montant facturé\s+│\s+\d\u202f\d{3},\d\d €", out)
    comparison = out.split("Comparaison", 1)[1]
    assert re.search(r"Total\s+\d\u202f\d{3},\d\d €\s+\d\u202f\d{3},\d\d €\s+[+\u2212]\d", comparison)
    assert "-0,00" not in out and "\u22120,00" not in out


@pytest.mark.parametrize("args", [["report", MONTH, "--from", "01/01/2026", "--to", "15/01/2026", "-f", "json"],
                                  ["acts", "--date", "01/06/2015", "-f", "json"],
                                  ["tariffs", "--date", "01/06/2015", "-f", "json"]])
def test_dd_mm_yyyy_on_every_date_option(args):
    r = run_cli(*args)
    assert r.exit_code in (0, 1), r.stderr
    if args[0] == "report":
        assert r.json["period"] == {"from": "2026-01-01", "to": "2026-01-15"} or r.json["period"]["from"] >= "2026-01-01"


@pytest.mark.parametrize("text,said", [("2025-13-01", "impossible : il n'y a que 12 mois"),
                                       ("30/02/2025", "impossible : ce mois n'a pas de jour 30"),
                                       ("hier", "illisible")])
def test_impossible_dates_said_as_such(text, said):
    for args in (["report", MONTH, "--from", text], ["tariffs", "--date", text], ["acts", "--date", text]):
        r = run_cli(*args)
        assert r.exit_code == 2 and said in r.stderr, (args, r.stderr)


# -- 2. French values --------------------------------------------------------------------------------------

def test_oui_non_in_tours(tour):
    path = tour("""
        date: 2025-03-09
        nurse: {name: C}
        patients:
          - id: P1
            outside_agglomeration: oui
            distance_km: 8
            visits:
              - time: "10:30"
                urgent: Oui
                acts: [injection_sc]
    """)
    codes = [l["code"] for l in run_cli("price", path, "-f", "json").json["lines"]]
    assert "F" in codes and "IK" in codes


def test_by_in_french_and_crossed():
    fr = run_cli("report", MONTH, "--by", "mois", "--by", "infirmière", "-f", "json").json
    en = run_cli("report", MONTH, "--by", "month", "--by", "nurse", "-f", "json").json
    assert fr["groups"] == en["groups"]
    crossed = run_cli("report", MONTH, "--by", "month,nurse", "-f", "json").json
    assert crossed == run_cli("report", MONTH, "--by", "mois+infirmière", "-f", "json").json
    groups = [g for g in crossed["groups"] if g["by"] == "month+nurse"]
    nurses = {g["key"] for g in en["groups"] if g["by"] == "nurse"}
    assert {g["key"] for g in groups} == {f"2026-01 · {n}" for n in nurses}
    assert {g["keys"]["nurse"] for g in groups} == nurses and {g["keys"]["month"] for g in groups} == {"2026-01"}
    assert sum(Decimal(g["amount"]) for g in groups) == Decimal(crossed["totals"]["amount"])
    table = run_cli("report", MONTH, "--by", "mois×infirmière", "-q", env=NARROW).stdout
    assert "Par mois × infirmière" in table


# -- 5. explain, search, suggestions ---------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["AMI", "AMX", "AIS", "DI", "MAU", "MCI", "MIE", "IFD", "IFI", "IK", "IKM", "IKS",
                                  "N", "F", "BSA", "BSB", "BSC", "TMI", "TLS", "TLL", "TLD", "ifa", "nuit"])
def test_explain_knows_every_billing_code(code):
    r = run_cli("explain", code, env=NARROW)
    assert r.exit_code == 0 and "Référence : " in r.stdout and "€" in r.stdout
    lines_fit(r.stdout)


def test_explain_list_lists_codes_diagnostics_and_acts():
    from ngapcli.diagnostics import RULES

    out = run_cli("explain", "--list", env=NARROW).stdout
    for code in ("AMI", "MIE", "IFD", "BSB", "TLD", *RULES, "injection_im", "prelevement_veineux"):
        assert re.search(rf"^\s+{code}\b", out, re.M), code
    assert run_cli("explain", "MCU").stderr.endswith("« MCI » ? (ngap explain --list)\n")
    act = run_cli("explain", "Injection_IM").stdout
    assert act.startswith("injection_im — Injection intramusculaire")


@pytest.mark.parametrize("query,first", [("injection_sc", "injection_sc"), ("« insuline »", "surveillance_glycemie_insuline"),
                                         ("prise de sang", "prelevement_veineux"), ("PLC", "pansement_brulure_etendue"),
                                         ("insuline", "surveillance_glycemie_insuline"), ("im", "injection_im"),
                                         ("pansement lourd", "bilan_plaie_initial")])
def test_act_search_by_common_words_and_abbreviations(query, first):
    acts = run_cli("acts", query, "-f", "json").json["acts"]
    ids = [a["id"] for a in acts]
    assert ids and ids[0] == first
    if query == "PLC":
        assert "pansement_lourd_diabetique" in ids and "pansement_autre" not in ids
    if query == "im":
        assert "injection_iv_immunodeprime" not in ids    # « im » is a word, not any « imm… »
    if query == "injection_sc":
        assert ids == ["injection_sc"]                     # an id is searched whole


@pytest.mark.parametrize("written,meant", [("Injection_IM", "injection_im"),
                                          ("injection_intramusculaire", "injection_im"),
                                          ("injection_sous_cutanee", "injection_sc"),
                                          ("prelevement_venieux", "prelevement_veineux")])
def test_unknown_act_suggestions_case_and_labels(tour, written, meant):
    path = tour(f"""
        date: 2025-03-10
        nurse: {{name: C}}
        patients:
          - id: P1
            visits:
              - time: "10:00"
                acts: [{written}]
    """)
    r = run_cli("price", path)
    assert r.exit_code == 2 and f"acte inconnu « {written} » ; « {meant} » ?" in r.stderr


# -- 6. conventions ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("shell,marker", [("bash", "complete"), ("zsh", "compdef"), ("fish", "complete")])
def test_shell_completion_scripts(shell, marker):
    # the shell is detected from the parent process; typer's switch lets the test name it
    env = {"NO_COLOR": "1", "PATH": "", "NGAP_CACHE_DIR": "off", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = subprocess.run([sys.executable, "-m", "ngapcli", "--show-completion", shell], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0 and marker in r.stdout and "_NGAP_COMPLETE" in r.stdout, r.stderr


def test_completion_answers_quickly_from_the_console_script():
    env = {"NO_COLOR": "1", "PATH": "", "NGAP_CACHE_DIR": "off", "_NGAP_COMPLETE": "complete_bash",
           "COMP_WORDS": "ngap report --f", "COMP_CWORD": "2"}
    r = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'ngap'; from ngapcli.cli import main; main()"],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.split() == ["--from", "--format"], r.stderr


def test_ngap_new_writes_a_template_that_prices(tmp_path):
    text = run_cli("new", "--date", "10/03/2025", "--nurse", "Léa Petit").stdout
    assert text.startswith("# Tournée de Léa Petit du 10/03/2025") and "date: 2025-03-10" in text
    assert all(len(line) < 80 for line in text.splitlines())      # readable in an 80-column terminal
    priced = run_cli("price", "-", "-f", "json", input=text)
    assert priced.exit_code == 0 and Decimal(priced.json["totals"]["amount"]) > 0
    target = tmp_path / "t.yaml"
    assert run_cli("new", target).exit_code == 0 and target.read_text(encoding="utf-8").startswith("# Tournée")
    again = run_cli("new", target)
    assert again.exit_code == 2 and "existe déjà" in again.stderr


def test_csv_fr_and_patient_name():
    plain = run_cli("price", EXAMPLES / "morning_round.yaml", "-f", "csv").stdout
    french = run_cli("price", EXAMPLES / "morning_round.yaml", "-f", "csv-fr").stdout
    assert french.startswith("\ufeff") and not plain.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(french[1:]), delimiter=";"))
    first = rows[0]
    assert first["amount"] == "4,73" and first["coefficient"] == "1,5" and first["patient_name"] == "Mme Bernard"
    assert first["date"] == "2025-03-10" and first["time"] == "08:00"
    plain_rows = list(csv.DictReader(io.StringIO(plain)))
    assert plain_rows[0]["amount"] == "4.73" and list(plain_rows[0])[:17] == [
        "file", "nurse", "date", "patient", "visit", "time", "kind", "code", "coefficient", "rate", "quantity",
        "unit_value", "amount", "act", "label", "rule", "amo"]
    data = run_cli("price", EXAMPLES / "morning_round.yaml", "-f", "json").json
    assert data["lines"][0]["patient_name"] == "Mme Bernard" and data["lines"][0]["coefficient"] == "1.5"
    report = run_cli("report", MONTH, "--by", "code", "-f", "csv-fr").stdout
    assert report.startswith("\ufeffby;key;amount") and re.search(r"^code;AMI;\d+,\d\d;", report, re.M)


def test_french_values_of_fixed_keys(tour):
    french = tour("""
        date: 2025-03-10
        zone: La Réunion
        nurse: {name: C, terrain: Montagne}
        patients:
          - id: P1
            coverage: Maternité
            visits:
              - time: "10:30"
                place: cabinet
                acts: [injection_sc]
    """)
    english = tour("""
        date: 2025-03-10
        zone: reunion
        nurse: {name: C, terrain: montagne}
        patients:
          - id: P1
            coverage: maternity
            visits:
              - time: "10:30"
                place: office
                acts: [injection_sc]
    """)
    a, b = run_cli("price", french, "-f", "json").json, run_cli("price", english, "-f", "json").json
    assert [(l["code"], l["amount"], l["amo"]) for l in a["lines"]] == \
        [(l["code"], l["amount"], l["amo"]) for l in b["lines"]] == [("AMI", "3.30", "3.30"), ("MAU", "1.35", "1.35")]


def test_messages_wrapped_by_words_on_a_terminal_only():
    from ngapcli.wrapfr import for_terminal, wrap

    message = ("erreur : tournee.yaml:9:16: « place » : valeur « bureau » inconnue ; valeurs permises : home, office"
               " (8 h, 12 km, 50 %)")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert for_terminal(message, io.StringIO()) == message          # a pipe: one message, one line
    for columns in (30, 40, 80):
        text = wrap(message, columns=columns)
        lines = text.splitlines()
        assert all(len(l) < columns for l in lines) and all(l.startswith("  ") for l in lines[1:])
        assert " ".join(text.split()) == " ".join(message.split())
        for line in lines:
            assert not line.rstrip().endswith("«") and not line.lstrip().startswith(("»", ":", ";", "%", "h,"))
    assert "\n" in for_terminal(message, Tty()) or len(message) < 80


def test_a_line_without_value_says_so(tour):
    path = tour("""
        date: 2020-01-10
        nurse: {name: C}
        patients:
          - id: P1
            visits:
              - time: "10:30"
                acts: [{cotation: "TMI 1", label: "télésoin"}, vaccination_injection, injection_im]
    """)
    out = run_cli("price", path, env=NARROW).stdout
    assert re.search(r"^TMI\s+1\s+0 %\s+—\s+0,00\s+télésoin", out, re.M)
    assert re.search(r"^AMI\s+2,4\s+0 %\s+3,15\s+0,00\s+Injection d'un vaccin", out, re.M)
    assert "acte non en vigueur à cette date" in out and not re.search(r"\s0\s+0,00", out)


@pytest.mark.parametrize("shell,written", [("bash", ".bash_completions/ngap.sh"), ("zsh", ".zfunc/_ngap"),
                                           ("fish", ".config/fish/completions/ngap.fish")])
def test_install_completion_in_french(tmp_path, shell, written):
    env = {"NO_COLOR": "1", "PATH": "", "NGAP_CACHE_DIR": "off", "HOME": str(tmp_path),
           "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = subprocess.run([sys.executable, "-m", "ngapcli", "--install-completion", shell], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0 and r.stdout.startswith(f"complétion {shell} installée dans "), r.stderr
    assert (tmp_path / written).is_file()


def test_no_negative_zero_in_the_audit_summary(tour):
    path = tour("""
        date: 2025-03-10
        nurse: {name: C}
        patients:
          - id: P1
            visits:
              - time: "10:30"
                acts: [injection_im]
                billed: "AMI1 + MAU + IFD"
    """)
    out = run_cli("audit", path, "--all", env=NARROW).stdout
    assert re.search(r"Écarts en trop / en moins \(NGAP203\)\s+│\s+0,00 € / 0,00 €", out)
    assert "\u22120,00" not in out and "-0,00" not in out


def test_screens_cite_no_file_the_user_does_not_have():
    from ngapcli.tariffs import TariffStore

    outs = [run_cli("tariffs", "--date", "01/03/2025", env=NARROW).stdout,
            run_cli("tariffs", "--zone", "reunion", env=NARROW).stdout,
            run_cli("explain", "--list", env=NARROW).stdout, run_cli("acts", env=NARROW).stdout]
    outs += [run_cli("explain", a, env=NARROW).stdout for a in TariffStore.load(None).acts]
    for out in outs:
        for bad in ("rules.md", "catalog.md", "research", "shared/"):
            assert bad not in out, (bad, out[:200])
