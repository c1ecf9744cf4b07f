"""The repository hooks ask about (`Repo`): refs, commits, ranges, index, trees, blobs, config.

Each question is one batched git call (hooks.gitproc) with NUL-separated output; what
commits and the index change is answered by hooks.changes, and what a commit says
(`CommitInfo`) by hooks.commits, each loaded on the first ask.
Paths are `str` decoded with `os.fsdecode` (surrogateescape), so any byte sequence a
file name holds round-trips back to git through `os.fsencode`.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from typing import NamedTuple

from hooks.errors import GitError
from hooks.errors import ShallowError
from hooks.gitproc import CatFile
from hooks.gitproc import empty_tree_id
from hooks.gitproc import repo_dirs
from hooks.gitproc import run_git
from hooks.gitproc import stream_git

if TYPE_CHECKING:
    from hooks.commits import CommitInfo
    from hooks.diff import CommitChanges
    from hooks.diff import DiffLine
    from hooks.diff import FileChange


def is_first_push(from_ref: str, to_ref: str, env: Mapping[str, str]) -> bool:
    """At pre-push: whether pre-commit's FROM..TO is its guess for a push whose
    remote branch it could not find.

    On a push that creates a branch (or whose remote tip is not here),
    pre-commit passes the parent of the oldest commit `--remotes=<remote>` lacks
    as FROM. Through a merge, FROM..TO then reaches commits the remote already
    has (the other side of a merge from origin/main); the pushed commits are
    exactly those no remote-tracking ref has.
    """
    remote, branch = env.get('PRE_COMMIT_REMOTE_NAME'), env.get('PRE_COMMIT_REMOTE_BRANCH')
    if not (remote and branch) or is_null(from_ref):
        return False
    repo = Repo.discover()
    from_sha = repo.resolve(from_ref)
    to_sha = repo.resolve(to_ref)
    if from_sha is None or to_sha is None:
        return False
    short = branch.removeprefix('refs/heads/')
    if repo.resolve(f'refs/remotes/{remote}/{short}') == from_sha:
        return False  # FROM is the remote branch's tip: an ordinary push
    new = repo.rev_list('--topo-order', '--reverse', to_sha, '--not', f'--remotes={remote}')
    if not new:
        return False
    first = repo.commit_infos(new[:1])[0]
    return bool(first.parents) and first.parents[0] == from_sha


def is_null(ref: str) -> bool:
    """pre-commit and git use an all-zero object id for 'no commit' (a new branch)."""
    return bool(ref) and set(ref) == {'0'}


def _entries(out: bytes) -> Iterator[tuple[list[str], str]]:
    """The fields before the tab, and the path, of each `ls-files -s -z` or `ls-tree -z` record."""
    for rec in out.split(b'\0'):
        if rec:
            meta, path = rec.split(b'\t', 1)
            yield meta.decode().split(), os.fsdecode(path)


class Repo(NamedTuple):
    root: Path  # the work tree's top level
    git_dir: Path  # this work tree's git dir (differs from common_dir in a linked worktree)
    common_dir: Path  # shared by all worktrees: refs, objects, our cache

    @classmethod
    def discover(cls, path: str | os.PathLike[str] | None = None) -> Repo:
        """The repository whose work tree holds `path` (default: here)."""
        return cls(*repo_dirs(path))

    @property
    def empty_tree(self) -> str:
        """The empty tree's id in this repository's object format (SHA-1 or SHA-256)."""
        return empty_tree_id(self.root)

    @property
    def state_dir(self) -> Path:
        """Where commit-warden keeps its cache and audit log (shared by worktrees)."""
        return self.common_dir / 'commit-warden'

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        ok: Iterable[int] = (0,),
    ) -> subprocess.CompletedProcess[bytes]:
        return run_git(*args, cwd=self.root, stdin=stdin, ok=ok)

    def out(self, *args: str, ok: Iterable[int] = (0,)) -> str:
        return self.git(*args, ok=ok).stdout.decode('utf-8', 'surrogateescape').strip()

    def cat_file(self) -> CatFile:
        return CatFile(self.root)

    # --- refs and commits -------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The commit id `ref` names, or None if it names no commit."""
        proc = self.git(
            'rev-parse', '-q', '--verify', '--end-of-options', f'{ref}^{{commit}}', ok=(0, 1, 128)
        )
        return proc.stdout.decode().strip() or None if proc.returncode == 0 else None

    def require(self, ref: str) -> str:
        sha = self.resolve(ref)
        if sha is None:
            if self.is_shallow():
                raise ShallowError(
                    f'{ref!r} does not name a commit in this shallow clone',
                    'Fetch the history: `git fetch --unshallow`',
                )
            raise GitError(
                f'{ref!r} does not name a commit in this repository; '
                'fetch it first, e.g. `git fetch origin`'
            )
        return sha

    def require_all(self, *refs: str) -> list[str]:
        """The commit ids of several refs in one git call (errors as `require`)."""
        specs = [f'{r}^{{commit}}' for r in refs]
        proc = (
            self.git('rev-parse', '-q', '--verify', '--end-of-options', *specs[:1], ok=(0, 1, 128))
            if len(refs) == 1
            else self.git('rev-parse', '--end-of-options', *specs, ok=(0, 1, 128))
        )
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
            return head[len('ref: refs/heads/') :].strip() or None
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

    def commits_in_range(
        self, from_ref: str | None, to_ref: str, exclude: Sequence[str] | None = None
    ) -> list[str]:
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
            commits = self.rev_list(
                '--reverse', '--topo-order', to_sha, *(('--not', *bottoms) if bottoms else ())
            )
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
                f"the range reaches past this shallow clone's boundary "
                f'(commit {sorted(boundary)[0][:12]}): its history is missing, so it '
                'cannot be checked',
                'Fetch it: `git fetch --unshallow` (GitHub Actions: '
                '`fetch-depth: 0` in actions/checkout; GitLab CI: `GIT_DEPTH: 0`)',
            )

    def remote_branches(self) -> dict[str, str]:
        """refs/remotes/* branch name -> commit, symbolic refs (origin/HEAD) left out."""
        proc = self.git(
            'for-each-ref', '--format=%(objectname) %(symref) %(refname)', 'refs/remotes/'
        )
        out = {}
        for line in proc.stdout.decode('utf-8', 'surrogateescape').splitlines():
            sha, symref, name = line.split(' ', 2)
            if not symref:
                out[name] = sha
        return out

    def commit_infos(self, commits: Sequence[str]) -> list[CommitInfo]:
        """Each commit's ids, people, time and message, in one `git log`
        (`commits.commit_infos`)."""
        from hooks.commits import commit_infos

        return commit_infos(self, commits)

    # --- what commits and the index change (hooks.changes) -----------------
    # The diff parser is imported here, on the first question: a hook that asks
    # none (check-signatures) never loads it.

    def commit_changes(
        self,
        commits: Sequence[str],
        big_file_bytes: int | None = None,
    ) -> list[CommitChanges]:
        """What each commit adds, from one `git diff-tree --stdin` (`changes.commit_changes`)."""
        from hooks.changes import commit_changes

        return commit_changes(self, commits, big_file_bytes)

    def staged_changes(
        self, paths: Sequence[str] | None = None, big_file_bytes: int | None = None
    ) -> list[FileChange]:
        """What the index adds against `staged_base` (`changes.staged_changes`)."""
        from hooks.changes import staged_changes

        return staged_changes(self, paths, big_file_bytes)

    def staged_base(self) -> str:
        """What the index is compared with: HEAD, or the empty tree before the first commit."""
        return 'HEAD' if self.head() else self.empty_tree

    def patch_lines(
        self,
        path: str,
        base: str,
        commit: str | None = None,
    ) -> Iterator[DiffLine]:
        """One file's added and context lines from `base` to `commit` (None: to the
        index), read as a stream (`changes.patch_lines`)."""
        from hooks.changes import patch_lines

        return patch_lines(self, path, base, commit)

    # --- the index and trees ---------------------------------------------

    def ls_stages(self, paths: Sequence[str]) -> dict[str, dict[int, tuple[str, str]]]:
        """path -> {stage: (mode, oid)} for index entries, conflict stages included."""
        proc = self.git('--literal-pathspecs', 'ls-files', '-s', '-z', '--', *paths)
        entries: dict[str, dict[int, tuple[str, str]]] = {}
        for (mode, oid, stage), path in _entries(proc.stdout):
            entries.setdefault(path, {})[int(stage)] = (mode, oid)
        return entries

    def ls_files(self, paths: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        """path -> (mode, oid) for index entries (stage 0; of a conflict, the 'ours'
        stage, or the first one there is)."""
        return {
            path: stages.get(0) or stages.get(2) or next(iter(stages.values()))
            for path, stages in self.ls_stages(paths or ()).items()
        }

    def ls_tree(self, ref: str, paths: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        """path -> (mode, oid) for blobs in `ref`'s tree."""
        spec = ('--', *paths) if paths else ()
        proc = self.git(
            '--literal-pathspecs',
            'ls-tree',
            '-r',
            '-z',
            '--full-tree',
            '--end-of-options',
            ref,
            *spec,
            ok=(0, 128),
        )
        if proc.returncode != 0:
            raise GitError(f'{ref!r} does not name a tree in this repository; fetch it first')
        return {path: (mode, oid) for (mode, _type, oid), path in _entries(proc.stdout)}

    def read_blobs(self, oids: Iterable[str]) -> Iterator[tuple[str, bytes]]:
        with self.cat_file() as cat:
            for oid in oids:
                got = cat.read(oid)
                if got is not None and got[1] == 'blob':
                    yield oid, got[2]

    def read_blobs_upto(
        self,
        oids: Iterable[str],
        limit: int,
        head: int,
    ) -> Iterator[tuple[str, int, bytes]]:
        """(oid, size, content) of each blob that exists, one at a time; of a blob
        bigger than `limit`, only its first `head` bytes (`CatFile.read_upto`)."""
        with self.cat_file() as cat:
            for oid in oids:
                got = cat.read_upto(oid, limit, head)
                if got is not None and got[1] == 'blob':
                    yield oid, got[2], got[3]

    def stream_blob(self, oid: str) -> Iterator[bytes]:
        """A blob's content as a stream (`gitproc.stream_git`)."""
        return stream_git('cat-file', 'blob', oid, cwd=self.root)

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
        proc = self.git(
            '--literal-pathspecs',
            'diff',
            '--name-only',
            '-z',
            '--no-renames',
            '--no-relative',
            '--end-of-options',
            a,
            b,
        )
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
