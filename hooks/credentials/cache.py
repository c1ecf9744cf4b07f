"""The range cache: each commit's hits under one (policy, engine) key, so a CI
re-run re-scans nothing; a corrupt or stale file is rebuilt, never trusted. It
holds salted hashes only: detect-secrets' unsalted SHA-1 of a secret (a short
password's is a dictionary lookup away) stays in the baseline, whose format needs it."""

from __future__ import annotations

import functools
from pathlib import Path

from hooks.credentials.engine import Hit
from hooks.git import Repo
from hooks.state import JsonCache

CACHE_NAME = 'credentials-cache.json'
_VERSION = 3


def _well_formed(h: Hit) -> bool:
    texts = (
        h.path,
        h.rule,
        h.provider,
        h.kind,
        h.secret_type,
        h.fingerprint,
        h.preview,
        h.baseline_key,
    )
    return (
        all(isinstance(t, str) for t in texts)
        and isinstance(h.line, int)
        and not isinstance(h.line, bool)
        and (h.commit is None or isinstance(h.commit, str))
    )


@functools.lru_cache(maxsize=1)
def _engine_id() -> str:
    """What the cached results were computed by: the engine's own source files, by
    size and time. An upgrade (or an edit) invalidates the cache; asking
    importlib.metadata for the version would cost more than a warm run itself."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    parts = []
    for path in sorted(
        [
            *root.glob('*.py'),
            *root.glob('credentials/*.py'),
            *root.glob('detectors/*.py'),
            *root.glob('detectors/*.json'),
        ]
    ):
        st = path.stat()
        parts.append(f'{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}')
    return hashlib.sha256('|'.join(parts).encode()).hexdigest()[:16]


class RangeCache:
    """Per-commit results under one (policy, engine) key."""

    def __init__(self, repo: Repo, policy_digest: str) -> None:
        import hashlib

        # The salt is fixed per repository (its root commit), so it needs no place here.
        key = hashlib.sha256(f'{_engine_id()}|{policy_digest}'.encode()).hexdigest()[:24]
        self.store = JsonCache(repo.state_dir / CACHE_NAME, version=_VERSION, key=key)

    def get(self, commit: str) -> list[Hit] | None:
        got = self.store.data.get(commit)
        if not isinstance(got, list):
            return None
        try:
            hits = [Hit(**{**h, 'hashed_secret': ''}) for h in got]
        except TypeError:
            return None
        if not all(_well_formed(h) for h in hits):
            return None  # right key, wrong shape: rescan rather than trust it
        return hits

    def put(self, commit: str, hits: list[Hit]) -> None:
        self.store.put(
            commit, [{k: v for k, v in h.as_dict().items() if k != 'hashed_secret'} for h in hits]
        )

    def save(self) -> None:
        self.store.save()
