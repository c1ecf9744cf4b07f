"""What commit-warden keeps between runs, in `.git/commit-warden/`: the one atomic
writer and the one cache format. A cache that is missing, corrupt or of another
key is rebuilt, never trusted; one that cannot be written costs speed, not a verdict."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` in one step: readers see the old file or the new one, never
    half of one; a writer that fails leaves no temporary file behind."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f'.{path.name}.', suffix='.tmp', dir=path.parent)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_output(path: Path, text: str) -> None:
    """Write a report where the user named it; raises FatalError saying why not.

    A regular file (or a new one) is replaced in one step (`write_atomic`). A FIFO,
    a character device or a socket (`/dev/stdout`, a pipe from `<(...)`) is written
    in place, even through a symlink, since replacing it would break what reads it;
    a FIFO nobody reads is an error, not a hang. A symlink to anything else, a
    directory or a block device is refused: a checkout may plant a symlink where CI
    writes its report, and writing through it would reach outside the workspace.
    """
    import stat

    from hooks.errors import FatalError

    try:
        link = path.lstat()
    except FileNotFoundError:
        write_atomic(path, text)
        return
    try:
        target = path.stat()
    except FileNotFoundError:
        target = None
    in_place = target is not None and (
        stat.S_ISFIFO(target.st_mode)
        or stat.S_ISCHR(target.st_mode)
        or stat.S_ISSOCK(target.st_mode)
    )
    if in_place:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as e:
            import errno

            if e.errno == errno.ENXIO:  # a FIFO (or socket) nobody has open for reading
                raise FatalError(
                    'nothing is reading it; start the reader first, or name a regular file'
                ) from e
            raise
        os.set_blocking(fd, True)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
        return
    if stat.S_ISLNK(link.st_mode):
        raise FatalError(
            'it is a symbolic link, and writing through it could reach outside '
            'the workspace: name the file itself, or remove the link'
        )
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise FatalError('it is a directory; name a file')
    if target is not None and not stat.S_ISREG(target.st_mode):
        raise FatalError('it is not a regular file; name a file')
    write_atomic(path, text)


class JsonCache:
    """A JSON object in the state directory, under a format version and a key (what
    the entries were computed with). Anything else found there reads as empty."""

    def __init__(self, path: Path, *, version: int, key: str = '') -> None:
        self.path = path
        self.version = version
        self.key = key
        self.data: dict[str, Any] = {}
        self.dirty = False
        try:
            import json

            found = json.loads(path.read_text(encoding='utf-8'))
        except (OSError, ValueError):
            return  # missing or corrupt: start afresh
        if (
            isinstance(found, dict)
            and found.get('version') == version
            and found.get('key') == key
            and isinstance(found.get('data'), dict)
        ):
            self.data = found['data']

    def put(self, name: str, value: Any) -> None:
        self.data[name] = value
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        import json

        text = json.dumps(
            {'version': self.version, 'key': self.key, 'data': self.data}, separators=(',', ':')
        )
        # A read-only .git costs the next run its speed, not this run its verdict.
        with contextlib.suppress(OSError):
            write_atomic(self.path, text)
        self.dirty = False
