"""Running git: the environment every git process gets, one call (`run_git`), output
as a bounded stream, one long-lived `git cat-file --batch`, and a directory's repository."""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import AnyStr

from hooks.errors import GitError

# Output read as a stream comes in pieces of STREAM_CHUNK bytes; a line longer than
# LINE_PIECE is cut into pieces that overlap by PIECE_OVERLAP characters, more than
# the longest token format (~1,000), so a token at a cut is whole in one piece.
STREAM_CHUNK = 1 << 20
LINE_PIECE = 1 << 22
PIECE_OVERLAP = 4096

# A repository can rewrite its own history for git: `git replace` (refs/replace/*)
# and the grafts file ($GIT_DIR/info/grafts) make git read other objects or other
# parents than the ones stored, and those are not what is pushed. Every git
# process commit-warden starts runs with both off. A graft file path under a
# non-directory is ignored silently by git (ENOTDIR), unlike /dev/null itself,
# which git would read and then warn that grafts are deprecated.
_NO_HISTORY_REWRITES = {
    'GIT_NO_REPLACE_OBJECTS': '1',
    'GIT_GRAFT_FILE': os.path.join(os.devnull, 'commit-warden-no-grafts'),
}

# Variables git exports to hooks; they point at *this* repository and must not
# leak into git calls made on another directory (tests, the demo).
_KEEP_GIT_ENV = frozenset(
    (
        'GIT_EXEC_PATH',
        'GIT_SSH',
        'GIT_SSH_COMMAND',
        'GIT_SSL_CAINFO',
        'GIT_SSL_NO_VERIFY',
        'GIT_CONFIG_NOSYSTEM',
        'GIT_CONFIG_GLOBAL',
        'GIT_CONFIG_SYSTEM',
        'GIT_AUTHOR_NAME',
        'GIT_AUTHOR_EMAIL',
        'GIT_AUTHOR_DATE',
        'GIT_COMMITTER_NAME',
        'GIT_COMMITTER_EMAIL',
        'GIT_COMMITTER_DATE',
        'GIT_TEMPLATE_DIR',
        'GIT_TERMINAL_PROMPT',
    )
)


def no_git_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `env` without the GIT_* variables that pin git to the current repo."""
    env = os.environ if env is None else env
    return {k: v for k, v in env.items() if not k.startswith('GIT_') or k in _KEEP_GIT_ENV}


def git_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a git process: `env` (default: ours) with replace refs
    and grafts turned off, so git reads the objects as they are stored."""
    return {**(os.environ if env is None else env), **_NO_HISTORY_REWRITES}


def run_git(
    *args: str,
    cwd: str | os.PathLike[str] | None = None,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    ok: Iterable[int] = (0,),
) -> subprocess.CompletedProcess[bytes]:
    cmd = ('git', *args)
    try:
        # Never the hook's own stdin (pre-push's ref lines): git must not read it.
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=git_env(env),
            check=False,
            stdin=subprocess.DEVNULL if stdin is None else None,
        )
    except FileNotFoundError as e:
        raise GitError(
            'git is not installed or not on PATH: install git and try again',
        ) from e
    if proc.returncode not in ok:
        err = proc.stderr.decode('utf-8', 'replace').strip()
        raise GitError(f'git {args[0]} failed ({proc.returncode}): {err}')
    return proc


def repo_dirs(path: str | os.PathLike[str] | None = None) -> tuple[Path, Path, Path]:
    """The work tree's top level, its git dir and the common git dir of the repository
    holding `path` (default: here); where there is none, a GitError saying what to do."""
    proc = run_git(
        'rev-parse',
        '--path-format=absolute',
        '--show-toplevel',
        '--git-dir',
        '--git-common-dir',
        cwd=path,
        ok=(0, 128),
    )
    if proc.returncode != 0:
        where = os.path.abspath(path or os.curdir)
        # A bare repository, or the inside of a .git dir, is a repository with no
        # work tree: saying "not a repository" there sends people the wrong way.
        probe = run_git(
            'rev-parse', '--is-bare-repository', '--is-inside-git-dir', cwd=path, ok=(0, 128)
        )
        bare, in_git_dir = [*probe.stdout.decode().split(), '', ''][:2]
        if probe.returncode == 0 and bare == 'true':
            raise GitError(
                f'{where} is a bare repository, with no work tree to check: run '
                'commit-warden in a clone that has one (`git clone '
                f'{where} <dir>`), where pre-commit runs it'
            )
        if probe.returncode == 0 and in_git_dir == 'true':
            raise GitError(
                f'{where} is inside a .git directory: run commit-warden from the work tree above it'
            )
        raise GitError(
            f'{where} is not inside a git repository: run the hook from a '
            'repository, or create one with `git init`',
        )
    out = proc.stdout.decode('utf-8', 'surrogateescape').split('\n')
    if len(out) < 3 or not out[0]:
        raise GitError('commit-warden needs a work tree; bare repositories are not supported')
    return Path(out[0]), Path(out[1]), Path(out[2])


EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
EMPTY_TREES = {
    'sha1': EMPTY_TREE,
    'sha256': '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
}


@functools.lru_cache(maxsize=16)
def empty_tree_id(root: Path) -> str:
    """The empty tree's id in the object format (SHA-1 or SHA-256) of the repository at
    `root`; asked once per repository and run (a Repo, a NamedTuple, cannot cache it)."""
    fmt = run_git('rev-parse', '--show-object-format', cwd=root).stdout.decode().strip()
    tree = EMPTY_TREES.get(fmt)
    if tree is None:
        raise GitError(
            f'this repository uses the {fmt!r} object format, which commit-warden does not know'
        )
    return tree


def stream_git(*args: str, cwd: str | os.PathLike[str]) -> Iterator[bytes]:
    """git's output, in pieces of at most STREAM_CHUNK bytes as git writes it.

    Memory stays bounded however much git writes. Closing the iterator early
    stops git; git failing is a GitError (after the output it wrote).
    """
    import tempfile

    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            ('git', *args), cwd=cwd, stdout=subprocess.PIPE, stderr=err, env=git_env()
        )
        assert proc.stdout is not None
        finished = False
        try:
            while piece := proc.stdout.read(STREAM_CHUNK):
                yield piece
            finished = True
        finally:
            if not finished:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            err.seek(0)
            text = err.read(4000).decode('utf-8', 'replace').strip()
            raise GitError(f'git {args[0]} failed ({code}): {text}')


def split_lines(
    chunks: Iterable[AnyStr],
    sep: AnyStr,
    limit: int,
    overlap: int,
) -> Iterator[tuple[AnyStr, bool]]:
    """The lines of a stream, without `sep`, each with whether it continues the one
    before: a line longer than `limit` comes as pieces of `limit`, each after the
    first starting with the last `overlap` characters of the one before."""
    rest = sep[:0]
    continued = False
    for chunk in chunks:
        parts = (rest + chunk).split(sep)
        rest = parts.pop()
        for part in parts:
            while len(part) > limit:
                yield part[:limit], continued
                part = part[limit - overlap :]
                continued = True
            yield part, continued
            continued = False
        while len(rest) > limit:
            yield rest[:limit], continued
            rest = rest[limit - overlap :]
            continued = True
    if rest or continued:
        yield rest, continued


class CatFile:
    """One long-lived `git cat-file --batch` serving many object reads."""

    def __init__(self, cwd: str | os.PathLike[str]) -> None:
        self._cwd = cwd
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CatFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()
            self._proc = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ('git', 'cat-file', '--batch'),
                cwd=self._cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=git_env(),
            )
        return self._proc

    def read(self, name: str) -> tuple[str, str, bytes] | None:
        """(oid, type, content) of an object name, or None if it does not exist."""
        got = self.read_upto(name, None)
        return None if got is None else (got[0], got[1], got[3])

    def read_upto(
        self,
        name: str,
        limit: int | None,
        head: int = 0,
    ) -> tuple[str, str, int, bytes] | None:
        """(oid, type, size, content) of an object name, or None if it does not exist.

        Of an object bigger than `limit` only the first `head` bytes are kept: the
        rest is read off the pipe in bounded pieces and dropped, so a huge blob
        never sits in memory (`Repo.stream_blob` reads it when it is needed).
        """
        if '\n' in name:
            raise GitError('object names given to cat-file cannot contain newlines')
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(os.fsencode(name) + b'\n')
        proc.stdin.flush()
        header = proc.stdout.readline()
        if not header:
            raise GitError('git cat-file exited unexpectedly')
        parts = header.rstrip(b'\n').split(b' ')
        if parts[-1] in (b'missing', b'ambiguous') or len(parts) != 3:
            return None
        size = int(parts[2])
        keep = size if limit is None or size <= limit else min(head, size)
        content = proc.stdout.read(keep)
        left = size - len(content)
        while left:
            piece = proc.stdout.read(min(left, STREAM_CHUNK))
            if not piece:
                break
            left -= len(piece)
        if left or len(content) != keep:
            raise GitError('git cat-file exited unexpectedly')
        proc.stdout.read(1)  # the newline after the content
        return parts[0].decode(), parts[1].decode(), size, content
