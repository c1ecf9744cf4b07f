"""All git access for commit-warden: one helper, NUL-separated output, batched calls.

Paths are `str` decoded with `os.fsdecode` (surrogateescape), so any byte sequence a
file name holds round-trips back to git through `os.fsencode`.
"""
from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import AnyStr
from typing import NamedTuple

from hooks.errors import DiffParseError
from hooks.errors import GitError
from hooks.errors import ShallowError

EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
EMPTY_TREES = {
    'sha1': EMPTY_TREE,
    'sha256': '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
}

# Options that make diff output independent of the user's git config: no colour,
# no external or textconv drivers (a repository's .gitattributes could otherwise
# hide a file's content from us), fixed prefixes, no rename pairing, full ids.
_DIFF_OPTS = (
    '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--text',
    '--no-relative', '--src-prefix=a/', '--dst-prefix=b/', '--no-abbrev',
    '--submodule=short', '--ignore-submodules=none', '-O/dev/null', '--raw', '-p', '-z',
    '-U1',
)
# diff.suppressBlankEmpty would print an empty context line without its prefix.
_CONFIG_OPTS = ('-c', 'core.quotepath=on', '-c', 'diff.noprefix=false',
                '-c', 'diff.suppressBlankEmpty=false')
# One file's patch read as a stream (`Repo.patch_lines`): no raw entries.
_STREAM_DIFF_OPTS = tuple(o for o in _DIFF_OPTS if o not in ('--raw', '-z'))

# Output read as a stream comes in pieces of STREAM_CHUNK bytes; a line longer than
# LINE_PIECE is cut into pieces that overlap by PIECE_OVERLAP characters, more than
# the longest token format (~1,000), so a token at a cut is whole in one piece.
STREAM_CHUNK = 1 << 20
LINE_PIECE = 1 << 22
PIECE_OVERLAP = 4096


def _diff_opts(big_file_bytes: int | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(git's options, the diff command's options) for a diff with patches.

    With `big_file_bytes`, a file git would not diff as text (a NUL early on, an
    attribute saying binary) or bigger than that comes with no lines ("Binary
    files ... differ", `FileChange.binary`): the caller reads it itself, as a
    stream, so no one file's patch is ever held whole. (A merge's combined diff
    ignores the size: it shows only the lines the merge itself wrote.)
    """
    if big_file_bytes is None:
        return _CONFIG_OPTS, _DIFF_OPTS
    return ((*_CONFIG_OPTS, '-c', f'core.bigFileThreshold={big_file_bytes}'),
            tuple(o for o in _DIFF_OPTS if o != '--text'))

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
_KEEP_GIT_ENV = frozenset((
    'GIT_EXEC_PATH', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_SSL_CAINFO',
    'GIT_SSL_NO_VERIFY', 'GIT_CONFIG_NOSYSTEM', 'GIT_CONFIG_GLOBAL',
    'GIT_CONFIG_SYSTEM', 'GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_DATE',
    'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_COMMITTER_DATE',
    'GIT_TEMPLATE_DIR', 'GIT_TERMINAL_PROMPT',
))

_HUNK = re.compile(rb'^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@+')


def no_git_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `env` without the GIT_* variables that pin git to the current repo."""
    env = os.environ if env is None else env
    return {
        k: v for k, v in env.items()
        if not k.startswith('GIT_') or k in _KEEP_GIT_ENV
    }


def git_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a git process: `env` (default: ours) with replace refs
    and grafts turned off, so git reads the objects as they are stored."""
    return {**(os.environ if env is None else env), **_NO_HISTORY_REWRITES}


def is_first_push(from_ref: str, to_ref: str, env: Mapping[str, str]) -> bool:
    """At pre-push: whether pre-commit's FROM..TO is its guess for a push whose
    remote branch it could not find (see `Repo.first_push_range`)."""
    remote, branch = env.get('PRE_COMMIT_REMOTE_NAME'), env.get('PRE_COMMIT_REMOTE_BRANCH')
    if not (remote and branch) or is_null(from_ref):
        return False
    return Repo.discover().first_push_range(from_ref, to_ref, remote, branch)


def is_null(ref: str) -> bool:
    """pre-commit and git use an all-zero object id for 'no commit' (a new branch)."""
    return bool(ref) and set(ref) == {'0'}


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
            cmd, cwd=cwd, input=stdin, capture_output=True, env=git_env(env), check=False,
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


class DiffLine(NamedTuple):
    number: int   # line number in the new version of the file
    text: str
    added: bool   # False: a context line, kept so rules can look one line back


class FileChange(NamedTuple):
    path: str
    status: str          # git's letter: A added, M modified, D deleted, T type change
    old_mode: str
    new_mode: str
    old_oid: str
    new_oid: str
    lines: tuple[DiffLine, ...] = ()
    binary: bool = False

    @property
    def is_symlink(self) -> bool:
        return self.new_mode == '120000'

    @property
    def is_submodule(self) -> bool:
        return self.new_mode == '160000'

    @property
    def added_lines(self) -> tuple[DiffLine, ...]:
        return tuple(line for line in self.lines if line.added)


class CommitChanges(NamedTuple):
    commit: str
    files: tuple[FileChange, ...]


class CommitInfo(NamedTuple):
    commit: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    committer_time: int
    message: str

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split('\n', 1)[0]

    def __repr__(self) -> str:
        # The message may quote a secret: keep it out of reprs and test output.
        return f'CommitInfo(commit={self.commit!r})'


def _decode(b: bytes) -> str:
    return b.decode('utf-8', 'replace')


def unquote_c(s: bytes) -> bytes:
    """Undo git's C-style path quoting ("a\\tb", octal escapes for bytes)."""
    if not (s.startswith(b'"') and s.endswith(b'"') and len(s) >= 2):
        return s
    s = s[1:-1]
    out = bytearray()
    simple = {ord('a'): 7, ord('b'): 8, ord('t'): 9, ord('n'): 10, ord('v'): 11,
              ord('f'): 12, ord('r'): 13, ord('"'): 34, ord('\\'): 92}
    i = 0
    while i < len(s):
        c = s[i]
        if c == 0x5c and i + 1 < len(s):
            nxt = s[i + 1]
            if 0x30 <= nxt <= 0x37:
                out.append(int(s[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(simple.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


_MODE = re.compile(rb'^[0-7]{6}$')
_OID = re.compile(rb'^[0-9a-f]{40}(?:[0-9a-f]{24})?$')
# The lines git writes between a patch's `diff` line and its first hunk. Anything
# else there is output this parser was not written for: an internal error.
_EXTENDED_HEADERS = (
    b'old mode ', b'new mode ', b'deleted file mode ', b'new file mode ', b'index ',
    b'mode ', b'--- ', b'+++ ', b'Binary files ',
)


class _RawEntry(NamedTuple):
    path: str
    statuses: str             # one letter per parent
    modes: tuple[str, ...]    # each parent's mode, then the result's
    oids: tuple[str, ...]     # each parent's object, then the result's

    @property
    def parents(self) -> int:
        return len(self.statuses)

    @property
    def status(self) -> str:
        """git's letter against the first parent; for a merge, what the merge did."""
        if self.parents == 1:
            return self.statuses
        if self.modes[-1] == '000000':
            return 'D'
        if all(m == '000000' for m in self.modes[:-1]):
            return 'A'
        if _kind(self.modes[-1]) != _kind(self.modes[0]) and self.modes[0] != '000000':
            return 'T'
        return 'M'


def _kind(mode: str) -> str:
    return mode[:2] if mode[:2] in ('12', '16') else '10'


def _bad(what: str) -> DiffParseError:
    return DiffParseError(f'could not parse git diff output: {what}')


def _parse_raw(data: bytes, pos: int) -> tuple[list[_RawEntry], int]:
    """Parse `--raw -z` entries starting at `pos`; returns entries and the new pos.

    One parent: `:old new oid oid S`, NUL, the path, NUL; a merge with n parents writes n
    colons, n+1 modes and oids, and n status letters.
    """
    entries = []
    while pos < len(data) and data[pos:pos + 1] == b':':
        end = data.find(b'\0', pos)
        if end < 0:
            raise _bad('a raw entry without its path')
        head = data[pos:end]
        colons = len(head) - len(head.lstrip(b':'))
        meta = head[colons:].split(b' ')
        pos = end + 1
        end = data.find(b'\0', pos)
        if end < 0 or end == pos:
            raise _bad('a raw entry without its path')
        path = os.fsdecode(data[pos:end])
        pos = end + 1
        n = colons
        modes, oids, status = meta[:n + 1], meta[n + 1:2 * n + 2], meta[2 * n + 2:]
        if (len(meta) != 2 * n + 3 or not all(_MODE.match(m) for m in modes)
                or not all(_OID.match(o) for o in oids)
                or len({len(o) for o in oids}) != 1):
            raise _bad(f'unexpected raw entry {head[:200]!r}')
        letters = status[0].decode('ascii', 'replace')
        if n == 1:
            letters = letters[:1]  # a one-parent status may carry a score (R100)
        if len(letters) != n or not all(c in 'ADMTU' for c in letters):
            raise _bad(f'unexpected status {letters!r} for {path!r}')
        entries.append(_RawEntry(
            path, letters, tuple(m.decode() for m in modes), tuple(o.decode() for o in oids)))
    return entries, pos


_SECTION = re.compile(rb'^(?:diff --git |diff --cc |diff --combined |\* Unmerged path )', re.M)


def _header_path(line: bytes) -> str:
    """The path a patch section's first line names.

    Without rename detection both names of `diff --git a/P b/P` are the same path,
    quoted alike, so P is read from the line's shape rather than split on a space
    (a name may hold ` b/`).
    """
    for lead in (b'diff --cc ', b'diff --combined ', b'* Unmerged path '):
        if line.startswith(lead):
            return os.fsdecode(unquote_c(line[len(lead):]))
    rest = line[len(b'diff --git '):]
    if rest.startswith(b'"'):
        m = re.fullmatch(rb'("(?:[^"\\]|\\.)*") ("(?:[^"\\]|\\.)*")', rest)
        if m is None:
            raise _bad(f'unexpected patch header {line[:200]!r}')
        a, b = unquote_c(m.group(1)), unquote_c(m.group(2))
        if a.startswith(b'a/') and b.startswith(b'b/') and a[2:] == b[2:]:
            return os.fsdecode(b[2:])
        raise _bad(f'unexpected patch header {line[:200]!r}')
    n = (len(rest) - 5) // 2
    if (len(rest) == 2 * n + 5 and rest.startswith(b'a/') and rest[2 + n:5 + n] == b' b/'
            and rest[2:2 + n] == rest[5 + n:]):
        return os.fsdecode(rest[5 + n:])
    raise _bad(f'unexpected patch header {line[:200]!r}')


def _split_patches(patch: bytes) -> list[tuple[str, bytes]]:
    """(path, section) for each file's patch, in git's order.

    Only git-written lines can start with `diff ` or `* `: every line of file
    content in a hunk carries a one-character prefix per parent.
    """
    starts = [m.start() for m in _SECTION.finditer(patch)]
    if patch[:starts[0] if starts else len(patch)].strip(b'\0\n'):
        raise _bad('text before the first patch')
    out = []
    for i, start in enumerate(starts):
        section = patch[start:starts[i + 1] if i + 1 < len(starts) else len(patch)]
        out.append((_header_path(section.split(b'\n', 1)[0]), section))
    return out


def _hunk_header(parents: int) -> re.Pattern[bytes]:
    at = b'@' * (parents + 1)
    return re.compile(rb'^' + at + rb' (?:-\d+(?:,\d+)? ){' + str(parents).encode()
                      + rb'}\+\d+(?:,(\d+))? ' + at + rb'(?: |$)')


_HUNK_HEADERS: dict[int, re.Pattern[bytes]] = {}


def _parse_hunks(section: bytes, parents: int = 1) -> tuple[tuple[DiffLine, ...], bool]:
    """The added and context lines of one file's patch, and whether it holds NUL bytes.

    Strict: a header line git does not write, a malformed hunk header, a line
    without a valid prefix or a hunk whose length disagrees with its header is an
    internal error, never a guess.
    """
    header = _HUNK_HEADERS.get(parents)
    if header is None:
        header = _HUNK_HEADERS[parents] = _hunk_header(parents)
    at = b'@' * (parents + 1) + b' '
    lines: list[DiffLine] = []
    binary = False
    raws = section.split(b'\n')
    if raws and raws[-1] in (b'', b'\0'):
        raws.pop()
    number = 0
    left = 0          # lines of the new file the current hunk still owes
    in_hunk = False
    for raw in raws[1:]:
        if raw.startswith(at):
            if left:
                raise _bad(f'a hunk {left} line(s) shorter than its header says')
            m = _HUNK.match(raw)
            shape = header.match(raw)
            if m is None or shape is None:
                raise _bad(f'unexpected hunk header {raw[:200]!r}')
            number = int(m.group(1))
            left = 1 if shape.group(1) is None else int(shape.group(1))
            in_hunk = True
            continue
        if not in_hunk:
            if raw.startswith(b'Binary files '):
                binary = True
            elif not raw.startswith(_EXTENDED_HEADERS):
                raise _bad(f'unexpected patch header line {raw[:200]!r}')
            continue
        if raw.startswith(b'\\'):
            continue  # "\ No newline at end of file"
        prefix, text = raw[:parents], raw[parents:]
        if len(prefix) != parents or prefix.strip(b' +-'):
            raise _bad(f'a patch line without a valid prefix {raw[:40]!r}')
        if b'-' in prefix:
            continue  # a removed line: not in the new file
        if not left:
            raise _bad('a hunk longer than its header says')
        left -= 1
        if b'\0' in text:
            binary = True
        added = prefix.strip(b'+') == b''
        lines.append(DiffLine(number, _decode(text), added))
        number += 1
    if left:
        raise _bad(f'a hunk {left} line(s) shorter than its header says')
    return tuple(lines), binary


def parse_diff(data: bytes, pos: int = 0, end: int | None = None) -> list[FileChange]:
    """Parse the output of `git diff --raw -p -z` (or one commit of `diff-tree --cc`).

    Raw entries and patches are matched by path, never by count. What git writes
    for each entry is known, and anything else is an internal error:
    - one patch per file; two for a type change (the old kind deleted, the new one
      added), whose added lines are those of the new kind;
    - a merge (`--cc`) has a patch only where the merge itself wrote lines that no
      parent had (or removed lines every parent had, or changed a mode). A file
      that differs from every parent but has no patch took each hunk from one
      parent or another: the merge added nothing there, so it is not a change of
      the merge's own and is left out;
    - an unmerged path (a conflict still in the index) has a `* Unmerged path`
      line and no patch: it is returned with status U and no lines, and
      `Repo.staged_changes` fills in what the conflict would bring in.
    """
    end = len(data) if end is None else end
    chunk = data[pos:end]
    entries, p = _parse_raw(chunk, 0)
    sections: dict[str, list[bytes]] = {}
    # Every patch ends with a newline; NULs around the patches only separate records.
    for path, section in _split_patches(chunk[p:].strip(b'\0')):
        sections.setdefault(path, []).append(section)
    changes = []
    for e in entries:
        got = sections.pop(e.path, [])
        unmerged = [s for s in got if s.startswith(b'* Unmerged path ')]
        patches = [s for s in got if not s.startswith(b'* Unmerged path ')]
        if e.status == 'U':
            if unmerged and not patches:
                changes.append(FileChange(e.path, 'U', e.modes[0], e.modes[-1],
                                          e.oids[0], e.oids[-1]))
                continue
            raise _bad(f'unmerged path {e.path!r} without its marker')
        if unmerged:
            raise _bad(f'an unmerged marker for {e.path!r}, which git lists as merged')
        if e.parents > 1 and not patches:
            continue  # the merge took this file's every hunk from a parent
        if not (len(patches) == 1 or (len(patches) == 2 and e.statuses[0] == 'T')):
            raise _bad(f'{len(patches)} patches for {e.path!r} (status {e.statuses})')
        lines: tuple[DiffLine, ...] = ()
        binary = False
        for section in patches:
            got_lines, got_binary = _parse_hunks(section, e.parents)
            lines += got_lines
            binary = binary or got_binary
        changes.append(FileChange(
            path=e.path, status=e.status, old_mode=e.modes[0], new_mode=e.modes[-1],
            old_oid=e.oids[0], new_oid=e.oids[-1], lines=lines, binary=binary,
        ))
    if sections:
        raise _bad(f'a patch for {sorted(sections)[0]!r}, which the raw entries do not list')
    return changes


def split_lines(chunks: Iterable[AnyStr], sep: AnyStr, limit: int, overlap: int,
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
                part = part[limit - overlap:]
                continued = True
            yield part, continued
            continued = False
        while len(rest) > limit:
            yield rest[:limit], continued
            rest = rest[limit - overlap:]
            continued = True
    if rest or continued:
        yield rest, continued


def _stream_hunks(pieces: Iterable[tuple[bytes, bool]]) -> Iterator[DiffLine]:
    """`_parse_hunks` over a stream (`split_lines`) of one file's patch, or two for a
    type change, against one parent: the added and context lines, as strict.

    The pieces of a long line are lines of the same number; a removed line's pieces
    are dropped with it.
    """
    header = _HUNK_HEADERS.get(1)
    if header is None:
        header = _HUNK_HEADERS[1] = _hunk_header(1)
    number = left = 0
    in_hunk = False
    last: tuple[int, bool] | None = None  # (number, added) of the line a piece continues
    for raw, continued in pieces:
        if continued:
            if last is not None:
                yield DiffLine(last[0], _decode(raw), last[1])
            continue
        last = None
        if raw.startswith((b'@@ ', b'diff --git ')):
            if left:
                raise _bad(f'a hunk {left} line(s) shorter than its header says')
            in_hunk = raw.startswith(b'@@ ')
            if in_hunk:
                m = _HUNK.match(raw)
                shape = header.match(raw)
                if m is None or shape is None:
                    raise _bad(f'unexpected hunk header {raw[:200]!r}')
                number = int(m.group(1))
                left = 1 if shape.group(1) is None else int(shape.group(1))
            continue
        if not in_hunk:
            if not raw.startswith(_EXTENDED_HEADERS) or raw.startswith(b'Binary files '):
                raise _bad(f'unexpected patch header line {raw[:200]!r}')
            continue
        prefix = raw[:1]
        if prefix in (b'-', b'\\'):
            continue  # a removed line, or "\ No newline at end of file"
        if prefix not in (b'+', b' '):
            raise _bad(f'a patch line without a valid prefix {raw[:40]!r}')
        if not left:
            raise _bad('a hunk longer than its header says')
        left -= 1
        last = (number, prefix == b'+')
        yield DiffLine(number, _decode(raw[1:]), last[1])
        number += 1
    if left:
        raise _bad(f'a hunk {left} line(s) shorter than its header says')


class CatFile:
    """One long-lived `git cat-file --batch` serving many object reads."""

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
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
                ('git', 'cat-file', '--batch'), cwd=self._repo.root,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=git_env(),
            )
        return self._proc

    def read(self, name: str) -> tuple[str, str, bytes] | None:
        """(oid, type, content) of an object name, or None if it does not exist."""
        got = self.read_upto(name, None)
        return None if got is None else (got[0], got[1], got[3])

    def read_upto(self, name: str, limit: int | None, head: int = 0,
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



@functools.lru_cache(maxsize=16)
def _empty_tree(root: Path) -> str:
    # Asked once per repository and run: a NamedTuple cannot cache on itself.
    fmt = run_git('rev-parse', '--show-object-format', cwd=root).stdout.decode().strip()
    tree = EMPTY_TREES.get(fmt)
    if tree is None:
        raise GitError(f'this repository uses the {fmt!r} object format, which '
                       'commit-warden does not know')
    return tree

class Repo(NamedTuple):
    root: Path          # the work tree's top level
    git_dir: Path       # this work tree's git dir (differs from common_dir in a linked worktree)
    common_dir: Path    # shared by all worktrees: refs, objects, our cache

    @classmethod
    def discover(cls, path: str | os.PathLike[str] | None = None) -> Repo:
        proc = run_git(
            'rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir',
            '--git-common-dir', cwd=path, ok=(0, 128),
        )
        if proc.returncode != 0:
            where = os.path.abspath(path or os.curdir)
            # A bare repository, or the inside of a .git dir, is a repository with no
            # work tree: saying "not a repository" there sends people the wrong way.
            probe = run_git('rev-parse', '--is-bare-repository', '--is-inside-git-dir',
                            cwd=path, ok=(0, 128))
            bare, in_git_dir = [*probe.stdout.decode().split(), '', ''][:2]
            if probe.returncode == 0 and bare == 'true':
                raise GitError(f'{where} is a bare repository, with no work tree to check: run '
                               'commit-warden in a clone that has one (`git clone '
                               f'{where} <dir>`), where pre-commit runs it')
            if probe.returncode == 0 and in_git_dir == 'true':
                raise GitError(f'{where} is inside a .git directory: run commit-warden from '
                               'the work tree above it')
            raise GitError(
                f'{where} is not inside a git repository: run the hook from a '
                'repository, or create one with `git init`',
            )
        out = proc.stdout.decode('utf-8', 'surrogateescape').split('\n')
        if len(out) < 3 or not out[0]:
            raise GitError('commit-warden needs a work tree; bare repositories are not supported')
        return cls(Path(out[0]), Path(out[1]), Path(out[2]))

    @property
    def empty_tree(self) -> str:
        """The empty tree's id in this repository's object format (SHA-1 or SHA-256)."""
        return _empty_tree(self.root)

    @property
    def state_dir(self) -> Path:
        """Where commit-warden keeps its cache and audit log (shared by worktrees)."""
        return self.common_dir / 'commit-warden'

    def git(
            self, *args: str, stdin: bytes | None = None, ok: Iterable[int] = (0,),
    ) -> subprocess.CompletedProcess[bytes]:
        return run_git(*args, cwd=self.root, stdin=stdin, ok=ok)

    def out(self, *args: str, ok: Iterable[int] = (0,)) -> str:
        return self.git(*args, ok=ok).stdout.decode('utf-8', 'surrogateescape').strip()

    def cat_file(self) -> CatFile:
        return CatFile(self)

    # --- refs and commits -------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The commit id `ref` names, or None if it names no commit."""
        proc = self.git('rev-parse', '-q', '--verify', '--end-of-options',
                        f'{ref}^{{commit}}', ok=(0, 1, 128))
        return proc.stdout.decode().strip() or None if proc.returncode == 0 else None

    def require(self, ref: str) -> str:
        sha = self.resolve(ref)
        if sha is None:
            if self.is_shallow():
                raise ShallowError(f'{ref!r} does not name a commit in this shallow clone',
                                   'Fetch the history: `git fetch --unshallow`')
            raise GitError(f'{ref!r} does not name a commit in this repository; '
                           'fetch it first, e.g. `git fetch origin`')
        return sha

    def require_all(self, *refs: str) -> list[str]:
        """The commit ids of several refs in one git call (errors as `require`)."""
        specs = [f'{r}^{{commit}}' for r in refs]
        proc = self.git('rev-parse', '-q', '--verify', '--end-of-options', *specs[:1],
                        ok=(0, 1, 128)) if len(refs) == 1 else self.git(
            'rev-parse', '--end-of-options', *specs, ok=(0, 1, 128))
        shas = proc.stdout.decode().split()
        if proc.returncode == 0 and len(shas) == len(refs):
            return shas
        return [self.require(r) for r in refs]  # one of them is bad: say which

    def head(self) -> str | None:
        return self.resolve('HEAD')

    def current_branch(self) -> str | None:
        """The checked-out branch name, or None when HEAD is detached."""
        try:
            head = (self.git_dir / 'HEAD').read_text(encoding='utf-8', errors='surrogateescape')
        except OSError:
            head = ''
        # The common case without a subprocess; anything unusual (a reftable
        # repository's placeholder HEAD) asks git.
        if head.startswith('ref: refs/heads/') and '.invalid' not in head:
            return head[len('ref: refs/heads/'):].strip() or None
        if len(head.strip()) in (40, 64) and not head.startswith('ref:'):
            return None  # detached: HEAD holds a commit id
        proc = self.git('symbolic-ref', '-q', '--short', 'HEAD', ok=(0, 1, 128))
        name = proc.stdout.decode('utf-8', 'surrogateescape').strip()
        return name if proc.returncode == 0 and name else None

    def is_shallow(self) -> bool:
        return bool(self.shallow_boundary())

    def shallow_boundary(self) -> frozenset[str]:
        """The commits a shallow clone's history stops at ($GIT_COMMON_DIR/shallow)."""
        try:
            return frozenset((self.common_dir / 'shallow').read_text().split())
        except FileNotFoundError:
            return frozenset()

    def merge_base(self, a: str, b: str) -> str | None:
        proc = self.git('merge-base', '--end-of-options', a, b, ok=(0, 1))
        return proc.stdout.decode().strip() or None

    def is_ancestor(self, a: str, b: str) -> bool:
        proc = self.git('merge-base', '--is-ancestor', '--end-of-options', a, b, ok=(0, 1))
        return proc.returncode == 0

    def rev_list(self, *args: str) -> list[str]:
        return self.out('rev-list', *args).split()

    def commits_in_range(self, from_ref: str | None, to_ref: str,
                         exclude: Sequence[str] | None = None) -> list[str]:
        """Commits of FROM..TO, oldest first.

        No FROM (or an all-zero one, a new branch): the commits on no remote-tracking
        ref. `exclude` replaces that default with exactly these commits: the range
        is then TO minus everything reachable from FROM (if any) or from `exclude`
        (how `commit-warden ci` states what a push event adds). A range that walks
        past a shallow clone's boundary is an error, never a silent pass over the
        commits we cannot see.
        """
        from_sha = None if from_ref is None or is_null(from_ref) else from_ref
        shas = self.require_all(*((from_sha, to_ref) if from_sha else (to_ref,)))
        to_sha = shas[-1]
        if exclude is not None:
            bottoms = [*shas[:-1], *exclude]
            commits = self.rev_list('--reverse', '--topo-order', to_sha,
                                    *(('--not', *bottoms) if bottoms else ()))
        elif from_sha is None:
            commits = self.rev_list('--reverse', '--topo-order', to_sha, '--not', '--remotes')
        else:
            commits = self.rev_list('--reverse', '--topo-order', f'{shas[0]}..{to_sha}')
        self.check_not_shallow(commits)
        return commits

    def check_not_shallow(self, commits: Sequence[str]) -> None:
        """Refuse a list of commits that reaches a shallow clone's boundary: a
        boundary commit's parents are missing, so what it changed cannot be told."""
        if not commits:
            return
        boundary = self.shallow_boundary() & set(commits)
        if boundary:
            raise ShallowError(
                f'the range reaches past this shallow clone\'s boundary '
                f'(commit {sorted(boundary)[0][:12]}): its history is missing, so it '
                'cannot be checked', 'Fetch it: `git fetch --unshallow` (GitHub Actions: '
                '`fetch-depth: 0` in actions/checkout; GitLab CI: `GIT_DEPTH: 0`)',
            )

    def remote_branches(self) -> dict[str, str]:
        """refs/remotes/* branch name -> commit, symbolic refs (origin/HEAD) left out."""
        proc = self.git('for-each-ref', '--format=%(objectname) %(symref) %(refname)',
                        'refs/remotes/')
        out = {}
        for line in proc.stdout.decode('utf-8', 'surrogateescape').splitlines():
            sha, symref, name = line.split(' ', 2)
            if not symref:
                out[name] = sha
        return out

    def first_push_range(self, from_ref: str, to_ref: str, remote: str,
                         remote_branch: str) -> bool:
        """Whether pre-commit's pre-push range FROM..TO is its first-push guess.

        On a push that creates a branch (or whose remote tip is not here),
        pre-commit passes the parent of the oldest commit `--remotes=<remote>` lacks
        as FROM. Through a merge, FROM..TO then reaches commits the remote already
        has (the other side of a merge from origin/main); the pushed commits are
        exactly those no remote-tracking ref has.
        """
        from_sha = self.resolve(from_ref)
        to_sha = self.resolve(to_ref)
        if from_sha is None or to_sha is None:
            return False
        short = remote_branch.removeprefix('refs/heads/')
        if self.resolve(f'refs/remotes/{remote}/{short}') == from_sha:
            return False  # FROM is the remote branch's tip: an ordinary push
        new = self.rev_list('--topo-order', '--reverse', to_sha, '--not',
                            f'--remotes={remote}')
        if not new:
            return False
        first = self.commit_infos(new[:1])[0]
        return bool(first.parents) and first.parents[0] == from_sha

    def commit_infos(self, commits: Sequence[str]) -> list[CommitInfo]:
        if not commits:
            return []
        fmt = '%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%ct%x1f%B'
        proc = self.git('log', '--no-walk=unsorted', '--no-show-signature', '-z',
                        f'--format={fmt}',
                        '--stdin', stdin='\n'.join(commits).encode() + b'\n')
        infos = []
        for record in proc.stdout.split(b'\0'):
            if not record.strip():
                continue
            f = record.split(b'\x1f', 7)
            infos.append(CommitInfo(
                commit=f[0].decode().strip(), parents=tuple(f[1].decode().split()),
                author_name=_decode(f[2]), author_email=_decode(f[3]),
                committer_name=_decode(f[4]), committer_email=_decode(f[5]),
                committer_time=int(f[6] or 0), message=_decode(f[7]),
            ))
        return infos

    def commit_changes(self, commits: Sequence[str], big_file_bytes: int | None = None,
                       ) -> list[CommitChanges]:
        """What each commit adds: one `git diff-tree --stdin` for the whole list.

        A root commit shows its whole tree. A merge shows what it adds against all
        of its parents (`--cc`), so lines that came from one side are judged in the
        commit that wrote them (see `parse_diff`). Every commit asked for must come
        back (`--always` writes a header even for an empty commit); one that does
        not is an internal error, never an empty change. `big_file_bytes`: see
        `_diff_opts`.
        """
        wanted = list(dict.fromkeys(commits))
        if not wanted:
            return []
        # Each commit's section starts with a header carrying a random nonce: the
        # diff itself is attacker-controlled text, so a header that any file
        # could contain (a bare commit id between NULs) could hide a commit.
        nonce = os.urandom(16).hex()
        marker = f'\0cw-{nonce} '.encode()
        config, opts = _diff_opts(big_file_bytes)
        proc = self.git(*config, 'diff-tree', '--stdin', '--root', '--cc', '--always',
                        '-r', *opts, f'--format=%x00cw-{nonce} %H%x00',
                        stdin='\n'.join(wanted).encode() + b'\n')
        found: dict[str, list[FileChange]] = {}
        sections = proc.stdout.split(marker)
        if sections[0].strip(b'\0\n'):
            raise _bad('output before the first commit')
        for section in sections[1:]:
            sha_b, _, rest = section.partition(b'\0')
            sha = sha_b.decode('ascii', 'replace')
            if sha in found or sha not in wanted:
                raise _bad(f'an unexpected commit {sha[:64]!r} in git diff-tree output')
            body = rest.lstrip(b'\0\n')  # the header's terminators
            found[sha] = parse_diff(body) if body else []
        missing = [c for c in wanted if c not in found]
        if missing:
            raise _bad(f'git diff-tree said nothing about commit {missing[0]}')
        return [CommitChanges(c, tuple(found[c])) for c in commits]

    # --- the index and trees ---------------------------------------------

    def staged_changes(self, paths: Sequence[str] | None = None,
                       big_file_bytes: int | None = None) -> list[FileChange]:
        """What the index adds against HEAD (or against nothing in an empty repo).

        A path with an unresolved conflict has no staged content yet: what it would
        bring in is what the incoming side (stage 3) has that ours (stage 2) lacks.
        `big_file_bytes`: see `_diff_opts`.
        """
        base = self.staged_base()
        spec = ('--', *paths) if paths else ()
        config, opts = _diff_opts(big_file_bytes)
        proc = self.git(*config, '--literal-pathspecs', 'diff-index', '--cached',
                        '-r', *opts, base, *spec)
        changes = parse_diff(proc.stdout)
        if any(c.status == 'U' for c in changes):
            changes = [self._conflict_change(c) if c.status == 'U' else c for c in changes]
        return changes

    def staged_base(self) -> str:
        """What the index is compared with: HEAD, or the empty tree before the first commit."""
        return 'HEAD' if self.head() else self.empty_tree

    def _conflict_change(self, change: FileChange) -> FileChange:
        stages = self.ls_stages([change.path]).get(change.path, {})
        ours, theirs = stages.get(2), stages.get(3)
        old_mode, old_oid = ours or ('000000', '')
        if theirs is None or theirs[0] == '160000':
            # Deleted (or a submodule) on the incoming side: it brings no lines.
            new_mode, new_oid = theirs or ('000000', '')
            return FileChange(change.path, 'U', old_mode, new_mode, old_oid, new_oid)
        if ours is None or ours[0] == '160000':
            data = dict(self.read_blobs([theirs[1]])).get(theirs[1], b'')
            texts = data.split(b'\n')
            if texts[-1] == b'':
                texts.pop()
            lines = tuple(DiffLine(i, _decode(t), True) for i, t in enumerate(texts, 1))
            binary = b'\0' in data
        else:
            proc = self.git(*_CONFIG_OPTS, 'diff', '--no-color', '--no-ext-diff',
                            '--no-textconv', '--text', '-U1', '--end-of-options',
                            ours[1], theirs[1])
            # Two blobs: the header names them by id, not by path; only the hunks matter.
            lines, binary = _parse_hunks(proc.stdout) if proc.stdout else ((), False)
        return FileChange(change.path, 'U', old_mode, theirs[0], old_oid, theirs[1], lines,
                          binary)

    def ls_stages(self, paths: Sequence[str]) -> dict[str, dict[int, tuple[str, str]]]:
        """path -> {stage: (mode, oid)} for index entries, conflict stages included."""
        proc = self.git('--literal-pathspecs', 'ls-files', '-s', '-z', '--', *paths)
        entries: dict[str, dict[int, tuple[str, str]]] = {}
        for rec in proc.stdout.split(b'\0'):
            if not rec:
                continue
            meta, path = rec.split(b'\t', 1)
            mode, oid, stage = meta.decode().split()
            entries.setdefault(os.fsdecode(path), {})[int(stage)] = (mode, oid)
        return entries

    def ls_files(self, paths: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        """path -> (mode, oid) for index entries (stage 0, or the 'ours' stage of a conflict)."""
        spec = ('--', *paths) if paths else ()
        proc = self.git('--literal-pathspecs', 'ls-files', '-s', '-z', *spec)
        entries: dict[str, tuple[str, str]] = {}
        for rec in proc.stdout.split(b'\0'):
            if not rec:
                continue
            meta, path = rec.split(b'\t', 1)
            mode, oid, stage = meta.decode().split()
            name = os.fsdecode(path)
            if stage in ('0', '2') or name not in entries:
                entries[name] = (mode, oid)
        return entries

    def ls_tree(self, ref: str, paths: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        """path -> (mode, oid) for blobs in `ref`'s tree."""
        spec = ('--', *paths) if paths else ()
        proc = self.git('--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree',
                        '--end-of-options', ref, *spec, ok=(0, 128))
        if proc.returncode != 0:
            raise GitError(f'{ref!r} does not name a tree in this repository; fetch it first')
        entries: dict[str, tuple[str, str]] = {}
        for rec in proc.stdout.split(b'\0'):
            if not rec:
                continue
            meta, path = rec.split(b'\t', 1)
            mode, _type, oid = meta.decode().split()
            entries[os.fsdecode(path)] = (mode, oid)
        return entries

    def read_blobs(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        with self.cat_file() as cat:
            for oid in oids:
                got = cat.read(oid)
                if got is not None and got[1] == 'blob':
                    yield oid, got[2]

    def read_blobs_upto(self, oids: Iterable[str], limit: int, head: int,
                        ) -> Iterator[tuple[str, int, bytes]]:
        """(oid, size, content) of each blob that exists, one at a time; of a blob
        bigger than `limit`, only its first `head` bytes (`CatFile.read_upto`)."""
        with self.cat_file() as cat:
            for oid in oids:
                got = cat.read_upto(oid, limit, head)
                if got is not None and got[1] == 'blob':
                    yield oid, got[2], got[3]

    def stream(self, *args: str) -> Iterator[bytes]:
        """git's output, in pieces of at most STREAM_CHUNK bytes as git writes it.

        Memory stays bounded however much git writes. Closing the iterator early
        stops git; git failing is a GitError (after the output it wrote).
        """
        import tempfile

        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(('git', *args), cwd=self.root, stdout=subprocess.PIPE,
                                    stderr=err, env=git_env())
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

    def stream_blob(self, oid: str) -> Iterator[bytes]:
        """A blob's content as a stream (`stream`)."""
        return self.stream('cat-file', 'blob', oid)

    def patch_lines(self, path: str, base: str, commit: str | None = None,
                    ) -> Iterator[DiffLine]:
        """The added and context lines of one file from `base` to `commit` (None: to
        the index), read as a stream: git diffs it as text whatever it holds, and
        a line longer than LINE_PIECE comes in overlapping pieces (`split_lines`)."""
        if commit is None:
            cmd = ('diff-index', '--cached', *_STREAM_DIFF_OPTS, base)
        else:
            cmd = ('diff-tree', '-r', *_STREAM_DIFF_OPTS, base, commit)
        chunks = self.stream(*_CONFIG_OPTS, '--literal-pathspecs', *cmd, '--', path)
        return _stream_hunks(split_lines(chunks, b'\n', LINE_PIECE, PIECE_OVERLAP))

    def object_sizes(self, oids: Iterable[str]) -> dict[str, int]:
        """oid -> size in bytes, from one `git cat-file --batch-check`."""
        wanted = [o for o in oids if o and not is_null(o)]
        if not wanted:
            return {}
        proc = self.git('cat-file', '--batch-check', stdin='\n'.join(wanted).encode() + b'\n')
        sizes = {}
        for line in proc.stdout.decode().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].isdigit():
                sizes[parts[0]] = int(parts[2])
        return sizes

    def index_content(self, path: str) -> bytes | None:
        """A file as it is staged, or None if the index has no such file."""
        entry = self.ls_files([path]).get(path)
        if entry is None or entry[0] in ('160000',):
            return None
        return dict(self.read_blobs([entry[1]])).get(entry[1])

    def content_at(self, ref: str, path: str) -> bytes | None:
        """A file as committed at `ref`, or None if it does not exist there."""
        self.require(ref)
        entry = self.ls_tree(ref, [path]).get(path)
        if entry is None or entry[0] == '160000':
            return None
        return dict(self.read_blobs([entry[1]])).get(entry[1])

    def changed_paths(self, a: str, b: str) -> list[str]:
        proc = self.git('--literal-pathspecs', 'diff', '--name-only', '-z', '--no-renames',
                        '--no-relative', '--end-of-options', a, b)
        return [os.fsdecode(p) for p in proc.stdout.split(b'\0') if p]

    def config_get(self, key: str) -> str | None:
        proc = self.git('config', '--get', key, ok=(0, 1))
        if proc.returncode != 0:
            return None
        return proc.stdout.decode('utf-8', 'surrogateescape').strip()

    def root_commit(self) -> str | None:
        if self.head() is None:
            return None
        roots = self.rev_list('--max-parents=0', 'HEAD')
        return roots[-1] if roots else None
