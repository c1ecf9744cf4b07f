"""Which commits a CI event adds: the range `commit-warden ci` judges.

Every event resolves to the commits it adds, or fails (exit 2) naming the fix; it
never falls back to a range that happens to be empty.

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

import json
import os
import sys
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hooks.errors import FatalError
from hooks.errors import ShallowError
from hooks.git import Repo
from hooks.git import is_null
from hooks.gitproc import run_git
from hooks.runner import Range

PROG = 'commit-warden ci'

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


def _branch_name(ref: str | None) -> str | None:
    if not ref:
        return None
    for prefix in ('refs/heads/', 'refs/remotes/origin/', 'remotes/origin/', 'origin/'):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _github_event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get('GITHUB_EVENT_PATH')
    if not path:
        return {}
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return {}  # a FIFO would hang the read; the runner writes a regular file
        event = json.loads(Path(path).read_text(encoding='utf-8', errors='replace'))
    except (OSError, ValueError, RecursionError):  # nested too deep for json.loads
        return {}
    return event if isinstance(event, dict) else {}


def _dig(event: Mapping[str, Any], *keys: str) -> str | None:
    value: Any = event
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) and value else None


def _github_pr_head(repo: Repo, event: Mapping[str, Any], base: str) -> str | None:
    """The pull request's own head. actions/checkout checks out GitHub's test merge
    (refs/pull/N/merge), an unsigned merge commit nobody wrote: judging it would
    block every pull request."""
    sha = _dig(event, 'pull_request', 'head', 'sha')
    if sha and repo.resolve(sha):
        return sha
    head = repo.commit_infos([repo.require('HEAD')])[0]
    if len(head.parents) == 2 and head.parents[0] == repo.resolve(base):
        return head.parents[1]  # the test merge: the base's tip first, the PR's head second
    return None


def _say(text: str) -> None:
    print(f'{PROG}: {text}', file=sys.stderr)


def _ci(env: Mapping[str, str]) -> str | None:
    if env.get('GITHUB_ACTIONS'):
        return 'github'
    if env.get('GITLAB_CI') or any(
        k.startswith('CI_MERGE_REQUEST_') or k in ('CI_COMMIT_BEFORE_SHA', 'CI_PIPELINE_SOURCE')
        for k in env
    ):
        return 'gitlab'
    return None


def ci_fix(e: ShallowError, ci: str | None) -> str:
    """A shallow clone's error, with the fix in the terms of the CI it runs in."""
    return f'{e.what}. Fix: {FIXES[ci]}'


def current_ci(env: Mapping[str, str] | None = None) -> str | None:
    """'github', 'gitlab' or None (another CI, or none): whose terms a fix is in."""
    return _ci(os.environ if env is None else env)


def find_range(
    repo: Repo,
    *,
    base: str | None,
    head: str | None,
    target_branch: str | None = None,
    source_branch: str | None = None,
    env: Mapping[str, str] | None = None,
    say: Callable[[str], None] = _say,
) -> CiRange:
    """The range from the arguments or the CI's environment (see the module doc)."""
    env = os.environ if env is None else env
    ci = _ci(env)
    if base is not None:
        return _request(
            repo,
            repo.require(base),
            base,
            head or 'HEAD',
            target_branch or _branch_name(base),
            source_branch,
            ci,
        )
    if ci == 'github':
        return _github(repo, env, head, target_branch, source_branch, say)
    if ci == 'gitlab':
        return _gitlab(repo, env, head, target_branch, source_branch, say)
    raise FatalError(
        'cannot tell which commits to check: pass --base REF (the branch the '
        'pull request targets, e.g. --base origin/main)'
    )


def _github(
    repo: Repo,
    env: Mapping[str, str],
    head: str | None,
    target: str | None,
    source: str | None,
    say: Callable[[str], None],
) -> CiRange:
    event = _github_event(env)
    name = env.get('GITHUB_EVENT_NAME', '')
    if env.get('GITHUB_BASE_REF'):  # pull_request, pull_request_target
        branch = env['GITHUB_BASE_REF']
        base_ref = f'origin/{branch}'
        base_sha = repo.resolve(base_ref)
        if base_sha is None:
            raise FatalError(
                f"the pull request's target branch {branch!r} ({base_ref}) is not in this "
                'clone, so the pull request cannot be told apart from it. Fix: '
                f'{FIXES["github"]}, or fetch it: `git fetch origin {branch}`'
            )
        head_ref = head or _github_pr_head(repo, event, base_ref) or 'HEAD'
        return _request(
            repo,
            base_sha,
            base_ref,
            head_ref,
            target or branch,
            source or env.get('GITHUB_HEAD_REF'),
            'github',
        )
    if name == 'merge_group':
        base_sha = _dig(event, 'merge_group', 'base_sha')
        head_sha = _dig(event, 'merge_group', 'head_sha')
        if base_sha and head_sha:
            return _request(
                repo,
                repo.require(base_sha),
                base_sha,
                head or head_sha,
                target or _branch_name(_dig(event, 'merge_group', 'base_ref')),
                source,
                'github',
            )
    if name == 'push' or (not name and 'before' in event):
        ref = _dig(event, 'ref') or env.get('GITHUB_REF') or ''
        pushed_branch: str | None = None
        if ref.startswith('refs/heads/'):
            pushed_branch = _branch_name(ref)
        elif not ref and env.get('GITHUB_REF_TYPE', 'branch') == 'branch':
            pushed_branch = env.get('GITHUB_REF_NAME') or None
        pushed = [
            c['id']
            for c in event.get('commits') or ()
            if isinstance(c, dict) and isinstance(c.get('id'), str)
        ]
        if event.get('deleted') is True:
            say('the push deleted a branch: nothing to judge')
            head_sha = repo.require(head or 'HEAD')
            return CiRange(head_sha, head_sha, None, target or pushed_branch, source)
        return _push(
            repo,
            before=_dig(event, 'before'),
            head=head or 'HEAD',
            branch=pushed_branch,
            target=target or pushed_branch,
            source=source,
            pushed=pushed,
            ci='github',
            say=say,
        )
    raise FatalError(
        f'cannot tell which commits the GitHub event {name or "(unknown)"!r} adds: run '
        'commit-warden ci on pull_request and push events, or pass --base REF'
    )


def _gitlab(
    repo: Repo,
    env: Mapping[str, str],
    head: str | None,
    target: str | None,
    source: str | None,
    say: Callable[[str], None],
) -> CiRange:
    source_kind = env.get('CI_PIPELINE_SOURCE', '')
    if (
        env.get('CI_MERGE_REQUEST_DIFF_BASE_SHA')
        or env.get('CI_MERGE_REQUEST_IID')
        or source_kind == 'merge_request_event'
    ):
        branch = env.get('CI_MERGE_REQUEST_TARGET_BRANCH_NAME')
        # A merged-results pipeline checks out a merge nobody wrote; the request's
        # own head is the source branch's tip.
        mr_head = env.get('CI_MERGE_REQUEST_SOURCE_BRANCH_SHA')
        head_ref = head or (mr_head if mr_head and repo.resolve(mr_head) else 'HEAD')
        src = source or env.get('CI_MERGE_REQUEST_SOURCE_BRANCH_NAME')
        diff_base = env.get('CI_MERGE_REQUEST_DIFF_BASE_SHA')
        if diff_base and repo.resolve(diff_base):
            return _request(
                repo, repo.require(diff_base), diff_base, head_ref, target or branch, src, 'gitlab'
            )
        base_ref = f'origin/{branch}' if branch else None
        base_sha = repo.resolve(base_ref) if base_ref else None
        if base_ref is None or base_sha is None:
            missing = (
                ' and '.join(
                    f'{what} {value!r}'
                    for what, value in (
                        ('CI_MERGE_REQUEST_DIFF_BASE_SHA', diff_base),
                        ('target branch', base_ref),
                    )
                    if value
                )
                or 'CI_MERGE_REQUEST_DIFF_BASE_SHA'
            )
            raise FatalError(
                f"the merge request's base is not in this clone ({missing}), so the merge "
                f'request cannot be told apart from its target. Fix: {FIXES["gitlab"]}'
                + (f', or fetch it: `git fetch origin {branch}`' if branch else '')
            )
        return _request(repo, base_sha, base_ref, head_ref, target or branch, src, 'gitlab')
    if env.get('CI_COMMIT_BEFORE_SHA') and source_kind in ('', 'push'):
        branch = env.get('CI_COMMIT_BRANCH')
        return _push(
            repo,
            before=env['CI_COMMIT_BEFORE_SHA'],
            head=head or 'HEAD',
            branch=branch,
            target=target or branch,
            source=source,
            pushed=[],
            ci='gitlab',
            say=say,
        )
    raise FatalError(
        f'cannot tell which commits the GitLab pipeline ({source_kind or "unknown source"}) '
        'adds: run commit-warden ci in merge request and push pipelines, or pass --base REF'
    )


def _request(
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


def _push(
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
            return _push_range(
                repo, before, before_sha, head_sha, branch, target, source, pushed, ci, say
            )
        except ShallowError as e:
            if attempt == 2 or not _fetch(
                repo, 'the pushed commits reach past this shallow clone', _UNSHALLOW, say
            ):
                raise FatalError(ci_fix(e, ci)) from e
    raise AssertionError('unreachable')


def _push_range(
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
