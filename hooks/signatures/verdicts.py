"""One verdict per signature, good or the rule it breaks and why; OpenPGP's from gpg's answer.

SSH verdicts come from ssh-keygen (hooks.signatures.ssh) and are stored as the same
`Verdict`; OpenPGP's are read from git's and gpg's answer against the trusted keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from hooks.signatures import RULES
from hooks.signatures.openpgp import OpenPgpKey
from hooks.signatures.openpgp import signature_count
from hooks.signatures.trust import Trust
from hooks.signatures.verify import RawSignature


class Verdict(NamedTuple):
    """What the signature of one commit says, under one trusted policy. Cached."""

    reason: str | None  # None: good; otherwise a rule id
    kind: str = 'none'  # ssh, openpgp, x509, unknown, none
    key: str = ''  # the signing key's fingerprint, as users know it
    signer: str = ''  # who the key belongs to (principals / UID emails)
    detail: str = ''  # extra words for the message

    def as_json(self) -> list[str]:
        return [self.reason or '', self.kind, self.key, self.signer, self.detail]

    @classmethod
    def from_json(cls, value: object) -> Verdict | None:
        if (
            not isinstance(value, list)
            or len(value) != 5
            or not all(isinstance(v, str) for v in value)
            or (value[0] and value[0] not in RULES)
        ):
            return None
        return cls(value[0] or None, value[1], value[2], value[3], value[4])


def judge_openpgp(
    raw: RawSignature, trust: Trust, keys: Mapping[str, OpenPgpKey], email: str
) -> Verdict:
    fpr = raw.fingerprint.upper()
    if not fpr:
        # Without the public key git has only the key id; gpg names the fingerprint.
        m = re.search(r'using \w+ key ([0-9A-Fa-f]{40})\b', raw.text)
        fpr = m.group(1).upper() if m else raw.key_id.upper()
    primary = raw.primary or next(
        (k.fingerprint for k in keys.values() if fpr in k.subkeys or fpr == k.fingerprint), ''
    )
    key = keys.get(primary)
    allowed = {f.upper() for f in trust.policy.openpgp_fingerprints}
    count = signature_count(raw.text)
    if count > 1:
        # gpg checks each and git reports the mix as one status; a commit has one
        # signer, so two signatures (t7510's double-signature commit) are bad.
        return Verdict(
            'bad-signature',
            'openpgp',
            fpr,
            raw.signer,
            detail=(f'the signature holds {count} signatures; a commit has one'),
        )
    if raw.status in ('E', 'B', 'N') and not fpr:
        # gpg found no signature packet naming a key: not a signature at all.
        last = raw.text.splitlines()[-1] if raw.text else 'no output from gpg'
        return Verdict('bad-signature', 'openpgp', detail=f'gpg: {last}')
    if raw.status == 'R':
        return Verdict('revoked', 'openpgp', fpr, raw.signer)
    if raw.status in ('X', 'Y'):
        what = 'the signature has expired' if raw.status == 'X' else 'the key has expired'
        return Verdict('expired', 'openpgp', fpr, raw.signer, detail=what)
    if raw.status == 'E' or key is None:
        if not trust.openpgp_keys:
            return Verdict(
                'unknown-key',
                'openpgp',
                fpr,
                detail='the policy trusts no OpenPGP key (signatures.openpgp_keys is not set)',
            )
        return Verdict('unknown-key', 'openpgp', fpr)
    if raw.status not in ('G', 'U'):
        first = raw.text.splitlines()[-1] if raw.text else 'no output from gpg'
        return Verdict('bad-signature', 'openpgp', fpr, raw.signer, detail=f'gpg: {first}')
    if allowed and not ({primary, fpr} & allowed):
        return Verdict(
            'unknown-key',
            'openpgp',
            fpr,
            raw.signer,
            detail='the key is not in signatures.openpgp_fingerprints',
        )
    if email.lower() not in key.emails:
        return Verdict('signer-mismatch', 'openpgp', fpr, ', '.join(sorted(key.emails)))
    return Verdict(None, 'openpgp', fpr, email.lower())
