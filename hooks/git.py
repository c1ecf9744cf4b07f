"""All git access for commit-warden: one helper, NUL-separated output, batched calls.

Paths are `str` decoded with `os.fsdecode` (surrogateescape), so any byte sequence a
file name holds round-trips back to git through `os.fsencode`.
"""
from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks.errors import GitError

EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

# Options that make diff output independent of the user's git config: no colour,
# no external or textconv drivers (a repository's .gitattributes could otherwise
# hide a file's content from us), fixed prefixes, no rename pairing, full ids.
_DIFF_OPTS = (
    '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '--text',
    '--no-relative', '--src-prefix=a/', '--dst-prefix=b/', '--no-abbrev',
    '--submodule=short', '-O/dev/null', '--raw', '-p', '-z', '-U1',
)
_CONFIG_OPTS = ('-c', 'core.quotepath=on', '-c', 'diff.noprefix=false')

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
        proc = subprocess.run(
            cmd, cwd=cwd, input=stdin, capture_output=True, env=env, check=False,
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


def _parse_raw(data: bytes, pos: int) -> tuple[list[tuple[str, str, str, str, str, str]], int]:
    """Parse `--raw -z` entries starting at `pos`; returns entries and the new pos."""
    entries = []
    while pos < len(data) and data[pos:pos + 1] == b':':
        end = data.index(b'\0', pos)
        meta = data[pos:end].lstrip(b':').split(b' ')
        pos = end + 1
        end = data.index(b'\0', pos)
        path = os.fsdecode(data[pos:end])
        pos = end + 1
        # n parents: n+1 modes, n+1 oids, then the status (5 fields for one parent).
        n = (len(meta) - 3) // 2
        modes = meta[:n + 1]
        oids = meta[n + 1:2 * n + 2]
        status = meta[-1].decode()[:1]
        entries.append((
            path, status, modes[0].decode(), modes[-1].decode(),
            oids[0].decode(), oids[-1].decode(),
        ))
    return entries, pos


def _split_patches(patch: bytes) -> list[bytes]:
    sections: list[bytes] = []
    start = None
    for m in re.finditer(rb'^diff --(?:git|cc|combined) ', patch, re.M):
        if start is not None:
            sections.append(patch[start:m.start()])
        start = m.start()
    if start is not None:
        sections.append(patch[start:])
    return sections


def _combined_path(section: bytes) -> str:
    header = section.split(b'\n', 1)[0]
    name = header.split(b' ', 2)[2]
    return os.fsdecode(unquote_c(name))


def _parse_hunks(section: bytes) -> tuple[tuple[DiffLine, ...], bool]:
    """The added and context lines of one file's patch, and whether it holds NUL bytes."""
    lines: list[DiffLine] = []
    binary = False
    number = 0
    ncols = 1
    in_hunk = False
    raws = section.split(b'\n')
    if raws and raws[-1] == b'':
        raws.pop()
    for raw in raws:
        if raw.startswith(b'@@'):
            m = _HUNK.match(raw)
            if m is None:
                continue
            ncols = len(raw) - len(raw.lstrip(b'@')) - 1
            number = int(m.group(1))
            in_hunk = True
            continue
        if not in_hunk:
            if raw.startswith(b'Binary files '):
                binary = True
            continue
        if raw.startswith(b'\\'):
            continue  # "\ No newline at end of file"
        prefix, text = raw[:ncols], raw[ncols:]
        if b'-' in prefix:
            continue  # a removed line: not in the new file
        if b'\0' in text:
            binary = True
        added = bool(prefix) and prefix.strip(b'+') == b''
        lines.append(DiffLine(number, _decode(text), added))
        number += 1
    return tuple(lines), binary


def parse_diff(data: bytes, pos: int = 0, end: int | None = None) -> list[FileChange]:
    """Parse the output of `git diff --raw -p -z` (or one commit of diff-tree)."""
    end = len(data) if end is None else end
    chunk = data[pos:end]
    entries, p = _parse_raw(chunk, 0)
    if p < len(chunk) and chunk[p:p + 1] == b'\0':
        p += 1
    sections = _split_patches(chunk[p:])
    combined = bool(sections) and sections[0].startswith(b'diff --cc')
    by_path: dict[str, bytes] = {}
    if combined:
        by_path = {_combined_path(s): s for s in sections}
    elif len(sections) != len(entries):
        raise GitError(
            f'could not match {len(sections)} patches to {len(entries)} files in git diff '
            'output; please report this with your git version',
        )
    changes = []
    for i, (path, status, old_mode, new_mode, old_oid, new_oid) in enumerate(entries):
        section = by_path.get(path, b'') if combined else sections[i]
        lines, binary = _parse_hunks(section) if section else ((), False)
        changes.append(FileChange(
            path=path, status=status, old_mode=old_mode, new_mode=new_mode,
            old_oid=old_oid, new_oid=new_oid, lines=lines, binary=binary,
        ))
    return changes


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
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )
        return self._proc

    def read(self, name: str) -> tuple[str, str, bytes] | None:
        """(oid, type, content) of an object name, or None if it does not exist."""
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
        content = proc.stdout.read(size)
        proc.stdout.read(1)  # the newline after the content
        return parts[0].decode(), parts[1].decode(), content


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
            raise GitError(
                f'{where} is not inside a git repository: run the hook from a '
                'repository, or create one with `git init`',
            )
        out = proc.stdout.decode('utf-8', 'surrogateescape').split('\n')
        if len(out) < 3 or not out[0]:
            raise GitError('commit-warden needs a work tree; bare repositories are not supported')
        return cls(Path(out[0]), Path(out[1]), Path(out[2]))

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
            hint = ''
            if self.is_shallow():
                hint = (' (this is a shallow clone: `git fetch --unshallow`, or '
                        '`fetch-depth: 0` in actions/checkout)')
            raise GitError(f'{ref!r} does not name a commit in this repository{hint}; '
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

    def commits_in_range(self, from_ref: str | None, to_ref: str) -> list[str]:
        """Commits of FROM..TO, oldest first.

        No FROM (or an all-zero one, a new branch): the commits on no remote-tracking
        ref. A range that walks past a shallow clone's boundary is an error, never a
        silent pass over the commits we cannot see.
        """
        if from_ref is None or is_null(from_ref):
            to_sha = self.require(to_ref)
            commits = self.rev_list('--reverse', '--topo-order', to_sha, '--not', '--remotes')
        else:
            from_sha, to_sha = self.require_all(from_ref, to_ref)
            commits = self.rev_list('--reverse', '--topo-order', f'{from_sha}..{to_sha}')
        if commits:
            boundary = self.shallow_boundary() & set(commits)
            if boundary:
                raise GitError(
                    f'the range reaches past this shallow clone\'s boundary '
                    f'(commit {sorted(boundary)[0][:12]}): its history is missing, so it '
                    'cannot be checked. Fetch it: `git fetch --unshallow` (GitHub Actions: '
                    '`fetch-depth: 0` in actions/checkout)',
                )
        return commits

    def commit_infos(self, commits: Sequence[str]) -> list[CommitInfo]:
        if not commits:
            return []
        fmt = '%H%x1f%P%x1f%an%x1f%ae%x1f%cn%x1f%ce%x1f%ct%x1f%B'
        proc = self.git('log', '--no-walk=unsorted', '-z', f'--format={fmt}',
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

    def commit_changes(self, commits: Sequence[str]) -> list[CommitChanges]:
        """What each commit adds: one `git diff-tree --stdin` for the whole list.

        A merge shows what it adds against all of its parents (`--cc`), so lines
        that came from one side are judged in the commit that wrote them.
        """
        if not commits:
            return []
        # Each commit's section starts with a header carrying a random nonce: the
        # diff itself is attacker-controlled text, so a header that any file
        # could contain (a bare commit id between NULs) could hide a commit.
        nonce = os.urandom(16).hex()
        marker = f'\0cw-{nonce} '.encode()
        proc = self.git(*_CONFIG_OPTS, 'diff-tree', '--stdin', '--root', '--cc',
                        '-r', *_DIFF_OPTS, f'--format=%x00cw-{nonce} %H%x00',
                        stdin='\n'.join(commits).encode() + b'\n')
        found: dict[str, list[FileChange]] = {}
        for section in proc.stdout.split(marker)[1:]:
            sha, _, rest = section.partition(b'\0')
            body = rest.lstrip(b'\0\n')
            found[sha.decode()] = parse_diff(body) if body else []
        return [CommitChanges(c, tuple(found.get(c, ()))) for c in commits]

    # --- the index and trees ---------------------------------------------

    def staged_changes(self, paths: Sequence[str] | None = None) -> list[FileChange]:
        """What the index adds against HEAD (or against nothing in an empty repo)."""
        base = 'HEAD' if self.head() else EMPTY_TREE
        spec = ('--', *paths) if paths else ()
        proc = self.git(*_CONFIG_OPTS, '--literal-pathspecs', 'diff-index', '--cached',
                        '-r', *_DIFF_OPTS, base, *spec)
        return parse_diff(proc.stdout)

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
