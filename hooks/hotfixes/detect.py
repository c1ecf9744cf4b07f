"""Which commits are hotfixes, and whether they are documented: the commit being
made (commit-msg: its message, branch and staged changes) and every commit of a
range (pre-push, CI), since commit-msg never runs for cherry-pick or rebase."""

from __future__ import annotations

import os

from hooks.config import HotfixesConfig
from hooks.findings import Finding
from hooks.git import Repo
from hooks.git import is_null
from hooks.hook import Context
from hooks.hook import Range
from hooks.hotfixes.judge import Records
from hooks.hotfixes.judge import judge
from hooks.hotfixes.policy import Candidate
from hooks.hotfixes.policy import Policy
from hooks.hotfixes.policy import branch_role
from hooks.hotfixes.policy import hotfix_reasons
from hooks.hotfixes.policy import remotes
from hooks.hotfixes.policy import short_branch
from hooks.hotfixes.records import RecordFile
from hooks.hotfixes.records import parse_record
from hooks.hotfixes.records import records_at
from hooks.message import clean_message
from hooks.message import comment_setting
from hooks.message import message_comment
from hooks.message import read_message_file


def check_message(
    repo: Repo,
    config: HotfixesConfig,
    *,
    message_path: str,
) -> tuple[list[Finding], list[str]]:
    """Judge the commit being made: its message, branch and staged changes."""
    policy = Policy.of(config)
    notes: list[str] = []
    message = clean_message(read_message_file(message_path), message_comment(comment_setting(repo)))
    if not message:
        return [], notes  # git aborts a commit with an empty message itself
    if (repo.git_dir / 'MERGE_HEAD').exists():
        notes.append(
            'a merge: the commits it joins are judged one by one; pre-push and CI '
            'judge what the merge itself changes'
        )
        return [], notes
    branch = repo.current_branch()
    if branch is None:
        notes.append(
            'HEAD is detached: no branch to judge by, so this commit counts as a '
            'hotfix only by its message marker or hotfixes.production_paths'
        )
    staged = repo.staged_changes()
    reasons = hotfix_reasons(
        policy, message=message, paths=[c.path for c in staged], branch=branch, target=None
    )
    if not reasons:
        return [], notes
    changed = {c.path for c in staged if policy.is_record(c.path) and c.status != 'D'}
    earlier = _unpushed_record_paths(repo, policy) - changed
    index = repo.ls_files([policy.record_dir] if policy.record_dir else None)
    entries = {p: e for p, e in index.items() if policy.is_record(p) and e[0] != '160000'}
    blobs = dict(repo.read_blobs({oid for _, oid in entries.values()}))
    existing = {p: parse_record(p, blobs.get(oid, b'')) for p, (_, oid) in entries.items()}
    before = (
        records_at(repo, policy, 'HEAD')
        if reasons and Candidate(None, message, reasons).derived_from and repo.head()
        else {}
    )
    records = Records(
        changed={p: existing[p] for p in changed if p in existing},
        existing=existing,
        earlier={p: existing[p] for p in earlier if p in existing},
        before=before,
        scope='this commit',
    )
    rel = os.path.relpath(message_path, repo.root).replace(os.sep, '/')
    return judge(policy, [Candidate(None, message, reasons)], records, message_path=rel), notes


def _unpushed_record_paths(repo: Repo, policy: Policy) -> set[str]:
    """Records changed by the branch's commits that no remote-tracking ref has yet:
    with the commit being made, they are what the next push will carry."""
    if repo.head() is None:
        return set()
    spec = (policy.record_dir,) if policy.record_dir else ()
    proc = repo.git(
        '--literal-pathspecs',
        'log',
        '--no-renames',
        '--format=',
        '--name-status',
        '-z',
        'HEAD',
        '--not',
        '--remotes',
        '--',
        *spec,
    )
    parts = proc.stdout.split(b'\0')
    out: set[str] = set()
    i = 0
    while i + 1 < len(parts):
        status = parts[i].decode().strip()
        if not status:
            i += 1
            continue
        path = os.fsdecode(parts[i + 1])
        if status[:1] != 'D' and policy.is_record(path):
            out.add(path)
        i += 2
    return out


def _mainline_ref(repo: Repo, mainline: str, remote: str | None) -> str | None:
    """The mainline as shared (remote-tracking) if we have it, else the local branch."""
    names = [f'refs/remotes/{r}/{mainline}' for r in dict.fromkeys((remote or 'origin',))]
    names += [f'refs/heads/{mainline}', mainline]
    for name in names:
        sha = repo.resolve(name)
        if sha:
            return sha
    return None


def check_range(
    repo: Repo,
    config: HotfixesConfig,
    *,
    rng: Range,
    source: str | None,
    target: str | None,
) -> tuple[list[Finding], list[str]]:
    """Judge every commit of a range (pre-push, CI): messages, branches and records."""
    policy = Policy.of(config)
    notes: list[str] = []
    commits = repo.commits_in_range(rng.from_ref, rng.to_ref, rng.exclude)
    to_sha = repo.require(rng.to_ref)
    findings: list[Finding] = []
    names = remotes(repo)
    source_name = short_branch(source, names) if source else None
    target_name = short_branch(target, names) if target else None
    target_role = branch_role(config, target_name) if target_name else None

    if target_role == 'production' and rng.from_ref and not is_null(rng.from_ref):
        findings.extend(_dropped_hotfixes(repo, policy, rng.from_ref, to_sha, target_name))
    if not commits:
        return findings, notes

    on_mainline: set[str] = set()
    branch_roles = {branch_role(config, n) for n in (source_name, target_name) if n}
    if branch_roles - {None}:
        main_sha = _mainline_ref(repo, config.mainline, rng.remote)
        if main_sha is None:
            notes.append(
                f'mainline {config.mainline!r} is not in this repository, so commits '
                'already released from it could not be told apart from hotfixes; '
                f'fetch it: `git fetch origin {config.mainline}`'
            )
        else:
            exclude = (
                [repo.require(rng.from_ref)]
                if rng.from_ref and not is_null(rng.from_ref)
                else ([] if rng.exclude is not None else ['--remotes'])
            )
            off = set(repo.rev_list(to_sha, '--not', main_sha, *exclude, *(rng.exclude or ())))
            on_mainline = set(commits) - off

    infos = {i.commit: i for i in repo.commit_infos(commits)}
    changes = {c.commit: c for c in repo.commit_changes(commits)}
    candidates = []
    changed_at: dict[str, str] = {}
    deleted_by: dict[str, str] = {}
    for commit in commits:
        info = infos[commit]
        files = changes[commit].files
        for f in files:
            if policy.is_record(f.path):
                if f.status == 'D':
                    deleted_by[f.path] = commit
                else:
                    changed_at[f.path] = commit
        if info.is_merge and not files:
            continue  # joins histories only: the commits it joins are judged
        reasons = hotfix_reasons(
            policy,
            message=info.message,
            paths=[f.path for f in files],
            branch=source_name,
            target=target_name,
            branch_counts=commit not in on_mainline,
        )
        if reasons:
            candidates.append(Candidate(commit, info.message.strip(), reasons))
    if not candidates:
        return findings, notes
    existing = records_at(repo, policy, to_sha)
    before: dict[str, RecordFile] = {}
    for cand in candidates:
        parents = infos[cand.commit or ''].parents
        if cand.derived_from and parents:
            for path, rec in records_at(repo, policy, parents[0]).items():
                before.setdefault(path, rec)
    records = Records(
        changed={p: existing[p] for p in changed_at if p in existing},
        existing=existing,
        deleted_by={p: c for p, c in deleted_by.items() if p not in existing},
        before=before,
        scope='the range',
    )
    findings.extend(judge(policy, candidates, records))
    return findings, notes


def _dropped_hotfixes(
    repo: Repo,
    policy: Policy,
    old: str,
    new: str,
    target: str | None,
) -> list[Finding]:
    """A push that rewrites production must not drop a commit the new tip lacks."""
    old_sha = repo.resolve(old)
    if old_sha is None or repo.is_ancestor(old_sha, new):
        return []
    # The backport guard's machinery loads only for a push that rewrites production.
    from hooks.hotfixes.backport import backport_status
    from hooks.hotfixes.backport import ticket_text
    from hooks.hotfixes.backport import unported

    statuses = backport_status(repo, policy.config, production=old_sha, mainline=new)
    return [
        unported(
            s,
            f'this push rewrites {target} and drops hotfix {s.commit[:12]} '
            f'{ticket_text(s)}"{s.subject}": the new tip does not contain it\n'
            f'keep it: `git cherry-pick -x {s.commit}` onto what you push, or '
            'push without rewriting (no --force)',
        )
        for s in statuses
        if not s.ported
    ]


def source_branch(ctx: Context) -> str | None:
    """The branch the commits come from: as named (pre-commit, the CI, the option),
    else the branch being pushed or checked out."""
    named = ctx.source_branch
    if named and named != 'HEAD':
        return named
    rng = ctx.range
    if rng is None or rng.to_ref == 'HEAD':
        return ctx.repo.current_branch()
    if ctx.repo.resolve(f'refs/heads/{rng.to_ref}'):
        return rng.to_ref
    return None


def release_guard(ctx: Context) -> list[Finding]:
    """CI: a pull request into production from a branch that is not a hotfix branch
    is a release, and would overwrite every hotfix its head does not carry."""
    config = ctx.config.hotfixes
    names = remotes(ctx.repo)
    target = short_branch(ctx.target_branch, names) if ctx.target_branch else None
    source = short_branch(ctx.source_branch, names) if ctx.source_branch else None
    if (
        ctx.target_ref is None
        or ctx.range is None
        or target is None
        or branch_role(config, target) != 'production'
        or (source and branch_role(config, source) == 'hotfix')
    ):
        return []
    from hooks.hotfixes.backport import backport_guard

    return backport_guard(
        ctx.repo,
        config,
        head=ctx.repo.require(ctx.range.to_ref),
        target_ref=ctx.target_ref,
        target=target,
        source=source,
    )
