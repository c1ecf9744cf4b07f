"""Verdicts cached per (commit id, trusted-policy hash), in .git/commit-warden/.

A commit id is the hash of the object as stored (hooks.signatures.objects reads
commits so, past any replace ref or graft, and checks each against its id), so a
verdict is never reused for another object. A few policies, a bounded number of
commits each.
"""

from __future__ import annotations

from collections.abc import Mapping

from hooks.git import Repo
from hooks.state import JsonCache

_CACHE_NAME = 'signatures-cache.json'
_CACHE_MAX_POLICIES = 4
_CACHE_MAX_ENTRIES = 50_000


def open_cache(repo: Repo) -> JsonCache:
    """policy digest -> commit -> verdict. A corrupt file reads as empty (and is rebuilt)."""
    cache = JsonCache(repo.state_dir / _CACHE_NAME, version=2)
    cache.data = {k: v for k, v in cache.data.items() if isinstance(v, dict)}
    return cache


def save_cache(cache: JsonCache, verdicts: Mapping[str, list[str]], current: str) -> None:
    # Keep the current policy and the most recent others (dicts keep insertion order).
    policies = cache.data
    policies.pop(current, None)
    keep = [*list(policies)[-(_CACHE_MAX_POLICIES - 1) :], current]
    entries = dict(verdicts)
    if len(entries) > _CACHE_MAX_ENTRIES:
        entries = dict(list(entries.items())[-_CACHE_MAX_ENTRIES:])
    cache.data = {k: (entries if k == current else policies[k]) for k in keep}
    cache.dirty = True
    cache.save()
