"""check-hotfixes: production hotfixes must carry a ticket and a hotfix record, and
must be ported back to the mainline before the next release overwrites them.

Modes (see DESIGN.md):

- commit-msg: the message file, the branch being committed on and the staged changes;
- range (pre-push, CI, --from/--to): every commit of the range, because the
  commit-msg hook never runs for cherry-pick, rebase or `revert --no-edit`;
- --backport: every commit on the production branch that the mainline lacks.

Decisions worth knowing (also in the README):

- The record requirement is "added or updated by this change": at commit time the
  staged changes *and* the branch's unpushed commits (so the commit judges what the
  next push will, and `git commit --amend` of a documented hotfix passes); in range
  mode any commit of the range, as the record is at the end of the range (a record
  deleted later in the range documents nothing).
- `backport:` is a required key whose value may be `pending` until the fix is on
  the mainline; once ported it names the port's commit, which the backport guard
  accepts as evidence for ports that `git cherry` cannot see (changed, squashed).
- Reverts (`This reverts commit X.`) and ports (`(cherry picked from commit X)`,
  `Backport-of: X`) still need a ticket, but may rely on the incident's existing
  record: rolling back is what the record's `rollback:` field already describes.
- Merge commits that only join histories are not judged themselves (their commits
  are); a merge with changes of its own is judged like any commit. The backport
  guard never asks to port a merge; it asks for the merge's non-merge parents.
- Commits already on the mainline are not hotfixes because of the branch they go
  to: pushing a release to production is not a hotfix.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import sys
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from hooks import config as cfg
from hooks.config import HotfixesConfig
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.errors import GitError
from hooks.findings import BLOCKED
from hooks.findings import PASS
from hooks.findings import USAGE
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import boundary
from hooks.findings import redact
from hooks.git import Repo
from hooks.git import is_null
from hooks.runner import PullRequest
from hooks.runner import Range
from hooks.runner import add_branch_args
from hooks.runner import add_common_args
from hooks.runner import add_range_args
from hooks.runner import finish
from hooks.runner import message_file
from hooks.runner import range_from
from hooks.userregex import UserRegex

HOOK = 'check-hotfixes'
PROG = 'commit-warden hotfix'

RULES: dict[str, Rule] = {r.id: r for r in (
    Rule('missing-ticket', HOOK, 'Hotfix without a ticket',
         'A production hotfix whose message references no ticket or incident, so nobody '
         'can later find out what changed in production, or why.',
         'Reference the incident in the message, e.g. `hotfix: INC-123 raise the pool size` '
         '(hotfixes.ticket_patterns says what counts as a reference).'),
    Rule('missing-record', HOOK, 'Hotfix without a hotfix record',
         'A production hotfix that adds or updates no hotfix record: what changed, why, '
         'how to roll it back, who approved it and where it was ported.',
         'Create the record with `commit-warden hotfix new INC-123`, fill it in and commit '
         'it with the fix.'),
    Rule('incomplete-record', HOOK, 'Incomplete hotfix record',
         'A hotfix record lacks a required field (hotfixes.record_fields), or leaves it empty.',
         'Fill in the field the message names in the record\'s front matter.'),
    Rule('record-mismatch', HOOK, 'Hotfix record for another incident',
         'The hotfix record changed with this hotfix names a different incident than the '
         'commit message.',
         'Fix the record\'s `incident:` or the message; a new incident needs its own record.'),
    Rule('invalid-record', HOOK, 'Unreadable hotfix record',
         'A file in the hotfix record directory is not a Markdown file with YAML front '
         'matter nor a YAML mapping, so it documents nothing.',
         'Start Markdown records with YAML front matter between `---` lines; '
         '`commit-warden hotfix new INC-123` writes a valid skeleton.'),
    Rule('unported-hotfix', HOOK, 'Hotfix not ported to the mainline',
         'A commit on the production branch that the mainline neither contains, nor holds '
         'a patch-identical copy of, nor names in a `(cherry picked from commit X)` or '
         '`Backport-of: X` trailer or a hotfix record: the next release would revert it.',
         'Port it onto the mainline with `git cherry-pick -x <sha>`; for a port that had to '
         'change, name the hotfix in a `Backport-of: <sha>` trailer or the port in the '
         'record\'s `backport:` field.'),
)}

# What each well-known record field should say; used in messages and the skeleton.
FIELD_HINTS: dict[str, str] = {
    'incident': 'the ticket or incident id the commit message references',
    'summary': 'what was changed in production, in a sentence or two',
    'root_cause': 'why production broke',
    'rollback': 'how to undo this hotfix (the exact command or steps)',
    'approved_by': 'who approved shipping it',
    'backport': '`pending` until ported, then the mainline commit that ports it',
}
# Values a skeleton or a hurried engineer leaves behind: present, but saying nothing.
_PLACEHOLDERS = frozenset(('todo', 'tbd', 'tba', 'fixme', 'xxx', '?', '...', '-', 'n/a?',
                           'fill in', 'fill me in'))
PENDING = 'pending'
_RECORD_EXTS = ('.md', '.markdown', '.yaml', '.yml')
_MD_EXTS = ('.md', '.markdown')
_REVERT = re.compile(r'^This reverts commit ([0-9a-f]{7,64})\b', re.M)
_CHERRY = re.compile(r'\(cherry picked from commit ([0-9a-f]{7,64})\)')
_BACKPORT_OF = re.compile(r'^Backport-of:[ \t]*([0-9a-f]{7,64})\b', re.M | re.I)
_HEX = re.compile(r'\b[0-9a-f]{7,64}\b')
_SAFE_NAME = re.compile(r'[A-Za-z0-9#][A-Za-z0-9._#-]*')


# --- the policy, compiled once ------------------------------------------------


@dataclass(frozen=True)
class Policy:
    config: HotfixesConfig
    tickets: tuple[UserRegex, ...]
    record_dir: str    # repository-relative, '/'-separated, ending in '/'

    @classmethod
    def of(cls, config: HotfixesConfig) -> Policy:
        record_dir = config.record_dir.replace(os.sep, '/').strip('/')
        record_dir = '' if record_dir in ('', '.') else record_dir + '/'
        return cls(config, tuple(UserRegex.compile(p) for p in config.ticket_patterns),
                   record_dir)

    def find_tickets(self, message: str) -> tuple[str, ...]:
        """Every ticket reference in a message, in order of appearance, once each."""
        found: list[tuple[int, str]] = []
        for pattern in self.tickets:
            found.extend((m.start(), m.group(0)) for m in pattern.finditer(message))
        out: list[str] = []
        for _, ticket in sorted(found):
            if ticket not in out:
                out.append(ticket)
        return tuple(out)

    def marker(self, message: str) -> str | None:
        head = message.lstrip().lower()
        for marker in self.config.markers:
            if head.startswith(marker.lower()):
                return marker
        return None

    def is_record(self, path: str) -> bool:
        if not path.startswith(self.record_dir):
            return False
        name = path.rsplit('/', 1)[-1]
        # README.md, _template.md, .keep: documentation of the directory, not records.
        if name.startswith(('.', '_')) or name.lower().startswith('readme'):
            return False
        return name.lower().endswith(_RECORD_EXTS)

    def record_path(self, ticket: str) -> str:
        return f'{self.record_dir}{ticket}.md'

    def production_path(self, path: str) -> str | None:
        for glob in self.config.production_paths:
            if _path_matches(path, glob):
                return glob
        return None


def _path_matches(path: str, glob: str) -> bool:
    if glob.endswith('/'):
        return path.startswith(glob) or fnmatch.fnmatchcase(path, glob + '*')
    if fnmatch.fnmatchcase(path, glob):
        return True
    # As in .gitignore: a pattern without a slash matches a name at any depth.
    return '/' not in glob and fnmatch.fnmatchcase(path.rsplit('/', 1)[-1], glob)


def branch_role(config: HotfixesConfig, name: str) -> str | None:
    """'production' or 'hotfix' if a branch name matches the policy's globs."""
    for role, globs in (('production', config.production_branches),
                        ('hotfix', config.hotfix_branches)):
        if any(fnmatch.fnmatchcase(name, g) for g in globs):
            return role
    return None


def short_branch(name: str, remotes: Iterable[str] = ()) -> str:
    """refs/heads/x, refs/remotes/origin/x and origin/x all name branch x."""
    if name.startswith('refs/heads/'):
        return name[len('refs/heads/'):]
    if name.startswith('refs/remotes/'):
        return name[len('refs/remotes/'):].split('/', 1)[-1]
    for remote in remotes:
        if name.startswith(remote + '/'):
            return name[len(remote) + 1:]
    return name


# --- messages -----------------------------------------------------------------


def clean_message(text: str, comment_char: str = '#') -> str:
    """The message as git will store it: without comment lines or the `-v` diff.

    The commit-msg hook sees the file before git strips it.
    """
    lines = []
    scissors = f'{comment_char} ------------------------ >8 ------------------------'
    for line in text.split('\n'):
        if line == scissors:
            break
        if line.startswith(comment_char):
            continue
        lines.append(line)
    return '\n'.join(lines).strip()


def reverted_commit(message: str) -> str | None:
    m = _REVERT.search(message)
    return m.group(1) if m else None


def ported_from(message: str) -> list[str]:
    return [m.group(1) for m in (*_CHERRY.finditer(message), *_BACKPORT_OF.finditer(message))]


# --- records ------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFile:
    path: str
    data: Mapping[str, Any] | None   # None: unreadable, see `error`
    error: str | None = None
    error_line: int | None = None
    lines: Mapping[str, int] = field(default_factory=dict)   # top-level key -> line

    @property
    def incident(self) -> str:
        return _text(self.data.get('incident')) if self.data else ''

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)


def _text(value: Any) -> str:
    if value is None:
        return ''
    if isinstance(value, (list, tuple)):
        return ', '.join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str)
    return str(value).strip()


def parse_record(path: str, content: bytes) -> RecordFile:
    """A record: Markdown with YAML front matter, or a YAML file: plain values only
    (no tags, no anchors), since the change under review writes it."""
    try:
        text = content.decode('utf-8-sig')
    except UnicodeDecodeError:
        return RecordFile(path, None, 'the file is not UTF-8 text', 1)
    offset = 0
    if path.lower().endswith(_MD_EXTS):
        lines = text.split('\n')
        if not lines or lines[0].rstrip() != '---':
            return RecordFile(path, None, 'no YAML front matter: the file must start with a '
                              '`---` line, the fields, and another `---` line', 1)
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ('---', '...')),
                   None)
        if end is None:
            return RecordFile(path, None, 'the YAML front matter is not closed by a `---` '
                              'line', 1)
        text = '\n'.join(lines[1:end])
        offset = 1
    try:
        data = cfg.plain_yaml(text, path)
    except ConfigError as e:
        first = e.problems[0]
        return RecordFile(path, None, first.message, first.line + offset)
    if not isinstance(data, dict):
        kind = 'nothing' if data is None else type(data).__name__
        return RecordFile(path, None, f'expected a mapping of fields, got {kind}', 1 + offset)
    key_lines = {}
    for i, line in enumerate(text.split('\n')):
        m = re.match(r'([A-Za-z_][\w-]*)\s*:', line)
        if m and m.group(1) not in key_lines:
            key_lines[m.group(1)] = i + 1 + offset
    return RecordFile(path, {str(k): v for k, v in data.items()}, lines=key_lines)


def is_empty(value: Any) -> bool:
    text = _text(value)
    if not text:
        return True
    if text.lower() in _PLACEHOLDERS:
        return True
    return bool(re.fullmatch(r'<[^<>]*>', text))   # `<fill in>`, `<who approved>`


def missing_fields(policy: Policy, record: RecordFile) -> list[tuple[str, bool]]:
    """(field, present-but-empty) for each required field the record does not fill in."""
    assert record.data is not None
    out = []
    for name in policy.config.record_fields:
        if name not in record.data:
            out.append((name, False))
        elif is_empty(record.data[name]):
            out.append((name, True))
    return out


def ticket_in(ticket: str, text: str) -> bool:
    return re.search(rf'(?<![\w-]){re.escape(ticket)}(?![\w-])', text, re.I) is not None


def record_matches(record: RecordFile, tickets: Iterable[str]) -> bool:
    incident = record.incident
    return bool(incident) and any(ticket_in(t, incident) for t in tickets)


# --- which commits are hotfixes -------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One commit (or the commit being made) and why it counts as a hotfix."""

    commit: str | None
    message: str
    reasons: tuple[str, ...]

    @property
    def derived_from(self) -> str | None:
        """The commit this one reverts or ports, if its message says so."""
        reverted = reverted_commit(self.message)
        if reverted:
            return reverted
        ported = ported_from(self.message)
        return ported[0] if ported else None


def hotfix_reasons(
        policy: Policy, *, message: str, paths: Iterable[str],
        branch: str | None, target: str | None, branch_counts: bool = True,
) -> tuple[str, ...]:
    reasons = []
    if branch_counts:
        for what, name in (('on', branch), ('going to', target)):
            if name:
                role = branch_role(policy.config, name)
                if role:
                    reasons.append(f'{what} {role} branch {name}')
    marker = policy.marker(message)
    if marker:
        reasons.append(f'message starts with {marker!r}')
    for path in paths:
        glob = policy.production_path(path)
        if glob:
            reasons.append(f'touches {path} (production_paths: {glob})')
            break
    return tuple(dict.fromkeys(reasons))


# --- judging documentation ----------------------------------------------------


@dataclass(frozen=True)
class Records:
    """The records a change adds or updates, and every record its tree holds."""

    changed: Mapping[str, RecordFile]
    existing: Mapping[str, RecordFile]
    # Commit time: records changed by the branch's unpushed commits. They count for
    # the incident they name (an amend, a follow-up commit), never as a mismatch.
    earlier: Mapping[str, RecordFile] = field(default_factory=dict)
    # Records as they were before a revert or port: `git revert` of the commit that
    # added a record deletes it, yet the record is what documents the rollback.
    before: Mapping[str, RecordFile] = field(default_factory=dict)
    deleted_by: Mapping[str, str] = field(default_factory=dict)   # path -> commit (range)
    scope: str = 'this commit'         # how messages name the change


def judge(
        policy: Policy, candidates: Sequence[Candidate], records: Records,
        *, message_path: str = '',
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
            add(('missing-ticket', cand.commit or ''), Finding(
                hook=HOOK, rule='missing-ticket', severity='high', path=message_path,
                line=None, commit=cand.commit,
                message=(
                    f'hotfix message references no ticket or incident ({why})\n'
                    f'reference it in the message, e.g. `hotfix: {example} '
                    f'{_strip_marker(policy, subject) or "what was fixed"}`; what counts: '
                    'hotfixes.ticket_patterns'
                    + ('' if cand.commit is None else
                       f'\nto reword this commit: `git rebase -i {cand.commit[:12]}^` '
                       '(mark it `reword`)'))))
        if not conf.require_record:
            continue
        findings_for = _record_findings(policy, cand, tickets, records, why)
        for key, finding in findings_for:
            add(key, finding)
    return findings


def _strip_marker(policy: Policy, subject: str) -> str:
    marker = policy.marker(subject)
    return subject.lstrip()[len(marker):].strip() if marker else subject.strip()


def _record_findings(
        policy: Policy, cand: Candidate, tickets: tuple[str, ...], records: Records, why: str,
) -> list[tuple[tuple[str, ...], Finding]]:
    out: list[tuple[tuple[str, ...], Finding]] = []
    check_incident = 'incident' in policy.config.record_fields
    readable = {p: r for p, r in records.changed.items() if r.data is not None}
    for path, rec in records.changed.items():
        if rec.data is None:
            out.append((('invalid-record', path), Finding(
                hook=HOOK, rule='invalid-record', severity='high', path=path,
                line=rec.error_line, commit=cand.commit,
                message=(f'not a valid hotfix record: {rec.error}\n'
                         'see the skeleton `commit-warden hotfix new '
                         f'{tickets[0] if tickets else "INC-123"}` writes'))))
    if tickets and check_incident:
        matching = [r for r in readable.values() if record_matches(r, tickets)]
    else:
        matching = list(readable.values())
    if not matching and tickets and check_incident:
        matching = [r for r in records.earlier.values()
                    if r.data is not None and record_matches(r, tickets)]
    derived = cand.derived_from is not None
    if not matching and derived and tickets:
        # A revert or port may lean on the incident's record as it already is.
        matching = [r for r in (*records.existing.values(), *records.before.values())
                    if r.data is not None and record_matches(r, tickets)][:1]
    if not matching:
        # When the only records the change touches are unreadable, invalid-record
        # already says what to fix; "adds or updates nothing" would be wrong.
        if readable or not out:
            out.append(_no_record(policy, cand, tickets, records, readable, why,
                                  check_incident))
        return out
    for rec in matching:
        for name, empty in missing_fields(policy, rec):
            hint = FIELD_HINTS.get(name, 'fill it in')
            if empty:
                text = (f'hotfix record field `{name}` is empty\n'
                        f'fill it in: `{name}:` {hint}')
            else:
                text = (f'hotfix record is missing the required field `{name}`\n'
                        f'add `{name}: ...` to its front matter: {hint}')
            out.append((('incomplete-record', rec.path, name), Finding(
                hook=HOOK, rule='incomplete-record', severity='high', path=rec.path,
                line=rec.line_of(name) or 1, commit=cand.commit, message=text)))
    return out


def _no_record(
        policy: Policy, cand: Candidate, tickets: tuple[str, ...], records: Records,
        readable: Mapping[str, RecordFile], why: str, check_incident: bool,
) -> tuple[tuple[str, ...], Finding]:
    ticket = tickets[0] if tickets else None
    shown = ticket or '<ticket>'
    suggested = policy.record_path(shown)
    create = (f'create it: `commit-warden hotfix new {shown}`, fill it in, then '
              f'`git add {suggested}`' + (' and amend or add a commit to the range'
                                          if cand.commit else ''))
    if readable and tickets and check_incident:
        names = ', '.join(f'{p} (incident: {r.incident or "empty"})'
                          for p, r in sorted(readable.items()))
        first = next(iter(sorted(readable)))
        return ('record-mismatch', ','.join(tickets)), Finding(
            hook=HOOK, rule='record-mismatch', severity='high', path=first,
            line=readable[first].line_of('incident') or 1, commit=cand.commit,
            message=(f'no hotfix record changed by {records.scope} is for '
                     f'{" / ".join(tickets)}: {names}\n'
                     'fix `incident:` in the record, or the ticket in the message; a new '
                     f'incident needs its own record: {create}'))
    existing = [p for p, r in sorted(records.existing.items())
                if r.data is not None and tickets and record_matches(r, tickets)]
    deleted = [p for p in sorted(records.deleted_by) if p not in records.existing]
    if existing:
        detail = (f'{existing[0]} exists but {records.scope} does not update it\n'
                  'add what this change does to it (summary, rollback) and '
                  f'`git add {existing[0]}`')
    elif deleted:
        by = records.deleted_by[deleted[0]]
        detail = (f'{deleted[0]} was added but then deleted by commit {by[:12]}, so the '
                  f'range ends without it\nrestore it: `git checkout {by[:12]}^ -- '
                  f'{deleted[0]}` and commit it')
    else:
        where = policy.record_dir or 'the repository root'
        detail = f'{records.scope} adds or updates nothing under {where}\n{create}'
    return ('missing-record', ticket or ''), Finding(
        hook=HOOK, rule='missing-record', severity='high',
        path=suggested if ticket else policy.record_dir.rstrip('/'), line=None,
        commit=cand.commit,
        message=f'hotfix {ticket or "without a ticket"} has no hotfix record ({why}): {detail}')


# --- commit-msg mode ------------------------------------------------------------


def _comment_char(repo: Repo) -> str:
    value = repo.config_get('core.commentChar') or repo.config_get('core.commentString')
    return value if value and value != 'auto' else '#'


def check_message(
        repo: Repo, config: HotfixesConfig, *, message_path: str,
) -> tuple[list[Finding], list[str]]:
    """Judge the commit being made: its message, branch and staged changes."""
    policy = Policy.of(config)
    notes: list[str] = []
    try:
        with open(message_path, 'rb') as f:
            raw = f.read().decode('utf-8', 'replace')
    except OSError as e:
        raise FatalError(f'{message_path}: cannot read the commit message: {e.strerror}') from e
    message = clean_message(raw, _comment_char(repo))
    if not message:
        return [], notes   # git aborts a commit with an empty message itself
    if (repo.git_dir / 'MERGE_HEAD').exists():
        notes.append('a merge: the commits it joins are judged one by one; pre-push and CI '
                     'judge what the merge itself changes')
        return [], notes
    branch = repo.current_branch()
    if branch is None:
        notes.append('HEAD is detached: no branch to judge by, so this commit counts as a '
                     'hotfix only by its message marker or hotfixes.production_paths')
    staged = repo.staged_changes()
    reasons = hotfix_reasons(policy, message=message, paths=[c.path for c in staged],
                             branch=branch, target=None)
    if not reasons:
        return [], notes
    changed = {c.path for c in staged if policy.is_record(c.path) and c.status != 'D'}
    earlier = _unpushed_record_paths(repo, policy) - changed
    index = repo.ls_files([policy.record_dir] if policy.record_dir else None)
    entries = {p: e for p, e in index.items() if policy.is_record(p) and e[0] != '160000'}
    blobs = dict(repo.read_blobs({oid for _, oid in entries.values()}))
    existing = {p: parse_record(p, blobs.get(oid, b'')) for p, (_, oid) in entries.items()}
    before = _records_at(repo, policy, 'HEAD') if reasons and Candidate(
        None, message, reasons).derived_from and repo.head() else {}
    records = Records(
        changed={p: existing[p] for p in changed if p in existing}, existing=existing,
        earlier={p: existing[p] for p in earlier if p in existing}, before=before,
        scope='this commit')
    rel = os.path.relpath(message_path, repo.root).replace(os.sep, '/')
    return judge(policy, [Candidate(None, message, reasons)], records,
                 message_path=rel), notes


def _unpushed_record_paths(repo: Repo, policy: Policy) -> set[str]:
    """Records changed by the branch's commits that no remote-tracking ref has yet:
    with the commit being made, they are what the next push will carry."""
    if repo.head() is None:
        return set()
    spec = (policy.record_dir,) if policy.record_dir else ()
    proc = repo.git('--literal-pathspecs', 'log', '--no-renames', '--format=', '--name-status',
                    '-z', 'HEAD', '--not', '--remotes', '--', *spec)
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


# --- range mode -----------------------------------------------------------------


def _remotes(repo: Repo) -> list[str]:
    return repo.out('remote').split()


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
        repo: Repo, config: HotfixesConfig, *, rng: Range, source: str | None,
        target: str | None,
) -> tuple[list[Finding], list[str]]:
    """Judge every commit of a range (pre-push, CI): messages, branches and records."""
    policy = Policy.of(config)
    notes: list[str] = []
    commits = repo.commits_in_range(rng.from_ref, rng.to_ref, rng.exclude)
    to_sha = repo.require(rng.to_ref)
    findings: list[Finding] = []
    remotes = _remotes(repo)
    source_name = short_branch(source, remotes) if source else None
    target_name = short_branch(target, remotes) if target else None
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
            notes.append(f'mainline {config.mainline!r} is not in this repository, so commits '
                         'already released from it could not be told apart from hotfixes; '
                         f'fetch it: `git fetch origin {config.mainline}`')
        else:
            exclude = [repo.require(rng.from_ref)] if rng.from_ref and not is_null(
                rng.from_ref) else ([] if rng.exclude is not None else ['--remotes'])
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
            continue   # joins histories only: the commits it joins are judged
        reasons = hotfix_reasons(
            policy, message=info.message, paths=[f.path for f in files],
            branch=source_name, target=target_name, branch_counts=commit not in on_mainline)
        if reasons:
            candidates.append(Candidate(commit, info.message.strip(), reasons))
    if not candidates:
        return findings, notes
    existing = _records_at(repo, policy, to_sha)
    before: dict[str, RecordFile] = {}
    for cand in candidates:
        parents = infos[cand.commit or ''].parents
        if cand.derived_from and parents:
            for path, rec in _records_at(repo, policy, parents[0]).items():
                before.setdefault(path, rec)
    records = Records(
        changed={p: existing[p] for p in changed_at if p in existing}, existing=existing,
        deleted_by={p: c for p, c in deleted_by.items() if p not in existing},
        before=before, scope='the range')
    findings.extend(judge(policy, candidates, records))
    return findings, notes


def _records_at(repo: Repo, policy: Policy, ref: str) -> dict[str, RecordFile]:
    """Every record in `ref`'s tree, parsed (unreadable ones carry their error)."""
    tree = repo.ls_tree(ref, [policy.record_dir] if policy.record_dir else None)
    entries = {p: oid for p, (mode, oid) in tree.items()
               if policy.is_record(p) and mode != '160000'}
    blobs = dict(repo.read_blobs(set(entries.values())))
    return {p: parse_record(p, blobs.get(oid, b'')) for p, oid in sorted(entries.items())}


def _dropped_hotfixes(
        repo: Repo, policy: Policy, old: str, new: str, target: str | None,
) -> list[Finding]:
    """A push that rewrites production must not drop a commit the new tip lacks."""
    old_sha = repo.resolve(old)
    if old_sha is None or repo.is_ancestor(old_sha, new):
        return []
    statuses = backport_status(repo, policy.config, production=old_sha, mainline=new,
                               production_name=f'{target} (before this push)',
                               mainline_name='the pushed commit')
    return [_unported(s, f'this push rewrites {target} and drops hotfix {s.commit[:12]} '
                         f'{_ticket_text(s)}"{s.subject}": the new tip does not contain it\n'
                         f'keep it: `git cherry-pick -x {s.commit}` onto what you push, or '
                         'push without rewriting (no --force)')
            for s in statuses if not s.ported]


# --- the backport guard ---------------------------------------------------------


@dataclass(frozen=True)
class HotfixStatus:
    commit: str
    subject: str
    tickets: tuple[str, ...]
    how: str = ''          # reachability, patch-id, trailer, record, reverted; '' = not ported
    evidence: str = ''     # the mainline commit, the reverting commit
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
    remotes = _remotes(repo)
    short = short_branch(name, remotes)
    tracking = [f'{r}/{short}' for r in remotes if repo.resolve(f'refs/remotes/{r}/{short}')]
    if len(tracking) == 1:
        # A CI clone has origin/main but no local main: the shared branch is the one
        # that counts anyway.
        return repo.require(f'refs/remotes/{tracking[0]}')
    remote = remotes[0] if remotes else 'origin'
    advice = (f'fetch it: `git fetch {remote} {short}:{short}`, or use the remote-tracking '
              f'branch: `{flag} {remote}/{short}`')
    if tracking:
        advice = f'{tracking[0]} exists here: pass `{flag} {tracking[0]}`, or {advice}'
    raise GitError(f'{role} branch {name!r} does not exist in this repository; {advice}')


def backport_status(
        repo: Repo, config: HotfixesConfig, *, production: str, mainline: str,
        since: str | None = None, production_name: str | None = None,
        mainline_name: str | None = None,
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
        raise GitError('this is a shallow clone: which commits the mainline has cannot be '
                       'told without its history. Fetch it: `git fetch --unshallow` '
                       '(GitHub Actions: `fetch-depth: 0` in actions/checkout)')
    limit = [f'^{repo.require(since)}'] if since else []
    chain = repo.rev_list('--first-parent', m_sha, '--not', p_sha)
    if not chain:
        cut: str | None = m_sha
    else:
        parents = repo.commit_infos([chain[-1]])[0].parents
        cut = parents[0] if parents else None
    listed = repo.rev_list('--reverse', '--topo-order', '--no-merges', p_sha,
                           *((f'^{cut}',) if cut else ()), *limit)
    at_risk = set(repo.rev_list('--no-merges', p_sha, f'^{m_sha}', *limit))
    infos = {i.commit: i for i in repo.commit_infos(listed)}
    found: dict[str, tuple[str, str]] = {c: ('reachability', '') for c in listed
                                         if c not in at_risk}
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
    reverted_there = [t for i in repo.commit_infos(release)
                      if (t := reverted_commit(i.message)) is not None]
    for c, (how, evidence) in list(found.items()):
        port = c if how == 'reachability' else evidence
        if how in ('reachability', 'patch-id', 'trailer') and any(
                port.startswith(t) or t.startswith(port) for t in reverted_there):
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
        out.append(HotfixStatus(
            commit=c, subject=redact(info.subject), tickets=policy.find_tickets(info.message),
            how=how, evidence=evidence, record=by_commit_record.get(c)))
    return out


def _by_prefix(prefix: str, commits: Iterable[str]) -> str | None:
    matches = [c for c in commits if c.startswith(prefix)]
    return matches[0] if len(matches) == 1 else None


def _trailer_ports(repo: Repo, scope: Sequence[str], commits: Sequence[str]) -> dict[str, str]:
    """hotfix -> the mainline commit whose trailer names it."""
    proc = repo.git('log', '-z', '--format=%H%x1f%B', '-E', '-i',
                    '--grep=cherry picked from commit|^backport-of:', *scope, '--')
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


def _patch_ids(repo: Repo, commits: Sequence[str], paths: Sequence[str] = ()) -> dict[str, str]:
    """commit -> patch id (`git patch-id --stable`, as `git cherry` compares)."""
    if not commits:
        return {}
    diff = repo.git('diff-tree', '--stdin', '-r', '-p', '--root', '--binary', '--no-color',
                    '--no-ext-diff', '--no-textconv', '--no-renames',
                    stdin='\n'.join(commits).encode() + b'\n').stdout
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
    names = repo.git('diff-tree', '--stdin', '-r', '--root', '--name-only', '-z',
                     '--no-renames', '--no-commit-id',
                     stdin='\n'.join(commits).encode() + b'\n').stdout
    touched = sorted({os.fsdecode(n) for n in names.split(b'\0') if n})
    spec = ('--', *touched) if touched and len(touched) <= 500 else ()
    mainline = repo.git('--literal-pathspecs', 'rev-list', '--no-merges', *scope,
                        *spec).stdout.decode().split()
    theirs = _patch_ids(repo, mainline)
    by_id: dict[str, str] = {}
    for commit in reversed(mainline):   # oldest first: the first port wins
        by_id.setdefault(theirs.get(commit, ''), commit)
    by_id.pop('', None)
    return {c: by_id[pid] for c, pid in wanted.items() if pid in by_id}


def _all_records(repo: Repo, policy: Policy, refs: Sequence[str]) -> list[RecordFile]:
    return [rec for ref in refs for rec in _records_at(repo, policy, ref).values()
            if rec.data is not None]


def _record_port(repo: Repo, record: RecordFile, hotfix: str, mainline: str) -> str | None:
    """The mainline commit a record's `backport:` names as the port of `hotfix`."""
    assert record.data is not None
    value = _text(record.data.get('backport'))
    for token in _HEX.findall(value.lower()):
        sha = repo.resolve(token)
        # The port is on the mainline and came after the hotfix, not before it.
        if sha and sha != hotfix and repo.is_ancestor(sha, mainline) and not repo.is_ancestor(
                sha, hotfix):
            return sha
    return None


def _ticket_text(s: HotfixStatus) -> str:
    return f'({redact(", ".join(s.tickets))}) ' if s.tickets else '(no ticket) '


def _unported(s: HotfixStatus, message: str) -> Finding:
    return Finding(hook=HOOK, rule='unported-hotfix', severity='high', path=s.record or '',
                   line=None, commit=s.commit, message=message)


def unported_findings(
        statuses: Sequence[HotfixStatus], *, production: str, mainline: str,
) -> list[Finding]:
    return [_unported(s, f'hotfix {s.commit[:12]} {_ticket_text(s)}"{s.subject}" is on '
                         f'{production} but not on {mainline}: the next release from '
                         f'{mainline} would revert it\n'
                         f'port it: `git switch {short_branch(mainline)} && git cherry-pick '
                         f'-x {s.commit}`\n'
                         'a port that had to change: add `Backport-of: '
                         f'{s.commit}` to its message, or name it in the record\'s '
                         '`backport:`')
            for s in statuses if not s.ported]


def format_status(statuses: Sequence[HotfixStatus], *, production: str, mainline: str) -> str:
    if not statuses:
        return f'no hotfixes: every commit on {production} is on {mainline}\n'
    rows = [('COMMIT', 'TICKET', 'STATUS', 'SUBJECT')]
    rows += [(s.commit[:12], ', '.join(s.tickets) or '-', s.status, s.subject)
             for s in statuses]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f'hotfixes on {production}, against {mainline}:']
    lines += ['  '.join(r[i].ljust(widths[i]) for i in range(3)) + '  ' + r[3] for r in rows]
    unported = [s for s in statuses if not s.ported]
    if unported:
        lines.append(f'{len(unported)} of {len(statuses)} hotfixes NOT PORTED; port each on '
                     f'{mainline}:')
        lines += [f'  git cherry-pick -x {s.commit}' for s in unported]
    else:
        lines.append(f'all {len(statuses)} hotfixes are on {mainline}')
    return '\n'.join(lines) + '\n'


# --- hotfix new -------------------------------------------------------------------


def skeleton(policy: Policy, ticket: str, summary: str | None) -> str:
    lines = ['---',
             f'# Hotfix record for {ticket}: fill in every field, then commit this file',
             '# with the fix (check-hotfixes blocks a hotfix without a complete record).']
    for name in dict.fromkeys(('incident', *policy.config.record_fields)):
        if name not in policy.config.record_fields and name != 'incident':
            continue
        hint = FIELD_HINTS.get(name)
        if name == 'incident':
            value = json.dumps(ticket)
        elif name == 'summary' and summary:
            value = json.dumps(summary, ensure_ascii=False)
        elif name == 'backport':
            value = PENDING
        else:
            value = "''"
        if hint:
            lines.append(f'# {name}: {hint}')
        lines.append(f'{name}: {value}')
    lines += ['---', '', f'# {ticket}: {summary or "hotfix"}', '',
              '## Timeline', '', '## What changed', '', '## Follow-up', '']
    return '\n'.join(lines)


def new_record(repo: Repo, config: HotfixesConfig, *, ticket: str,
               summary: str | None = None) -> Path:
    """Write the record skeleton for `ticket`; never overwrites an existing record."""
    policy = Policy.of(config)
    if not _SAFE_NAME.fullmatch(ticket):
        raise FatalError(f'{ticket!r} cannot name a record file: use the ticket id alone, '
                         'e.g. `commit-warden hotfix new INC-123`')
    if not policy.find_tickets(ticket):
        raise FatalError(f'{ticket!r} matches none of hotfixes.ticket_patterns, so no commit '
                         'message could reference it; use the id your tracker gives, '
                         'e.g. INC-123')
    rel = policy.record_path(ticket)
    path = repo.root / rel
    if path.exists() or path.is_symlink():
        raise FatalError(f'{rel} already exists: edit it instead (refusing to overwrite)')
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'x', encoding='utf-8') as f:   # 'x': a racing writer loses, not us
        f.write(skeleton(policy, ticket, summary))
    return path


# --- command lines ----------------------------------------------------------------


def _load(repo: Repo, args: argparse.Namespace) -> cfg.Config:
    return cfg.load(repo, path=args.config, policy_ref=args.policy_ref)


def _target(args: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    return (args.target_branch or env.get('PRE_COMMIT_REMOTE_BRANCH')
            or env.get('GITHUB_BASE_REF') or env.get('CI_MERGE_REQUEST_TARGET_BRANCH_NAME')
            or None)


def _source(repo: Repo, args: argparse.Namespace, rng: Range,
            env: Mapping[str, str]) -> str | None:
    named = (args.source_branch or env.get('PRE_COMMIT_LOCAL_BRANCH')
             or env.get('GITHUB_HEAD_REF') or env.get('CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'))
    if named and named != 'HEAD':
        return named
    if rng.to_ref == 'HEAD':
        return repo.current_branch()
    if repo.resolve(f'refs/heads/{rng.to_ref}'):
        return rng.to_ref
    return None


def _add_backport_args(parser: argparse.ArgumentParser, lead: str = '') -> None:
    parser.add_argument('--production', metavar='BRANCH',
                        help=f'{lead}the production branch (default: the first '
                             'hotfixes.production_branches that exists)')
    parser.add_argument('--mainline', metavar='BRANCH',
                        help=f'{lead}the mainline (default: hotfixes.mainline)')
    parser.add_argument('--since', metavar='REF',
                        help=f'{lead}ignore hotfixes REF already contains')


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=HOOK, description=__doc__.split('\n\n')[0])
    parser.add_argument('filenames', nargs='*',
                        help='the commit message file at the commit-msg stage; ignored '
                             'otherwise')
    add_common_args(parser)
    add_range_args(parser)
    add_branch_args(parser)
    parser.add_argument('--backport', action='store_true',
                        help='instead: block while a production hotfix is not on the mainline')
    _add_backport_args(parser, 'with --backport: ')
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        config = _load(repo, args)
        env = os.environ
        if args.backport:
            production, mainline = _backport_names(repo, config.hotfixes, args)
            statuses = backport_status(repo, config.hotfixes, production=production,
                                       mainline=mainline, since=args.since)
            findings = unported_findings(statuses, production=production, mainline=mainline)
            return finish(hook=HOOK, repo=repo, config=config, args=args, findings=findings,
                          rules=RULES, mode='backport', commit_range=f'{mainline}..{production}')
        rng = range_from(args)
        msg = message_file(repo, args.filenames) if rng is None else None
        if msg is not None:
            findings, notes = check_message(repo, config.hotfixes, message_path=msg)
            return finish(hook=HOOK, repo=repo, config=config, args=args, findings=findings,
                          rules=RULES, mode='message', notes=notes)
        if rng is None:
            # The manual stage without a range: what the next push would carry.
            rng = Range(None, 'HEAD')
            if repo.head() is None:
                return finish(hook=HOOK, repo=repo, config=config, args=args, findings=[],
                              rules=RULES, mode='range', notes=['no commits yet'])
        findings, notes = check_range(repo, config.hotfixes, rng=rng,
                                      source=_source(repo, args, rng, env),
                                      target=_target(args, env))
        return finish(hook=HOOK, repo=repo, config=config, args=args, findings=findings,
                      rules=RULES, mode='range', commit_range=str(rng), notes=notes)

    return boundary(HOOK, run)


def _backport_names(repo: Repo, config: HotfixesConfig,
                    args: argparse.Namespace) -> tuple[str, str]:
    mainline = args.mainline or config.mainline
    production = args.production
    if not production:
        plain = [b for b in config.production_branches if not any(c in b for c in '*?[')]
        production = next((b for b in plain if repo.resolve(f'refs/heads/{b}')), None) or next(
            (f'origin/{b}' for b in plain if repo.resolve(f'refs/remotes/origin/{b}')), None)
        if production is None:
            raise FatalError('no production branch found (hotfixes.production_branches: '
                             f'{", ".join(config.production_branches)}); name it: '
                             '`--production origin/production`')
    return production, mainline


def hotfix_main(argv: Sequence[str]) -> int:
    """`commit-warden hotfix ...`: write a record skeleton, show where hotfixes are."""
    parser = argparse.ArgumentParser(prog=PROG, description=hotfix_main.__doc__)
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    p = sub.add_parser('new', help='write the hotfix record skeleton for a ticket')
    p.add_argument('ticket', help='the ticket or incident id, e.g. INC-123')
    p.add_argument('--summary', help='one line: what the hotfix changes')
    p.add_argument('--config', metavar='PATH', help='policy file to read')
    p.add_argument('--policy-ref', metavar='REF', help='read the policy as committed at REF')
    s = sub.add_parser('backport-status',
                       help='list production hotfixes and whether each is on the mainline')
    _add_backport_args(s)
    s.add_argument('--config', metavar='PATH', help='policy file to read')
    s.add_argument('--policy-ref', metavar='REF', help='read the policy as committed at REF')
    args = parser.parse_args(list(argv))

    def run() -> int:
        if args.command is None:
            parser.print_help(sys.stderr)
            return USAGE
        repo = Repo.discover()
        config = _load(repo, args).hotfixes
        if args.command == 'new':
            path = new_record(repo, config, ticket=args.ticket, summary=args.summary)
            rel = path.relative_to(repo.root).as_posix()
            todo = [f for f in config.record_fields
                    if f not in ('incident', 'backport') and not (f == 'summary' and args.summary)]
            print(f'wrote {rel}: fill in {", ".join(todo) or "the details"}; leave '
                  f'`backport: {PENDING}` until the fix is on {config.mainline}')
            print(f'then: `git add {rel}` and commit it with the fix, its message '
                  f'referencing {args.ticket}')
            return PASS
        production, mainline = _backport_names(repo, config, args)
        statuses = backport_status(repo, config, production=production, mainline=mainline,
                                   since=args.since)
        sys.stdout.write(format_status(statuses, production=production, mainline=mainline))
        return BLOCKED if any(not s.ported for s in statuses) else PASS

    return boundary(PROG, run)


if __name__ == '__main__':
    raise SystemExit(main())


def run_range(repo: Repo, config: cfg.Config, pr: PullRequest,
              ) -> tuple[list[Finding], dict[str, Rule]]:
    """The range check as `commit-warden ci` runs it, plus the backport guard for a
    release: a pull request into production from a branch that is not a hotfix
    branch would overwrite every hotfix its head does not carry."""
    findings, _notes = check_range(repo, config.hotfixes, rng=pr.range,
                                   source=pr.source_branch, target=pr.target_branch)
    remotes = _remotes(repo)
    target = short_branch(pr.target_branch, remotes) if pr.target_branch else None
    source = short_branch(pr.source_branch, remotes) if pr.source_branch else None
    if (pr.target_ref and target and branch_role(config.hotfixes, target) == 'production'
            and not (source and branch_role(config.hotfixes, source) == 'hotfix')):
        head = repo.require(pr.range.to_ref)
        statuses = backport_status(repo, config.hotfixes, production=pr.target_ref,
                                   mainline=head, production_name=target,
                                   mainline_name=source or 'the pull request')
        findings.extend(unported_findings(statuses, production=target,
                                          mainline=source or 'the pull request'))
    return findings, RULES
