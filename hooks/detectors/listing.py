"""The rule catalogue as users read it: `commit-warden config --rules`, the README.

One entry per (rule id, provider, kind), with where to rotate what it finds,
taken from the detectors themselves, so the list cannot drift from the code.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    id: str
    provider: str
    kind: str
    rotate: str


def catalogue() -> tuple[Entry, ...]:
    """Every rule of every detector, sorted by provider, then rule id."""
    from hooks.detectors import plugin_classes

    entries: dict[tuple[str, str, str], Entry] = {}
    for cls in plugin_classes():
        for rule in cls.all_rules():
            key = (rule.id, rule.provider, rule.kind)
            entries.setdefault(key, Entry(rule.id, rule.provider, rule.kind, cls.rotation(rule)))
    return tuple(sorted(entries.values(), key=lambda e: (e.provider.lower(), e.id, e.kind)))


def providers() -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.provider for e in catalogue()))


def markdown_table() -> str:
    """One row per provider: its rule ids, the kinds they find, where to rotate."""
    rows = ['| provider | rule ids | finds | rotate at |', '|---|---|---|---|']
    by_provider: dict[str, list[Entry]] = {}
    for entry in catalogue():
        by_provider.setdefault(entry.provider, []).append(entry)
    for provider, entries in by_provider.items():
        ids = ', '.join(f'`{i}`' for i in dict.fromkeys(e.id for e in entries))
        kinds = '; '.join(dict.fromkeys(e.kind for e in entries))
        rotate = '; '.join(dict.fromkeys(e.rotate for e in entries if e.rotate))
        rows.append(f'| {provider} | {ids} | {kinds} | {_cell(rotate)} |')
    return '\n'.join(rows) + '\n'


def text_listing() -> str:
    """`commit-warden config --rules`: one line per rule."""
    lines = []
    for entry in catalogue():
        lines.append(f'{entry.id}\t{entry.provider}\t{entry.kind}\t{entry.rotate}')
    return '\n'.join(lines) + '\n'


def _cell(text: str) -> str:
    return text.replace('|', '\\|')
