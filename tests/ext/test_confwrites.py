"""The docs folder put back as the check found it (:mod:`hpccourse.builders.confwrites`)."""

from __future__ import annotations

from pathlib import Path

from hpccourse.builders import confwrites


def test_nothing_is_written_through_a_link_the_courses_code_put_in_the_folder(
    tmp_path: Path,
) -> None:
    """The course's code replaced a folder of the docs by a link to a folder elsewhere:
    putting its file back would write there. It is left, and said not put back."""
    docs, outside, out = tmp_path / "docs", tmp_path / "outside", tmp_path / "out"
    (docs / "part").mkdir(parents=True)
    (docs / "part" / "page.rst").write_text("Page\n")
    (docs / "index.rst").write_text("Index\n")
    outside.mkdir()
    out.mkdir()
    kept = confwrites.keep(docs, out)
    # what a conf.py might do
    (docs / "part" / "page.rst").unlink()
    (docs / "part").rmdir()
    (docs / "part").symlink_to(outside, target_is_directory=True)
    (docs / "index.rst").write_text("stub\n")
    touched, done = confwrites.put_back(kept, out)
    assert touched == ["index.rst", "part/page.rst"]
    assert not done
    assert list(outside.iterdir()) == []  # nothing written through the link
    assert (docs / "index.rst").read_text() == "Index\n"  # the rest put back
    assert not (out / confwrites.KEPT).exists()


def test_a_folder_too_large_to_keep_is_only_listed(tmp_path: Path, monkeypatch) -> None:
    docs, out = tmp_path / "docs", tmp_path / "out"
    docs.mkdir()
    out.mkdir()
    (docs / "index.rst").write_text("Index\n")
    monkeypatch.setattr(confwrites, "MOST_BYTES", 3)
    kept = confwrites.keep(docs, out)
    assert kept.copy is None
    (docs / "index.rst").write_text("stub\n")
    assert confwrites.put_back(kept, out) == (["index.rst"], False)
    [note] = confwrites.note(["index.rst"], False)
    assert note.endswith("they were not put back")
