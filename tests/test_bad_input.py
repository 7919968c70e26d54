"""Bad and hostile input (issue 6): every broken file gives exit code 2, a French message on stderr
with the file name and, where it means something, the line; never a traceback; memory stays bounded.

The small files live in tests/bad/ (one fault each, listed in CORPUS below with the line and a piece of
the expected message); big or hostile ones (100 MB, binary, Latin-1, billion laughs, 10 000 levels,
permissions, broken tariff folders) are written at run time into tmp_path. Each case runs in process
(CliRunner, `price` and `check`) and once more in a real `python -m ngapcli price` subprocess.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ngapcli import tourfile, yamlnodes
from ngapcli.cli import app
from ngapcli.errors import InputError
from ngapcli.rules import price as price_tours
from ngapcli.tariffs import TariffStore

ROOT = Path(__file__).resolve().parent.parent
BAD = Path(__file__).resolve().parent / "bad"
TARIFFS = ROOT / "tariffs"

# file in tests/bad -> (line of the fault or None, piece of the French message)
CORPUS: dict[str, tuple[int | None, str]] = {
    "act_and_cotation.yaml": (7, "soit « act », soit « cotation », pas les deux"),
    "act_forfait_typed.yaml": (8, "le forfait BSB se déduit de « bsi: BSB »"),
    "act_null.yaml": (7, "« act » : identifiant d'acte attendu"),
    "act_without_id.yaml": (7, "un acte demande « act » (identifiant du catalogue) ou « cotation »"),
    "acts_empty.yaml": (7, "une liste « acts » non vide est attendue"),
    "age_10_pow_30.yaml": (5, "« age » : 1000000000000000000000000000000 hors des bornes permises (0 à 130)"),
    "age_5000_digits.yaml": (5, "hors des bornes permises (0 à 130)"),
    "age_boolean.yaml": (5, "« age » : un nombre est attendu"),
    "age_fraction.yaml": (5, "un nombre entier est attendu, pas 92.5"),
    "age_nan_word.yaml": (5, "« age » : « NaN » n'est pas un nombre fini"),
    "age_negative.yaml": (5, "« age » : -1 hors des bornes permises"),
    "birth_date_after_tour.yaml": (5, "2030-01-01 est après la date de la tournée"),
    "bsi_unknown.yaml": (5, "niveau « BSD » inconnu"),
    "cabinet_fee_150_percent.yaml": (2, "« cabinet_fee_percent » : 150 hors des bornes permises (0 à 100)"),
    "called_at_25_00.yaml": (7, "l'heure 25:00 n'existe pas"),
    "cotation_forfait_letter.yaml": (7, "le forfait BSC ne se saisit pas"),
    "cotation_huge.yaml": (7, "coefficient hors bornes"),
    "cotation_three_decimals.yaml": (7, "au plus deux décimales"),
    "cotation_unknown_letter.yaml": (7, "cotation « XYZ 2 » illisible"),
    "cotation_zero.yaml": (7, "coefficient hors bornes"),
    "coverage_unknown.yaml": (5, "valeur « mutuelle » inconnue"),
    "date_2025_02_30.yaml": (1, "la date 2025-02-30 n'existe pas"),
    "date_two_digit_year.yaml": (1, "date « 10/03/25 » illisible, format attendu AAAA-MM-JJ ou JJ/MM/AAAA"),
    "date_missing.yaml": (1, "clé « date » obligatoire"),
    "date_year_zero.yaml": (1, "la date 0000-01-01 n'existe pas"),
    "distance_1e400.yaml": (5, "« distance_km » : 1e400 hors des bornes permises (0 à 1000)"),
    "distance_hexadecimal.yaml": (5, "« 0x10 » n'est pas un nombre"),
    "distance_infinite.yaml": (5, "« .inf » n'est pas un nombre"),
    "distance_infinity_word.yaml": (5, "« Infinity » n'est pas un nombre fini"),
    "distance_list.yaml": (5, "« distance_km » : un nombre est attendu"),
    "distance_nan.yaml": (5, "« .nan » n'est pas un nombre"),
    "distance_negative.yaml": (5, "« distance_km » : -3 hors des bornes permises"),
    "distance_text.yaml": (5, "« loin » n'est pas un nombre"),
    "document_is_a_list.yaml": (1, "le document doit être une table"),
    "document_is_a_scalar.yaml": (1, "le document doit être une table"),
    "empty.yaml": (1, "fichier vide"),
    "flag_not_boolean.yaml": (7, "true ou false (oui ou non) attendu, pas « peut-être »"),
    "key_yes.yaml": (2, "clé inconnue « yes » dans le document"),  # a name as written, not True
    "merge_key.yaml": (4, "clé inconnue « << » dans un patient"),
    "nurse_list.yaml": (2, "nurse : une table clé: valeur est attendue"),
    "only_comments.yaml": (1, "fichier vide"),
    "patient_duplicate.yaml": (8, "patient « P1 » en double (déjà ligne 4)"),
    "patient_id_list.yaml": (4, "« id » : un texte est attendu"),
    "patient_id_missing.yaml": (4, "clé « id » obligatoire"),
    "patient_is_text.yaml": (4, "patient : une table clé: valeur est attendue"),
    "patient_null.yaml": (4, "patient : une table clé: valeur est attendue"),
    "patients_mapping.yaml": (3, "une liste de patients est attendue"),
    "patients_null.yaml": (2, "une liste de patients est attendue"),
    "place_unknown.yaml": (7, "valeur « hopital » inconnue"),
    # prescriptions and plans (contract §5)
    "plan_day_unknown.yaml": (8, "« days » : jour « merc » inconnu (« mer » ?)"),
    "plan_every_zero.yaml": (9, "« every » : 0 hors des bornes permises (1 à 366)"),
    "plan_except_outside.yaml": (9, "« except » : le 2025-04-02 est hors de l'entrée du plan (2025-03-03 au 2025-03-31)"),
    "plan_over_366_days.yaml": (9, "entrée du plan de 394 jours (2025-03-03 au 2026-03-31) : au plus 366 jours"),
    "plan_prescription_unknown.yaml": (9, "prescription « O9 » inconnue ; le patient n'a pas de « prescriptions »"),
    "plan_time_twice.yaml": (7, "« times » : 07:30 deux fois dans la même entrée du plan"),
    "plan_unknown_key.yaml": (7, "clé inconnue « time » dans une entrée du plan (« times » ?)"),
    "plan_until_before_from.yaml": (9, "« until » : 2025-03-01 est avant « from » (2025-03-10)"),
    "plan_until_missing.yaml": (6, "« until: AAAA-MM-JJ » (dernier jour) est obligatoire"),
    "prescription_duplicate_id.yaml": (7, "prescription « O1 » en double pour ce patient (déjà ligne 6)"),
    "prescription_seances_zero.yaml": (9, "« seances » : 0 hors des bornes permises"),
    "prescription_unknown_act.yaml": (6, "acte inconnu « injection_insulin » ; « injection_insuline » ?"),
    "prescription_until_before_from.yaml": (6, "2025-03-05 est avant le premier jour de la prescription (2025-03-10)"),
    "prescription_without_end.yaml": (6, "« until: AAAA-MM-JJ » (dernier jour couvert) ou « days: N »"),
    "visit_prescription_unknown.yaml": (8, "prescription « O2 » inconnue ; prescriptions du patient : O1"),
    "plan_times_not_a_list.yaml": (7, "« times » : une liste d'heures non vide est attendue"),
    "plan_every_unknown_key.yaml": (9, "clé inconnue « from » dans « days »"),
    "plan_except_not_a_list.yaml": (9, "« except » : une liste de dates est attendue"),
    "plan_except_two_digit_year.yaml": (9, "« except » : date « 14/03/25 » illisible, format attendu AAAA-MM-JJ ou JJ/MM/AAAA"),
    "plan_empty.yaml": (5, "« plan » : une liste non vide de soins planifiés"),
    "plan_acts_missing.yaml": (6, "entrée du plan : une liste « acts » non vide est attendue"),
    "plan_time_25.yaml": (7, "« times » : l'heure 25:00 n'existe pas"),
    "prescription_until_and_days.yaml": (6, "soit « until » (dernier jour), soit « days » (durée), pas les deux"),
    "prescription_seances_and_per_day.yaml": (6, "soit « seances » (nombre en tout), soit « per_day » (par jour)"),
    "prescription_act_twice.yaml": (6, "acte « injection_insuline » deux fois dans la prescription « O1 »"),
    "prescription_acts_missing.yaml": (6, "prescription « O1 » : « acts » obligatoire"),
    "prescription_act_without_id.yaml": (6, "« act » : identifiant d'acte attendu"),
    "prescription_unknown_key.yaml": (6, "clé inconnue « prescriber » dans une prescription"),
    "prescriptions_not_a_list.yaml": (5, "« prescriptions » : une liste non vide de prescriptions"),
    "quantity_huge.yaml": (7, "« quantity » : 1e9 hors des bornes permises (1 à 50)"),
    "quantity_zero.yaml": (7, "« quantity » : 0 hors des bornes permises"),
    "second_document_is_a_list.yaml": (9, "le document doit être une table"),
    "terrain_unknown.yaml": (2, "valeur « colline » inconnue (« plaine » ?)"),
    "time_12_60.yaml": (6, "l'heure 12:60 n'existe pas"),
    "time_24_00.yaml": (6, "l'heure 24:00 n'existe pas"),
    "time_decimal.yaml": (6, "heure « 8.30 » illisible"),
    "time_missing.yaml": (6, "clé « time » obligatoire"),
    "time_seconds.yaml": (6, "heure « 08:30:00 » illisible"),
    "unknown_act.yaml": (7, "acte inconnu « injection_s » ; « injection_sc » ?"),
    "unknown_act_number.yaml": (7, "acte inconnu « 12 »"),
    "unknown_key_document.yaml": (2, "clé inconnue « pateints » dans le document (« patients » ?)"),
    "unknown_key_visit.yaml": (7, "clé inconnue « urgnet » dans une visite (« urgent » ?)"),
    "visit_date_2023_02_29.yaml": (7, "la date 2023-02-29 n'existe pas"),
    "visits_empty.yaml": (5, "une liste « visits » non vide est attendue"),
    "visits_missing.yaml": (4, "une liste « visits » non vide est attendue"),
    "yaml_alias_recursive.yaml": (3, "alias « *p » récursif"),
    "yaml_alias_undefined.yaml": (4, "alias « *patient » sans ancre"),
    "yaml_bad_indent.yaml": (7, "YAML invalide : clé attendue introuvable"),
    "yaml_colon_in_value.yaml": (5, "YAML invalide : « : » inattendu"),
    "yaml_control_char.yaml": (4, "caractère interdit U+0007"),
    "yaml_duplicate_anchor.yaml": (6, "ancre « &a » définie deux fois"),
    "yaml_duplicate_key.yaml": (2, "clé « date » en double"),
    "yaml_key_is_a_list.yaml": (2, "clé invalide"),
    "yaml_tab_indent.yaml": (5, "tabulation dans l'indentation"),
    "yaml_unclosed_bracket.yaml": (3, "YAML invalide : contenu attendu introuvable"),
    "yaml_unclosed_quote.yaml": (5, "guillemet ouvert ligne 4"),
    "zone_unknown.yaml": (2, "valeur « corse » inconnue"),
}

HEAD = "date: 2025-03-10\nnurse: {name: Claire Martin}\npatients:\n"
VISIT = '  - id: P1\n    visits:\n      - time: "08:30"\n        acts: [injection_sc]\n'


@dataclass
class Case:
    """A command line to run and what its stderr must say."""
    args: list[str]
    where: str                 # the file the message must name
    line: int | None
    fragment: str
    stdin: Path | None = None  # a file given on standard input (subprocess runs)
    max_rss_mb: int = 400      # memory bound of the subprocess run
    in_process: bool = True    # False: too big to pass through CliRunner's memory input


# -- hostile files written at run time ------------------------------------------------------------

def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def gen_100_mb(tmp: Path) -> Case:
    path = tmp / "tournee_100_mo.yaml"
    line = b"# " + b"x" * 1021 + b"\n"
    with open(path, "wb") as fh:
        fh.write(HEAD.encode() + VISIT.encode())
        for _ in range(100 * 1024):
            fh.write(line)
    return Case(["price", str(path)], str(path), None, "fichier trop volumineux", max_rss_mb=100)


def gen_100_mb_stdin(tmp: Path) -> Case:
    case = gen_100_mb(tmp)
    return Case(["price", "-"], "<stdin>", None, "entrée trop volumineuse", stdin=Path(case.where), max_rss_mb=150,
                in_process=False)


def gen_binary(tmp: Path) -> Case:
    path = _write(tmp / "binaire.yaml", bytes(range(256)) * 64)
    return Case(["price", str(path)], str(path), None, "fichier binaire, pas un fichier YAML")


def gen_latin1(tmp: Path) -> Case:
    text = HEAD.replace("Claire Martin", "Hélène Müller") + VISIT
    path = _write(tmp / "latin1.yaml", text.encode("latin-1"))
    return Case(["price", str(path)], str(path), 2, "pas encodé en UTF-8 (octet 0xe9)")


def gen_utf16(tmp: Path) -> Case:
    path = _write(tmp / "utf16.yaml", (HEAD + VISIT).encode("utf-16"))
    return Case(["price", str(path)], str(path), None, "encodé en UTF-16 ; enregistrez-le en UTF-8")


def gen_billion_laughs(tmp: Path) -> Case:
    text = "date: 2025-03-10\nnurse:\n  name: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 10):
        text += f"  n{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    text += "patients: []\n"
    path = _write(tmp / "billion_laughs.yaml", text)
    # 9 + 81 + 729 + ... values: the limit is passed on the line of a6 (more than 10**6 values)
    return Case(["price", str(path)], str(path), 9, "document trop volumineux")


def gen_alias_tour_bomb(tmp: Path) -> Case:
    """Valid YAML, few values, but aliases multiply the acts: refused before pricing them."""
    acts = ", ".join(["{act: perfusion_supplement_heure, quantity: 50}"] * 10)
    text = HEAD + f'  - id: P1\n    visits:\n      - &v {{time: "08:30", acts: [{acts}]}}\n'
    text += "".join("      - *v\n" for _ in range(500))
    path = _write(tmp / "alias_bomb.yaml", text)
    # 200 000 act occurrences = 400 visits of 10 × 50: the 401st passes the limit, at its first act, which
    # an alias shares with the anchored visit of line 6
    return Case(["price", str(path)], str(path), 6, "trop d'actes dans le fichier (plus de 200000)")


def gen_plan_bomb(tmp: Path) -> Case:
    """A few lines of plan that would expand to 24 visits a day for a year of 50 acts each: refused on the
    entry, before any visit is made (the limit counts the acts after expansion)."""
    times = ", ".join(f'"{h:02d}:00"' for h in range(24))
    text = HEAD + ("  - id: P1\n    plan:\n      - acts: [{act: perfusion_supplement_heure, quantity: 50}]\n"
                   f"        times: [{times}]\n        from: 2025-01-01\n        until: 2025-12-31\n")
    path = _write(tmp / "plan_bomb.yaml", text)
    return Case(["price", str(path)], str(path), 6, "trop d'actes dans le fichier une fois les plans développés")


def gen_deep_flow(tmp: Path) -> Case:
    path = _write(tmp / "profond_flux.yaml", "date: 2025-03-10\npatients: " + "[" * 10_000 + "]" * 10_000 + "\n")
    return Case(["price", str(path)], str(path), 2, "trop profondément imbriqué")


def gen_deep_block(tmp: Path) -> Case:
    # block style, compact: "- - - x" is three nested lists (indenting 10 000 levels would take 100 MB)
    path = _write(tmp / "profond_blocs.yaml", "date: 2025-03-10\npatients:\n  " + "- " * 10_000 + "x\n")
    return Case(["price", str(path)], str(path), 3, "trop profondément imbriqué")


def gen_deep_mapping(tmp: Path) -> Case:
    path = _write(tmp / "profond_tables.yaml", "date: 2025-03-10\nnurse: " + "{a: " * 10_000 + "1" + "}" * 10_000)
    return Case(["price", str(path)], str(path), 2, "trop profondément imbriqué")


def gen_directory(tmp: Path) -> Case:
    folder = tmp / "un_dossier.yaml"
    folder.mkdir()
    return Case(["price", str(folder)], str(folder), None, "c'est un dossier, pas un fichier de tournée")


def gen_missing_file(tmp: Path) -> Case:
    path = tmp / "absent.yaml"
    return Case(["price", str(path)], str(path), None, "fichier introuvable")


def gen_path_through_a_file(tmp: Path) -> Case:
    path = tmp / "tour.yaml"
    _write(path, HEAD + VISIT)
    inner = path / "lundi.yaml"
    return Case(["price", str(inner)], str(inner), None, "un élément du chemin n'est pas un dossier")


def gen_name_too_long(tmp: Path) -> Case:
    path = tmp / ("t" * 300 + ".yaml")
    return Case(["price", str(path)], str(path), None, "nom de fichier trop long")


def gen_symlink_loop(tmp: Path) -> Case:
    a, b = tmp / "a.yaml", tmp / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    return Case(["price", str(a)], str(a), None, "trop de liens symboliques")


def gen_broken_symlink(tmp: Path) -> Case:
    link = tmp / "lien.yaml"
    link.symlink_to(tmp / "disparu.yaml")
    return Case(["price", str(link)], str(link), None, "fichier introuvable")


def gen_unreadable(tmp: Path) -> Case:
    path = _write(tmp / "illisible.yaml", HEAD + VISIT)
    path.chmod(0)
    if os.access(path, os.R_OK):  # root: chmod does not deny
        pytest.skip("les droits du fichier ne refusent pas la lecture (root)")
    return Case(["price", str(path)], str(path), None, "lecture refusée (droits du fichier)")


def gen_empty_stdin(tmp: Path) -> Case:
    path = _write(tmp / "vide.yaml", "")
    return Case(["price", "-"], "<stdin>", 1, "fichier vide", stdin=path)


def gen_stdin_is_a_list(tmp: Path) -> Case:
    path = _write(tmp / "liste.yaml", "- 1\n- 2\n")
    return Case(["price", "-"], "<stdin>", 1, "le document doit être une table", stdin=path)


def gen_tariffs_missing(tmp: Path) -> Case:
    tour = _write(tmp / "tour.yaml", HEAD + VISIT)
    folder = tmp / "pas_de_tarifs"
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder), None, "dossier de tarifs introuvable")


def _broken_tariffs(tmp: Path, change) -> tuple[Path, Path]:
    folder = tmp / "tarifs"
    shutil.copytree(TARIFFS, folder)
    values = folder / "values.yaml"
    result = change(values.read_text(encoding="utf-8"))
    if result is None:
        values.unlink()
    else:
        values.write_text(result, encoding="utf-8")
    return _write(tmp / "tour.yaml", HEAD + VISIT), folder


def gen_tariffs_invalid_yaml(tmp: Path) -> Case:
    tour, folder = _broken_tariffs(tmp, lambda s: s.replace("values:\n", "values: [\n", 1))
    # libyaml sees the fault two lines below the opened « [ »
    line = (folder / "values.yaml").read_text(encoding="utf-8").splitlines().index("values: [") + 1 + 2
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder / "values.yaml"), line,
                "fichier de tarifs illisible")


def gen_tariffs_value_not_a_number(tmp: Path) -> Case:
    tour, folder = _broken_tariffs(tmp, lambda s: s.replace('value: "3.15"', 'value: "trois euros"', 1))
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder / "values.yaml"), None,
                "values.AMI.metropole[1].value : « trois euros » n'est pas un nombre")


def gen_tariffs_values_a_list(tmp: Path) -> Case:
    tour, folder = _broken_tariffs(tmp, lambda s: "- 3.15\n- 2.75\n")
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder / "values.yaml"), None,
                "une table clé: valeur est attendue")


def gen_tariffs_values_empty(tmp: Path) -> Case:
    tour, folder = _broken_tariffs(tmp, lambda s: "")
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder / "values.yaml"), None,
                "une table clé: valeur est attendue")


def gen_tariffs_values_missing(tmp: Path) -> Case:
    tour, folder = _broken_tariffs(tmp, lambda s: None)
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder / "values.yaml"), None,
                "fichier de tarifs manquant")


def gen_tariffs_impossible_date(tmp: Path) -> Case:
    tour, folder = _broken_tariffs(tmp, lambda s: s.replace("from: 2012-05-27", "from: 2012-13-27", 1))
    return Case(["price", str(tour), "--tariffs", str(folder)], str(folder / "values.yaml"), None,
                "fichier de tarifs illisible")


GENERATED = {f.__name__[4:]: f for f in (
    gen_100_mb, gen_100_mb_stdin, gen_binary, gen_latin1, gen_utf16, gen_billion_laughs, gen_alias_tour_bomb,
    gen_plan_bomb,
    gen_deep_flow, gen_deep_block, gen_deep_mapping, gen_directory, gen_missing_file, gen_path_through_a_file,
    gen_name_too_long, gen_symlink_loop, gen_broken_symlink, gen_unreadable,
    gen_empty_stdin, gen_stdin_is_a_list, gen_tariffs_missing, gen_tariffs_invalid_yaml,
    gen_tariffs_value_not_a_number, gen_tariffs_values_a_list, gen_tariffs_values_empty,
    gen_tariffs_values_missing, gen_tariffs_impossible_date)}


def corpus_case(name: str) -> Case:
    line, fragment = CORPUS[name]
    path = BAD / name
    return Case(["price", str(path)], str(path), line, fragment)


# -- checks -----------------------------------------------------------------------------------------

def check_refusal(case: Case, exit_code: int, stdout: str, stderr: str) -> None:
    assert "Traceback" not in stdout + stderr, stderr
    assert exit_code == 2, (exit_code, stdout, stderr)
    assert stdout == "", "nothing is priced when an input is refused"
    message = stderr.strip()
    assert message.startswith("erreur : "), message
    where = case.where + (f":{case.line}:" if case.line is not None else ":")
    assert where in message, (where, message)
    assert case.fragment in message, (case.fragment, message)
    assert len(message) < 600, "a short message, not a dump"


def invoke(args: list[str], stdin: bytes | None = None):
    result = CliRunner().invoke(app, args, input=stdin, env={"NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"exception instead of an input error: {result.exception!r}") from result.exception
    return result


# -- the corpus -------------------------------------------------------------------------------------

def test_every_corpus_file_has_its_expectation():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CORPUS)


@pytest.mark.parametrize("command", ["price", "check"])
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_file_is_refused_with_its_place(name, command):
    case = corpus_case(name)
    result = invoke([command, *case.args[1:]])
    check_refusal(case, result.exit_code, result.stdout, result.stderr)


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_hostile_input_is_refused_with_its_place(name, tmp_path):
    case = GENERATED[name](tmp_path)
    if not case.in_process:
        pytest.skip("run in a subprocess only (test_subprocess_never_prints_a_traceback)")
    stdin = case.stdin.read_bytes() if case.stdin else None
    result = invoke(case.args, stdin)
    check_refusal(case, result.exit_code, result.stdout, result.stderr)


def test_an_error_in_the_second_file_prices_nothing(tmp_path):
    good = _write(tmp_path / "bon.yaml", HEAD + VISIT)
    case = corpus_case("time_24_00.yaml")
    result = invoke(["price", str(good), *case.args[1:], "--format", "json"])
    check_refusal(case, result.exit_code, result.stdout, result.stderr)


def test_stdin_just_over_the_size_limit(tmp_path):
    data = (HEAD + VISIT).encode() + b"#" * (yamlnodes.MAX_FILE_BYTES + 1)
    result = invoke(["price", "-"], data)
    check_refusal(Case([], "<stdin>", None, "entrée trop volumineuse"), result.exit_code, result.stdout,
                  result.stderr)


def test_values_are_counted_with_their_aliases(monkeypatch, tmp_path):
    """The value limit (real size: the subprocess run below) counts every alias at its full size."""
    monkeypatch.setattr(yamlnodes, "MAX_NODES", 1_000)
    text = "date: 2025-03-10\nnurse:\n  name: &a [" + ", ".join(["x"] * 100) + "]\n"
    text += "".join(f"  k{i}: *a\n" for i in range(20)) + "patients: []\n"
    with pytest.raises(InputError) as err:
        yamlnodes.load_documents(text, "alias.yaml")
    # 107 values up to the anchored list, then 102 per alias (key + 101): the 9th alias, line 12, passes 1 000
    assert (err.value.file, err.value.line) == ("alias.yaml", 12)
    assert "trop volumineux" in err.value.message


def test_act_limit_points_at_the_quantity_that_passes_it(monkeypatch):
    monkeypatch.setattr(tourfile, "MAX_ACTS", 10)
    text = HEAD + '  - id: P1\n    visits:\n      - time: "08:30"\n        acts:\n' \
        "          - {act: injection_sc, quantity: 7}\n          - {act: injection_sc, quantity: 7}\n"
    with pytest.raises(InputError) as err:
        tourfile.parse_tours(text, "t.yaml", STORE.act_ids, STORE.letters)
    assert (err.value.line, err.value.column) == (9, 43) and "trop d'actes" in err.value.message


def test_tags_never_build_python_objects():
    """Explicit tags give plain values: a python/object tag is only a list of text, never a call."""
    doc = yamlnodes.load_documents('a: !!int "12"\nb: !!str 12\nc: !local x\nd: !!python/object/apply:os.system '
                                   '["echo pwned"]\ne: !!binary aGk=\n', "t.yaml")[0]
    assert doc == {"a": 12, "b": "12", "c": "x", "d": ["echo pwned"], "e": "aGk="}
    assert type(doc["d"]) is yamlnodes.YList


def test_yaml_1_1_scalars_keep_their_text_through_aliases():
    """`id: 012` is the patient « 012 » (not octal 10), even through an alias; a name « yes » stays text."""
    text = HEAD + '  - id: &a 012\n    name: yes\n    distance_km: 010\n    outside_agglomeration: true\n' \
        '    visits: [{time: "08:30", acts: [injection_sc]}]\n  - id: 1_2\n    household: *a\n' \
        '    visits: [{time: "09:00", acts: [injection_sc]}]\n'
    [tour] = tourfile.parse_tours(text, "t.yaml", STORE.act_ids, STORE.letters)
    p1, p2 = tour.patients
    assert (p1.id, p1.name, p1.distance_km) == ("012", "yes", 10)
    assert (p2.id, p2.household) == ("1_2", "012")


def test_many_values_just_under_the_size_limit_stay_bounded(tmp_path):
    """A file just under MAX_FILE_BYTES made of tiny values: refused by the value count, at its line,
    in bounded memory (the whole node tree of PyYAML's composer took 1.8 GB here)."""
    path = tmp_path / "valeurs.yaml"
    n = (yamlnodes.MAX_FILE_BYTES - 100) // 4
    path.write_bytes(b"date: 2025-03-10\npatients:\n" + b"- 1\n" * n)
    # 5 values before the list (document, date and its value, patients, the list): item k, on line k + 2,
    # is value 5 + k; the limit is passed at k = MAX_NODES - 4
    line = yamlnodes.MAX_NODES - 4 + 2
    run = run_subprocess(Case(["price", str(path)], str(path), line, "document trop volumineux", max_rss_mb=450),
                         tmp_path)
    check_refusal(run.case, run.exit_code, run.stdout, run.stderr)
    assert run.max_rss_mb < run.case.max_rss_mb


# -- faults of a tariff folder (found by these tests, now refused by ngapcli/tariffcheck.py) ----------------

def test_tariffs_missing_series(tmp_path):
    import re

    tour, folder = _broken_tariffs(tmp_path, lambda s: re.sub(r"  AMI:\n(    .*\n)+", "", s, count=1))
    result = invoke(["price", str(tour), "--tariffs", str(folder)])
    check_refusal(Case([], str(folder / "values.yaml"), None, "AMI"), result.exit_code, result.stdout, result.stderr)


def test_tariffs_checked_on_not_a_date(tmp_path):
    import re

    tour, folder = _broken_tariffs(tmp_path, lambda s: re.sub(r"(?m)^checked_on: \S+", "checked_on: hier", s))
    result = invoke(["price", str(tour), "--tariffs", str(folder)])
    check_refusal(Case([], str(folder / "values.yaml"), None, "checked_on"), result.exit_code, result.stdout, result.stderr)


def test_tariffs_negative_value(tmp_path):
    tour, folder = _broken_tariffs(tmp_path, lambda s: s.replace('value: "3.15"', 'value: "-3.15"', 1))
    result = invoke(["price", str(tour), "--tariffs", str(folder)])
    check_refusal(Case([], str(folder / "values.yaml"), None, "AMI"), result.exit_code, result.stdout, result.stderr)


def test_tariffs_nan_value(tmp_path):
    tour, folder = _broken_tariffs(tmp_path, lambda s: s.replace('value: "3.15"', "value: .nan", 1))
    result = invoke(["price", str(tour), "--tariffs", str(folder)])
    check_refusal(Case([], str(folder / "values.yaml"), None, "AMI"), result.exit_code, result.stdout, result.stderr)


def test_tariffs_option_given_a_file(tmp_path):
    tour = _write(tmp_path / "tour.yaml", HEAD + VISIT)
    result = invoke(["price", str(tour), "--tariffs", str(tour)])
    check_refusal(Case([], str(tour), None, "dossier"), result.exit_code, result.stdout, result.stderr)


# -- the same cases in real subprocesses --------------------------------------------------------------------

@dataclass
class SubRun:
    case: Case
    exit_code: int
    stdout: str
    stderr: str
    max_rss_mb: float


# `python -m ngapcli ARGS` forked from a small process: the peak memory a child reports includes what it
# had before exec, so forking it from pytest itself would count pytest's memory
_MEASURE = """import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "ngapcli", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


def run_subprocess(case: Case, out_dir: Path) -> SubRun:
    out, err, rss = out_dir / "stdout", out_dir / "stderr", out_dir / "maxrss"
    with open(out, "wb") as fo, open(err, "wb") as fe, \
            open(case.stdin, "rb") if case.stdin else open(os.devnull, "rb") as fi:
        proc = subprocess.run([sys.executable, "-c", _MEASURE, str(rss), *case.args], stdin=fi, stdout=fo, stderr=fe,
                              cwd=ROOT, env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    return SubRun(case, proc.returncode, out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"),
                  int(rss.read_text()) / 1024)


@pytest.fixture(scope="module")
def subprocess_runs(tmp_path_factory) -> dict[str, SubRun | str]:
    """Every case run once in its own `python -m ngapcli`, several at a time (startup is slow)."""
    cases: dict[str, Case | str] = {}
    for name in CORPUS:
        cases[name] = corpus_case(name)
    for name, make in GENERATED.items():
        try:
            cases[name] = make(tmp_path_factory.mktemp(name))
        except pytest.skip.Exception as exc:
            cases[name] = str(exc)
    todo = {k: c for k, c in cases.items() if isinstance(c, Case)}
    outs = [tmp_path_factory.mktemp("out") for _ in todo]
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 2) + 1) as pool:
        done = dict(zip(todo, pool.map(run_subprocess, todo.values(), outs)))
    return {k: done.get(k, c) for k, c in cases.items()}


@pytest.mark.parametrize("name", sorted(CORPUS) + sorted(GENERATED))
def test_subprocess_never_prints_a_traceback(name, subprocess_runs):
    run = subprocess_runs[name]
    if isinstance(run, str):
        pytest.skip(run)
    check_refusal(run.case, run.exit_code, run.stdout, run.stderr)
    assert run.max_rss_mb < run.case.max_rss_mb, f"{run.max_rss_mb:.0f} Mo"


# -- fuzzing the loader -------------------------------------------------------------------------------------

STORE = TariffStore.load()
VALID = textwrap.dedent("""\
    date: 2025-03-10
    zone: metropole
    nurse: {name: Claire Martin, terrain: plaine, replaces: Paul, cabinet_fee_percent: 10}
    patients:
      - id: P1
        name: Mme A.
        age: 92
        bsi: BSB
        coverage: ald
        household: "12 rue des Lilas"
        distance_km: 7.5
        outside_agglomeration: true
        nearest_cabinet_km: 6
        prescription: {home: true, night: false, daily: true}
        visits:
          - time: 08:30
            acts: [injection_sc, {act: pansement_autre, quantity: 2}]
          - time: "19:45"
            date: 2025-03-11
            place: office
            dependence: false
            urgent: true
            called_at: "19:40"
            acts: [{cotation: "AMI 2", label: acte hors catalogue}]
            billed: "AMI2"
      - id: P2
        birth_date: 2020-05-02
        palliative: true
        visits:
          - {time: "23:10", acts: [prelevement_veineux]}
    ---
    date: 2025-03-16
    patients: [{id: P3, visits: [{time: "10:00", acts: [injection_im]}]}]
    """)

TOKENS = ["", " ", "\n", "-", ":", "[", "]", "{", "}", ",", "&a", "*a", "!!int", "~", "null", "'", '"', "#",
          "---", "...", "\t", "yes", "1e400", "-1", "0x1F", "24:00", "2025-02-30", "é", "\x00", "\ufeff", "%YAML 1.1",
          "<<", "? ", "|", ">", "injection_sc", "acts", "time", "patients", "id: P1", "12:60", ".nan", "9" * 50]


@st.composite
def mutated(draw) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "swap_lines", "duplicate_line"]))
        at = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=5)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at + draw(st.integers(1, 8)):]
        else:
            lines = text.split("\n")
            i, j = (draw(st.integers(0, len(lines) - 1)) for _ in range(2))
            if kind == "swap_lines":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            text = "\n".join(lines)
    return text


FUZZ = settings(max_examples=400, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _load(text: str):
    """The loader's contract: tours, or an InputError with the file name; nothing else."""
    try:
        name, decoded = "fuzz.yaml", yamlnodes.decode(text.encode("utf-8", "surrogatepass"), "fuzz.yaml")
        return tourfile.parse_tours(decoded, name, STORE.act_ids, STORE.letters)
    except InputError as exc:
        assert exc.file == "fuzz.yaml" and exc.message
        assert exc.line is None or 1 <= exc.line <= text.count("\n") + 2
        return None


def test_the_unmutated_tour_is_valid():
    tours = _load(VALID)
    assert tours and [len(t.patients) for t in tours] == [2, 1]


@FUZZ
@given(st.text(max_size=300))
def test_fuzz_random_text(text):
    _load(text)


@FUZZ
@given(st.binary(max_size=300) | st.builds(lambda a, b: VALID.encode()[:a] + b, st.integers(0, len(VALID)),
                                           st.binary(max_size=20)))
def test_fuzz_random_bytes(data):
    try:
        text = yamlnodes.decode(data, "fuzz.yaml")
    except InputError as exc:
        assert exc.file == "fuzz.yaml" and exc.message
        return
    _load(text)


@FUZZ
@given(mutated())
def test_fuzz_mutated_tour_loads_or_is_refused_and_prices(text):
    tours = _load(text)
    if tours:
        price_tours(tours, STORE)  # whatever the loader accepts, the rules price without an exception
