"""keras.utils.get_file: a file from a URL into Keras's cache (`~/.keras/datasets`, or
$KERAS_HOME), checked against a hash, extracted from a tar or zip archive when asked, as
Keras's own datasets and keras.io's examples fetch their data. Downloads go through the
standard library's urllib (http, https, file URLs)."""
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

from .io_utils import print_msg
from .progbar import Progbar


def keras_home():
    """Keras's cache directory: $KERAS_HOME, else ~/.keras."""
    return os.path.expanduser(os.environ.get("KERAS_HOME", os.path.join("~", ".keras")))


def _hasher(algorithm, file_hash=None):
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("auto", "md5"):
        return hashlib.md5()
    raise ValueError(f"hash_algorithm must be 'auto', 'sha256' or 'md5'; received {algorithm!r}")


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The file's sha256 (or md5) hex digest."""
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file's hash (sha256 for a 64-digit hash under "auto", else md5) is `file_hash`."""
    return str(hash_file(fpath, _hasher(algorithm, file_hash), chunk_size)) == str(file_hash)


def _extract_members(archive, path):
    """Extracts without letting a member escape `path` (absolute names, `..`, links out)."""
    if isinstance(archive, zipfile.ZipFile):
        root = os.path.realpath(path)
        for member in archive.namelist():
            target = os.path.realpath(os.path.join(path, member))
            if os.path.commonpath([root, target]) != root:
                raise RuntimeError(f"the archive member {member!r} would be written outside {path}")
        archive.extractall(path)
    else:
        archive.extractall(path, filter="data")  # refuses what would leave `path` or is not plain data


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extracts a .tar (.gz, .bz2, .xz) or .zip archive into `path`; False when the file is
    none of the formats asked for."""
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    for kind in formats:
        if kind == "tar":
            opener, matches = tarfile.open, tarfile.is_tarfile
        elif kind == "zip":
            opener, matches = zipfile.ZipFile, zipfile.is_zipfile
        else:
            raise NotImplementedError(kind)
        if matches(file_path):
            with opener(file_path) as archive:
                try:
                    _extract_members(archive, path)
                except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
                    if os.path.isfile(path):
                        os.remove(path)
                    elif os.path.exists(path):
                        shutil.rmtree(path)
                    raise
            return True
    return False


def _targets(fname, origin, datadir, extract):
    """(download target, extraction directory) as Keras names them."""
    provided = fname
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'.Please specify the `fname` "
                         f"argument.")
    if provided and os.sep in fname:
        raise ValueError(f"Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        return os.path.join(datadir, fname), os.path.join(datadir, f"{fname[:fname.find('.')]}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """The local path of `origin`'s file, downloaded into the cache unless a copy with the
    right hash is there already; with `extract` (or `untar`), the directory it was extracted to."""
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    base = os.path.expanduser(cache_dir) if cache_dir is not None else keras_home()
    os.makedirs(base, exist_ok=True)
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    datadir = os.path.join(base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    target, extraction_dir = _targets(fname, origin, datadir, extract or untar)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
        print_msg(f"A local file was found, but it seems to be incomplete or outdated because the {hash_algorithm} "
                  f"file hash does not match the original value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        print_msg(f"Downloading data from {origin}")
        _download(origin, target)
        if file_hash is not None and not validate_file(target, file_hash, hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file hash does not match "
                             f"the provided value of {file_hash}.")
    if extract or untar:
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            import warnings
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target


def _download(origin, target):
    progress = {"bar": None}

    def report(blocks, block_size, total):
        if progress["bar"] is None:
            progress["bar"] = Progbar(None if total == -1 else total)
        done = blocks * block_size
        progress["bar"].update(done if total == -1 else min(done, total))

    try:
        urllib.request.urlretrieve(origin, target, report)
    except urllib.error.HTTPError as error:
        _remove(target)
        raise Exception(f"URL fetch failure on {origin}: {error.code} -- {error.msg}") from None
    except urllib.error.URLError as error:
        _remove(target)
        raise Exception(f"URL fetch failure on {origin}: {error.errno} -- {error.reason}") from None
    except BaseException:
        _remove(target)
        raise


def _remove(path):
    if os.path.exists(path):
        os.remove(path)
