"""Tariff overlays (issue 13 §6): a folder holding only what changes, layered on the shipped tariffs.

The avenant 11 proposal was a full copy of tariffs/; before it became an overlay, two tours and the cabinet
month were priced with the copy and recorded (tests/data/avenant11_overlay/recorded.json): the overlay must
give the same lines and totals. Other overlays are written here, each with amounts worked by hand.
"""
from __future__ import annotations

import json
import shutil
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, price_json, run_cli

DATA = Path(__file__).resolve().parent / "data"
RECORDED = DATA / "avenant11_overlay"
AVENANT11 = EXAMPLES / "avenant11_proposal"
MONTH = DATA / "cabinet_month"
MARKER = "overlay: true\nbase: shipped\n"


def overlay(tmp_path: Path, files: dict[str, str], marker: str | None = MARKER, name: str = "surcouche") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    if marker is not None:
        (folder / "overlay.yaml").write_text(marker, encoding="utf-8")
    for file, text in files.items():
        (folder / file).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def recorded() -> dict:
    return json.loads((RECORDED / "recorded.json").read_text(encoding="utf-8"))


def _without_file(lines: list[dict]) -> list[dict]:
    # patient_name: an extension of the lines added after the recording (null for these tours)
    return [{k: v for k, v in line.items() if k not in ("file", "patient_name")} for line in lines]


# -- the avenant 11 proposal: the same as the old full copy -----------------------------------------------------

@pytest.mark.parametrize("name", ["metropole.yaml", "reunion.yaml"])
def test_the_overlay_prices_as_the_old_full_copy(name):
    old = recorded()[name]
    new = price_json(RECORDED / name, extra=("--tariffs", AVENANT11))
    assert _without_file(new["lines"]) == _without_file(old["lines"])
    assert new["totals"] == old["totals"]
    # and the proposal does change something: the shipped tariffs give less
    shipped = price_json(RECORDED / name)
    assert Decimal(shipped["totals"]["amount"]) < Decimal(new["totals"]["amount"])


def test_the_recorded_tours_cover_both_proposed_dates_and_both_groups():
    lines = recorded()["metropole.yaml"]["lines"] + recorded()["reunion.yaml"]["lines"]
    seen = {(l["code"], l["unit_value"]) for l in lines if l["code"] in ("AMI", "AMX")}
    assert {("AMI", "3.15"), ("AMI", "3.30"), ("AMI", "3.35"), ("AMX", "3.30"), ("AMX", "3.35"),
            ("AMI", "3.45"), ("AMI", "3.50"), ("AMX", "3.50")} <= seen


def test_the_month_and_its_comparison_as_with_the_old_full_copy():
    old = recorded()
    files = sorted(MONTH.rglob("*.yaml"))
    new = price_json(*files, extra=("--tariffs", AVENANT11))
    assert new["totals"] == old["cabinet_month"]["totals"] and len(new["lines"]) == old["cabinet_month"]["lines"]
    r = run_cli("report", MONTH, "--by", "code", "--format", "json", "--compare-tariffs", AVENANT11)
    assert r.exit_code == 0, r.stderr
    c = r.json["comparison"]
    assert (c["by_code"], c["total"]) == (old["cabinet_month_report_comparison"]["by_code"],
                                          old["cabinet_month_report_comparison"]["total"])


def test_report_with_an_overlay_as_tariffs_uses_the_shipped_franchise():
    files = sorted(MONTH.rglob("*.yaml"))
    shipped = run_cli("report", MONTH, "--format", "json", "--by", "code").json["totals"]
    proposal = run_cli("report", MONTH, "--format", "json", "--by", "code", "--tariffs", AVENANT11)
    assert proposal.exit_code == 0, proposal.stderr
    t = proposal.json["totals"]
    assert t["amount"] == price_json(*files, extra=("--tariffs", AVENANT11))["totals"]["amount"]
    assert t["franchise"] == shipped["franchise"]      # same acts, same franchise per act


# -- what an overlay changes ----------------------------------------------------------------------------------

def test_diff_of_the_avenant11_proposal():
    r = run_cli("tariffs", "--tariffs", AVENANT11, "--diff", "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = [(c["file"], c["key"], c["date"], c["zone"], c["shipped"], c["overlay"]) for c in r.json["changes"]]
    assert rows == [
        ("values.yaml", "AMI", "2026-01-01", "metropole", "3.15", "3.30"),
        ("values.yaml", "AMI", "2027-11-01", "metropole", "3.15", "3.35"),
        ("values.yaml", "AMI", "2026-01-01", "dom", "3.30", "3.45"),
        ("values.yaml", "AMI", "2027-11-01", "dom", "3.30", "3.50"),
        ("values.yaml", "AMX", "2026-01-01", "metropole", "3.15", "3.30"),
        ("values.yaml", "AMX", "2027-11-01", "metropole", "3.15", "3.35"),
        ("values.yaml", "AMX", "2026-01-01", "dom", "3.30", "3.45"),
        ("values.yaml", "AMX", "2027-11-01", "dom", "3.30", "3.50"),
    ]
    table = " ".join(run_cli("tariffs", "--tariffs", AVENANT11, "--diff").stdout.split())
    assert "(8 changements)" in table and "3,15" in table and "3,35" in table
    csv = run_cli("tariffs", "--tariffs", AVENANT11, "--diff", "--format", "csv").stdout.splitlines()
    assert csv[0] == "file,key,date,zone,shipped,overlay"
    assert csv[1] == "values.yaml,AMI,2026-01-01,metropole,3.15,3.30" and len(csv) == 9


def test_diff_of_rules_acts_zones_franchise_and_checked_on(tmp_path):
    folder = overlay(tmp_path, {
        "values.yaml": """
            checked_on: 2026-10-01
            pending: null
            values:
              IFD:
                metropole: [{from: 2024-01-28, value: "2.80"}]
              NEW:
                label: Nouvelle lettre
                metropole: [{from: 2026-07-01, value: "1.00"}]
            """,
        "acts.yaml": """
            acts:
              - id: injection_sc
                coefficients: [{from: 2026-07-01, value: "1.2"}]
            """,
        "rules.yaml": "mau:\n  max_coefficient: \"2\"\nbsi:\n  max_ifi_per_day: 3\n",
        "zones.yaml": "zones:\n  alsace_moselle: {amo_standard: 80}\n",
        "franchise.yaml": "annual_cap: \"60.00\"\nperiods: [{from: 2026-07-01, per_act: \"1.50\", daily_cap: \"5.00\"}]\n",
    })
    r = run_cli("tariffs", "--tariffs", folder, "--diff", "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = {(c["file"], c["key"], c["date"], c["zone"]): (c["shipped"], c["overlay"]) for c in r.json["changes"]}
    assert rows == {
        ("values.yaml", "checked_on", None, None): ("2026-02-17", "2026-10-01"),
        ("values.yaml", "pending", None, None): (rows[("values.yaml", "pending", None, None)][0], None),
        ("values.yaml", "IFD", "2024-01-28", "metropole"): ("2.75", "2.80"),
        ("values.yaml", "IFD", "2024-01-28", "dom"): ("2.75", "2.80"),   # IFD has no dom rows: the métropole's
        ("values.yaml", "NEW", "2026-07-01", "metropole"): (None, "1.00"),
        ("values.yaml", "NEW", "2026-07-01", "dom"): (None, "1.00"),
        ("values.yaml", "NEW.label", None, None): (None, "Nouvelle lettre"),
        ("acts.yaml", "injection_sc.coefficient", "2026-07-01", None): ("1", "1.2"),
        ("rules.yaml", "mau.max_coefficient", None, None): ("1.5", "2"),
        ("rules.yaml", "bsi.max_ifi_per_day", None, None): (4, 3),
        ("zones.yaml", "zones.alsace_moselle.amo_standard", None, None): (90, 80),
        ("franchise.yaml", "annual_cap", None, None): ("50.00", "60.00"),
        ("franchise.yaml", "periods", None, None): (
            [{"from": "2008-01-01", "per_act": "0.50", "daily_cap": "2.00"},
             {"from": "2024-03-31", "per_act": "1.00", "daily_cap": "4.00"}],
            [{"from": "2008-01-01", "per_act": "0.50", "daily_cap": "2.00"},
             {"from": "2024-03-31", "per_act": "1.00", "daily_cap": "4.00"},
             {"from": "2026-07-01", "per_act": "1.50", "daily_cap": "5.00"}]),
    }
    assert rows[("values.yaml", "pending", None, None)][0].startswith("avenant 11")


def test_diff_of_the_shipped_folder_and_of_a_full_copy(tmp_path):
    r = run_cli("tariffs", "--tariffs", ROOT / "tariffs", "--diff", "--format", "json")
    assert r.exit_code == 0 and r.json["changes"] == []
    assert "ne change rien" in run_cli("tariffs", "--tariffs", ROOT / "tariffs", "--diff").stdout
    full = tmp_path / "copie"
    shutil.copytree(ROOT / "tariffs", full)
    text = (full / "values.yaml").read_text(encoding="utf-8")
    (full / "values.yaml").write_text(text.replace('value: "8.50"', 'value: "9.00"', 1), encoding="utf-8")
    changes = run_cli("tariffs", "--tariffs", full, "--diff", "--format", "json").json["changes"]
    assert [(c["key"], c["shipped"], c["overlay"]) for c in changes] and \
        {(c["shipped"], c["overlay"]) for c in changes} == {("8.50", "9.00")}


def test_diff_needs_a_folder():
    r = run_cli("tariffs", "--diff")
    assert r.exit_code == 2 and "--tariffs DOSSIER" in r.stderr


# -- pricing with overlays: amounts by hand ---------------------------------------------------------------------

TOUR = """\
date: 2026-03-02
nurse: {name: Claire Martin}
patients:
  - id: P1
    visits:
      - time: "09:00"
        acts: [injection_sc]
"""


def test_an_overlay_row_at_a_shipped_date_replaces_it_and_rules_are_deep_merged(tmp_path, tour):
    path = tour(TOUR)
    assert price_json(path)["totals"]["amount"] == "7.25"          # AMI 3.15 + MAU 1.35 + IFD 2.75
    folder = overlay(tmp_path, {
        "values.yaml": 'values:\n  IFD:\n    metropole: [{from: 2024-01-28, value: "3.00"}]\n',
        "rules.yaml": "mau:\n  letters: [TMI]\n",                 # no MAU on AMI any more; mau.from etc. kept
    })
    data = price_json(path, extra=("--tariffs", folder))
    assert data["totals"]["by_code"] == {"AMI": "3.15", "IFD": "3.00"}
    assert data["totals"]["amount"] == "6.15"


def test_an_overlay_act_changes_only_what_it_gives(tmp_path, tour):
    folder = overlay(tmp_path, {"acts.yaml": """
        acts:
          - id: injection_sc
            coefficients: [{from: 2026-03-01, value: "2"}]
          - id: acte_nouveau
            label: Acte d'essai
            letter: AMI
            coefficient: "3"
        """})
    data = price_json(tour(TOUR.replace("[injection_sc]", "[injection_sc, acte_nouveau]")),
                      extra=("--tariffs", folder))
    acts = [(l["act"], l["coefficient"], l["rate"], l["amount"]) for l in data["lines"] if l["kind"] == "act"]
    # AMI 3 at 100 %, AMI 2 at 50 % (11B: the coefficient halved, AMI 1): 9.45 + 3.15
    assert acts == [("injection_sc", "1", 50, "3.15"), ("acte_nouveau", "3", 100, "9.45")]
    earlier = price_json(tour(TOUR.replace("2026-03-02", "2026-02-27")), extra=("--tariffs", folder))
    assert [l["coefficient"] for l in earlier["lines"] if l["kind"] == "act"] == ["1"]
    listed = run_cli("acts", "injection_sc", "--date", "2026-03-02", "--tariffs", folder, "--format", "json").json
    assert [(a["id"], a["coefficient"]) for a in listed["acts"]] == [("injection_sc", "2")]


def test_an_overlay_may_set_checked_on_and_clear_pending(tmp_path, tour):
    june = tour(TOUR.replace("2026-03-02", "2026-06-15"))
    assert [w["code"] for w in price_json(june)["warnings"]] == ["NGAP002"]
    folder = overlay(tmp_path, {"values.yaml": "checked_on: 2026-06-01\npending: null\n"})
    assert price_json(june, extra=("--tariffs", folder))["warnings"] == []
    info = run_cli("tariffs", "--tariffs", folder, "--date", "2026-06-15", "--format", "json").json
    assert (info["checked_on"], info["pending"], info["currency"]) == ("2026-06-01", None, "checked")
    assert info["overlay"] == {"directory": str(folder), "base": "shipped", "label": "", "files": ["values.yaml"]}
    # the proposal sets neither: the shipped checked_on and pending hold
    proposal = run_cli("tariffs", "--tariffs", AVENANT11, "--format", "json").json
    shipped = run_cli("tariffs", "--format", "json").json
    assert (proposal["checked_on"], proposal["pending"]) == (shipped["checked_on"], shipped["pending"])
    assert proposal["overlay"]["label"].startswith("Avenant 11")


def test_a_franchise_overlay_is_used_by_report(tmp_path, tour):
    path = tour(TOUR)
    base = run_cli("report", path, "--format", "json").json["totals"]
    assert base["franchise"] == "1.00"
    folder = overlay(tmp_path, {"franchise.yaml": 'periods: [{from: 2026-01-01, per_act: "1.50", '
                                                  'daily_cap: "4.00"}]\n'})
    r = run_cli("report", path, "--format", "json", "--tariffs", folder)
    assert r.exit_code == 0, r.stderr
    assert r.json["totals"]["franchise"] == "1.50" and r.json["totals"]["amount"] == base["amount"]


def test_the_cache_key_includes_the_overlay_content(tmp_path, tour):
    env = {"NO_COLOR": "1", "NGAP_CACHE_DIR": str(tmp_path / "cache")}
    path = tour(TOUR)
    folder = overlay(tmp_path, {"values.yaml": 'values:\n  AMI:\n    metropole: [{from: 2026-01-01, value: "3.30"}]\n'})
    first = run_cli("price", path, "--tariffs", folder, "--format", "json", env=env).json["totals"]["by_code"]
    assert first["AMI"] == "3.30" and list((tmp_path / "cache").glob("*.pickle"))
    (folder / "values.yaml").write_text('values:\n  AMI:\n    metropole: [{from: 2026-01-01, value: "3.40"}]\n',
                                        encoding="utf-8")
    second = run_cli("price", path, "--tariffs", folder, "--format", "json", env=env).json["totals"]["by_code"]
    assert second["AMI"] == "3.40"
    (folder / "rules.yaml").write_text("mau:\n  letters: [TMI]\n", encoding="utf-8")   # a file added
    third = run_cli("price", path, "--tariffs", folder, "--format", "json", env=env).json["totals"]["by_code"]
    assert "MAU" not in third


def test_an_overlay_folder_in_a_report_walk_is_skipped(tmp_path, tour):
    tours = tmp_path / "tournees"
    tours.mkdir()
    (tours / "lundi.yaml").write_text(TOUR, encoding="utf-8")
    overlay(tours, {"values.yaml": "checked_on: 2026-06-01\n"}, name="tarifs_essai")
    data = run_cli("report", tours, "--format", "json").json
    assert [Path(f["path"]).name for f in data["files"]] == ["lundi.yaml"]
    assert any("Dossier de tarifs ignoré" in n and "tarifs_essai" in n for n in data["notes"])


# -- bad overlays: file:line, exit 2 ----------------------------------------------------------------------------

BAD = [
    # (files, marker, file at fault, line, fragment)
    ({}, "overlay: yes please\n", "overlay.yaml", 1, "« overlay: true » attendu"),
    ({}, "overlay: true\nbase: ../autres_tarifs\n", "overlay.yaml", 2, "seule « shipped »"),
    ({}, "overlay: true\nbsae: shipped\n", "overlay.yaml", 2, "clé inconnue"),
    ({}, "- overlay\n", "overlay.yaml", 1, "« overlay: true » et « base: shipped »"),
    ({"values.yaml": "values:\n  AMI:\n    metropole: [{from: 2026-01-01, value: trois}]\n"}, MARKER,
     "values.yaml", 3, "values.AMI.metropole[1].value : « trois » n'est pas un nombre"),
    ({"values.yaml": "values:\n  AMI:\n    metropole:\n      - {from: 2026-01-01, value: \"3.30\"}\n"
                     "      - {from: 2026-01-01, value: \"3.35\"}\n"}, MARKER,
     "values.yaml", 5, "date 2026-01-01 donnée deux fois"),
    ({"values.yaml": "values:\n  AMI:\n    metropol: [{from: 2026-01-01, value: \"3.30\"}]\n"}, MARKER,
     "values.yaml", 3, "values.AMI.metropol : clé inconnue"),
    ({"values.yaml": "values:\n  XYZ:\n    dom: [{from: 2026-01-01, value: \"1\"}]\n"}, MARKER,
     "values.yaml", 2, "nouvelle série"),
    ({"values.yaml": "checked_on: hier\n"}, MARKER, "values.yaml", 1, "checked_on : date AAAA-MM-JJ attendue"),
    ({"values.yaml": "values:\n  AMI:\n    metropole: [{from: 2026-01-01, value: \"3.30\"}\n"}, MARKER,
     "values.yaml", 4, "fichier de tarifs illisible"),
    ({"rules.yaml": "mau:\n  max_coeficient: \"2\"\n"}, MARKER, "rules.yaml", 2,
     "mau.max_coeficient : paramètre inconnu"),
    ({"rules.yaml": "mci_from: demain\n"}, MARKER, "rules.yaml", 1, "mci_from : date AAAA-MM-JJ attendue"),
    ({"rules.yaml": "night: 3\n"}, MARKER, "rules.yaml", 1, "une table clé: valeur est attendue"),
    ({"rules.yaml": "night:\n  bands: aucune\n"}, MARKER, "rules.yaml", 2, "une liste est attendue"),
    ({"acts.yaml": "acts:\n  - id: injection_sc\n    coeficient: \"2\"\n"}, MARKER, "acts.yaml", 3,
     "clé d'acte inconnue"),
    ({"acts.yaml": "acts:\n  - id: nouveau\n    label: Nouveau\n    letter: AMI\n"}, MARKER, "acts.yaml", 2,
     "« coefficient » est obligatoire"),
    ({"acts.yaml": "acts:\n  - id: injection_sc\n    coefficients: [{from: 2026-01-01, value: \"0\"}]\n"}, MARKER,
     "acts.yaml", 3, "valeur 0 invalide"),
    ({"zones.yaml": "zones:\n  lune: {values: dom, label: Lune}\n"}, MARKER, "zones.yaml", 2, "zone inconnue"),
    ({"franchise.yaml": "periods: [{from: 2026-01-01, per_act: gratuit, daily_cap: \"4\"}]\n"}, MARKER,
     "franchise.yaml", 1, "« gratuit » n'est pas un nombre"),
    ({"holidays.yaml": "first_year: 2020\n"}, MARKER, "holidays.yaml", None, "inconnu dans une surcouche"),
    ({}, "overlay: true\nbase: shipped\nlabel: 3\n", "overlay.yaml", 3, "label : un texte est attendu"),
    ({"values.yaml": "- AMI\n"}, MARKER, "values.yaml", 1, "une table clé: valeur est attendue"),
    ({"values.yaml": "values:\n  AMI:\n    metropole: []\n"}, MARKER, "values.yaml", 3, "une liste non vide"),
    ({"values.yaml": "checkd_on: 2026-06-01\n"}, MARKER, "values.yaml", 1, "checkd_on : clé inconnue"),
    ({"values.yaml": "stale_after_days: beaucoup\n"}, MARKER, "values.yaml", 1, "nombre entier de jours"),
    ({"values.yaml": "pending: [avenant 11]\n"}, MARKER, "values.yaml", 1, "un texte est attendu (ou null"),
    ({"values.yaml": "values:\n  AMI:\n    label: 3\n"}, MARKER, "values.yaml", 3, "values.AMI.label : un texte"),
    ({"acts.yaml": "actes: []\n"}, MARKER, "acts.yaml", 1, "actes : clé inconnue"),
    ({"acts.yaml": "acts: {}\n"}, MARKER, "acts.yaml", 1, "une liste d'actes est attendue"),
    ({"acts.yaml": "acts:\n  - label: Sans identifiant\n"}, MARKER, "acts.yaml", 2, "identifiant « id » absent"),
    ({"acts.yaml": "acts:\n  - id: injection_sc\n    until: bientôt\n"}, MARKER, "acts.yaml", 3,
     "acts[1].until : date AAAA-MM-JJ attendue"),
    ({"zones.yaml": "zone: {}\n"}, MARKER, "zones.yaml", 1, "zone : clé inconnue"),
    ({"rules.yaml": "mau:\n  letters: {AMI: oui}\n"}, MARKER, "rules.yaml", 2, "une liste est attendue"),
    ({"rules.yaml": "mau:\n  from: [2012-05-27]\n"}, MARKER, "rules.yaml", 2, "une valeur simple est attendue"),
    ({"values.yaml": "values:\n  AMI:\n    metropole: [{from: 2026-01-01, value: \"3.30\"}]\n"
                     "  AMI:\n    metropole: [{from: 2026-01-01, value: \"3.40\"}]\n"}, MARKER, "values.yaml", 4,
     "clé « AMI » en double"),
]


@pytest.mark.parametrize("files, marker, at_fault, line, fragment", BAD,
                         ids=[f"{b[2]}-{b[4][:24]}" for b in BAD])
def test_a_bad_overlay_is_refused_at_its_place(tmp_path, tour, files, marker, at_fault, line, fragment):
    folder = overlay(tmp_path, files, marker)
    path = tour(TOUR)
    for command in (["price", path, "--tariffs", folder], ["report", path, "--compare-tariffs", folder],
                    ["tariffs", "--tariffs", folder], ["tariffs", "--tariffs", folder, "--diff"]):
        r = run_cli(*command)
        assert r.exit_code == 2, (command, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and r.stdout == ""
        where = str(folder / at_fault) + (f":{line}:" if line else ":")
        assert r.stderr.startswith(f"erreur : {where}"), (where, r.stderr)
        assert fragment in r.stderr, r.stderr


def test_a_partial_folder_without_marker_says_how_to_make_it_an_overlay(tmp_path, tour):
    folder = overlay(tmp_path, {"values.yaml": "values: {}\n"}, marker=None)
    r = run_cli("price", tour(TOUR), "--tariffs", folder)
    assert r.exit_code == 2
    assert "acts.yaml" in r.stderr and "overlay.yaml" in r.stderr and "docs/tarifs.md" in r.stderr


def test_a_merged_fault_is_still_caught(tmp_path, tour):
    """A new act whose letter key does not exist: found on the merged folder (tariffcheck.py)."""
    folder = overlay(tmp_path, {"acts.yaml": "acts:\n  - id: nouveau\n    label: N\n    letter: ZZZ\n"
                                             "    coefficient: \"1\"\n"})
    r = run_cli("price", tour(TOUR), "--tariffs", folder)
    assert r.exit_code == 2 and "lettre clé « ZZZ » absente de values.yaml" in r.stderr


def test_a_zone_a_new_act_with_its_reading_and_a_franchise_cap(tmp_path, tour):
    folder = overlay(tmp_path, {
        "zones.yaml": "zones:\n  reunion: {label: Zone d'essai, amo_standard: 70}\n",
        "acts.yaml": "acts:\n  - id: acte_nouveau\n    label: Acte d'essai\n    letter: AMI\n"
                     "    coefficient: \"2\"\n",
        "rules.yaml": "analgesie_full_rate_with:\n  acte_nouveau: certain\n",
        "franchise.yaml": 'annual_cap: "1.50"\n',
    })
    path = tour(TOUR.replace("date: 2026-03-02", "date: 2026-03-02\nzone: reunion").replace("injection_sc",
                                                                                         "acte_nouveau"))
    data = price_json(path, extra=("--tariffs", folder))
    # AMI 2 at the DOM value 3.30 = 6.60, IFD 2.75; AMO 70 %
    assert data["totals"]["by_code"] == {"AMI": "6.60", "IFD": "2.75"}
    assert data["totals"]["amo"] == "6.55"                # 4.62 + 1.93 (each line rounded)
    r = run_cli("report", path, "--tariffs", folder, "--format", "json")
    assert r.exit_code == 0 and r.json["totals"]["franchise"] == "1.00"   # 1.00 per act, under the 1.50 cap
    changes = run_cli("tariffs", "--tariffs", folder, "--diff", "--format", "json").json["changes"]
    assert {(c["file"], c["key"]) for c in changes} == {
        ("acts.yaml", "acte_nouveau"), ("rules.yaml", "analgesie_full_rate_with.acte_nouveau"),
        ("zones.yaml", "zones.reunion.label"), ("zones.yaml", "zones.reunion.amo_standard"),
        ("franchise.yaml", "annual_cap")}
    shown = " ".join(run_cli("tariffs", "--tariffs", folder, "--zone", "reunion", "--date", "2026-03-02").stdout.split())
    assert "Zone d'essai" in shown and "Surcouche" in shown and "acts.yaml, rules.yaml, zones.yaml, franchise.yaml" in shown
