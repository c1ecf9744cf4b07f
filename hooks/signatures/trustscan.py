"""Problems in a policy's trust files, as ssh-keygen and gpg read them, found once per policy hash.

A line ssh-keygen rejects trusts nobody and is worth saying, on every run; finding it
means ssh-keygen reading the whole file, which for a 200,000-line allowed_signers
costs about half a second. So the scan runs once per (policy hash, where it was read),
and later runs read its result from `.git/commit-warden/trust-scan.json`. Errors
(a binary trust file, an unreadable revocation list, a private key) make the policy
unusable: `ConfigError`, exit 2, nothing judged. `commit-warden config` and
check-warden-config report the same problems (the hook's `check_policy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hooks.errors import ConfigError
from hooks.errors import Problem
from hooks.signatures.sshkeys import BOM
from hooks.signatures.sshkeys import KRL_MAGIC
from hooks.signatures.sshkeys import LINE_ERROR
from hooks.signatures.sshkeys import PROBE_SIGNATURE
from hooks.signatures.sshkeys import first_bad_key_line
from hooks.signatures.sshkeys import is_text
from hooks.signatures.sshkeys import parse_line
from hooks.signatures.sshkeys import printable
from hooks.signatures.sshkeys import run_keygen

if TYPE_CHECKING:
    from hooks.git import Repo
    from hooks.signatures.ssh import SshPolicy

_NAME = 'trust-scan.json'
_VERSION = 2
_KEEP = 8
_MAX_NOTES = 10
_REJECT_HINTS = {
    'missing start quote': '; option values must be quoted, e.g. valid-before="20270101"',
    'unknown key option': (
        '; allowed_signers options are cert-authority, namespaces=, valid-after= and valid-before='
    ),
}


def _problems(value: object) -> list[Problem] | None:
    if not isinstance(value, list):
        return None
    out = []
    for p in value:
        if (
            not isinstance(p, list)
            or len(p) != 3
            or not isinstance(p[0], str)
            or not isinstance(p[1], int)
            or not isinstance(p[2], str)
        ):
            return None
        out.append(Problem(p[0], p[1], p[2]))
    return out


def scan(
    repo: Repo | None,
    *,
    digest: str,
    where: str,
    allowed: bytes | None,
    allowed_name: str | None,
    revoked: bytes | None,
    revoked_name: str | None,
    openpgp_keys: Sequence[tuple[str, bytes]],
) -> list[Problem]:
    """Notes about the trust files (lines ssh-keygen rejects, a BOM); raises
    ConfigError when the files cannot be used at all."""
    from hooks.state import JsonCache

    key = f'{digest}\0{where}'
    cache = JsonCache(repo.state_dir / _NAME, version=_VERSION) if repo is not None else None
    entry = cache.data.get(key) if cache is not None else None
    errors = notes = None
    if isinstance(entry, dict):
        errors, notes = _problems(entry.get('errors')), _problems(entry.get('notes'))
    if errors is None or notes is None:
        errors, notes = _scan(
            where=where,
            allowed=allowed,
            allowed_name=allowed_name,
            revoked=revoked,
            revoked_name=revoked_name,
            openpgp_keys=openpgp_keys,
        )
        if cache is not None:
            # The newest last (dicts keep insertion order); a few policies are kept.
            cache.data.pop(key, None)
            cache.put(key, {'errors': [list(p) for p in errors], 'notes': [list(p) for p in notes]})
            cache.data = dict(list(cache.data.items())[-_KEEP:])
            cache.save()
    if errors:
        raise ConfigError(list(errors))
    return notes


def _scan(
    *,
    where: str,
    allowed: bytes | None,
    allowed_name: str | None,
    revoked: bytes | None,
    revoked_name: str | None,
    openpgp_keys: Sequence[tuple[str, bytes]],
) -> tuple[list[Problem], list[Problem]]:
    # Only a cache miss reads the files: a warm run never imports ssh-keygen's judge.
    from hooks.signatures.openpgp import private_key_problems
    from hooks.signatures.ssh import SshPolicy

    errors: list[Problem] = []
    notes: list[Problem] = []
    if allowed is not None or revoked is not None:
        with SshPolicy(
            allowed=allowed,
            allowed_name=allowed_name,
            revoked=revoked,
            revoked_name=revoked_name,
            where=where,
        ) as ssh:
            e, n = allowed_problems(ssh)
            errors += e
            notes += n
            errors += revoked_problems(ssh)
    errors += private_key_problems(openpgp_keys, where)
    return errors, notes


def allowed_problems(ssh: SshPolicy) -> tuple[list[Problem], list[Problem]]:
    """(errors, notes) for the allowed_signers file, as ssh-keygen reads it.

    Errors make the policy unusable (exit 2); notes name the lines ssh-keygen
    rejects (each trusts nothing) and anything that reads differently from how it
    looks."""
    data = ssh.allowed
    if data is None:
        return [], []
    name = f'{ssh.allowed_name} {ssh.where}'
    if not is_text(data):
        return [
            Problem(
                '',
                0,
                (
                    f'signatures.allowed_signers: {name} is not a text file ('
                    + ('it holds NUL bytes' if b'\0' in data else 'it is mostly control bytes')
                    + '): ssh-keygen can read no signer from it, so it trusts nobody; point '
                    'the policy at an allowed_signers file (`principals [options] keytype '
                    'key`, one per line)'
                ),
            )
        ], []
    notes: list[Problem] = []
    if data.startswith(BOM):
        first = parse_line(1, data[: data.find(b'\n') if b'\n' in data else len(data)])
        shown = printable(first.principals[0]) if first.principals else '\\ufeff'
        notes.append(
            Problem(
                ssh.allowed_name,
                1,
                (
                    f'the file starts with a UTF-8 byte-order mark, which ssh-keygen reads as '
                    f'part of the first principal ("{shown}"); save it without one (e.g. '
                    f"`sed -i '1s/^\\xEF\\xBB\\xBF//' {ssh.allowed_name}`)"
                ),
            )
        )
    # The probe key is on no line: ssh-keygen reads every line, and names each it rejects.
    allowed = ssh.write('scan', data)
    sig = ssh.write('probe.sig', PROBE_SIGNATURE)
    proc = run_keygen('-Y', 'find-principals', '-f', str(allowed), '-s', str(sig))
    rejected: list[tuple[int, str]] = []
    for text in proc.stderr.decode('utf-8', 'replace').splitlines():
        m = LINE_ERROR.match(text)
        if m is not None and m.group(1) == str(allowed):
            rejected.append((int(m.group(2)), m.group(3)))
    for n, why in rejected[:_MAX_NOTES]:
        notes.append(
            Problem(
                ssh.allowed_name,
                n,
                (
                    f'ssh-keygen rejects this line ({why}), so it trusts nobody'
                    + _REJECT_HINTS.get(why.split(': ')[-1], '')
                ),
            )
        )
    if len(rejected) > _MAX_NOTES:
        notes.append(
            Problem(
                ssh.allowed_name,
                rejected[_MAX_NOTES][0],
                (
                    f'... and {len(rejected) - _MAX_NOTES} more lines ssh-keygen rejects '
                    f'({len(rejected)} in all); `ssh-keygen -Y find-principals -f '
                    f'{ssh.allowed_name} -s <any .sig>` lists them'
                ),
            )
        )
    return [], notes


def revoked_problems(ssh: SshPolicy) -> list[Problem]:
    """Errors for a revocation file ssh-keygen cannot read: it would then reject
    every signature, so no verdict could be trusted."""
    data = ssh.revoked
    if data is None or ssh.probe_verifies():
        return []
    if data.startswith(KRL_MAGIC):
        what = 'it starts like a KRL, but ssh-keygen cannot read it as one'
    elif not is_text(data):
        what = 'it is neither a KRL (`ssh-keygen -k` makes one) nor a text list of public keys'
    else:
        bad = first_bad_key_line(data)
        what = (
            (
                f'line {bad} is not a public key (a text revocation file is a list '
                'of public keys; KRL specifications such as `serial:` or `sha256:` '
                'must be compiled with `ssh-keygen -k`)'
            )
            if bad
            else 'ssh-keygen cannot read it'
        )
    return [
        Problem(
            '',
            0,
            (
                f'signatures.revoked_signers: {ssh.revoked_name} {ssh.where}: {what}; ssh-keygen '
                'then rejects every SSH signature, so nothing could be judged'
            ),
        )
    ]
