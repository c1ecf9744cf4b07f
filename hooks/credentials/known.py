"""The secrets baseline as the checks read it: (file, hashed secret, type), no line numbers."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING
from typing import Any

from hooks import config as cfg
from hooks.errors import FatalError

if TYPE_CHECKING:
    from hooks.git import Repo

# detect-secrets' GitHubTokenDetector reports its regex's capture group, the prefix
# alone, so its entries for GitHub tokens hash `ghp` (or gho, ...) whichever token it
# was. Such an entry cannot say which token was accepted: commit-warden does not
# take it for any token (hooks/credentials/check.py says so in the finding).
GITHUB_TYPE = 'GitHub Token'


@functools.cache
def github_prefix_hashes() -> frozenset[str]:
    """detect-secrets' hashes of the GitHub token prefixes alone (hashlib loads only
    when a finding is compared with a baseline)."""
    import hashlib

    return frozenset(
        hashlib.sha1(p.encode(), usedforsecurity=False).hexdigest()
        for p in ('ghp', 'gho', 'ghu', 'ghs', 'ghr')
    )


def _invalid(source: str, why: str) -> FatalError:
    return FatalError(
        f'{source}: not a secrets baseline (expected JSON with "results": {{path: '
        f'[{{"hashed_secret", "type"}}]}}): {why}; regenerate it with '
        '`commit-warden baseline`'
    )


def parse_baseline(data: bytes | str, source: str) -> dict[str, Any]:
    """The baseline document, checked for the shape both tools rely on."""
    # json loads only when there is a baseline to read.
    import json

    try:
        doc = json.loads(data)
    except ValueError as e:
        raise _invalid(source, f'{type(e).__name__} at line {getattr(e, "lineno", "?")}') from e
    if not isinstance(doc, dict) or not isinstance(doc.get('results'), dict):
        raise _invalid(source, 'no "results" object')
    for path, entries in doc['results'].items():
        if not isinstance(entries, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get('hashed_secret'), str)
            and isinstance(e.get('type'), str)
            for e in entries
        ):
            raise _invalid(
                source,
                f'the entries of {json.dumps(path)} are not a list of '
                'objects with "hashed_secret" and "type"',
            )
    for key in ('plugins_used', 'filters_used'):
        if key in doc and not (
            isinstance(doc[key], list) and all(isinstance(p, dict) for p in doc[key])
        ):
            raise _invalid(source, f'"{key}" is not a list of objects')
    return doc


def load_baseline(data: bytes | None, source: str) -> set[tuple[str, str, str]]:
    """(path, hashed_secret, type) triples accepted as known; detect-secrets' format.

    Line numbers are ignored: moving a known secret never makes it new. An entry a
    person audited as a real secret (`"is_secret": true`) accepts nothing.
    """
    if data is None:
        return set()
    doc = parse_baseline(data, source)
    return {
        (path, e['hashed_secret'], e['type'])
        for path, entries in doc['results'].items()
        for e in entries
        if e.get('is_secret') is not True
    }


def read_baseline(repo: Repo, config: cfg.Config, policy_ref: str | None) -> bytes | None:
    path = config.credentials.baseline
    if policy_ref is not None:
        return repo.content_at(policy_ref, path)
    return cfg.read_inside(repo, path, 'credentials.baseline')
