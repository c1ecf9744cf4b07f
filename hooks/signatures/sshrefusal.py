"""Why ssh-keygen refused a signature that holds: revoked, expired, someone else's key, untrusted.

Each answer is worded from ssh-keygen's own output (its per-line errors, `-Y
find-principals`, `-L` for a certificate) and the allowed_signers lines that name the
key; hooks.signatures.ssh calls here only when a verification failed.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Sequence
from pathlib import Path

from hooks.signatures.ssh import SshOutcome
from hooks.signatures.ssh import SshPolicy
from hooks.signatures.sshkeys import GOOD
from hooks.signatures.sshkeys import LINE_ERROR
from hooks.signatures.sshkeys import fmt_time
from hooks.signatures.sshkeys import is_cert
from hooks.signatures.sshkeys import printable
from hooks.signatures.sshkeys import run_keygen
from hooks.signatures.sshkeys import verify_time
from hooks.signatures.sshkeys import window

# ssh-keygen's words for a line it cannot parse (as opposed to one that parses but
# does not apply: expired, wrong namespace, certificate not valid).
_REJECTED = ('invalid line', 'invalid options', 'missing key', 'invalid key', 'bad options')


def judge_failure(
    policy: SshPolicy,
    fpr: str,
    key_type: str,
    blob: bytes,
    allowed: Path,
    numbers: list[int],
    sig: Path,
    payload: bytes,
    email: str,
    when: int | None,
    first: subprocess.CompletedProcess[bytes] | None,
    revoked: bool | None = None,
) -> SshOutcome:
    """Classify a signature that holds but that ssh-keygen did not accept for
    `email`: revoked, expired, someone else's key, or not trusted at all."""
    if not numbers:
        return SshOutcome('unknown-key', fpr, '', _unlisted_hint(key_type))
    plain = first
    if revoked is None and policy.revfile is not None:
        plain = run_keygen(
            *policy.verify_args(allowed, email, sig, when, revocation=False), stdin=payload
        )
        revoked = plain.returncode == 0 and plain.stdout.startswith(GOOD)
    if revoked:
        return SshOutcome('revoked', fpr, email, policy.revoked_by())
    if plain is None:
        plain = run_keygen(
            *policy.verify_args(allowed, email, sig, when, revocation=False), stdin=payload
        )
    errors = _line_errors(plain.stderr, allowed, numbers)
    rejected = [(n, m) for n, m in errors if m.startswith(_REJECTED)]
    errors = [(n, m) for n, m in errors if not m.startswith(_REJECTED)]
    note = (
        (
            f'{policy.allowed_name}:{rejected[0][0]} {policy.where} names '
            f'{printable(email)}, but ssh-keygen rejects that line '
            f'({rejected[0][1]})'
        )
        if rejected
        else ''
    )
    if errors:
        n, message = errors[0]
        where = f'{policy.allowed_name}:{n} {policy.where}'
        if 'expired' in message or 'not yet valid' in message:
            if 'certificate' in message:
                cert = certificate(policy, key_type, blob)
                return SshOutcome(
                    'expired',
                    fpr,
                    email,
                    (
                        f'committed {fmt_time(when)}, but the certificate is valid '
                        f'{cert.get("valid", "?")}'
                    ),
                )
            return SshOutcome(
                'expired',
                fpr,
                email,
                (
                    f'committed {fmt_time(when)}, but {where} allows the key only '
                    f'{window(policy.line(n))}'
                ),
            )
        if 'namespace' in message:
            return SshOutcome(
                'unknown-key',
                fpr,
                '',
                (
                    f'{where} lists the key for {printable(email)}, but not for git '
                    'signatures (its namespaces= option excludes "git")'
                ),
            )
        if 'principal' in message and 'certificate' in message:
            cert = certificate(policy, key_type, blob)
            return SshOutcome(
                'signer-mismatch',
                fpr,
                cert.get('principals', '') or '(no principals)',
                'the certificate is not issued for the committer',
            )
        return SshOutcome('unknown-key', fpr, '', f'ssh-keygen: {where}: {message}')
    fp_args = ['-Y', 'find-principals', '-f', str(allowed), '-s', str(sig)]
    if when is not None:
        fp_args.append(verify_time(when))
    found = run_keygen(*fp_args)
    principals = [p for p in found.stdout.decode('utf-8', 'replace').split('\n') if p]
    if found.returncode == 0 and principals:
        return SshOutcome('signer-mismatch', fpr, ', '.join(printable(p) for p in principals), note)
    if note:
        return SshOutcome('unknown-key', fpr, '', note)
    # Listed, but for no one at this date: say for whom, and when.
    lines = [policy.line(n) for n in numbers]
    if is_cert(key_type):
        cert = certificate(policy, key_type, blob)
        return SshOutcome(
            'unknown-key',
            fpr,
            '',
            (
                'no cert-authority line for its CA vouches for this certificate as '
                f'{printable(email)} (certificate principals: '
                f'{cert.get("principals", "?")}; valid {cert.get("valid", "?")})'
            ),
        )
    listed = [ln for ln in lines if 'cert-authority' not in ln.options]
    if not listed:
        return SshOutcome(
            'unknown-key',
            fpr,
            '',
            (
                f'{policy.allowed_name}:{lines[0].number} lists this key as a '
                'cert-authority: it vouches for certificates it signed, never for its '
                'own signatures'
            ),
        )
    for ln in listed:
        if 'valid-after' in ln.options or 'valid-before' in ln.options:
            return SshOutcome(
                'signer-mismatch',
                fpr,
                ', '.join(printable(p) for p in ln.principals),
                (
                    f'{policy.allowed_name}:{ln.number} {policy.where} allows the key '
                    f'{window(ln)}, committed {fmt_time(when)}'
                ),
            )
    return SshOutcome(
        'unknown-key',
        fpr,
        '',
        (f'ssh-keygen accepts no line of {policy.allowed_name} for this key'),
    )


def _unlisted_hint(key_type: str) -> str:
    if is_cert(key_type):
        return (
            'an SSH certificate is trusted through a cert-authority line for its '
            'CA, not by listing its key'
        )
    return ''


def _line_errors(stderr: bytes, allowed: Path, numbers: Sequence[int]) -> list[tuple[int, str]]:
    out = []
    for text in stderr.decode('utf-8', 'replace').splitlines():
        m = LINE_ERROR.match(text)
        if m is None or m.group(1) != str(allowed):
            continue
        i = int(m.group(2)) - 1
        if 0 <= i < len(numbers):
            out.append((numbers[i], m.group(3)))
    return out


def certificate(policy: SshPolicy, key_type: str, blob: bytes) -> dict[str, str]:
    """What `ssh-keygen -L` says of a certificate: its validity and principals."""
    path = policy.write('cert.pub', f'{key_type} '.encode() + base64.b64encode(blob) + b'\n')
    proc = run_keygen('-L', '-f', str(path))
    info: dict[str, str] = {}
    lines = proc.stdout.decode('utf-8', 'replace').splitlines()
    for i, text in enumerate(lines):
        s = text.strip()
        if s.startswith('Valid:'):
            info['valid'] = s[len('Valid:') :].strip()
        elif s.startswith('Principals:'):
            names = []
            for more in lines[i + 1 :]:
                if not more.startswith(' ' * 16):
                    break
                names.append(more.strip())
            info['principals'] = ', '.join(printable(n) for n in names)
    return info
