"""One verdict per signature: good, or the rule it breaks and why, under one
trusted policy (SSH: allowed signers and validity windows; OpenPGP: trusted keys)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence
from typing import NamedTuple

from hooks.signatures import RULES
from hooks.signatures.openpgp import OpenPgpKey
from hooks.signatures.ssh import SshSigner
from hooks.signatures.ssh import fmt_time
from hooks.signatures.ssh import principal_match
from hooks.signatures.ssh import sshsig_key_fingerprint
from hooks.signatures.trust import Trust
from hooks.signatures.verify import RawSignature


class Verdict(NamedTuple):
    """What the signature of one commit says, under one trusted policy. Cached."""

    reason: str | None          # None: good; otherwise a rule id
    kind: str = 'none'          # ssh, openpgp, x509, unknown, none
    key: str = ''               # the signing key's fingerprint, as users know it
    signer: str = ''            # who the key belongs to (principals / UID emails)
    detail: str = ''            # extra words for the message

    def as_json(self) -> list[str]:
        return [self.reason or '', self.kind, self.key, self.signer, self.detail]

    @classmethod
    def from_json(cls, value: object) -> Verdict | None:
        if (not isinstance(value, list) or len(value) != 5
                or not all(isinstance(v, str) for v in value)
                or (value[0] and value[0] not in RULES)):
            return None
        return cls(value[0] or None, value[1], value[2], value[3], value[4])


def judge_ssh(raw: RawSignature, sig: bytes | None, trust: Trust, email: str,
              when: int) -> Verdict:
    fpr = raw.fingerprint if raw.fingerprint.startswith('SHA256:') else ''
    if not fpr and sig is not None:
        fpr = sshsig_key_fingerprint(sig) or ''
    if fpr and fpr in trust.revoked:
        return Verdict('revoked', 'ssh', fpr, detail='the key is listed in '
                       f'{trust.policy.revoked_signers} {trust.where}')
    entries = [s for s in trust.signers_for_key(fpr) if s.allows_git()] if fpr else []
    if raw.status == 'G':
        mine = [s for s in entries if s.is_for(email)]
        if any(s.valid_at(when) for s in mine):
            return Verdict(None, 'ssh', fpr, ', '.join(mine[0].principals))
        if mine:
            return _ssh_expired(fpr, mine, when, trust)
        if entries:
            return Verdict('signer-mismatch', 'ssh', fpr,
                           ', '.join(p for s in entries for p in s.principals))
        # A certificate signed by a cert-authority line: trust git's principal.
        if raw.signer and principal_match(raw.signer.split(','), email):
            return Verdict(None, 'ssh', fpr, raw.signer)
        return Verdict('signer-mismatch', 'ssh', fpr, raw.signer)
    if raw.status == 'U':
        mine = [s for s in entries if s.is_for(email)]
        outside = [s for s in mine if not s.valid_at(when)]
        if outside:
            return _ssh_expired(fpr, outside, when, trust)
        if mine:
            # Listed for this committer and inside its window, yet git does not trust
            # it: a certificate whose key is listed as a plain key, for one.
            return Verdict('unknown-key', 'ssh', fpr, detail=(
                'git does not trust this signature (an SSH certificate is trusted through '
                'a cert-authority line for its CA, not by listing its key)'))
        if entries:
            # Listed for someone else, and not valid at this time for them either.
            return Verdict('signer-mismatch', 'ssh', fpr,
                           ', '.join(p for s in entries for p in s.principals))
        return Verdict('unknown-key', 'ssh', fpr)
    if raw.status == 'B' and trust.policy.revoked_signers and fpr and not trust.revoked:
        return Verdict('bad-signature', 'ssh', fpr,
                       detail='it does not verify, or its key is revoked in '
                              f'{trust.policy.revoked_signers} {trust.where}')
    first = raw.text.splitlines()[0] if raw.text else 'no output from ssh-keygen'
    return Verdict('bad-signature', 'ssh', fpr, detail=f'git reports: {first}')


def _ssh_expired(fpr: str, mine: Sequence[SshSigner], when: int, trust: Trust) -> Verdict:
    s = mine[0]
    return Verdict('expired', 'ssh', fpr, ', '.join(s.principals), detail=(
        f'committed {fmt_time(when)}, but {trust.policy.allowed_signers}:{s.line} '
        f'{trust.where} allows the key only from {fmt_time(s.valid_after)} to '
        f'{fmt_time(s.valid_before)}'))


def judge_openpgp(raw: RawSignature, trust: Trust, keys: Mapping[str, OpenPgpKey],
                  email: str) -> Verdict:
    fpr = raw.fingerprint.upper()
    if not fpr:
        # Without the public key git has only the key id; gpg names the fingerprint.
        m = re.search(r'using \w+ key ([0-9A-Fa-f]{40})\b', raw.text)
        fpr = m.group(1).upper() if m else raw.key_id.upper()
    primary = raw.primary or next(
        (k.fingerprint for k in keys.values() if fpr in k.subkeys or fpr == k.fingerprint), '')
    key = keys.get(primary)
    allowed = {f.upper() for f in trust.policy.openpgp_fingerprints}
    if raw.status == 'R':
        return Verdict('revoked', 'openpgp', fpr, raw.signer)
    if raw.status in ('X', 'Y'):
        what = 'the signature has expired' if raw.status == 'X' else 'the key has expired'
        return Verdict('expired', 'openpgp', fpr, raw.signer, detail=what)
    if raw.status == 'E' or key is None:
        if not trust.openpgp_keys:
            return Verdict('unknown-key', 'openpgp', fpr,
                           detail='the policy trusts no OpenPGP key (signatures.openpgp_keys '
                                  'is not set)')
        return Verdict('unknown-key', 'openpgp', fpr)
    if raw.status not in ('G', 'U'):
        first = raw.text.splitlines()[-1] if raw.text else 'no output from gpg'
        return Verdict('bad-signature', 'openpgp', fpr, raw.signer, detail=f'gpg: {first}')
    if allowed and not ({primary, fpr} & allowed):
        return Verdict('unknown-key', 'openpgp', fpr, raw.signer,
                       detail='the key is not in signatures.openpgp_fingerprints')
    if email.lower() not in key.emails:
        return Verdict('signer-mismatch', 'openpgp', fpr, ', '.join(sorted(key.emails)))
    return Verdict(None, 'openpgp', fpr, email.lower())
