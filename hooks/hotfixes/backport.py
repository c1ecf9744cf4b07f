"""The backport guard: every commit on production that the mainline lacks, and
whether it was ported (reachable, patch-identical, named by a trailer or by its
record), for `check-hotfixes --backport`, `hotfix backport-status` and CI."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from collections.abc import Sequence
from typing import NamedTuple

from hooks.config import HotfixesConfig
from hooks.errors import FatalError
from hooks.errors import GitError
from hooks.errors import ShallowError
from hooks.findings import Finding
from hooks.findings import redact
from hooks.git import Repo
from hooks.hotfixes import ID
from hooks.hotfixes.policy import Policy
from hooks.hotfixes.policy import ported_from
from hooks.hotfixes.policy import remotes
from hooks.hotfixes.policy import reverted_commit
from hooks.hotfixes.policy import short_branch
from hooks.hotfixes.records import RecordFile
from hooks.hotfixes.records import record_matches
from hooks.hotfixes.records import records_at
from hooks.hotfixes.records import text_of

_HEX = re.compile(r'\b[0-9a-f]{7,64}\b')


class HotfixStatus(NamedTuple):
    commit: str
    subject: str
    tickets: tuple[str, ...]
    how: str = ''  # reachability, patch-id, trailer, record, reverted; '' = not ported
    evidence: str = ''  # the mainline commit, the reverting commit
    record: str | None = None

    @property
    def ported(self) -> bool:
        return bool(self.how)

    @property
    def status(self) -> str:
        if self.how == 'reachability':
            return 'ported (reachability)'
        if self.how == 'record':
            return f'ported (record {self.record}: {self.evidence[:12]})'
        if self.how == 'reverted':
            return f'reverted on production ({self.evidence[:12]})'
        if self.how:
            return f'ported ({self.how}: {self.evidence[:12]})'
        return 'NOT PORTED'


def resolve_branch(repo: Repo, name: str, *, role: str, flag: str) -> str:
    """A branch's commit; a missing one is an error that says how to fetch it."""
    for ref in (f'refs/heads/{name}', name):
        sha = repo.resolve(ref)
        if sha is not None:
            return sha
    names = remotes(repo)
    short = short_branch(name, names)
    tracking = [f'{r}/{short}' for r in names if repo.resolve(f'refs/remotes/{r}/{short}')]
    if len(tracking) == 1:
        # A CI clone has origin/main but no local main: the shared branch is the one
        # that counts anyway.
        return repo.require(f'refs/remotes/{tracking[0]}')
    remote = names[0] if names else 'origin'
    advice = (
        f'fetch it: `git fetch {remote} {short}:{short}`, or use the remote-tracking '
        f'branch: `{flag} {remote}/{short}`'
    )
    if tracking:
        advice = f'{tracking[0]} exists here: pass `{flag} {tracking[0]}`, or {advice}'
    raise GitError(f'{role} branch {name!r} does not exist in this repository; {advice}')


def backport_status(
    repo: Repo,
    config: HotfixesConfig,
    *,
    production: str,
    mainline: str,
    since: str | None = None,
) -> list[HotfixStatus]:
    """Where each hotfix of `production` is relative to `mainline`, oldest first.

    The hotfixes are production's non-merge commits since it last took the mainline
    (the newest commit of the mainline's first-parent history it contains); those the
    mainline reaches are ported, the rest need a patch-identical copy, a trailer naming
    them, or their record naming the port.
    """
    policy = Policy.of(config)
    p_sha = resolve_branch(repo, production, role='production', flag='--production')
    m_sha = resolve_branch(repo, mainline, role='mainline', flag='--mainline')
    if repo.is_shallow():
        raise ShallowError(
            'this is a shallow clone: which commits the mainline has cannot '
            'be told without its history',
            'Fetch it: `git fetch --unshallow` '
            '(GitHub Actions: `fetch-depth: 0` in actions/checkout; GitLab CI: '
            '`GIT_DEPTH: 0`)',
        )
    limit = [f'^{repo.require(since)}'] if since else []
    chain = repo.rev_list('--first-parent', m_sha, '--not', p_sha)
    if not chain:
        cut: str | None = m_sha
    else:
        parents = repo.commit_infos([chain[-1]])[0].parents
        cut = parents[0] if parents else None
    listed = repo.rev_list(
        '--reverse', '--topo-order', '--no-merges', p_sha, *((f'^{cut}',) if cut else ()), *limit
    )
    at_risk = set(repo.rev_list('--no-merges', p_sha, f'^{m_sha}', *limit))
    infos = {i.commit: i for i in repo.commit_infos(listed)}
    found: dict[str, tuple[str, str]] = {
        c: ('reachability', '') for c in listed if c not in at_risk
    }
    pending = [c for c in listed if c in at_risk]

    # A hotfix reverted on production, with its revert, leaves nothing to port.
    for c in pending:
        target = reverted_commit(infos[c].message)
        match = _by_prefix(target, pending) if target else None
        if match and match not in found and c not in found:
            found[match] = ('reverted', c)
            found[c] = ('reverted', c)

    rest = [c for c in pending if c not in found]
    if rest:
        # A port is on the mainline after the point where it and the hotfixes parted:
        # search the mainline since the common ancestor of all of them, which (unlike
        # `git cherry`) still sees ports after the mainline was merged into production.
        base = repo.out('merge-base', '--octopus', m_sha, *rest, ok=(0, 1)).split()
        scope = [m_sha, *(f'^{b}' for b in base[:1])]
        for c, port in _patch_id_ports(repo, scope, rest).items():
            found.setdefault(c, ('patch-id', port))
        rest = [c for c in rest if c not in found]
        for c, port in _trailer_ports(repo, scope, rest).items():
            found.setdefault(c, ('trailer', port))
        rest = [c for c in rest if c not in found]

    # A port (or the hotfix itself) that the mainline has since reverted is not on
    # the mainline any more: the release would ship without the fix.
    release = repo.rev_list(m_sha, f'^{p_sha}')
    reverted_there = [
        t for i in repo.commit_infos(release) if (t := reverted_commit(i.message)) is not None
    ]
    for c, (how, evidence) in list(found.items()):
        port = c if how == 'reachability' else evidence
        if how in ('reachability', 'patch-id', 'trailer') and any(
            port.startswith(t) or t.startswith(port) for t in reverted_there
        ):
            del found[c]

    records = _all_records(repo, policy, (p_sha, m_sha))
    by_commit_record: dict[str, str] = {}
    for c in listed:
        tickets = policy.find_tickets(infos[c].message)
        recs = [r for r in records if tickets and record_matches(r, tickets)]
        if recs:
            by_commit_record[c] = recs[0].path
        if c in rest:
            for rec in recs:
                named = _record_port(repo, rec, c, m_sha)
                if named:
                    found[c] = ('record', named)
                    by_commit_record[c] = rec.path
                    break

    out = []
    for c in listed:
        info = infos[c]
        how, evidence = found.get(c, ('', ''))
        out.append(
            HotfixStatus(
                commit=c,
                subject=redact(info.subject),
                tickets=policy.find_tickets(info.message),
                how=how,
                evidence=evidence,
                record=by_commit_record.get(c),
            )
        )
    return out


def _by_prefix(prefix: str, commits: Iterable[str]) -> str | None:
    matches = [c for c in commits if c.startswith(prefix)]
    return matches[0] if len(matches) == 1 else None


def _trailer_ports(repo: Repo, scope: Sequence[str], commits: Sequence[str]) -> dict[str, str]:
    """hotfix -> the mainline commit whose trailer names it."""
    proc = repo.git(
        'log',
        '-z',
        '--format=%H%x1f%B',
        '-E',
        '-i',
        '--grep=cherry picked from commit|^backport-of:',
        *scope,
        '--',
    )
    out: dict[str, str] = {}
    for record in proc.stdout.split(b'\0'):
        if b'\x1f' not in record:
            continue
        sha, body = record.decode('utf-8', 'replace').split('\x1f', 1)
        for named in ported_from(body):
            match = _by_prefix(named, commits)
            if match:
                out.setdefault(match, sha.strip())
    return out


def _patch_ids(repo: Repo, commits: Sequence[str]) -> dict[str, str]:
    """commit -> patch id (`git patch-id --stable`, as `git cherry` compares)."""
    if not commits:
        return {}
    diff = repo.git(
        'diff-tree',
        '--stdin',
        '-r',
        '-p',
        '--root',
        '--binary',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        '--no-renames',
        stdin='\n'.join(commits).encode() + b'\n',
    ).stdout
    if not diff.strip():
        return {}
    ids = repo.git('patch-id', '--stable', stdin=diff).stdout.decode().split('\n')
    out = {}
    for line in ids:
        parts = line.split()
        if len(parts) == 2:
            out[parts[1]] = parts[0]
    return out


def _patch_id_ports(repo: Repo, scope: Sequence[str], commits: Sequence[str]) -> dict[str, str]:
    """hotfix -> a patch-identical mainline commit.

    Unlike `git cherry`, the mainline side is not cut at the merge base, so a port
    stays visible after the mainline has been merged into production.
    """
    wanted = _patch_ids(repo, commits)
    if not wanted:
        return {}
    # Same patch id means the same paths: only mainline commits touching them can match.
    names = repo.git(
        'diff-tree',
        '--stdin',
        '-r',
        '--root',
        '--name-only',
        '-z',
        '--no-renames',
        '--no-commit-id',
        stdin='\n'.join(commits).encode() + b'\n',
    ).stdout
    touched = sorted({os.fsdecode(n) for n in names.split(b'\0') if n})
    spec = ('--', *touched) if touched and len(touched) <= 500 else ()
    mainline = (
        repo.git('--literal-pathspecs', 'rev-list', '--no-merges', *scope, *spec)
        .stdout.decode()
        .split()
    )
    theirs = _patch_ids(repo, mainline)
    by_id: dict[str, str] = {}
    for commit in reversed(mainline):  # oldest first: the first port wins
        by_id.setdefault(theirs.get(commit, ''), commit)
    by_id.pop('', None)
    return {c: by_id[pid] for c, pid in wanted.items() if pid in by_id}


def _all_records(repo: Repo, policy: Policy, refs: Sequence[str]) -> list[RecordFile]:
    return [
        rec
        for ref in refs
        for rec in records_at(repo, policy, ref).values()
        if rec.data is not None
    ]


def _record_port(repo: Repo, record: RecordFile, hotfix: str, mainline: str) -> str | None:
    """The mainline commit a record's `backport:` names as the port of `hotfix`."""
    assert record.data is not None
    value = text_of(record.data.get('backport'))
    for token in _HEX.findall(value.lower()):
        sha = repo.resolve(token)
        # The port is on the mainline and came after the hotfix, not before it.
        if (
            sha
            and sha != hotfix
            and repo.is_ancestor(sha, mainline)
            and not repo.is_ancestor(sha, hotfix)
        ):
            return sha
    return None


def ticket_text(s: HotfixStatus) -> str:
    return f'({redact(", ".join(s.tickets))}) ' if s.tickets else '(no ticket) '


def unported(s: HotfixStatus, message: str) -> Finding:
    return Finding(
        hook=ID,
        rule='unported-hotfix',
        severity='high',
        path=s.record or '',
        line=None,
        commit=s.commit,
        message=message,
    )


def unported_findings(
    statuses: Sequence[HotfixStatus],
    *,
    production: str,
    mainline: str,
) -> list[Finding]:
    return [
        unported(
            s,
            f'hotfix {s.commit[:12]} {ticket_text(s)}"{s.subject}" is on '
            f'{production} but not on {mainline}: the next release from '
            f'{mainline} would revert it\n'
            f'port it: `git switch {short_branch(mainline)} && git cherry-pick '
            f'-x {s.commit}`\n'
            'a port that had to change: add `Backport-of: '
            f"{s.commit}` to its message, or name it in the record's "
            '`backport:`',
        )
        for s in statuses
        if not s.ported
    ]


def format_status(statuses: Sequence[HotfixStatus], *, production: str, mainline: str) -> str:
    if not statuses:
        return f'no hotfixes: every commit on {production} is on {mainline}\n'
    rows = [('COMMIT', 'TICKET', 'STATUS', 'SUBJECT')]
    rows += [(s.commit[:12], ', '.join(s.tickets) or '-', s.status, s.subject) for s in statuses]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f'hotfixes on {production}, against {mainline}:']
    lines += ['  '.join(r[i].ljust(widths[i]) for i in range(3)) + '  ' + r[3] for r in rows]
    unported = [s for s in statuses if not s.ported]
    if unported:
        lines.append(
            f'{len(unported)} of {len(statuses)} hotfixes NOT PORTED; port each on {mainline}:'
        )
        lines += [f'  git cherry-pick -x {s.commit}' for s in unported]
    else:
        lines.append(f'all {len(statuses)} hotfixes are on {mainline}')
    return '\n'.join(lines) + '\n'


def backport_names(
    repo: Repo, config: HotfixesConfig, production: str | None, mainline: str | None
) -> tuple[str, str]:
    """The branches the guard compares: as named, else from the policy."""
    mainline = mainline or config.mainline
    if not production:
        plain = [b for b in config.production_branches if not any(c in b for c in '*?[')]
        production = next((b for b in plain if repo.resolve(f'refs/heads/{b}')), None) or next(
            (f'origin/{b}' for b in plain if repo.resolve(f'refs/remotes/origin/{b}')), None
        )
        if production is None:
            raise FatalError(
                'no production branch found (hotfixes.production_branches: '
                f'{", ".join(config.production_branches)}); name it: '
                '`--production origin/production`'
            )
    return production, mainline


def backport_guard(
    repo: Repo,
    config: HotfixesConfig,
    *,
    head: str,
    target_ref: str,
    target: str,
    source: str | None,
) -> list[Finding]:
    """A pull request into production from a branch that is not a hotfix branch is a
    release: it would overwrite every hotfix its head does not carry."""
    statuses = backport_status(repo, config, production=target_ref, mainline=head)
    return unported_findings(statuses, production=target, mainline=source or 'the pull request')
