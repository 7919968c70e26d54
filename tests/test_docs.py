"""The documentation users have (docs/, README.md) and every user-facing text (messages, labels, data
comments) stay inside the repository: no research note, no spec of another folder, no machine path; every
`docs/…md#anchor` cited resolves; docs/diagnostics.md follows diagnostics.RULES; docs/format.md names every
key the loader accepts and its full-tour examples price."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, codes, lines_of, price_json, total
from ngapcli import tourfile
from ngapcli.diagnostics import RULES

DOCS = ROOT / "docs"
USER_FACING = ["ngapcli", "tariffs", "examples", "docs", "README.md"]
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".md", ".csv", ".txt", ".json"}
# files a user of a clone does not have, and paths of one machine
FORBIDDEN = re.compile(r"rules\.md|catalog\.md|anchors\.md|shared/|research/"
                       r"|(?<![\w.~$])/(?:work|home|tmp|Users|root|mnt|opt|srv)/")


def _files(*roots: str):
    for name in roots:
        path = ROOT / name
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES
                              and "__pycache__" not in p.parts)


def test_no_user_facing_file_points_outside_the_repository():
    found = []
    for path in _files(*USER_FACING):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = FORBIDDEN.search(line)
            if m:
                found.append(f"{path.relative_to(ROOT)}:{n}: « {m.group(0)} » in {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_the_forbidden_pattern_catches_what_it_must_and_spares_the_rest():
    for bad in ("voir rules.md §8", "(catalog.md §B, L)", "../shared/spec/tour-format.md",
                "/work/shared/research/catalog.md", "/home/claire/tournees"):
        assert FORBIDDEN.search(bad), bad
    for good in ("tariffs/rules.yaml", "docs/lectures.md#mie-et-mci", "~/.cache/ngap", "$NGAP_CACHE_DIR/x",
                 "AMI 1,5/2", "ngapcli/rules/ranking.py"):
        assert not FORBIDDEN.search(good), good


# -- anchors --------------------------------------------------------------------------------------------

def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters of any script kept),
    spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Anchors of a Markdown file: headings (with GitHub's -1, -2 for repeats) and explicit <a id/name>."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
        found.update(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", line))
    return found


def test_slug_follows_github():
    assert slug("NGAP101") == "ngap101"
    assert slug("L'infirmière : `nurse`") == "linfirmière--nurse"
    assert slug("IFI 0,01 dans un même foyer") == "ifi-001-dans-un-même-foyer"
    assert slug("Plusieurs actes AMX à 50 %") == "plusieurs-actes-amx-à-50-"


CITED = re.compile(r"docs/([\w-]+\.md)#([\w-]+)")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _citations():
    """(where, file, anchor) of every docs/….md#anchor in the code, data and README, and of every relative
    Markdown link in docs/."""
    out = []
    for path in _files("ngapcli", "tariffs", "examples", "README.md", "docs"):
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for m in CITED.finditer(text):
            out.append((where, DOCS / m.group(1), m.group(2)))
        if path.suffix == ".md":
            for m in LINK.finditer(text):
                target = m.group(1)
                if re.match(r"^[a-z]+:", target):
                    continue
                file, _, anchor = target.partition("#")
                out.append((where, (path.parent / file).resolve() if file else path, anchor or None))
    return out


def test_every_cited_docs_anchor_exists():
    missing = []
    cache: dict = {}
    citations = _citations()
    assert len(citations) > 100        # the docs cross-link a lot; a broken regex would find nothing
    for where, file, anchor in citations:
        if not file.exists():
            missing.append(f"{where}: {file.relative_to(ROOT) if file.is_relative_to(ROOT) else file} missing")
            continue
        if anchor is None or file.suffix != ".md":
            continue
        if anchor not in cache.setdefault(file, anchors(file)):
            missing.append(f"{where}: #{anchor} not in {file.relative_to(ROOT)}")
    assert not missing, "\n".join(sorted(set(missing)))


def test_explicit_anchors_are_the_ascii_form_of_their_heading():
    """lectures.md and sources.md give each section an ASCII id (messages cite it in a terminal): it must
    be the accent-free form of the heading that follows, so that both spellings lead to it."""
    for name in ("lectures.md", "sources.md"):
        lines = (DOCS / name).read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            m = re.match(r'<a id="([^"]+)"></a>', line)
            if not m:
                continue
            heading = next(l for l in lines[n + 1:] if l.strip())
            assert heading.startswith("## "), (name, line)
            ascii_slug = unicodedata.normalize("NFKD", slug(heading[3:])).encode("ascii", "ignore").decode()
            assert m.group(1) == ascii_slug.rstrip("-"), (name, m.group(1), ascii_slug)


# -- diagnostics.md --------------------------------------------------------------------------------------

def _documented_codes() -> dict[str, tuple[str, str]]:
    """code -> (severity in the summary table, severity in the code's own section)."""
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| \[(NGAP\d{3})\]\(#ngap\d{3}\) \| `(\w+)` \|", text, re.M))
    sections = dict(re.findall(r"^#{2,4} (NGAP\d{3})\n\n\*\*[^*]+\*\* — gravité `(\w+)`", text, re.M))
    return {c: (table.get(c), sections.get(c)) for c in set(table) | set(sections)}


def test_diagnostics_doc_lists_every_code_with_its_severity():
    documented = _documented_codes()
    wrong = [f"{c}: code {r.severity}, docs {documented.get(c)}" for c, r in sorted(RULES.items())
             if documented.get(c) != (r.severity, r.severity)]
    assert not wrong, "\n".join(wrong)
    assert set(documented) == set(RULES), set(documented) ^ set(RULES)


def test_each_diagnostic_section_says_what_to_do_and_its_reference():
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    parts = re.split(r"^### (NGAP\d{3})$", text, flags=re.M)
    sections = dict(zip(parts[1::2], parts[2::2]))
    for code in RULES:
        body = sections[code]
        assert "Référence :" in body and "Que faire" in body, code


# -- format.md -------------------------------------------------------------------------------------------

def _loader_keys() -> set[str]:
    """Every key the loader accepts, from its own key sets (DOC_KEYS, PATIENT_KEYS…)."""
    keys: set[str] = set()
    for name in dir(tourfile):
        value = getattr(tourfile, name)
        if name.endswith("_KEYS") and isinstance(value, (set, frozenset)):
            keys |= value
    return keys


def _code_words(*names: str) -> set[str]:
    words: set[str] = set()
    for name in names:
        path = DOCS / name
        if path.exists():
            for span in re.findall(r"`([^`\n]+)`", path.read_text(encoding="utf-8")):
                words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span))
    return words


def test_format_doc_names_every_key_and_value_the_loader_accepts():
    keys = _loader_keys()
    assert {"date", "nurse", "household", "palliative", "quantity", "dependence", "called_at"} <= keys
    # the keys of `prescriptions:` and `plan:` have their own page, linked from format.md
    named = _code_words("format.md", "prescriptions.md")
    values = set(tourfile.ZONES) | set(tourfile.TERRAINS) | set(tourfile.COVERAGES) | set(tourfile.PLACES) \
        | set(tourfile.BSI_LEVELS)
    format_words = _code_words("format.md")
    assert not keys - named, sorted(keys - named)
    assert not values - format_words, sorted(values - format_words)


def _format_tours() -> list[str]:
    text = (DOCS / "format.md").read_text(encoding="utf-8")
    return [b for b in re.findall(r"^```yaml\n(.*?)^```", text, re.M | re.S)
            if re.search(r"^date:", b, re.M) and re.search(r"^patients:", b, re.M)]


def test_format_doc_has_full_tour_examples():
    assert len(_format_tours()) >= 10


@pytest.mark.parametrize("n", range(len(_format_tours())))
def test_format_doc_examples_price_without_error(n, tour):
    data = price_json(tour(_format_tours()[n]))
    assert total(data) > 0
    assert not [w for w in data["warnings"] if w["severity"] == "error"], data["warnings"]


def _example(marker: str) -> str:
    found = [b for b in _format_tours() if marker in b]
    assert len(found) == 1, marker
    return found[0]


def test_format_doc_amounts_are_what_the_text_says(tour):
    # « AMI 1 (3,15 €) + MAU (1,35 €) + IFD (2,75 €) = 7,25 € »
    assert total(price_json(tour(_format_tours()[0]))) == Decimal("7.25")
    # « IK : 2 × 12 − 4 = 20 km × 0,35 € = 7,00 € »
    ik = lines_of(price_json(tour(_example("id: K1"))), code="IK")
    assert [(Decimal(str(l["quantity"])), l["amount"]) for l in ik] == [(Decimal(20), "7.00")]
    # household: one IFD, IK on the nearest cabinet's 6 km: 2 × 6 − 4 = 8 km; the MIE of Léo
    data = price_json(tour(_example("id: A1")))
    assert [l["amount"] for l in lines_of(data, code="IK")] == ["2.80"]
    assert len(lines_of(data, code="IFD")) == 2 and lines_of(data, patient="A2", code="IFD") == []
    assert [l["patient"] for l in lines_of(data, code="MIE")] == ["E1"]
    assert {"NGAP111", "NGAP113"} <= set(codes(data))
    # night: urgent call at 22:50 for 23:20 → N 18,30 ; prescribed night at 06:00 → N 9,15
    data = price_json(tour(_example("id: N1")))
    assert [(l["patient"], l["amount"]) for l in lines_of(data, code="N")] == [("N1", "18.30"), ("N2", "9.15")]
    # Sunday with a « rigoureusement quotidienne » prescription → F
    assert [l["amount"] for l in lines_of(price_json(tour(_example("id: D1"))), code="F")] == ["8.50"]
    # BSI: one BSB, an IFI at each of the three dependence passages, the 15:00 passage in AMI with IFD
    data = price_json(tour(_example("id: B1")))
    assert len(lines_of(data, code="BSB")) == 1 and len(lines_of(data, code="IFI")) == 3
    assert [l["time"] for l in lines_of(data, code="IFD")] == ["15:00"]
    assert [(l["coefficient"], l["rate"]) for l in lines_of(data, code="AMX")] == [("0.5", 50), ("0.5", 50), ("4", 100)]


# -- messages say what to write ----------------------------------------------------------------------------

def test_unjustified_night_and_sunday_say_what_to_write(tour):
    data = price_json(tour("""\
        date: 2025-03-09
        nurse: {name: Claire Martin}
        patients:
          - id: P1
            visits:
              - {time: "07:30", acts: [injection_sc]}
    """))
    messages = {w["code"]: w["message"] for w in data["warnings"]}
    assert not lines_of(data, code="N") and not lines_of(data, code="F")
    assert "« urgent: true » et « called_at: \"HH:MM\" »" in messages["NGAP121"]
    assert "« prescription: {night: true} »" in messages["NGAP121"]
    assert "« prescription: {daily: true} »" in messages["NGAP122"]


def test_explain_of_a_code_points_to_its_section_of_the_docs():
    from conftest import run_cli
    r = run_cli("explain", "NGAP121")
    assert r.exit_code == 0
    assert "docs/diagnostics.md#ngap121" in " ".join(r.stdout.split())
    assert "ngap121" in anchors(DOCS / "diagnostics.md")


def test_every_docs_page_named_exists():
    """A reference « docs/audit.md » without an anchor must lead somewhere too."""
    missing = set()
    for path in _files("ngapcli", "tariffs", "examples", "README.md", "docs"):
        for name in re.findall(r"docs/([\w-]+\.md)", path.read_text(encoding="utf-8")):
            if not (DOCS / name).exists():
                missing.add(f"{path.relative_to(ROOT)}: docs/{name}")
    assert not missing, sorted(missing)
