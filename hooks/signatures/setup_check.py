"""The pre-commit stage: will the next commit be signed with a key the policy trusts?

The commit object does not exist yet, so this asks what git will do: which format
(`gpg.format`), which key, in every way git finds one (hooks.signatures.signingkey;
for OpenPGP `user.signingkey` or gpg's own choice for the committer identity),
whether it will sign at all (`commit.gpgsign`), and whether ssh-keygen/gpg would
accept that key for the committer under the trusted policy. Everything missing is
reported at once, in order, as commands to paste; `commit-warden signing status`
says the same in words.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path
from typing import NamedTuple

from hooks.config import SignaturesConfig
from hooks.findings import Finding
from hooks.git import Repo
from hooks.signatures import ID
from hooks.signatures import RULES
from hooks.signatures.signingkey import allowed_line
from hooks.signatures.signingkey import default_key_files
from hooks.signatures.signingkey import read_public_key
from hooks.signatures.signingkey import resolve_ssh_key
from hooks.signatures.signingkey import tilde
from hooks.signatures.signoff import Ident
from hooks.signatures.signoff import git_ident
from hooks.signatures.trust import Trust

_SETUP = '`commit-warden signing setup`'


class Check(NamedTuple):
    """What stands between the committer and a passing signed commit."""

    reasons: list[str]  # what is wrong, one clause each
    steps: list[str]  # commands to paste, in order
    trust_line: str  # the allowed_signers line a maintainer must add ('' if none)
    trust_reason: str  # why the key is not trusted yet ('' if it is, or unknown)
    rule: str  # the rule id to report under
    ok_message: str  # when nothing is missing: what will happen
    fmt: str  # the format the commit must be signed in: ssh or openpgp


def config_bool(repo: Repo, key: str) -> bool:
    proc = repo.git('config', '--bool', '--get', key, ok=(0, 1, 128))
    return proc.returncode == 0 and proc.stdout.strip() == b'true'


def _test_signature(keyfile: Path) -> bytes | None:
    """A signature over the probe payload made as git would sign, or None when that
    needs a passphrase or a terminal (never prompts: no terminal, no askpass)."""
    from hooks.signatures.sshkeys import PROBE_PAYLOAD

    env = {k: v for k, v in os.environ.items() if k not in ('SSH_ASKPASS', 'DISPLAY')}
    try:
        proc = subprocess.run(
            ('ssh-keygen', '-q', '-Y', 'sign', '-n', 'git', '-f', str(keyfile)),
            input=PROBE_PAYLOAD,
            capture_output=True,
            check=False,
            timeout=30,
            env=env,
            start_new_session=True,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    ok = proc.returncode == 0 and proc.stdout.startswith(b'-----BEGIN SSH SIGNATURE-----')
    return proc.stdout if ok else None


def ssh_trust_of(
    trust: Trust, public: str, email: str, when: int, keyfile: Path | None = None
) -> tuple[bool, str]:
    """(trusted, why not) for key `public` signing as `email` at `when`, by ssh-keygen."""
    from hooks.signatures.ssh import SshCheck
    from hooks.signatures.ssh import SshPolicy
    from hooks.signatures.sshkeys import PROBE_PAYLOAD
    from hooks.signatures.sshkeys import is_cert

    policy = trust.policy
    if not policy.allowed_signers:
        return False, 'the policy trusts no SSH signer (signatures.allowed_signers is not set)'
    with SshPolicy(
        allowed=trust.allowed_signers,
        allowed_name=policy.allowed_signers,
        revoked=trust.revoked_signers,
        revoked_name=policy.revoked_signers,
        where=trust.where,
    ) as ssh:
        if is_cert(public.split()[0]):
            # A certificate is trusted through its CA: only a real signature can show
            # ssh-keygen the whole chain.
            made = _test_signature(keyfile) if keyfile is not None else None
            if made is None:
                return True, ''  # cannot ask without a passphrase: the push check will
            check = SshCheck('setup', made, PROBE_PAYLOAD, email, when)
            out = ssh.verify([check])['setup']
        else:
            out = ssh.key_may_sign(public, email, when)
    if out.reason is None:
        return True, ''
    where = f'{policy.allowed_signers} {trust.where}'
    if out.reason == 'revoked':
        return False, f'your key {out.key} is revoked ({out.detail})'
    if out.reason == 'expired':
        return False, (
            f'your key {out.key} is not valid now for {email}: '
            + out.detail.replace('committed ', 'it is ', 1)
        )
    if out.reason == 'signer-mismatch':
        return False, (
            f'your key {out.key} is allowed for {out.signer}, but git will '
            f'record the committer as {email} (per {where}'
            + (f'; {out.detail})' if out.detail else ')')
        )
    return False, (
        f'your key {out.key} is not trusted for {email} in {where}'
        + (f': {out.detail}' if out.detail else '')
    )


def check(repo: Repo, *, policy: SignaturesConfig, trust: Trust, now: int | None = None) -> Check:
    ident = git_ident(repo, 'COMMITTER')
    when = int(time.time()) if now is None else now
    reasons: list[str] = []
    steps: list[str] = []
    fmt = repo.config_get('gpg.format') or 'openpgp'
    gpgsign = config_bool(repo, 'commit.gpgsign')
    ssh_policy = bool(policy.allowed_signers) or not policy.openpgp_keys
    want = fmt if fmt in ('ssh', 'openpgp') else ('ssh' if ssh_policy else 'openpgp')
    if want == 'openpgp' and not policy.openpgp_keys and ssh_policy:
        want = 'ssh'  # the policy trusts no OpenPGP key: only SSH can pass
    rule = 'signing-key'
    if fmt == 'x509':
        reasons.append(
            'gpg.format is x509 (gpgsm, gitsign): X.509 signatures are not supported by this policy'
        )
        rule = 'unsupported-signature'
    elif fmt not in ('ssh', 'openpgp'):
        reasons.append(f'gpg.format is {fmt!r}, which git does not know')
    elif fmt != want and not repo.config_get('gpg.format'):
        reasons.append(
            f'gpg.format is not set, so git would sign with {fmt}, but the '
            'policy trusts only '
            + (
                'SSH keys (signatures.allowed_signers)'
                if want == 'ssh'
                else 'OpenPGP keys (signatures.openpgp_keys)'
            )
        )
    elif fmt != want:
        reasons.append(
            f'gpg.format is {fmt}, but the policy trusts only '
            + (
                'SSH keys (signatures.allowed_signers)'
                if want == 'ssh'
                else 'OpenPGP keys (signatures.openpgp_keys)'
            )
        )
    if fmt != want:
        steps.append(f'git config gpg.format {want}')
    trust_line = trust_reason = ok = ''
    if want == 'ssh':
        key, problem, fix = resolve_ssh_key(repo)
        if fmt != 'ssh' and (key is None or problem):
            # user.signingkey may name an OpenPGP key today: suggest an SSH key instead.
            key, problem, fix = None, '', []
        if key is None or (problem and fix):
            reasons.append(
                problem
                or 'no SSH signing key is configured (user.signingkey, '
                'or gpg.ssh.defaultKeyCommand)'
            )
            if fix:
                steps.extend(fix)
            else:
                existing = default_key_files()
                if existing:
                    target = existing[0]
                else:
                    target = Path.home() / '.ssh' / 'id_ed25519.pub'
                    steps.append(
                        f'ssh-keygen -t ed25519 -C {shlex.quote(ident.email)} -f '
                        f'{tilde(target.with_suffix(""))}'
                    )
                steps.append(f'git config user.signingkey {tilde(target)}')
                if existing:
                    public = read_public_key(existing[0])
                    if public:
                        trusted, why = ssh_trust_of(trust, public, ident.email, when)
                        if not trusted:
                            trust_reason = why
                            trust_line = allowed_line(ident.email, public)
        if key is not None:
            trusted, why = ssh_trust_of(trust, key.public, ident.email, when, key.path)
            if not trusted:
                trust_reason = why
                trust_line = allowed_line(ident.email, key.public)
            else:
                ok = (
                    f'signed with SSH key {key.fingerprint} ({key.shown}), which '
                    f'{policy.allowed_signers} {trust.where} trusts for {ident.email}'
                )
    else:
        key_reason, key_steps, ok = _openpgp(repo, ident, trust)
        if key_reason:
            reasons.append(key_reason)
            steps.extend(key_steps)
    if not gpgsign:
        reasons.append('commit.gpgsign is not true, so git will not sign the commit')
        steps.append('git config commit.gpgsign true')
        if not reasons[:-1] and not trust_reason and rule == 'signing-key':
            rule = 'signing-disabled'
    # Making a key comes first: every other command refers to it.
    steps.sort(key=lambda s: 0 if s.startswith(('ssh-keygen', 'gpg --quick-gen')) else 1)
    return Check(reasons, steps, trust_line, trust_reason, rule, ok, want)


def _openpgp(repo: Repo, ident: Ident, trust: Trust) -> tuple[str, list[str], str]:
    """(what is wrong, commands, what will happen if nothing) for gpg.format=openpgp.

    Without user.signingkey git asks gpg for a key by the committer identity
    (`gpg -u "Name <email>"`); gpg's own choice is what is checked."""
    from hooks.signatures.openpgp import parse_colons
    from hooks.signatures.verify import Verifier

    program = repo.config_get('gpg.openpgp.program') or repo.config_get('gpg.program') or 'gpg'
    configured = repo.config_get('user.signingkey')
    spec = configured or f'{ident.name} <{ident.email}>'
    shown = (
        f'user.signingkey {configured}'
        if configured
        else f'the key gpg picks for "{spec}" (user.signingkey is not set)'
    )
    home = Path(os.environ.get('GNUPGHOME') or Path.home() / '.gnupg')
    who = shlex.quote(f'{ident.name} <{ident.email}>')
    make = [
        f'gpg --quick-generate-key {who} ed25519 sign',
        'git config user.signingkey <the fingerprint it prints>',
    ]
    if not any((home / n).exists() for n in ('pubring.kbx', 'pubring.gpg')):
        # No keyring at all: say so without running gpg, which would create one.
        return (f'there is no GnuPG keyring ({home}), so no secret key for {spec}', make, '')
    try:
        proc = subprocess.run(
            (
                program,
                '--batch',
                '--no-tty',
                '--no-auto-check-trustdb',
                '--with-colons',
                '--fixed-list-mode',
                '--list-secret-keys',
                '--',
                spec,
            ),
            capture_output=True,
            check=False,
            env={**os.environ, 'LC_ALL': 'C'},
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        return (f'{program} (gpg.program) is not installed', ['git config gpg.format ssh'], '')
    text = proc.stdout.decode('utf-8', 'replace')
    secret = parse_colons(text)
    if proc.returncode != 0 or not secret:
        return (f'your GnuPG keyring has no secret key for {shown}', make, '')
    k = secret[0]
    rows = [r.split(':') for r in text.splitlines()]
    validity = next((r[1] for r in rows if r[0] == 'sec' and len(r) > 1), '')
    if validity in ('e', 'r'):
        what = 'has expired' if validity == 'e' else 'is revoked'
        return (
            f'your signing key {k.fingerprint} ({shown}) {what}',
            [f'gpg --quick-set-expire {k.fingerprint} 1y'] if validity == 'e' else make,
            '',
        )
    if ident.email.lower() not in k.emails:
        return (
            f'your signing key {k.fingerprint} has no user id for {ident.email}, the '
            'committer git will record',
            [f'gpg --quick-add-uid {k.fingerprint} {who}'],
            '',
        )
    policy = trust.policy
    export = (
        f'gpg --armor --export {k.fingerprint} > {policy.openpgp_keys or ".gpg-keys"}/'
        f'{ident.email}.asc'
    )
    if not trust.openpgp_keys:
        return (
            'the policy trusts no OpenPGP key (signatures.openpgp_keys is not set)',
            [
                export + '   # committed by a maintainer, with `openpgp_keys: .gpg-keys` '
                'under `signatures:`'
            ],
            '',
        )
    with Verifier(repo, trust) as verifier:
        trusted = verifier.openpgp_keys()
    allowed = {f.upper() for f in policy.openpgp_fingerprints}
    if k.fingerprint not in trusted or (allowed and not ({k.fingerprint, *k.subkeys} & allowed)):
        return (
            f'your signing key {k.fingerprint} is not trusted by the policy '
            f'({policy.openpgp_keys} {trust.where})',
            [export + '   # then a maintainer commits it (never your own change)'],
            '',
        )
    return (
        '',
        [],
        (
            f'signed with OpenPGP key {k.fingerprint} ({shown}), which '
            f'{policy.openpgp_keys} {trust.where} trusts for {ident.email}'
        ),
    )


def message(c: Check, policy: SignaturesConfig) -> str:
    """One message: everything that is wrong, then every command, in order."""
    reasons = [*c.reasons, *([c.trust_reason] if c.trust_reason else [])]
    lines = ['the next commit will not pass check-signatures: ' + '; '.join(reasons)]
    if c.steps:
        lines.append(f'fix: {_SETUP} does this; or run, in order:')
        lines.extend(f'  {s}' for s in c.steps)
    if c.trust_line:
        lines.append(
            f'{"then" if c.steps else "fix:"} get your key trusted: a '
            f'maintainer adds this line to {policy.allowed_signers or ".allowed_signers"} '
            'in a change of their own (yours cannot vouch for your own key):'
        )
        lines.append(f'  {c.trust_line}')
    elif c.fmt == 'ssh' and any(
        s.startswith(('ssh-keygen', 'git config user.signingkey')) for s in c.steps
    ):
        lines.append(
            'then `commit-warden signing status` prints the allowed_signers line '
            'a maintainer must add for your key'
        )
    if 'commit.gpgsign' in ' '.join(c.steps):
        lines.append(
            '(hooks cannot see `git commit -S`: if you sign that way, set commit.gpgsign anyway)'
        )
    return '\n'.join(lines)


def check_setup(repo: Repo, *, policy: SignaturesConfig, trust: Trust) -> list[Finding]:
    """check-signatures at pre-commit: one finding listing every missing step."""
    if policy.require == 'signoff':
        return []
    c = check(repo, policy=policy, trust=trust)
    if not c.reasons and not c.trust_reason:
        return []
    return [
        Finding(
            hook=ID,
            rule=c.rule,
            severity=RULES[c.rule].severity,
            path='',
            line=None,
            message=message(c, policy),
        )
    ]
