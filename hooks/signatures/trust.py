"""The trusted policy: allowed signers, revocations and OpenPGP keys, read at the
policy ref when there is one, never from the change under review."""
from __future__ import annotations

from typing import NamedTuple

from hooks.config import SignaturesConfig
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.git import Repo
from hooks.signatures.ssh import SshSigner
from hooks.signatures.ssh import parse_allowed_signers
from hooks.signatures.ssh import parse_revoked

# Bump when verdict logic changes, so old cache entries are not reused.
_LOGIC_VERSION = '1'


class Trust(NamedTuple):
    """Everything that decides who may sign, read from one place (disk or a ref)."""

    policy: SignaturesConfig
    where: str                                  # 'at REF' or 'in the working tree'
    policy_ref: str | None
    allowed_signers: bytes | None
    revoked_signers: bytes | None
    openpgp_keys: tuple[tuple[str, bytes], ...]
    signers: tuple[SshSigner, ...] = ()
    revoked: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()

    def signers_for_key(self, fingerprint: str) -> list[SshSigner]:
        return [s for s in self.signers if s.fingerprint == fingerprint]

    @property
    def digest(self) -> str:
        """What the verdicts depend on: the policy and every trust file, byte for byte
        (the verdict cache's key; only range mode asks for it)."""
        import hashlib
        import json

        h = hashlib.sha256()
        h.update(_LOGIC_VERSION.encode())
        h.update(json.dumps(self.policy._asdict(), sort_keys=True).encode())
        for name, data in (('allowed', self.allowed_signers), ('revoked', self.revoked_signers),
                           *self.openpgp_keys):
            h.update(f'\0{name}\0{len(data) if data is not None else -1}\0'.encode())
            h.update(data or b'')
        return h.hexdigest()[:24]


def _read_policy_file(repo: Repo, ref: str | None, path: str, key: str) -> bytes:
    where = f'at {ref}' if ref else 'in the working tree'
    if ref is not None:
        data = repo.content_at(ref, path)
    else:
        try:
            data = (repo.root / path).read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as e:
            raise FatalError(f'signatures.{key}: cannot read {path}: {e.strerror}') from e
    if data is None:
        raise ConfigError([f'signatures.{key}: {path} does not exist {where}; fix the '
                           'path in the policy or commit the file'])
    return data


def _read_openpgp_keys(repo: Repo, ref: str | None, path: str) -> tuple[tuple[str, bytes], ...]:
    where = f'at {ref}' if ref else 'in the working tree'
    if ref is not None:
        entries = repo.ls_tree(ref, [path])
        files = sorted(p for p, (mode, _) in entries.items() if mode != '160000')
        blobs = dict(repo.read_blobs(entries[p][1] for p in files))
        out = tuple((p, blobs.get(entries[p][1], b'')) for p in files)
    else:
        full = repo.root / path
        if full.is_dir():
            out = tuple((str(p.relative_to(repo.root)), p.read_bytes())
                        for p in sorted(full.rglob('*')) if p.is_file())
        elif full.is_file():
            out = ((path, full.read_bytes()),)
        else:
            out = ()
    if not out:
        raise ConfigError([f'signatures.openpgp_keys: {path} does not exist {where} (or is '
                           'an empty directory); fix the path in the policy or commit the keys'])
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
    signers: list[SshSigner] = []
    problems: list[str] = []
    if allowed is not None and policy.allowed_signers:
        signers, problems = parse_allowed_signers(allowed, policy.allowed_signers)
    return Trust(
        policy=policy, where=f'at {policy_ref}' if policy_ref else 'in the working tree',
        policy_ref=policy_ref, allowed_signers=allowed, revoked_signers=revoked,
        openpgp_keys=keys, signers=tuple(signers),
        revoked=parse_revoked(revoked) if revoked else frozenset(),
        problems=tuple(problems))


def no_trust(policy: SignaturesConfig) -> Trust:
    """No trust files read: the policy asks for sign-offs only."""
    return Trust(policy=policy, where='', policy_ref=None, allowed_signers=None,
                 revoked_signers=None, openpgp_keys=())
