"""Which CI runs `commit-warden ci` and what its event adds: GitHub's and GitLab's variables.

A pull request, merge request, merge queue or push is read from the CI's own
environment (and GitHub's event file) and handed to hooks.cirange, which resolves it
to commits; an event it cannot read is an error asking for `--base REF`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hooks.cirange import FIXES
from hooks.cirange import CiRange
from hooks.cirange import push_range
from hooks.cirange import request_range
from hooks.errors import FatalError
from hooks.git import Repo

PROG = 'commit-warden ci'


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
        return request_range(
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
        return request_range(
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
            return request_range(
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
        return push_range(
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
            return request_range(
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
        return request_range(repo, base_sha, base_ref, head_ref, target or branch, src, 'gitlab')
    if env.get('CI_COMMIT_BEFORE_SHA') and source_kind in ('', 'push'):
        branch = env.get('CI_COMMIT_BRANCH')
        return push_range(
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
