"""Problems in the trust files of a policy, found once per policy hash and cached.

A line ssh-keygen rejects trusts nobody and is worth saying, on every run; finding it
means ssh-keygen reading the whole file, which for a 200,000-line allowed_signers
costs about half a second. So the scan runs once per (policy hash, where it was read),
and later runs read its result from `.git/commit-warden/trust-scan.json`. Errors
(a binary trust file, an unreadable revocation list, a private key) make the policy
unusable: `ConfigError`, exit 2, nothing judged.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from hooks.config import Config
from hooks.errors import ConfigError
from hooks.errors import Problem
from hooks.git import Repo

_NAME = 'trust-scan.json'
_VERSION = 1
_KEEP = 8


def _load(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get('version') != _VERSION:
        return {}
    scans = data.get('scans')
    return scans if isinstance(scans, dict) else {}


def _problems(value: object) -> list[Problem] | None:
    if not isinstance(value, list):
        return None
    out = []
    for p in value:
        if (not isinstance(p, list) or len(p) != 3 or not isinstance(p[0], str)
                or not isinstance(p[1], int) or not isinstance(p[2], str)):
            return None
        out.append(Problem(p[0], p[1], p[2]))
    return out


def _save(path: Path, scans: dict[str, object]) -> None:
    import tempfile

    keep = dict(list(scans.items())[-_KEEP:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f'.{path.name}.', dir=path.parent)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump({'version': _VERSION, 'scans': keep}, f, separators=(',', ':'))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only .git: the next run scans again


def scan(repo: Repo | None, *, digest: str, where: str, allowed: bytes | None,
         allowed_name: str | None, revoked: bytes | None, revoked_name: str | None,
         openpgp_keys: Sequence[tuple[str, bytes]], use_cache: bool = True) -> list[Problem]:
    """Notes about the trust files (lines ssh-keygen rejects, a BOM); raises
    ConfigError when the files cannot be used at all."""
    key = f'{digest}\0{where}'
    path = repo.state_dir / _NAME if repo is not None else None
    scans = _load(path) if path is not None and use_cache else {}
    entry = scans.get(key)
    errors = notes = None
    if isinstance(entry, dict):
        errors, notes = _problems(entry.get('errors')), _problems(entry.get('notes'))
    if errors is None or notes is None:
        errors, notes = _scan(where=where, allowed=allowed, allowed_name=allowed_name,
                              revoked=revoked, revoked_name=revoked_name,
                              openpgp_keys=openpgp_keys)
        if path is not None and use_cache:
            scans.pop(key, None)
            scans[key] = {'errors': [[p.source, p.line, p.message] for p in errors],
                          'notes': [[p.source, p.line, p.message] for p in notes]}
            _save(path, scans)
    if errors:
        raise ConfigError(list(errors))
    return notes


def policy_problems(repo: Repo, config: Config, policy_ref: str | None) -> list[Problem]:
    """Everything wrong with the trust files a policy names (`commit-warden config`,
    check-warden-config): files that cannot be used, and lines ssh-keygen rejects."""
    from hooks import signatures

    try:
        trust = signatures.load_trust(repo, config.signatures, policy_ref)
    except ConfigError as e:
        return list(e.problems)
    return list(trust.policy_problems)


def _scan(*, where: str, allowed: bytes | None, allowed_name: str | None,
          revoked: bytes | None, revoked_name: str | None,
          openpgp_keys: Sequence[tuple[str, bytes]]) -> tuple[list[Problem], list[Problem]]:
    from hooks import pgptrust
    from hooks import sshtrust

    errors: list[Problem] = []
    notes: list[Problem] = []
    if allowed is not None or revoked is not None:
        with sshtrust.SshPolicy(allowed=allowed, allowed_name=allowed_name,
                                revoked=revoked, revoked_name=revoked_name,
                                where=where) as ssh:
            e, n = ssh.allowed_problems()
            errors += e
            notes += n
            errors += ssh.revoked_problems()
    errors += pgptrust.private_key_problems(openpgp_keys, where)
    return errors, notes
