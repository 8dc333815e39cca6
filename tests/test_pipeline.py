"""pipeline.convert_tree: parallel = serial, the cache, invalidation, stale outputs."""

import json
import os

from migrator.config import Config
from migrator.pipeline import atomic_write, convert_tree


def _files(root):
    return {os.path.relpath(os.path.join(d, f), root): open(os.path.join(d, f), "rb").read()
            for d, _, fs in os.walk(root) for f in fs if f != "migration-report.json"}


def _project(tmp_path, n=12):
    src = tmp_path / "src"
    src.mkdir()
    (src / "types.sql").write_text("CREATE TABLE dbo.T (a VARCHAR(10), b INT)\nGO\n")
    for i in range(n):
        (src / f"q{i:02}.sql").write_text(f"SELECT a + 'x', b / {i + 1} FROM dbo.T WHERE b > {i}\n")
    return src


def test_jobs_1_and_2_give_identical_outputs(tmp_path):
    src = _project(tmp_path)
    r1 = convert_tree(str(src), str(tmp_path / "o1"), Config(), jobs=1)
    r2 = convert_tree(str(src), str(tmp_path / "o2"), Config(), jobs=2)
    assert _files(tmp_path / "o1") == _files(tmp_path / "o2")
    assert [f.to_dict() for f in r1.files] == [f.to_dict() for f in r2.files]


def test_cache_hits_and_identical_outputs(tmp_path):
    src, cache = _project(tmp_path), str(tmp_path / "cache")
    cold = convert_tree(str(src), str(tmp_path / "o1"), Config(), jobs=1, cache_dir=cache)
    warm = convert_tree(str(src), str(tmp_path / "o2"), Config(), jobs=1, cache_dir=cache)
    assert cold.cache_hits == 0 and warm.cache_hits == len(warm.files) == 13
    assert _files(tmp_path / "o1") == _files(tmp_path / "o2")
    assert [f.to_dict() for f in cold.files] == [f.to_dict() for f in warm.files]


def test_same_bytes_at_two_paths_keep_their_own_path(tmp_path):
    src, cache = _project(tmp_path, n=0), str(tmp_path / "cache")
    (src / "a.sql").write_text("SELECT 1\n")
    (src / "b.sql").write_text("SELECT 1\n")
    convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1, cache_dir=cache)
    warm = convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1, cache_dir=cache)
    assert [f.path for f in warm.files] == ["a.sql", "b.sql", "types.sql"]


def test_table_change_invalidates_other_files(tmp_path):
    src, cache = _project(tmp_path, n=1), str(tmp_path / "cache")
    first = convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1, cache_dir=cache)
    q_before = (tmp_path / "o" / "q00.sql").read_text()
    (src / "types.sql").write_text("CREATE TABLE dbo.T (a INT, b INT)\nGO\n")
    second = convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1, cache_dir=cache)
    assert first.cache_hits == 0 and second.cache_hits == 0  # the catalog changed: nothing reused
    assert (tmp_path / "o" / "q00.sql").read_text() != q_before  # string + became numeric +


def test_option_change_invalidates(tmp_path):
    src, cache = _project(tmp_path, n=1), str(tmp_path / "cache")
    convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1, cache_dir=cache)
    again = convert_tree(str(src), str(tmp_path / "o"), Config(guid="varchar36"), jobs=1, cache_dir=cache)
    assert again.cache_hits == 0


def test_no_cache_writes_nothing(tmp_path):
    src = _project(tmp_path, n=1)
    run = convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1, cache_dir=None)
    assert run.cache_hits == 0 and not (tmp_path / "cache").exists()


def test_corrupt_cache_entry_is_ignored(tmp_path):
    src, cache = _project(tmp_path, n=1), tmp_path / "cache"
    convert_tree(str(src), str(tmp_path / "o1"), Config(), jobs=1, cache_dir=str(cache))
    for d, _, fs in os.walk(cache):
        for f in fs:
            open(os.path.join(d, f), "w").write("{not json")
    run = convert_tree(str(src), str(tmp_path / "o2"), Config(), jobs=1, cache_dir=str(cache))
    assert run.cache_hits == 0 and _files(tmp_path / "o1") == _files(tmp_path / "o2")


def test_undecodable_file_removes_stale_output(tmp_path):
    src = _project(tmp_path, n=1)
    out = tmp_path / "o"
    convert_tree(str(src), str(out), Config(), jobs=1)
    assert (out / "q00.sql").exists()
    (src / "q00.sql").write_bytes(b"\x00\x01binary\x00")
    run = convert_tree(str(src), str(out), Config(), jobs=1)
    assert not (out / "q00.sql").exists()
    assert "cannot decode" in next(f for f in run.files if f.path == "q00.sql").error


def test_unchanged_output_is_not_rewritten(tmp_path):
    src = _project(tmp_path, n=1)
    out = tmp_path / "o"
    convert_tree(str(src), str(out), Config(), jobs=1)
    os.utime(out / "q00.sql", (1, 1))
    convert_tree(str(src), str(out), Config(), jobs=1)
    assert os.stat(out / "q00.sql").st_mtime == 1


def test_atomic_write_leaves_no_temp_file_on_error(tmp_path):
    try:
        atomic_write(str(tmp_path / "x.sql"), 42)  # not text: the write fails
    except TypeError:
        pass
    assert os.listdir(tmp_path) == []


def test_report_round_trip(tmp_path):
    from migrator.report import write_reports

    src = _project(tmp_path, n=2)
    run = convert_tree(str(src), str(tmp_path / "o"), Config(), jobs=1)
    report = write_reports(run, str(tmp_path / "o"))
    on_disk = json.loads((tmp_path / "o" / "migration-report.json").read_text())
    assert on_disk["files"] == report["files"] and on_disk["summary"]["units"] == report["summary"]["units"]
