"""The commits a pull request or a push adds: the range `commit-warden ci` judges.

Every event (read from the CI's environment by hooks.cievents) resolves to the
commits it adds, or fails (exit 2) naming the fix; it never falls back to a range
that happens to be empty.

- a pull or merge request: `merge-base(target, head)..head`. A target that is not
  in the clone is an error naming it, never a substitute branch.
- a push: `before..after`. A force-push judges what neither the old tip nor any
  other branch has; a new branch (`before` all zeros) what no other branch has.
  When `before` is not in the clone (a shallow checkout, or a force-push that
  made it unreachable) it is fetched; if it cannot be had, a full clone judges
  the commits no other remote branch has, and a shallow one is an error with the
  CI's own fix (`fetch-depth: 0`, `GIT_DEPTH: 0`, `git fetch --unshallow`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from hooks.errors import FatalError
from hooks.errors import ShallowError
from hooks.git import Repo
from hooks.git import is_null
from hooks.gitproc import run_git
from hooks.runner import Range

# How to give the job the history it needs, per CI.
FIXES = {
    'github': 'set `fetch-depth: 0` in the actions/checkout step',
    'gitlab': "set `GIT_DEPTH: 0` in the job's variables",
    None: 'run `git fetch --unshallow` (or clone with the full history) before `commit-warden ci`',
}


@dataclass(frozen=True)
class CiRange:
    base: str  # the trusted policy lives here (merge base, old tip)
    head: str
    target_ref: str | None  # the target branch's tip (for the backport guard)
    target_branch: str | None  # e.g. 'production', for the hotfix rules
    source_branch: str | None  # the pull request's branch, when known
    # What is judged when it is not `base..head` (pushes): head minus `from_ref`
    # and minus `exclude`.
    from_ref: str | None = None
    exclude: tuple[str, ...] | None = None

    @property
    def range(self) -> Range:
        if self.exclude is None:
            return Range(self.from_ref or self.base, self.head)
        return Range(self.from_ref, self.head, exclude=self.exclude)


def ci_fix(e: ShallowError, ci: str | None) -> str:
    """A shallow clone's error, with the fix in the terms of the CI it runs in."""
    return f'{e.what}. Fix: {FIXES[ci]}'


def request_range(
    repo: Repo,
    base_sha: str,
    base_ref: str,
    head: str,
    target: str | None,
    source: str | None,
    ci: str | None,
) -> CiRange:
    """A pull or merge request: what the head has that the target lacks."""
    head_sha = repo.require(head)
    merge_base = repo.merge_base(base_sha, head_sha)
    if merge_base is None:
        hint = (
            f' This clone is shallow: fetch the history ({FIXES[ci]}).' if repo.is_shallow() else ''
        )
        raise FatalError(
            f'{base_ref} and {head} have no common ancestor, so the pull request '
            f'cannot be told apart from the target.{hint}'
        )
    return CiRange(merge_base, head_sha, base_sha, target, source)


# The whole history and every branch: a CI checkout often holds one branch at depth
# 1, and "what no other branch has" needs the other branches.
_UNSHALLOW = ('--unshallow', 'origin', '+refs/heads/*:refs/remotes/origin/*')


def _fetch(repo: Repo, why: str, args: Sequence[str], say: Callable[[str], None]) -> bool:
    """One fetch from origin, said out loud; False if there is no origin or it fails."""
    if 'origin' not in repo.out('remote').split():
        return False
    cmd = ('fetch', '--quiet', '--no-tags', *args)
    say(f'{why}; fetching it: git {" ".join(cmd)}')
    proc = run_git(
        *cmd, cwd=repo.root, ok=range(256), env={**os.environ, 'GIT_TERMINAL_PROMPT': '0'}
    )
    if proc.returncode != 0:
        say(f'git fetch failed: {proc.stderr.decode("utf-8", "replace").strip()[:300]}')
    return proc.returncode == 0


def _other_branches(repo: Repo, branch: str | None, pushed: Sequence[str]) -> tuple[str, ...]:
    """The tips of every remote branch but the pushed one, except those holding a
    commit the event says this push brought (pushed to two branches at once, each
    would otherwise leave the commit to the other)."""
    names = repo.remote_branches()
    if branch:
        names = {n: s for n, s in names.items() if n.split('/', 3)[-1] != branch}
    if pushed and names:
        known = [c for c in pushed if repo.resolve(c)]
        if known:
            args = [f'--contains={c}' for c in known]
            holding = set(
                repo.out('for-each-ref', '--format=%(refname)', *args, 'refs/remotes/').split()
            )
            names = {n: s for n, s in names.items() if n not in holding}
    return tuple(sorted(set(names.values())))


def push_range(
    repo: Repo,
    *,
    before: str | None,
    head: str,
    branch: str | None,
    target: str | None,
    source: str | None,
    pushed: Sequence[str],
    ci: str,
    say: Callable[[str], None],
) -> CiRange:
    head_sha = repo.require(head)
    before_sha = None
    if before and not is_null(before):
        before_sha = repo.resolve(before)
        if before_sha is None:
            why = f'the commit before the push ({before[:12]}) is not in this clone'
            if repo.is_shallow():
                _fetch(repo, why, _UNSHALLOW, say)
                before_sha = repo.resolve(before)
            if before_sha is None:
                _fetch(repo, why, ('origin', before), say)
                before_sha = repo.resolve(before)
    for attempt in (1, 2):
        try:
            return _resolved_push(
                repo, before, before_sha, head_sha, branch, target, source, pushed, ci, say
            )
        except ShallowError as e:
            if attempt == 2 or not _fetch(
                repo, 'the pushed commits reach past this shallow clone', _UNSHALLOW, say
            ):
                raise FatalError(ci_fix(e, ci)) from e
    raise AssertionError('unreachable')


def _resolved_push(
    repo: Repo,
    before: str | None,
    before_sha: str | None,
    head_sha: str,
    branch: str | None,
    target: str | None,
    source: str | None,
    pushed: Sequence[str],
    ci: str,
    say: Callable[[str], None],
) -> CiRange:
    if before_sha is not None and repo.is_ancestor(before_sha, head_sha):
        repo.commits_in_range(before_sha, head_sha)  # refuses a range past a shallow clone
        return CiRange(before_sha, head_sha, before_sha, target, source)
    if before_sha is None and before and not is_null(before) and repo.is_shallow():
        raise ShallowError(
            f'the commit before the push ({before[:12]}) is not in this '
            'shallow clone and could not be fetched'
        )
    others = _other_branches(repo, branch, pushed)
    commits = repo.commits_in_range(before_sha, head_sha, others)
    if before_sha is not None:
        say(
            f'a force-push: judging the {len(commits)} commits that neither the old tip '
            f'{before_sha[:12]} nor another branch has'
        )
        policy = before_sha
    else:
        what = (
            'a new branch'
            if not before or is_null(before)
            else f'the commit before the push ({before[:12]}) is gone (a force-push?)'
        )
        say(f'{what}: judging the {len(commits)} commits no other remote branch has')
        policy = _oldest_parent(repo, commits) or head_sha
    return CiRange(
        policy, head_sha, before_sha, target, source, from_ref=before_sha, exclude=others
    )


def _oldest_parent(repo: Repo, commits: Sequence[str]) -> str | None:
    """Where the judged commits start: the oldest one's first parent, which another
    branch already has (its policy is the one in force). None for a first push of
    a whole history: nothing older exists to trust."""
    if not commits:
        return None
    info = repo.commit_infos(commits[:1])[0]
    return info.parents[0] if info.parents else None
