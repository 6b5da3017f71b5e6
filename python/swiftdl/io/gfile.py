"""tf.io.gfile: TensorFlow's file functions over the local file system, with its names,
arguments and errors (NotFoundError for what does not exist)."""
import glob as _glob
import os
import shutil


def _path(path):
    return os.fspath(path.decode("utf-8") if isinstance(path, bytes) else path)


def _directory_of(path):
    return os.path.dirname(_path(path))


def _not_found(path, what="file or directory"):
    from ..errors import NotFoundError
    return NotFoundError(None, None, f"{path}; No such {what}")


class GFile:
    """A file object (TensorFlow's GFile): read, write, readline(s), iteration, seek, tell,
    size, flush, close, and `with`."""

    def __init__(self, name, mode="r"):
        self.name, self.mode = _path(name), mode
        if "r" in mode and not os.path.exists(self.name):
            raise _not_found(self.name, "file")
        self._handle = open(self.name, mode, encoding=None if "b" in mode else "utf-8")

    def read(self, n=-1):
        return self._handle.read(n)

    def readline(self):
        return self._handle.readline()

    def readlines(self):
        return self._handle.readlines()

    def write(self, data):
        self._handle.write(data)

    def seek(self, offset=None, whence=0, position=None):
        self._handle.seek(position if position is not None else offset, whence)

    def tell(self):
        return self._handle.tell()

    def size(self):
        return os.path.getsize(self.name)

    def flush(self):
        self._handle.flush()

    def close(self):
        self._handle.close()

    def __iter__(self):
        return iter(self._handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def exists(path):
    return os.path.exists(_path(path))


def isdir(path):
    return os.path.isdir(_path(path))


def listdir(path):
    """The entries of a directory (names only, unsorted as TensorFlow's)."""
    if not os.path.isdir(_path(path)):
        raise _not_found(_path(path), "directory")
    return os.listdir(_path(path))


def glob(pattern):
    return sorted(_glob.glob(_path(pattern)))


def makedirs(path):
    os.makedirs(_path(path), exist_ok=True)


def mkdir(path):
    try:
        os.mkdir(_path(path))
    except FileNotFoundError:
        raise _not_found(_directory_of(path), "directory") from None
    except FileExistsError:
        from ..errors import AlreadyExistsError
        raise AlreadyExistsError(None, None, f"{_path(path)}; File exists") from None


def remove(path):
    if not os.path.isfile(_path(path)):
        raise _not_found(_path(path), "file")
    os.remove(_path(path))


def rmtree(path):
    if not os.path.exists(_path(path)):
        raise _not_found(_path(path), "directory")
    shutil.rmtree(_path(path))


def copy(src, dst, overwrite=False):
    if not os.path.exists(_path(src)):
        raise _not_found(_path(src), "file")
    if os.path.exists(_path(dst)) and not overwrite:
        from ..errors import AlreadyExistsError
        raise AlreadyExistsError(None, None, f"file already exists: {_path(dst)}")
    shutil.copyfile(_path(src), _path(dst))


def rename(src, dst, overwrite=False):
    if not os.path.exists(_path(src)):
        raise _not_found(_path(src), "file")
    if os.path.exists(_path(dst)) and not overwrite:
        from ..errors import AlreadyExistsError
        raise AlreadyExistsError(None, None, f"file already exists: {_path(dst)}")
    os.replace(_path(src), _path(dst))


def stat(path):
    """An object with TensorFlow's FileStatistics fields: length, mtime_nsec, is_directory."""
    if not os.path.exists(_path(path)):
        raise _not_found(_path(path))
    result = os.stat(_path(path))

    class FileStatistics:
        length = result.st_size
        mtime_nsec = result.st_mtime_ns
        is_directory = os.path.isdir(_path(path))
    return FileStatistics()


def walk(top, topdown=True, onerror=None):
    """(directory, subdirectories, files) triples, as os.walk."""
    yield from os.walk(_path(top), topdown=topdown, onerror=onerror)


def join(path, *paths):
    return os.path.join(_path(path), *[_path(p) for p in paths])


__all__ = ["GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir", "remove", "rename",
           "rmtree", "stat", "walk"]
