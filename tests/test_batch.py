"""ngapcli.batch: pricing by chunks of days (in worker processes or not) gives exactly what one call of
``rules.price`` over every file gives, with the rules that cross files and the limits that span days."""
from __future__ import annotations

import json
import textwrap
from datetime import date, timedelta

import pytest

from ngapcli import batch
from ngapcli.rules import price
from ngapcli.tariffs import TariffStore
from ngapcli.tourfile import load_tours


@pytest.fixture(scope="module")
def store():
    return TariffStore.load()


def _key(d: dict) -> str:
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def _whole(paths, store):
    tours = [t for p in paths for t in load_tours(str(p), store.act_ids, store.letters)]
    return price(tours, store)


def assert_same(paths, store, workers):
    expected = _whole(paths, store)
    got, _tours, errors = batch.price_all([str(p) for p in paths], store, workers=workers)
    assert errors == []
    assert sorted(_key(l.as_dict()) for l in got.lines) == sorted(_key(l.as_dict()) for l in expected.lines)
    assert sorted(_key(d.as_dict()) for d in got.diagnostics) == \
        sorted(_key(d.as_dict()) for d in expected.diagnostics)
    return expected


PATIENTS = """\
  - id: S1
    age: 81
    distance_km: 9
    outside_agglomeration: true
    visits:
      - time: "{t1}"
        acts: [injection_sc]
  - id: S2
    age: 93
    bsi: BSB
    visits:
      - time: "{t2}"
      - time: "19:00"
  - id: S3
    age: 70
    visits:
      - time: "{t3}"
        acts: [{acts3}]
"""


def _cabinet(folder, days: int = 40):
    """Two nurses sharing their patients (S1, S2, S3) for `days` days, one file per nurse and day, plus:
    a file spanning two days, BSI bilans and wound assessments above their 12-month limits, and two
    nurses seeing the same BSI patient on the same day (one forfait a day)."""
    start = date(2025, 1, 6)
    paths = []
    for n in range(days):
        day = start + timedelta(days=n)
        for k, nurse in enumerate(("Claire Martin", "Sophie Roux")):
            acts3 = "pansement_autre"
            if n in (3, 17, 30) and k == 0:
                acts3 = "pansement_autre, bsi_intermediaire"      # 2 a year: the third is refused
            if n in (5, 26) and k == 1:
                acts3 = "bilan_plaie_initial"                     # once a year: the second is refused
            text = f"date: {day.isoformat()}\nnurse: {{name: {nurse}, terrain: plaine}}\npatients:\n" + \
                PATIENTS.format(t1=f"0{7 + k}:30", t2=f"{10 + k}:00", t3=f"1{5 + k}:00", acts3=acts3)
            path = folder / nurse.split()[0].lower() / f"{day.isoformat()}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    multi = folder / "remplacement.yaml"
    multi.write_text(textwrap.dedent(f"""\
        # une remplaçante sur deux jours ; la date de chaque visite
        date: {(start + timedelta(days=10)).isoformat()}
        nurse: {{name: Julie Blanc}}
        patients:
          - id: S1
            age: 81
            visits:
              - {{time: "12:00", acts: [injection_im]}}
              - {{time: "12:00", date: {(start + timedelta(days=11)).isoformat()}, acts: [injection_im]}}
        """), encoding="utf-8")
    paths.append(multi)
    return paths


def test_scan_days_reads_plain_date_keys():
    text = textwrap.dedent("""\
        date: 2025-03-10
        patients:
          - id: P1
            birth_date: 1940-01-02
            visits:
              - time: 08:30
                date: "2025-03-11"
              - {time: "09:00", date: 2025-03-12, acts: [injection_sc]}
        ---
        'date': 2025-04-01   # second document
        """)
    assert batch.scan_days(text) == {date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12), date(2025, 4, 1)}


@pytest.mark.parametrize("text", [
    "date: &d 2025-03-10\npatients: []\n",
    "date: !!str 2025-03-10\n",
    "date:\n  2025-03-10\n",
    "# la date de la tournée\ndate: 2025-03-10\n",
    '{"date":"2025-03-10"}\n',
    "visits:\n  - {time: 08:00, date: *d}\n",
])
def test_scan_days_gives_up_when_the_text_is_not_plain(text):
    assert batch.scan_days(text) is None


@pytest.mark.parametrize("workers, behind", [(1, None), (2, None), (3, 0)])
def test_chunks_price_exactly_like_one_call(tmp_path, store, workers, behind, monkeypatch):
    monkeypatch.setattr(batch, "BEHIND", behind)     # 0: the workers price every chunk they parse
    paths = _cabinet(tmp_path)
    expected = assert_same(paths, store, workers)
    codes = {d.code for d in expected.diagnostics}
    assert "NGAP137" in codes          # third BSI intermédiaire in 12 months, across files
    refused = [l for l in expected.lines if l.act == "bilan_plaie_initial" and l.amount == 0]
    assert len(refused) == 1           # second wound assessment of the year, in another nurse's file


def test_files_of_different_days_are_separate_chunks(tmp_path, store):
    paths = _cabinet(tmp_path, days=6)[:-1]
    events = list(batch.iter_priced([str(p) for p in paths], store, workers=1))
    planned = [e for e in events if isinstance(e, batch.Planned)]
    chunks = [e for e in events if isinstance(e, batch.Chunk)]
    assert planned[0].chunks == len(chunks)
    # the limited acts of S3 reach their limit? not in 6 days: one chunk per day, two files each
    assert [len(c.indexes) for c in chunks] == [2] * 6
    assert [c.days[0] for c in chunks] == sorted(c.days[0] for c in chunks)


def test_limited_acts_that_reach_their_limit_join_their_chunks(tmp_path, store):
    paths = _cabinet(tmp_path, days=31)[:-1]
    chunks = [e for e in batch.iter_priced([str(p) for p in paths], store, workers=1) if isinstance(e, batch.Chunk)]
    joined = sorted(c.days for c in chunks if len(c.indexes) > 2)
    # S3's BSI bilans (days 3, 17, 30) and S3's wound assessments (days 5, 26): two joined chunks
    assert joined == [(date(2025, 1, 9), date(2025, 2, 5)), (date(2025, 1, 11), date(2025, 2, 1))]
    assert sum(len(c.indexes) for c in chunks) == len(paths)


def test_an_unreadable_file_is_reported_and_the_others_still_count(tmp_path, store):
    paths = _cabinet(tmp_path, days=3)
    bad = tmp_path / "claire" / "2025-01-07.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("acts: [injection_sc]", "acts: [injection_sx]"),
                   encoding="utf-8")
    missing = tmp_path / "absent.yaml"
    events = list(batch.iter_priced([str(p) for p in paths] + [str(missing)], store, workers=2))
    read_errors = [e for e in events if isinstance(e, batch.Read) and e.error]
    assert [e.name for e in read_errors] == [str(missing)]
    parse_errors = [err for e in events if isinstance(e, batch.Chunk) for _, err in e.errors]
    assert len(parse_errors) == 1 and "injection_sx" in str(parse_errors[0]) and parse_errors[0].line
    priced_files = {l.file for e in events if isinstance(e, batch.Chunk) for l in e.result.lines}
    assert str(bad) not in priced_files and len(priced_files) == len(paths) - 1


def test_special_sources_come_back_alone(tmp_path, store):
    from ngapcli.result import Line, Result

    def claim(text, name):
        if text.startswith("{"):
            r = Result()
            r.lines.append(Line(name, "", "2025-01-01", "X", 1, "08:00", "act", "AMI", 1, 100, 1, 3, 3, None, "", ""))
            return r
        return None

    paths = _cabinet(tmp_path, days=2)[:2]
    json_file = tmp_path / "priced.json"
    json_file.write_text("{}", encoding="utf-8")
    events = list(batch.iter_priced([str(json_file)] + [str(p) for p in paths], store, workers=1, special=claim))
    chunks = [e for e in events if isinstance(e, batch.Chunk)]
    assert chunks[0].tours is None and chunks[0].indexes == [0] and chunks[0].result.lines[0].patient == "X"
    assert len(chunks) == 2          # the JSON, then the two files of 2025-01-06


def test_sources_with_their_text(store, tmp_path):
    class Src:
        def __init__(self, path, text):
            self.path, self.text = path, text

    text = "date: 2025-03-10\npatients:\n  - id: P1\n    visits:\n      - {time: '08:00', acts: [injection_sc]}\n"
    got, tours, errors = batch.price_all([Src("<stdin>", text)], store, workers=1)
    assert errors == [] and tours[0].file == "<stdin>" and {l.code for l in got.lines} >= {"AMI", "IFD"}


def test_garde_periods_on_following_days_in_two_files_are_priced_together(tmp_path, store):
    """Chap. I art. 13 across midnight: the night garde of the 10th and the one at 02:00 on the 11th, in two
    files of one nurse, are one chunk, so the third consecutive period is refused as in one call."""
    (tmp_path / "a.yaml").write_text(textwrap.dedent("""\
        date: 2025-03-10
        nurse: {name: Claire Martin}
        patients:
          - id: G1
            visits:
              - {time: "14:00", acts: [garde_domicile_jour]}
              - {time: "20:00", acts: [garde_domicile_nuit]}
        """), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(textwrap.dedent("""\
        date: 2025-03-11
        nurse: {name: Claire Martin}
        patients:
          - id: G1
            visits:
              - {time: "02:00", acts: [garde_domicile_nuit]}
        """), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("date: 2025-03-20\npatients:\n  - {id: X, visits: [{time: '10:00', "
                                     "acts: [garde_domicile_jour]}]}\n", encoding="utf-8")
    paths = sorted(tmp_path.glob("*.yaml"))
    expected = assert_same(paths, store, workers=1)
    assert "NGAP151" in {d.code for d in expected.diagnostics}
    chunks = [e for e in batch.iter_priced([str(p) for p in paths], store, workers=1) if isinstance(e, batch.Chunk)]
    assert sorted(len(c.indexes) for c in chunks) == [1, 2]
