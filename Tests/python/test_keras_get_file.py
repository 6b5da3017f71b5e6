"""keras.utils.get_file over file:// URLs (this machine has no other network): Keras's file
and extraction-directory names, the cache (a second call downloads nothing; a wrong hash in
the cache downloads again), sha256 and md5 checks, tar.gz and zip extraction, and refusals:
a corrupted download, an archive member that escapes the directory, no origin."""
import hashlib
import io
import os
import tarfile
import zipfile

import pytest

from swiftdl import keras


def _tar_gz(path, files):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.fixture
def served(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "notes.txt").write_bytes(b"hello swiftdl\n")
    _tar_gz(source / "data.tar.gz", {"data/a.txt": b"A", "data/b/c.txt": b"C"})
    with zipfile.ZipFile(source / "pack.zip", "w") as archive:
        archive.writestr("pack/x.txt", "X")
    return source, tmp_path / "cache"


def test_downloads_into_the_cache_once(served, capsys):
    source, cache = served
    url = (source / "notes.txt").as_uri()
    sha256 = hashlib.sha256(b"hello swiftdl\n").hexdigest()
    path = keras.utils.get_file(origin=url, cache_dir=str(cache), file_hash=sha256)
    assert path == str(cache / "datasets" / "notes.txt") and open(path, "rb").read() == b"hello swiftdl\n"
    assert "Downloading data from" in capsys.readouterr().out
    assert keras.utils.get_file("notes.txt", url, cache_dir=str(cache), file_hash=sha256) == path
    assert "Downloading" not in capsys.readouterr().out
    # A stale copy (its hash differs) is downloaded again.
    with open(path, "wb") as file:
        file.write(b"stale")
    md5 = hashlib.md5(b"hello swiftdl\n").hexdigest()
    keras.utils.get_file("notes.txt", url, cache_dir=str(cache), md5_hash=md5, cache_subdir="datasets")
    assert open(path, "rb").read() == b"hello swiftdl\n" and "re-download" in capsys.readouterr().out


def test_extracts_tar_and_zip_archives_under_keras_names(served):
    source, cache = served
    extracted = keras.utils.get_file("data.tar.gz", (source / "data.tar.gz").as_uri(), extract=True,
                                     cache_dir=str(cache))
    assert extracted == str(cache / "datasets" / "data_extracted")
    assert open(os.path.join(extracted, "data", "b", "c.txt")).read() == "C"
    unnamed = keras.utils.get_file(origin=(source / "pack.zip").as_uri(), extract=True, cache_dir=str(cache),
                                   cache_subdir="zips")
    assert unnamed == str(cache / "zips" / "pack.zip")
    assert open(os.path.join(unnamed, "pack", "x.txt")).read() == "X"
    assert os.path.exists(str(cache / "zips" / "pack.zip_archive"))


def test_refusals(served, tmp_path):
    source, cache = served
    with pytest.raises(ValueError, match="Incomplete or corrupted"):
        keras.utils.get_file("notes.txt", (source / "notes.txt").as_uri(), cache_dir=str(cache), file_hash="0" * 64)
    with pytest.raises(ValueError, match="origin"):
        keras.utils.get_file("x.txt")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        keras.utils.get_file("a/b.txt", (source / "notes.txt").as_uri(), cache_dir=str(cache))
    with pytest.raises(Exception, match="URL fetch failure"):
        keras.utils.get_file("missing.txt", (source / "missing.txt").as_uri(), cache_dir=str(cache))
    assert not os.path.exists(cache / "datasets" / "missing.txt")
    evil = tmp_path / "evil.tar.gz"
    _tar_gz(evil, {"../escaped.txt": b"no"})
    with pytest.raises(tarfile.TarError):
        keras.utils.get_file("evil.tar.gz", evil.as_uri(), extract=True, cache_dir=str(cache))
    assert not (cache / "datasets" / "escaped.txt").exists()


def test_keras_home_is_the_default_cache(served, monkeypatch, tmp_path):
    source, _ = served
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    path = keras.utils.get_file(origin=(source / "notes.txt").as_uri())
    assert path == str(tmp_path / "home" / "datasets" / "notes.txt")
