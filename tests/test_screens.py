"""The screens a nurse meets with prescriptions, plans, tariff folders and billing exports, read at 80 columns
(issue 16, review in tmux): each fix pinned here by its screen rendered at 80 columns without colour."""
from __future__ import annotations

import re

import pytest

from conftest import EXAMPLES, ROOT, run_cli

NARROW = {"NO_COLOR": "1", "COLUMNS": "80"}
MARS = EXAMPLES / "prescriptions" / "mars_2025.yaml"


def fits(text: str, width: int = 80) -> str:
    for line in text.splitlines():
        assert len(line.rstrip()) <= width, line
    return text


def test_a_reference_is_never_cut_between_its_words():
    """« [CE » at a line end and « 26/07/2018 n° 409361] » on the next, in the diagnostics panel."""
    r = run_cli("price", MARS, "--day", "2025-03-11", env=NARROW)
    assert r.exit_code == 0
    out = fits(r.stdout)
    assert re.search(r"\[CE.26/07/2018.n°.409361\]", out), out
    assert not re.search(r"\[CE\s*│?\s*$", out, re.M)


def test_report_prescriptions_table_keeps_act_ids_whole_and_says_what_renewals_count_from():
    r = run_cli("report", EXAMPLES / "prescriptions", "--expiring", "7", "-q", env=NARROW)
    assert r.exit_code == 0, r.stderr
    out = fits(r.stdout)
    assert out.startswith("Rapport  1 fichier lu · ")                  # not « 1 fichier(s) lu(s) »
    tokens = set(out.split())
    for act in ("injection_insuline", "surveillance_glycemie_insuline", "pansement_autre"):
        assert act in tokens, act                                      # never « surveillan / ce_glycemi… »
    assert re.search(r"^  P1 · O1, jusqu'au 31/03/2025\s*$", out, re.M)
    assert re.search(r"^    surveillance_glycemie_insuline\s+62\s+60\s+2\s*$", out, re.M)
    assert re.search(r"^    injection_insuline\s+—\s+60\s+—\s*$", out, re.M)
    # the report's last day is 31/03/2025: « aujourd'hui » was wrong (today is another day)
    assert "Prescriptions à renouveler (à compter du 31/03/2025, fin du rapport)" in out
    assert "P1 · O1 : dernier jour le 31/03/2025 (le jour de fin du rapport)" in out
    assert "P2 · O2 : dernier jour le 01/04/2025 (dans 1 jour)" in out
    assert "aujourd'hui" not in out and "(s)" not in out


def test_explain_list_gives_the_diagnostics_in_the_order_of_their_numbers():
    out = fits(run_cli("explain", "--list", env=NARROW).stdout)
    codes = re.findall(r"^  (NGAP\d{3}) ", out, re.M)
    assert len(codes) > 50 and codes == sorted(codes)
    assert codes.index("NGAP151") + 1 == codes.index("NGAP152")


def test_tariffs_dates_in_french_and_notes_without_nested_parentheses():
    out = fits(run_cli("tariffs", "--date", "2026-11-01", env=NARROW).stdout)
    flat = " ".join(out.replace("│", " ").split())
    assert out.startswith("Valeurs au 01/11/2026 — Métropole")
    assert "Tarifs vérifiés le 17/02/2026 contre la source la plus récente ; horizon : 18/05/2026" in flat
    assert "Attention : le 01/11/2026 est au-delà de l'horizon des tarifs (18/05/2026 : vérifiés le 17/02/2026" \
        in flat
    assert not re.search(r"\d{4}-\d\d-\d\d", out)                    # no ISO date left in the sentences
    # the note after « — », not in parentheses: a note may have its own (« (à confirmer) »)
    assert "Démarche / bilan infirmier — valeur DOM présumée égale, voir docs/sources.md#valeurs-dom-presumees" \
        in flat
    assert "))" not in flat and "(valeur DOM" not in flat


def test_tariff_diff_counts_its_changes_in_french():
    r = run_cli("tariffs", "--tariffs", EXAMPLES / "avenant11_proposal", "--diff", env=NARROW)
    out = fits(r.stdout)
    assert re.search(r"\(8.changements\)", out)      # the number and its noun on one line, not « (8 » alone
    assert "changement(s)" not in out


def test_tariff_diff_of_one_change(tmp_path):
    (tmp_path / "overlay.yaml").write_text("overlay: true\nbase: shipped\n", encoding="utf-8")
    (tmp_path / "values.yaml").write_text('values:\n  AMI:\n    metropole: [{from: 2026-01-01, value: "3.30"}]\n',
                                          encoding="utf-8")
    r = run_cli("tariffs", "--tariffs", tmp_path, "--diff", env=NARROW)
    assert r.exit_code == 0, r.stderr
    assert re.search(r"\(1.changement\)", fits(r.stdout))


def test_plan_header_fits_80_columns():
    r = run_cli("plan", MARS, "--from", "2025-03-11", "--to", "2025-03-11", env=NARROW)
    assert r.exit_code == 0, r.stderr
    head = r.stdout.splitlines()[:2]
    assert head == ["# ngap plan : les plans de soins développés en visites",
                    f"# de {MARS}, document 1"]
    assert all(len(line) <= 80 for line in r.stdout.splitlines() if line.lstrip().startswith("#"))


def test_export_audit_amount_headers_and_references_at_80_columns(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("date;nurse;patient;time;cotation;amount\n"
                      "2025-03-10;A;P4;08:00;BSB + IFI;20,95\n"
                      "2025-03-10;B;P4;08:30;BSB + IFI;20,95\n"
                      "2025-03-11;A;P3;11:00;AMI4 + MCI + IFD + MAU;21,70\n", encoding="utf-8")
    r = run_cli("audit", "--billed", export, env=NARROW)
    assert r.exit_code == 1, r.stderr
    out = fits(r.stdout)
    assert re.search(r"^  Mois\s+Nombre\s+Indus certains\s+À vérifier\s+En moins\s*$", out, re.M)   # € on the amounts
    assert re.search(r"^  2025-03\s+3\s+19,55 €\s+0,00 €\s+0,00 €\s*$", out, re.M)
    assert re.search(r"^  Code\s+Règle · article\s+Nb\s+Certains\s+€ en jeu\s+Lignes\s*$", out, re.M)
    for line in out.splitlines():   # a reference word never left at a line end without its number
        assert not re.search(r"\b(art\.|chap\.|JORF|NGAP|DG)\s*$", line), line
        assert not line.strip().startswith("·"), line
    assert re.search(r"^  NGAP218\s+Deux forfaits BSI le même\s+1\s+1\s+\+18,20\s+3\s*$", out, re.M)


def test_number_ranges_in_french_in_help_and_errors():
    help_text = run_cli("report", "--help", env=NARROW).stdout
    assert "[0 ou plus]" in help_text and "x>=" not in help_text
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "ngapcli", "report", "--expiring", "-1", str(MARS)],
                       capture_output=True, text=True, env={**__import__("os").environ, **NARROW})
    assert r.returncode == 2
    assert "« --expiring » : -1 n'est pas permis (valeurs permises : 0 ou plus)" in " ".join(r.stderr.split())


@pytest.mark.parametrize("low,high,said,open_said", [(1, 5, "de 1 à 5", "plus de 1 et moins de 5"),
                                                     (None, 5, "5 ou moins", "moins de 5"),
                                                     (0, None, "0 ou plus", "plus de 0")])
def test_range_descriptions(low, high, said, open_said):
    from typer._click.types import IntRange

    from ngapcli.i18n import describe_range

    assert describe_range(IntRange(low, high)) == said
    assert describe_range(IntRange(low, high, min_open=True, max_open=True)) == open_said
