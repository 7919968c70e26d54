"""The tariff cache never unpickles a file another user could have written (issue 13 §5): a pickle planted
in a world-writable $NGAP_CACHE_DIR, that would run a command, is not loaded and pricing stays right."""
from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest

from ngapcli import cache

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(ROOT, "examples", "morning_round.yaml")


class Bomb:
    """Unpickled, it runs a shell command that creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch '{self.marker}'",))


def ngap(*args, cache_dir):
    env = {**os.environ, cache.ENV: str(cache_dir)}
    return subprocess.run([sys.executable, "-m", "ngapcli", *args], capture_output=True, text=True, cwd=ROOT, env=env)


def total(run) -> str:
    import json

    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["totals"]["amount"]


@pytest.fixture
def planted(tmp_path):
    """The name of the tariff cache entry (made by a first run in a private folder), and a bomb of that name."""
    private = tmp_path / "private"
    expected = total(ngap("price", EXAMPLE, "--format", "json", cache_dir=private))
    [entry] = private.glob("*.pickle")
    marker = tmp_path / "marker"
    return entry.name, pickle.dumps(Bomb(marker)), marker, expected


def test_the_bomb_is_armed(tmp_path, planted, monkeypatch):
    """Control: in a folder that passes the checks the planted file is unpickled and runs its command —
    so the tests below would fail without the owner and mode checks."""
    name, bomb, marker, _ = planted
    folder = tmp_path / "own"
    folder.mkdir(mode=0o700)
    (folder / name).write_bytes(bomb)
    os.chmod(folder / name, 0o600)
    monkeypatch.setenv(cache.ENV, str(folder))
    cache.get(name.removesuffix(".pickle"))
    assert marker.exists()


def test_a_pickle_planted_in_a_world_writable_folder_is_not_loaded(tmp_path, planted):
    name, bomb, marker, expected = planted
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    (shared / name).write_bytes(bomb)
    os.chmod(shared / name, 0o600)
    run = ngap("price", EXAMPLE, "--format", "json", cache_dir=shared)
    assert not marker.exists()
    assert total(run) == expected == "64.46"   # tests/test_examples.py
    assert [p.name for p in shared.iterdir()] == [name]    # nothing written to a shared folder either


def test_a_pickle_writable_by_others_is_not_loaded(tmp_path, planted):
    name, bomb, marker, expected = planted
    folder = tmp_path / "own"
    folder.mkdir(mode=0o700)
    for mode in (0o666, 0o620):        # world-writable, group-writable
        (folder / name).write_bytes(bomb)
        os.chmod(folder / name, mode)
        assert total(ngap("price", EXAMPLE, "--format", "json", cache_dir=folder)) == expected
        assert not marker.exists(), oct(mode)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_pickle_owned_by_another_user_is_not_loaded(tmp_path, planted):
    name, bomb, marker, expected = planted
    folder = tmp_path / "own"
    folder.mkdir(mode=0o700)
    (folder / name).write_bytes(bomb)
    os.chmod(folder / name, 0o600)
    os.chown(folder / name, 65534, 65534)
    assert total(ngap("price", EXAMPLE, "--format", "json", cache_dir=folder)) == expected
    assert not marker.exists()
    os.chown(folder, 65534, 65534)                 # and a folder of another user
    (folder / name).unlink()
    assert total(ngap("price", EXAMPLE, "--format", "json", cache_dir=folder)) == expected
    assert not list(folder.glob("*.pickle"))


def test_the_private_cache_is_still_used(tmp_path):
    folder = tmp_path / "cache"
    expected = total(ngap("price", EXAMPLE, "--format", "json", cache_dir=folder))
    [entry] = folder.glob("*.pickle")
    assert oct(folder.stat().st_mode & 0o777) == "0o700" and oct(entry.stat().st_mode & 0o777) == "0o600"
    assert cache.trusted(folder.stat()) and cache.trusted(entry.stat())
    assert total(ngap("price", EXAMPLE, "--format", "json", cache_dir=folder)) == expected


def test_get_and_put_refuse_shared_places_in_process(tmp_path, monkeypatch):
    folder = tmp_path / "c"
    monkeypatch.setenv(cache.ENV, str(folder))
    cache.put("x", {"a": 1})
    assert cache.get("x") == {"a": 1}
    os.chmod(folder / "x.pickle", 0o646)             # writable by others: not read
    assert cache.get("x") is None
    os.chmod(folder / "x.pickle", 0o600)
    os.chmod(folder, 0o770)                          # a folder the group can write: neither read nor written
    assert cache.get("x") is None
    cache.put("y", {"b": 2})
    assert sorted(p.name for p in folder.iterdir()) == ["x.pickle"]
