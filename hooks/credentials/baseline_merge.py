"""The baseline's entries and their merge: what a scan found, with what the old file said.

Writing merges: an entry found again keeps its audit labels (`is_secret`,
`is_verified`); an entry of a type neither scan looks for stays as it is; an entry
either scan should have found again but did not stays too, and is counted and
named (`--prune` removes those). Nothing is dropped without saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import NamedTuple

from hooks.credentials.detect_secrets_compat import Entry
from hooks.credentials.engine import Hit

Key = tuple[str, str, str]  # (filename, hashed_secret, type)


def new_entry(
    secret_type: str,
    filename: str,
    hashed: str,
    *,
    line: int | None = None,
    is_verified: bool = False,
) -> Entry:
    # detect-secrets' own key order (PotentialSecret.json), so its rewrite is no diff.
    entry: Entry = {
        'type': secret_type,
        'filename': filename,
        'hashed_secret': hashed,
        'is_verified': is_verified,
    }
    if line:
        entry['line_number'] = line
    return entry


def _key(filename: str, e: Entry) -> Key:
    return filename, str(e['hashed_secret']), str(e['type'])


def hit_entries(hits: Iterable[Hit]) -> list[Entry]:
    """One entry per (file, hashed secret, type) of commit-warden's hits, at the
    first line it was found on."""
    first: dict[Key, Hit] = {}
    for h in hits:
        key = (h.path, h.hashed_secret, h.secret_type)
        if key not in first or h.line < first[key].line:
            first[key] = h
    return [new_entry(h.secret_type, h.path, h.hashed_secret, line=h.line) for h in first.values()]


class Merged(NamedTuple):
    results: dict[str, list[Entry]]
    added: int
    found_again: int
    stale: tuple[str, ...]
    foreign: int


def _order(e: Entry) -> tuple[int, str, str]:
    line = e.get('line_number')
    return (line if isinstance(line, int) else 0, str(e['hashed_secret']), str(e['type']))


def merge_results(
    old: dict[str, list[Entry]] | None,
    found: Iterable[Entry],
    *,
    looked_for: Callable[[str, str], bool],
    line_numbers: bool,
    prune: bool = False,
) -> Merged:
    """The new `results`: every entry found, with what the old file said of it
    (audit labels, anything else it carried), and the old entries not found again:
    kept as they are where no scan looked for them (`looked_for(file, type)` is
    false), kept and named (or, with `prune`, removed and named) where one did."""
    fresh: dict[Key, Entry] = {}
    for e in found:
        key = _key(str(e['filename']), e)
        if key in fresh:
            lines = [x for x in (fresh[key].get('line_number'), e.get('line_number')) if x]
            if lines:
                fresh[key]['line_number'] = min(lines)
        else:
            fresh[key] = dict(e)
    old_entries = {_key(path, e): e for path, entries in (old or {}).items() for e in entries}
    results: dict[str, list[Entry]] = {}
    stale: list[str] = []
    foreign = 0
    for key, e in fresh.items():
        before = old_entries.get(key)
        if before is not None:
            # What the old entry says wins, except that a verification never un-happens
            # and the line is where the secret is now.
            merged = {
                **e,
                **before,
                'filename': key[0],
                'is_verified': bool(before.get('is_verified') or e.get('is_verified')),
            }
            if e.get('line_number'):
                merged['line_number'] = e['line_number']
            e = merged
        results.setdefault(key[0], []).append(e)
    for key, e in old_entries.items():
        if key in fresh:
            continue
        if looked_for(key[0], key[2]):
            stale.append(f'{key[0]}: {key[2]}')
            if prune:
                continue
        else:
            foreign += 1
        results.setdefault(key[0], []).append(dict(e))
    for entries in results.values():
        for e in entries:
            if not line_numbers:
                e.pop('line_number', None)
        entries.sort(key=_order)
    return Merged(
        {p: results[p] for p in sorted(results)},
        added=sum(1 for k in fresh if k not in old_entries),
        found_again=sum(1 for k in fresh if k in old_entries),
        stale=tuple(sorted(stale)),
        foreign=foreign,
    )
