"""Hotfix records: Markdown with YAML front matter, or YAML; what a complete one
holds, which incident it documents, and the skeleton `hotfix new` writes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import NamedTuple

from hooks.config import HotfixesConfig
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.git import Repo
from hooks.hotfixes.policy import Policy

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
_PLACEHOLDERS = frozenset(
    ('todo', 'tbd', 'tba', 'fixme', 'xxx', '?', '...', '-', 'n/a?', 'fill in', 'fill me in')
)
PENDING = 'pending'
_MD_EXTS = ('.md', '.markdown')
_SAFE_NAME = re.compile(r'[A-Za-z0-9#][A-Za-z0-9._#-]*')


class RecordFile(NamedTuple):
    path: str
    data: Mapping[str, Any] | None  # None: unreadable, see `error`
    error: str | None = None
    error_line: int | None = None
    lines: Mapping[str, int] = {}  # top-level key -> line

    @property
    def incident(self) -> str:
        return text_of(self.data.get('incident')) if self.data else ''

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)


def text_of(value: Any) -> str:
    if value is None:
        return ''
    if isinstance(value, (list, tuple)):
        return ', '.join(text_of(v) for v in value)
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
            return RecordFile(
                path,
                None,
                'no YAML front matter: the file must start with a '
                '`---` line, the fields, and another `---` line',
                1,
            )
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ('---', '...')), None)
        if end is None:
            return RecordFile(path, None, 'the YAML front matter is not closed by a `---` line', 1)
        text = '\n'.join(lines[1:end])
        offset = 1
    try:
        from hooks.yamlsafe import plain_yaml

        data = plain_yaml(text, path)
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


def _blank(text: str) -> bool:
    text = text.strip()
    return (
        not text or text.lower() in _PLACEHOLDERS or bool(re.fullmatch(r'<[^<>]*>', text))
    )  # `<fill in>`, `<who approved>`


def emptiness(value: Any) -> str | None:
    """Why a field's value says nothing (None: it says something). A field holds
    text: a scalar, or a list of scalars; `{}`, `["", ""]`, `[]`, a mapping, `true`
    or a placeholder fill nothing in."""
    if value is None or isinstance(value, bool):
        return 'is empty' if value is None else f'is {str(value).lower()}, not text'
    if isinstance(value, dict):
        return 'is a mapping, not text' if value else 'is empty'
    if isinstance(value, (list, tuple)):
        if not value:
            return 'is empty'
        if any(isinstance(v, (dict, list, tuple, bool)) or v is None for v in value):
            return 'lists something that is not text'
        if any(_blank(str(v)) for v in value):
            return 'lists an empty or placeholder entry'
        return None
    return 'is empty' if _blank(str(value)) else None


def is_empty(value: Any) -> bool:
    return emptiness(value) is not None


def missing_fields(policy: Policy, record: RecordFile) -> list[tuple[str, str | None]]:
    """(field, why it says nothing) for each required field the record does not fill
    in; `why` is None when the field is missing altogether."""
    assert record.data is not None
    out: list[tuple[str, str | None]] = []
    for name in policy.config.record_fields:
        if name not in record.data:
            out.append((name, None))
        elif (why := emptiness(record.data[name])) is not None:
            out.append((name, why))
    return out


def ticket_in(ticket: str, text: str) -> bool:
    return re.search(rf'(?<![\w-]){re.escape(ticket)}(?![\w-])', text, re.I) is not None


def record_matches(record: RecordFile, tickets: Iterable[str]) -> bool:
    incident = record.incident
    return bool(incident) and any(ticket_in(t, incident) for t in tickets)


def records_at(repo: Repo, policy: Policy, ref: str) -> dict[str, RecordFile]:
    """Every record in `ref`'s tree, parsed (unreadable ones carry their error)."""
    tree = repo.ls_tree(ref, [policy.record_dir] if policy.record_dir else None)
    entries = {
        p: oid for p, (mode, oid) in tree.items() if policy.is_record(p) and mode != '160000'
    }
    blobs = dict(repo.read_blobs(set(entries.values())))
    return {p: parse_record(p, blobs.get(oid, b'')) for p, oid in sorted(entries.items())}


def skeleton(policy: Policy, ticket: str, summary: str | None) -> str:
    lines = [
        '---',
        f'# Hotfix record for {ticket}: fill in every field, then commit this file',
        '# with the fix (check-hotfixes blocks a hotfix without a complete record).',
    ]
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
    lines += [
        '---',
        '',
        f'# {ticket}: {summary or "hotfix"}',
        '',
        '## Timeline',
        '',
        '## What changed',
        '',
        '## Follow-up',
        '',
    ]
    return '\n'.join(lines)


def new_record(
    repo: Repo, config: HotfixesConfig, *, ticket: str, summary: str | None = None
) -> Path:
    """Write the record skeleton for `ticket`; never overwrites an existing record."""
    policy = Policy.of(config)
    if not _SAFE_NAME.fullmatch(ticket):
        raise FatalError(
            f'{ticket!r} cannot name a record file: use the ticket id alone, '
            'e.g. `commit-warden hotfix new INC-123`'
        )
    if not policy.find_tickets(ticket):
        raise FatalError(
            f'{ticket!r} matches none of hotfixes.ticket_patterns, so no commit '
            'message could reference it; use the id your tracker gives, '
            'e.g. INC-123'
        )
    rel = policy.record_path(ticket)
    from hooks.config import inside

    path = Path(inside(repo, rel, 'hotfixes.record_dir'))
    if path.exists() or path.is_symlink():
        raise FatalError(f'{rel} already exists: edit it instead (refusing to overwrite)')
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'x', encoding='utf-8') as f:  # 'x': a racing writer loses, not us
        f.write(skeleton(policy, ticket, summary))
    return path
