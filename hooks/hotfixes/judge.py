"""Judging a hotfix's documentation: a ticket in the message, and a complete
record for that incident changed with it; each problem reported once."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import NamedTuple

from hooks.findings import Finding
from hooks.findings import redact
from hooks.hotfixes import ID
from hooks.hotfixes.policy import Candidate
from hooks.hotfixes.policy import Policy
from hooks.hotfixes.records import FIELD_HINTS
from hooks.hotfixes.records import RecordFile
from hooks.hotfixes.records import missing_fields
from hooks.hotfixes.records import record_matches


class Records(NamedTuple):
    """The records a change adds or updates, and every record its tree holds."""

    changed: Mapping[str, RecordFile]
    existing: Mapping[str, RecordFile]
    # Commit time: records changed by the branch's unpushed commits. They count for
    # the incident they name (an amend, a follow-up commit), never as a mismatch.
    earlier: Mapping[str, RecordFile] = {}
    # Records as they were before a revert or port: `git revert` of the commit that
    # added a record deletes it, yet the record is what documents the rollback.
    before: Mapping[str, RecordFile] = {}
    deleted_by: Mapping[str, str] = {}  # path -> commit (range)
    scope: str = 'this commit'  # how messages name the change


def judge(
    policy: Policy,
    candidates: Sequence[Candidate],
    records: Records,
    *,
    message_path: str = '',
) -> list[Finding]:
    """The documentation findings for hotfix commits; each problem is reported once."""
    conf = policy.config
    findings: list[Finding] = []
    seen: set[tuple[str, ...]] = set()

    def add(key: tuple[str, ...], finding: Finding) -> None:
        if key not in seen:
            seen.add(key)
            findings.append(finding)

    for cand in candidates:
        tickets = policy.find_tickets(cand.message)
        why = '; '.join(cand.reasons)
        example = tickets[0] if tickets else 'INC-123'
        if conf.require_ticket and not tickets:
            subject = redact(cand.message.split('\n', 1)[0])
            add(
                ('missing-ticket', cand.commit or ''),
                Finding(
                    hook=ID,
                    rule='missing-ticket',
                    severity='high',
                    path=message_path,
                    line=None,
                    commit=cand.commit,
                    message=(
                        f'hotfix message references no ticket or incident ({why})\n'
                        f'reference it in the message, e.g. `hotfix: {example} '
                        f'{_strip_marker(policy, subject) or "what was fixed"}`; what counts: '
                        'hotfixes.ticket_patterns'
                        + (
                            ''
                            if cand.commit is None
                            else f'\nto reword this commit: `git rebase -i {cand.commit[:12]}^` '
                            '(mark it `reword`)'
                        )
                    ),
                ),
            )
        if not conf.require_record:
            continue
        findings_for = _record_findings(policy, cand, tickets, records, why)
        for key, finding in findings_for:
            add(key, finding)
    return findings


def _strip_marker(policy: Policy, subject: str) -> str:
    marker = policy.marker(subject)
    return subject.lstrip()[len(marker) :].strip() if marker else subject.strip()


def _record_findings(
    policy: Policy,
    cand: Candidate,
    tickets: tuple[str, ...],
    records: Records,
    why: str,
) -> list[tuple[tuple[str, ...], Finding]]:
    out: list[tuple[tuple[str, ...], Finding]] = []
    check_incident = 'incident' in policy.config.record_fields
    readable = {p: r for p, r in records.changed.items() if r.data is not None}
    for path, rec in records.changed.items():
        if rec.data is None:
            out.append(
                (
                    ('invalid-record', path),
                    Finding(
                        hook=ID,
                        rule='invalid-record',
                        severity='high',
                        path=path,
                        line=rec.error_line,
                        commit=cand.commit,
                        message=(
                            f'not a valid hotfix record: {rec.error}\n'
                            'see the skeleton `commit-warden hotfix new '
                            f'{tickets[0] if tickets else "INC-123"}` writes'
                        ),
                    ),
                )
            )
    if tickets and check_incident:
        matching = [r for r in readable.values() if record_matches(r, tickets)]
    else:
        matching = list(readable.values())
    if not matching and tickets and check_incident:
        matching = [
            r for r in records.earlier.values() if r.data is not None and record_matches(r, tickets)
        ]
    derived = cand.derived_from is not None
    if not matching and derived and tickets:
        # A revert or port may lean on the incident's record as it already is.
        matching = [
            r
            for r in (*records.existing.values(), *records.before.values())
            if r.data is not None and record_matches(r, tickets)
        ][:1]
    if not matching:
        # When the only records the change touches are unreadable, invalid-record
        # already says what to fix; "adds or updates nothing" would be wrong.
        if readable or not out:
            out.append(_no_record(policy, cand, tickets, records, readable, why, check_incident))
        return out
    for rec in matching:
        for name, empty in missing_fields(policy, rec):
            hint = FIELD_HINTS.get(name, 'fill it in')
            if empty is not None:
                text = f'hotfix record field `{name}` {empty}\nfill it in: `{name}:` {hint}'
            else:
                text = (
                    f'hotfix record is missing the required field `{name}`\n'
                    f'add `{name}: ...` to its front matter: {hint}'
                )
            out.append(
                (
                    ('incomplete-record', rec.path, name),
                    Finding(
                        hook=ID,
                        rule='incomplete-record',
                        severity='high',
                        path=rec.path,
                        line=rec.line_of(name) or 1,
                        commit=cand.commit,
                        message=text,
                    ),
                )
            )
    return out


def _no_record(
    policy: Policy,
    cand: Candidate,
    tickets: tuple[str, ...],
    records: Records,
    readable: Mapping[str, RecordFile],
    why: str,
    check_incident: bool,
) -> tuple[tuple[str, ...], Finding]:
    ticket = tickets[0] if tickets else None
    shown = ticket or '<ticket>'
    suggested = policy.record_path(shown)
    create = (
        f'create it: `commit-warden hotfix new {shown}`, fill it in, then '
        f'`git add {suggested}`'
        + (' and amend or add a commit to the range' if cand.commit else '')
    )
    if readable and tickets and check_incident:
        names = ', '.join(
            f'{p} (incident: {r.incident or "empty"})' for p, r in sorted(readable.items())
        )
        first = next(iter(sorted(readable)))
        return ('record-mismatch', ','.join(tickets)), Finding(
            hook=ID,
            rule='record-mismatch',
            severity='high',
            path=first,
            line=readable[first].line_of('incident') or 1,
            commit=cand.commit,
            message=(
                f'no hotfix record changed by {records.scope} is for '
                f'{" / ".join(tickets)}: {names}\n'
                'fix `incident:` in the record, or the ticket in the message; a new '
                f'incident needs its own record: {create}'
            ),
        )
    existing = [
        p
        for p, r in sorted(records.existing.items())
        if r.data is not None and tickets and record_matches(r, tickets)
    ]
    deleted = [p for p in sorted(records.deleted_by) if p not in records.existing]
    if existing:
        detail = (
            f'{existing[0]} exists but {records.scope} does not update it\n'
            'add what this change does to it (summary, rollback) and '
            f'`git add {existing[0]}`'
        )
    elif deleted:
        by = records.deleted_by[deleted[0]]
        detail = (
            f'{deleted[0]} was added but then deleted by commit {by[:12]}, so the '
            f'range ends without it\nrestore it: `git checkout {by[:12]}^ -- '
            f'{deleted[0]}` and commit it'
        )
    else:
        where = policy.record_dir or 'the repository root'
        detail = f'{records.scope} adds or updates nothing under {where}\n{create}'
    return ('missing-record', ticket or ''), Finding(
        hook=ID,
        rule='missing-record',
        severity='high',
        path=suggested if ticket else policy.record_dir.rstrip('/'),
        line=None,
        commit=cand.commit,
        message=f'hotfix {ticket or "without a ticket"} has no hotfix record ({why}): {detail}',
    )
