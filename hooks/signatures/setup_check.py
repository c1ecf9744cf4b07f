"""The pre-commit stage: the commit object does not exist yet, so check the setup
that will sign it (commit.gpgsign, gpg.format, a user.signingkey the policy
trusts for the committer's email), and say which `git config` fixes each gap."""
from __future__ import annotations

import base64
import binascii
import os
import subprocess
from pathlib import Path

from hooks import config as cfg
from hooks.config import SignaturesConfig
from hooks.findings import Finding
from hooks.git import Repo
from hooks.signatures import ID
from hooks.signatures import RULES
from hooks.signatures.signoff import Ident
from hooks.signatures.signoff import git_ident
from hooks.signatures.ssh import KEY_TYPE
from hooks.signatures.ssh import fmt_time
from hooks.signatures.ssh import ssh_fingerprint
from hooks.signatures.trust import Trust


def _config_bool(repo: Repo, key: str) -> bool:
    proc = repo.git('config', '--bool', '--get', key, ok=(0, 1, 128))
    return proc.returncode == 0 and proc.stdout.strip() == b'true'


def _setup_finding(rule: str, message: str) -> Finding:
    return Finding(hook=ID, rule=rule, severity=RULES[rule].severity, path='',
                   line=None, message=message)


def _read_public_key(path: Path) -> str | None:
    """'type base64' of an SSH key file: a public key, or an OpenSSH private key
    (whose public half is stored unencrypted), or its .pub neighbour."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    text = data.decode('utf-8', 'replace').strip()
    parts = text.split()
    if len(parts) >= 2 and KEY_TYPE.match(parts[0]):
        return f'{parts[0]} {parts[1]}'
    if '-----BEGIN OPENSSH PRIVATE KEY-----' in text:
        body = ''.join(line for line in text.splitlines() if not line.startswith('-----'))
        try:
            blob = base64.b64decode(body)
            magic = b'openssh-key-v1\0'
            pos = len(magic)
            for _ in range(3):  # cipher, kdf, kdf options
                pos += 4 + int.from_bytes(blob[pos:pos + 4], 'big')
            pos += 4  # number of keys
            size = int.from_bytes(blob[pos:pos + 4], 'big')
            key = blob[pos + 4:pos + 4 + size]
            ktype_len = int.from_bytes(key[:4], 'big')
            ktype = key[4:4 + ktype_len].decode()
            if blob.startswith(magic) and key:
                return f'{ktype} {base64.b64encode(key).decode()}'
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    pub = path.with_name(path.name + '.pub')
    if pub.is_file():
        return _read_public_key(pub)
    return None


def check_setup(repo: Repo, *, policy: SignaturesConfig, trust: Trust) -> list[Finding]:
    """The commit being made will be signed by a key the policy allows for the
    identity git will record."""
    if policy.require == 'signoff':
        return []
    findings: list[Finding] = []
    ident = git_ident(repo, 'COMMITTER')
    # git accepts only these spellings (gpg.format=SSH is refused at commit time).
    fmt = repo.config_get('gpg.format') or 'openpgp'
    key = repo.config_get('user.signingkey')
    prefer_ssh = bool(policy.allowed_signers) or not policy.openpgp_keys
    example = ('git config gpg.format ssh\n'
               'git config user.signingkey ~/.ssh/id_ed25519.pub') if prefer_ssh else (
        f'gpg --list-secret-keys --keyid-format=long {ident.email}\n'
        'git config user.signingkey <the key id it shows>')
    if not _config_bool(repo, 'commit.gpgsign'):
        findings.append(_setup_finding(
            'signing-disabled',
            'the commit will not be signed: commit.gpgsign is not true, and the policy '
            'requires signed commits\nfix: git config commit.gpgsign true\n'
            '(hooks cannot see `git commit -S`: if you sign that way, set it anyway)'))
    if fmt == 'x509':
        findings.append(_setup_finding(
            'unsupported-signature',
            'gpg.format is x509 (gpgsm, gitsign): X.509 signatures are not supported by '
            f'this policy; sign with SSH or OpenPGP\nfix:\n{example}'))
        return findings
    if fmt not in ('ssh', 'openpgp'):
        findings.append(_setup_finding(
            'signing-key', f'gpg.format is {fmt!r}, which git does not know\n'
                           f'fix:\n{example}'))
        return findings
    if not key and fmt == 'openpgp' and _gnupg_keyring() is not None:
        # git then asks gpg for a key by the committer's email.
        key = ident.email
    if not key:
        findings.append(_setup_finding(
            'signing-key', f'user.signingkey is not set: git has no key to sign with\n'
                           f'fix:\n{example}'))
        return findings
    if fmt == 'ssh':
        findings.extend(_check_ssh_key(repo, key, ident, trust))
    else:
        findings.extend(_check_openpgp_key(repo, key, ident, trust))
    return findings


def _check_ssh_key(repo: Repo, key: str, ident: Ident, trust: Trust) -> list[Finding]:
    policy = trust.policy
    if key.startswith('key::'):
        public: str | None = key[len('key::'):].strip()
        shown = 'the key:: literal in user.signingkey'
    elif KEY_TYPE.match(key.split()[0]):
        public = key.strip()
        shown = 'the literal key in user.signingkey'
    else:
        path = Path(os.path.expanduser(key))
        if not path.is_absolute():
            path = repo.root / path
        shown = str(path)
        if not path.exists():
            return [_setup_finding(
                'signing-key',
                f'user.signingkey is {key}, which does not exist\n'
                'fix: git config user.signingkey <path to your SSH public key>, e.g. '
                '~/.ssh/id_ed25519.pub (make one: ssh-keygen -t ed25519)')]
        public = _read_public_key(path)
    parts = (public or '').split()
    if len(parts) < 2 or not KEY_TYPE.match(parts[0]):
        return [_setup_finding(
            'signing-key', f'cannot read an SSH public key from {shown}\n'
                           'fix: git config user.signingkey <path to the .pub file>')]
    try:
        fpr = ssh_fingerprint(base64.b64decode(parts[1], validate=True))
    except binascii.Error:
        return [_setup_finding('signing-key', f'{shown} holds no valid SSH public key\n'
                               'fix: git config user.signingkey <path to the .pub file>')]
    line = f'{ident.email} namespaces="git" {parts[0]} {parts[1]}'
    if not policy.allowed_signers:
        return [_setup_finding(
            'signing-key',
            'the policy allows no SSH signer: signatures.allowed_signers is not set in '
            f'{cfg.CONFIG_NAMES[0]}\nfix: add `allowed_signers: .allowed_signers` under '
            f'`signatures:` and this line to .allowed_signers:\n{line}')]
    if fpr in trust.revoked:
        return [_setup_finding(
            'signing-key', f'your signing key {fpr} is revoked in {policy.revoked_signers} '
                           f'{trust.where}\nfix: make a new key (ssh-keygen -t ed25519), '
                           'get it added to the allowed signers, then git config '
                           'user.signingkey <new .pub file>')]
    entries = [s for s in trust.signers_for_key(fpr) if s.allows_git()]
    mine = [s for s in entries if s.is_for(ident.email)]
    if not entries:
        return [_setup_finding(
            'signing-key',
            f'your signing key {fpr} is not in the allowed signers '
            f'({policy.allowed_signers} {trust.where})\n'
            f'fix: get this line added to {policy.allowed_signers} (a reviewed change):\n'
            f'{line}')]
    if not mine:
        owners = ', '.join(p for s in entries for p in s.principals)
        return [_setup_finding(
            'signing-key',
            f'your signing key {fpr} is allowed for {owners}, but git will record the '
            f'committer as {ident.email}\nfix: git config user.email <the email the key is '
            f'allowed for>, or get this line added to {policy.allowed_signers}:\n{line}')]
    if not any(s.valid_at(ident.when) for s in mine):
        s = mine[0]
        return [_setup_finding(
            'signing-key',
            f'your signing key {fpr} is not valid now: {policy.allowed_signers}:{s.line} '
            f'allows it from {fmt_time(s.valid_after)} to {fmt_time(s.valid_before)}\n'
            f'fix: get its validity in {policy.allowed_signers} renewed, or sign with a '
            'current key')]
    return []


def _gnupg_keyring() -> Path | None:
    """The user's GnuPG keyring, if there is one (looked for, not created)."""
    home = Path(os.environ.get('GNUPGHOME') or Path.home() / '.gnupg')
    return next((home / n for n in ('pubring.kbx', 'pubring.gpg') if (home / n).exists()),
                None)


def _check_openpgp_key(repo: Repo, key: str, ident: Ident, trust: Trust) -> list[Finding]:
    program = (repo.config_get('gpg.openpgp.program') or repo.config_get('gpg.program')
               or 'gpg')
    home = Path(os.environ.get('GNUPGHOME') or Path.home() / '.gnupg')
    if _gnupg_keyring() is None:
        # No keyring at all: say so without running gpg, which would create one.
        return [_setup_finding(
            'signing-key', f'there is no GnuPG keyring ({home}), so no secret key for '
                           f'{key}\nfix: gpg --quick-generate-key "{ident.name} '
                           f'<{ident.email}>", then git config user.signingkey <its key id>, '
                           'or sign with SSH: git config gpg.format ssh')]
    # The user's own keyring, read only: does it hold the secret key git will use?
    try:
        proc = subprocess.run(
            (program, '--batch', '--no-tty', '--no-auto-check-trustdb', '--with-colons',
             '--fixed-list-mode', '--list-secret-keys', '--', key),
            capture_output=True, check=False, env={**os.environ, 'LC_ALL': 'C'})
    except FileNotFoundError:
        return [_setup_finding('signing-key', f'{program} (gpg.program) is not installed\n'
                               'fix: install GnuPG, or sign with SSH: git config gpg.format '
                               'ssh')]
    rows = [r.split(':') for r in proc.stdout.decode('utf-8', 'replace').splitlines()]
    from hooks.signatures.openpgp import parse_colons

    secret = parse_colons(proc.stdout.decode('utf-8', 'replace'))
    if proc.returncode != 0 or not secret:
        return [_setup_finding(
            'signing-key', f'the secret key {key} (user.signingkey) is not in your GnuPG '
                           'keyring\nfix: gpg --list-secret-keys --keyid-format=long, then '
                           'git config user.signingkey <key id>')]
    k = secret[0]
    validity = next((r[1] for r in rows if r[0] == 'sec' and len(r) > 1), '')
    if validity in ('e', 'r'):
        what = 'has expired' if validity == 'e' else 'is revoked'
        return [_setup_finding(
            'signing-key', f'your signing key {k.fingerprint} {what}\n'
                           f'fix: gpg --quick-set-expire {k.fingerprint} 1y (expired), or '
                           'make a new key and git config user.signingkey <new key id>')]
    if ident.email.lower() not in k.emails:
        return [_setup_finding(
            'signing-key',
            f'your signing key {k.fingerprint} has no user id for {ident.email}, the '
            f'committer git will record\nfix: gpg --quick-add-uid {k.fingerprint} '
            f'"{ident.name} <{ident.email}>", or git config user.email <an email of the key>')]
    if not trust.openpgp_keys:
        return [_setup_finding(
            'signing-key', 'the policy trusts no OpenPGP key: signatures.openpgp_keys is not '
                           f'set\nfix: gpg --armor --export {k.fingerprint} > '
                           f'.gpg-keys/{ident.email}.asc, commit it, and set `openpgp_keys: '
                           '.gpg-keys` under `signatures:`')]
    from hooks.signatures.verify import Verifier

    with Verifier(repo, trust) as verifier:
        trusted = verifier.openpgp_keys()
    allowed = {f.upper() for f in trust.policy.openpgp_fingerprints}
    if k.fingerprint not in trusted or (
            allowed and not ({k.fingerprint, *k.subkeys} & allowed)):
        return [_setup_finding(
            'signing-key', f'your signing key {k.fingerprint} is not trusted by the policy '
                           f'({trust.policy.openpgp_keys} {trust.where})\nfix: gpg --armor '
                           f'--export {k.fingerprint} > <file in {trust.policy.openpgp_keys}> '
                           'and get it added in a reviewed change')]
    return []

