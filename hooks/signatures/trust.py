"""The trusted policy: allowed signers, revocations and OpenPGP keys, read at the policy ref.

Read at the policy ref when there is one, never from the change under review. The
files are judged by ssh-keygen and gpg (hooks.signatures.ssh, .openpgp); here they
are only read, hashed (the verdict cache's key) and scanned for problems once per
hash (hooks.signatures.trustscan).
"""

from __future__ import annotations

from typing import NamedTuple

from hooks.config import SignaturesConfig
from hooks.config import read_files_inside
from hooks.config import read_inside
from hooks.errors import ConfigError
from hooks.errors import Problem
from hooks.git import Repo

# Bump when verdict logic changes, so old cache entries are not reused.
_LOGIC_VERSION = '2'


class Trust(NamedTuple):
    """Everything that decides who may sign, read from one place (disk or a ref)."""

    policy: SignaturesConfig
    where: str  # 'at REF' or 'in the working tree'
    policy_ref: str | None
    allowed_signers: bytes | None
    revoked_signers: bytes | None
    openpgp_keys: tuple[tuple[str, bytes], ...]
    problems: tuple[str, ...] = ()  # notes for the report
    digest: str = ''  # the policy, the files and the tools
    policy_problems: tuple[Problem, ...] = ()  # the same notes, with file and line


def _digest(
    policy: SignaturesConfig, where: str, files: tuple[tuple[str, bytes | None], ...]
) -> str:
    """What the verdicts depend on: the policy, every trust file byte for byte, where
    they were read (verdicts quote it) and which ssh-keygen, gpg and git judge."""
    import hashlib
    import json

    h = hashlib.sha256()
    h.update(_LOGIC_VERSION.encode())
    h.update(json.dumps(policy._asdict(), sort_keys=True).encode())
    for name, data in files:
        h.update(f'\0{name}\0{len(data) if data is not None else -1}\0'.encode())
        h.update(data or b'')
    h.update(_tool_identity().encode())
    h.update(where.encode())
    return h.hexdigest()[:24]


def _tool_identity() -> str:
    """Which ssh-keygen, gpg and git judge (path, size, mtime): another version may
    decide otherwise. No process is started."""
    import os
    import shutil

    parts = []
    for tool in ('ssh-keygen', 'gpg', 'git'):
        path = shutil.which(tool)
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        parts.append(f'{tool}={path}:{st.st_size}:{st.st_mtime_ns}' if st else f'{tool}=')
    return '\0'.join(parts)


def _read_policy_file(repo: Repo, ref: str | None, path: str, key: str) -> bytes:
    where = f'at {ref}' if ref else 'in the working tree'
    if ref is not None:
        data = repo.content_at(ref, path)
    else:
        data = read_inside(repo, path, f'signatures.{key}')
    if data is None:
        raise ConfigError(
            [
                f'signatures.{key}: {path} does not exist {where}; fix the '
                'path in the policy or commit the file'
            ]
        )
    return data


def _read_openpgp_keys(repo: Repo, ref: str | None, path: str) -> tuple[tuple[str, bytes], ...]:
    where = f'at {ref}' if ref else 'in the working tree'
    if ref is not None:
        entries = repo.ls_tree(ref, [path])
        files = sorted(p for p, (mode, _) in entries.items() if mode != '160000')
        blobs = dict(repo.read_blobs(entries[p][1] for p in files))
        out = tuple((p, blobs.get(entries[p][1], b'')) for p in files)
    else:
        out = tuple(read_files_inside(repo, path, 'signatures.openpgp_keys'))
    if not out:
        raise ConfigError(
            [
                f'signatures.openpgp_keys: {path} does not exist {where} (or is '
                'an empty directory); fix the path in the policy or commit the keys'
            ]
        )
    return out


def load_trust(repo: Repo, policy: SignaturesConfig, policy_ref: str | None) -> Trust:
    """Read the allowed signers, revocations and OpenPGP keys the policy names, at
    `policy_ref` when given: never from a change under review."""
    allowed = revoked = None
    keys: tuple[tuple[str, bytes], ...] = ()
    if policy.allowed_signers:
        allowed = _read_policy_file(repo, policy_ref, policy.allowed_signers, 'allowed_signers')
    if policy.revoked_signers:
        revoked = _read_policy_file(repo, policy_ref, policy.revoked_signers, 'revoked_signers')
    if policy.openpgp_keys:
        keys = _read_openpgp_keys(repo, policy_ref, policy.openpgp_keys)
    where = f'at {policy_ref}' if policy_ref else 'in the working tree'
    digest = _digest(policy, where, (('allowed', allowed), ('revoked', revoked), *keys))
    from hooks.signatures.trustscan import scan

    problems = scan(
        repo,
        digest=digest,
        where=where,
        allowed=allowed,
        allowed_name=policy.allowed_signers,
        revoked=revoked,
        revoked_name=policy.revoked_signers,
        openpgp_keys=keys,
    )
    return Trust(
        policy=policy,
        where=where,
        policy_ref=policy_ref,
        allowed_signers=allowed,
        revoked_signers=revoked,
        openpgp_keys=keys,
        problems=tuple(str(p) if p.source else p.message for p in problems),
        digest=digest,
        policy_problems=tuple(problems),
    )


def no_trust(policy: SignaturesConfig) -> Trust:
    """No trust files read: the policy asks for sign-offs only."""
    return Trust(
        policy=policy,
        where='',
        policy_ref=None,
        allowed_signers=None,
        revoked_signers=None,
        openpgp_keys=(),
    )
