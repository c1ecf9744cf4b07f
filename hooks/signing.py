"""Will the next commit be signed with a key the policy trusts? And making it so.

- `check_setup`: check-signatures at the pre-commit stage. The commit object does not
  exist yet, so it asks what git will do: which format (`gpg.format`), which key, in
  every way git finds one (`user.signingkey` as a file, a `key::` or `ssh-` literal, or
  nothing and `gpg.ssh.defaultKeyCommand`; for OpenPGP `user.signingkey` or gpg's own
  choice for the committer identity), whether it will sign at all
  (`commit.gpgsign`), and whether ssh-keygen/gpg would accept that key for the
  committer under the trusted policy. Everything missing is reported at once, in
  order, as commands to paste.
- `commit-warden signing setup`: the local part of onboarding in one command: an
  existing SSH key or a new one (never overwriting a file), `gpg.format`,
  `user.signingkey` and `commit.gpgsign` for this repository, and the allowed_signers
  line a maintainer must add.
- `commit-warden signing status`: the same check as the hook, in words.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from hooks import config as cfg
from hooks import signatures as sig
from hooks.config import SignaturesConfig
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.findings import boundary
from hooks.git import Repo

PROG = 'commit-warden signing'
_KEY_TYPE = re.compile(r'^(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+$')
# The keys ssh-keygen makes by default, in the order a user would expect them used.
_DEFAULT_KEYS = ('id_ed25519', 'id_ecdsa', 'id_ed25519_sk', 'id_ecdsa_sk', 'id_rsa')
_SETUP = '`commit-warden signing setup`'


class SshKey(NamedTuple):
    public: str          # 'type base64'
    fingerprint: str
    shown: str           # how the user configured it, for messages
    config_value: str    # what user.signingkey should say to reach it
    path: Path | None    # the key file git passes to ssh-keygen (None: a literal)


class Check(NamedTuple):
    """What stands between the committer and a passing signed commit."""

    reasons: list[str]        # what is wrong, one clause each
    steps: list[str]          # commands to paste, in order
    trust_line: str           # the allowed_signers line a maintainer must add ('' if none)
    trust_reason: str         # why the key is not trusted yet ('' if it is, or unknown)
    rule: str                 # the rule id to report under
    ok_message: str           # when nothing is missing: what will happen
    fmt: str                  # the format the commit must be signed in: ssh or openpgp


def _tilde(path: Path) -> str:
    home = Path.home()
    try:
        return '~/' + str(path.relative_to(home))
    except ValueError:
        return str(path)


def _q(text: str) -> str:
    return shlex.quote(text)


# --- which SSH key will git sign with -----------------------------------------------


def read_public_key(path: Path) -> str | None:
    """'type base64' of an SSH key file: a public key, the public half of an OpenSSH
    private key (stored unencrypted even when the key has a passphrase), or its .pub
    neighbour."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    text = data.decode('utf-8', 'replace').strip()
    parts = text.split()
    if len(parts) >= 2 and _KEY_TYPE.match(parts[0]):
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
    if not path.name.endswith('.pub') and pub.is_file():
        return read_public_key(pub)
    return None


def _literal(value: str) -> str | None:
    """git's is_literal_ssh_key(): `key::...` or a value starting with `ssh-`."""
    if value.startswith('key::'):
        return value[len('key::'):].strip()
    if value.startswith('ssh-'):
        return value.strip()
    return None


def _agent_keys() -> set[str] | None:
    """'type base64' of each key the ssh-agent holds, or None without an agent."""
    if not os.environ.get('SSH_AUTH_SOCK'):
        return None
    try:
        proc = subprocess.run(('ssh-add', '-L'), capture_output=True, check=False,
                              timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode not in (0, 1):
        return None
    return {' '.join(line.split()[:2]) for line in
            proc.stdout.decode('utf-8', 'replace').splitlines() if len(line.split()) >= 2}


def resolve_ssh_key(repo: Repo) -> tuple[SshKey | None, str, list[str]]:
    """The key git will sign with under gpg.format=ssh: (key, problem, fix steps).

    Mirrors git 2.39 (gpg-interface.c): user.signingkey is a literal (`key::`,
    `ssh-...`) or a path (~ expanded, relative to the top of the work tree); unset,
    git runs gpg.ssh.defaultKeyCommand and takes its first line, which must be a
    literal. A literal, or a .pub file with no private key beside it, signs through
    the ssh-agent."""
    from hooks import sshtrust

    value = repo.config_get('user.signingkey')
    public: str | None
    path: Path | None = None
    if value:
        literal = _literal(value)
        if literal is not None:
            public = ' '.join(literal.split()[:2])
            shown = f'user.signingkey ({value[:20]}...)'
            needs_agent = True
            config_value = value
        else:
            path = Path(os.path.expanduser(value))
            if not path.is_absolute():
                path = repo.root / path
            shown = f'user.signingkey {value}'
            config_value = value
            if not path.exists():
                return None, f'user.signingkey is {value}, which does not exist', []
            public = read_public_key(path)
            needs_agent = path.name.endswith('.pub') and not \
                path.with_name(path.name[:-len('.pub')]).exists()
            if path.name.endswith('-cert.pub'):
                # ssh-keygen signs with the private key beside a certificate (k-cert.pub: k).
                needs_agent = not path.with_name(path.name[:-len('-cert.pub')]).exists()
    else:
        command = repo.config_get('gpg.ssh.defaultKeyCommand')
        if not command:
            return None, ('no SSH signing key is configured (user.signingkey, or '
                          'gpg.ssh.defaultKeyCommand)'), []
        shown = f'gpg.ssh.defaultKeyCommand ({command})'
        config_value = ''
        try:
            proc = subprocess.run(shlex.split(command), cwd=repo.root, capture_output=True,
                                  check=False, timeout=30, stdin=subprocess.DEVNULL)
        except (OSError, ValueError, subprocess.TimeoutExpired) as e:
            return None, f'gpg.ssh.defaultKeyCommand ({command}) cannot run: {e}', []
        first = proc.stdout.decode('utf-8', 'replace').split('\n', 1)[0]
        literal = _literal(first)
        if proc.returncode != 0 or literal is None:
            return None, (f'gpg.ssh.defaultKeyCommand ({command}) returned no key (git '
                          'takes its first line, which must start with `ssh-` or '
                          '`key::`)'), ['ssh-add ~/.ssh/id_ed25519']
        public = ' '.join(literal.split()[:2])
        needs_agent = True
    if not public or len(public.split()) < 2 or not _KEY_TYPE.match(public.split()[0]):
        return None, f'{shown} holds no SSH public key', []
    fpr = sshtrust.key_fingerprint(public)
    if not fpr:
        return None, f'{shown} holds no valid SSH public key', []
    key = SshKey(public, fpr, shown, config_value, path)
    if needs_agent:
        # git signs a literal key, or a .pub with no private key beside it, through
        # the agent only (`ssh-keygen -Y sign -U`).
        agent = _agent_keys()
        if agent is None:
            return key, (f'{shown} names key {fpr}, which git can only sign with through '
                         'an ssh-agent, and none is running (SSH_AUTH_SOCK)'), \
                ['eval "$(ssh-agent -s)"', 'ssh-add <the private key file of this key>']
        if public not in agent:
            return key, (f'{shown} names key {fpr}, which your ssh-agent does not hold, '
                         'and no private key file is beside it: git cannot sign'), \
                ['ssh-add <the private key file of this key>']
    return key, '', []


def default_key_files() -> list[Path]:
    """The public halves of the user's usual SSH keys that exist, best first."""
    ssh = Path.home() / '.ssh'
    return [ssh / f'{n}.pub' for n in _DEFAULT_KEYS if (ssh / f'{n}.pub').is_file()]


def allowed_line(email: str, public: str) -> str:
    return f'{email} namespaces="git" {public}'


# --- the check ---------------------------------------------------------------------


def _test_signature(keyfile: Path) -> bytes | None:
    """A signature over the probe payload made as git would sign, or None when that
    needs a passphrase or a terminal (never prompts: no terminal, no askpass)."""
    from hooks import sshtrust

    env = {k: v for k, v in os.environ.items() if k not in ('SSH_ASKPASS', 'DISPLAY')}
    try:
        proc = subprocess.run(('ssh-keygen', '-q', '-Y', 'sign', '-n', 'git', '-f',
                               str(keyfile)), input=sshtrust.PROBE_PAYLOAD,
                              capture_output=True, check=False, timeout=30, env=env,
                              start_new_session=True)
    except (OSError, subprocess.TimeoutExpired):
        return None
    ok = proc.returncode == 0 and proc.stdout.startswith(b'-----BEGIN SSH SIGNATURE-----')
    return proc.stdout if ok else None


def ssh_trust_of(trust: sig.Trust, public: str, email: str, when: int,
                 keyfile: Path | None = None) -> tuple[bool, str]:
    """(trusted, why not) for key `public` signing as `email` at `when`, by ssh-keygen."""
    from hooks import sshtrust

    policy = trust.policy
    if not policy.allowed_signers:
        return False, 'the policy trusts no SSH signer (signatures.allowed_signers is not set)'
    with sshtrust.SshPolicy(
            allowed=trust.allowed_signers, allowed_name=policy.allowed_signers,
            revoked=trust.revoked_signers, revoked_name=policy.revoked_signers,
            where=trust.where) as ssh:
        if sshtrust.is_cert(public.split()[0]):
            # A certificate is trusted through its CA: only a real signature can show
            # ssh-keygen the whole chain.
            made = _test_signature(keyfile) if keyfile is not None else None
            if made is None:
                return True, ''  # cannot ask without a passphrase: the push check will
            check = sshtrust.SshCheck('setup', made, sshtrust.PROBE_PAYLOAD, email, when)
            out = ssh.verify([check])['setup']
        else:
            out = ssh.key_may_sign(public, email, when)
    if out.reason is None:
        return True, ''
    where = f'{policy.allowed_signers} {trust.where}'
    if out.reason == 'revoked':
        return False, f'your key {out.key} is revoked ({out.detail})'
    if out.reason == 'expired':
        return False, (f'your key {out.key} is not valid now for {email}: '
                       + out.detail.replace('committed ', 'it is ', 1))
    if out.reason == 'signer-mismatch':
        return False, (f'your key {out.key} is allowed for {out.signer}, but git will '
                       f'record the committer as {email} (per {where}'
                       + (f'; {out.detail})' if out.detail else ')'))
    return False, (f'your key {out.key} is not trusted for {email} in {where}'
                   + (f': {out.detail}' if out.detail else ''))


def check(repo: Repo, *, policy: SignaturesConfig, trust: sig.Trust,
          now: int | None = None) -> Check:
    ident = sig.git_ident(repo, 'COMMITTER')
    when = int(time.time()) if now is None else now
    reasons: list[str] = []
    steps: list[str] = []
    fmt = repo.config_get('gpg.format') or 'openpgp'
    gpgsign = sig._config_bool(repo, 'commit.gpgsign')
    ssh_policy = bool(policy.allowed_signers) or not policy.openpgp_keys
    want = fmt if fmt in ('ssh', 'openpgp') else ('ssh' if ssh_policy else 'openpgp')
    if want == 'openpgp' and not policy.openpgp_keys and ssh_policy:
        want = 'ssh'  # the policy trusts no OpenPGP key: only SSH can pass
    rule = 'signing-key'
    if fmt == 'x509':
        reasons.append('gpg.format is x509 (gpgsm, gitsign): X.509 signatures are not '
                       'supported by this policy')
        rule = 'unsupported-signature'
    elif fmt not in ('ssh', 'openpgp'):
        reasons.append(f'gpg.format is {fmt!r}, which git does not know')
    elif fmt != want and not repo.config_get('gpg.format'):
        reasons.append(f'gpg.format is not set, so git would sign with {fmt}, but the '
                       'policy trusts only '
                       + ('SSH keys (signatures.allowed_signers)' if want == 'ssh'
                          else 'OpenPGP keys (signatures.openpgp_keys)'))
    elif fmt != want:
        reasons.append(f'gpg.format is {fmt}, but the policy trusts only '
                       + ('SSH keys (signatures.allowed_signers)' if want == 'ssh'
                          else 'OpenPGP keys (signatures.openpgp_keys)'))
    if fmt != want:
        steps.append(f'git config gpg.format {want}')
    trust_line = trust_reason = ok = ''
    if want == 'ssh':
        key, problem, fix = resolve_ssh_key(repo)
        if fmt != 'ssh' and (key is None or problem):
            # user.signingkey may name an OpenPGP key today: suggest an SSH key instead.
            key, problem, fix = None, '', []
        if key is None or (problem and fix):
            reasons.append(problem or 'no SSH signing key is configured (user.signingkey, '
                                      'or gpg.ssh.defaultKeyCommand)')
            if fix:
                steps.extend(fix)
            else:
                existing = default_key_files()
                if existing:
                    target = existing[0]
                else:
                    target = Path.home() / '.ssh' / 'id_ed25519.pub'
                    steps.append(f'ssh-keygen -t ed25519 -C {_q(ident.email)} -f '
                                 f'{_tilde(target.with_suffix(""))}')
                steps.append(f'git config user.signingkey {_tilde(target)}')
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
                ok = (f'signed with SSH key {key.fingerprint} ({key.shown}), which '
                      f'{policy.allowed_signers} {trust.where} trusts for {ident.email}')
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


def _openpgp(repo: Repo, ident: sig.Ident, trust: sig.Trust) -> tuple[str, list[str], str]:
    """(what is wrong, commands, what will happen if nothing) for gpg.format=openpgp.

    Without user.signingkey git asks gpg for a key by the committer identity
    (`gpg -u "Name <email>"`); gpg's own choice is what is checked."""
    program = (repo.config_get('gpg.openpgp.program') or repo.config_get('gpg.program')
               or 'gpg')
    configured = repo.config_get('user.signingkey')
    spec = configured or f'{ident.name} <{ident.email}>'
    shown = f'user.signingkey {configured}' if configured else \
        f'the key gpg picks for "{spec}" (user.signingkey is not set)'
    home = Path(os.environ.get('GNUPGHOME') or Path.home() / '.gnupg')
    make = [f'gpg --quick-generate-key {_q(f"{ident.name} <{ident.email}>")} ed25519 sign',
            'git config user.signingkey <the fingerprint it prints>']
    if not any((home / n).exists() for n in ('pubring.kbx', 'pubring.gpg')):
        # No keyring at all: say so without running gpg, which would create one.
        return (f'there is no GnuPG keyring ({home}), so no secret key for {spec}',
                make, '')
    try:
        proc = subprocess.run(
            (program, '--batch', '--no-tty', '--no-auto-check-trustdb', '--with-colons',
             '--fixed-list-mode', '--list-secret-keys', '--', spec),
            capture_output=True, check=False, env={**os.environ, 'LC_ALL': 'C'},
            stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return (f'{program} (gpg.program) is not installed',
                ['git config gpg.format ssh'], '')
    text = proc.stdout.decode('utf-8', 'replace')
    secret = sig.parse_colons(text)
    if proc.returncode != 0 or not secret:
        return (f'your GnuPG keyring has no secret key for {shown}', make, '')
    k = secret[0]
    rows = [r.split(':') for r in text.splitlines()]
    validity = next((r[1] for r in rows if r[0] == 'sec' and len(r) > 1), '')
    if validity in ('e', 'r'):
        what = 'has expired' if validity == 'e' else 'is revoked'
        return (f'your signing key {k.fingerprint} ({shown}) {what}',
                [f'gpg --quick-set-expire {k.fingerprint} 1y'] if validity == 'e' else make,
                '')
    if ident.email.lower() not in k.emails:
        return (f'your signing key {k.fingerprint} has no user id for {ident.email}, the '
                'committer git will record',
                [f'gpg --quick-add-uid {k.fingerprint} '
                 f'{_q(f"{ident.name} <{ident.email}>")}'], '')
    policy = trust.policy
    export = f'gpg --armor --export {k.fingerprint} > {policy.openpgp_keys or ".gpg-keys"}/' \
             f'{ident.email}.asc'
    if not trust.openpgp_keys:
        return ('the policy trusts no OpenPGP key (signatures.openpgp_keys is not set)',
                [export + '   # committed by a maintainer, with `openpgp_keys: .gpg-keys` '
                          'under `signatures:`'], '')
    with sig.Verifier(repo, trust) as verifier:
        trusted = verifier.openpgp_keys()
    allowed = {f.upper() for f in policy.openpgp_fingerprints}
    if k.fingerprint not in trusted or (allowed and not ({k.fingerprint, *k.subkeys}
                                                         & allowed)):
        return (f'your signing key {k.fingerprint} is not trusted by the policy '
                f'({policy.openpgp_keys} {trust.where})',
                [export + '   # then a maintainer commits it (never your own change)'], '')
    return '', [], (f'signed with OpenPGP key {k.fingerprint} ({shown}), which '
                    f'{policy.openpgp_keys} {trust.where} trusts for {ident.email}')


def message(c: Check, policy: SignaturesConfig) -> str:
    """One message: everything that is wrong, then every command, in order."""
    reasons = [*c.reasons, *([c.trust_reason] if c.trust_reason else [])]
    lines = ['the next commit will not pass check-signatures: ' + '; '.join(reasons)]
    if c.steps:
        lines.append(f'fix: {_SETUP} does this; or run, in order:')
        lines.extend(f'  {s}' for s in c.steps)
    if c.trust_line:
        lines.append(f'{"then" if c.steps else "fix:"} get your key trusted: a '
                     f'maintainer adds this line to {policy.allowed_signers or ".allowed_signers"} '
                     'in a change of their own (yours cannot vouch for your own key):')
        lines.append(f'  {c.trust_line}')
    elif c.fmt == 'ssh' and any(s.startswith(('ssh-keygen', 'git config user.signingkey'))
                                for s in c.steps):
        lines.append('then `commit-warden signing status` prints the allowed_signers line '
                     'a maintainer must add for your key')
    if 'commit.gpgsign' in ' '.join(c.steps):
        lines.append('(hooks cannot see `git commit -S`: if you sign that way, set '
                     'commit.gpgsign anyway)')
    return '\n'.join(lines)


def check_setup(repo: Repo, *, policy: SignaturesConfig, trust: sig.Trust) -> list[Finding]:
    """check-signatures at pre-commit: one finding listing every missing step."""
    if policy.require == 'signoff':
        return []
    c = check(repo, policy=policy, trust=trust)
    if not c.reasons and not c.trust_reason:
        return []
    return [Finding(hook=sig.HOOK, rule=c.rule, severity=sig.RULES[c.rule].severity,
                    path='', line=None, message=message(c, policy))]


# --- commit-warden signing setup / status --------------------------------------------


def _say(text: str = '') -> None:
    print(text)


def _set(repo: Repo, key: str, value: str, changed: list[str]) -> None:
    if repo.config_get(key) != value:
        repo.git('config', '--local', key, value)
        changed.append(f'git config {key} {_q(value)}')


def _make_key(path: Path, email: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    args = ['ssh-keygen', '-q', '-t', 'ed25519', '-C', email, '-f', str(path)]
    interactive = sys.stdin.isatty()
    if not interactive:
        args += ['-N', '']
    try:
        proc = subprocess.run(args, check=False,
                              stdin=None if interactive else subprocess.DEVNULL)
    except FileNotFoundError as e:
        raise FatalError('ssh-keygen is not installed: install OpenSSH') from e
    if proc.returncode != 0 or not path.with_name(path.name + '.pub').is_file():
        raise FatalError(f'ssh-keygen could not make {path}')
    if not interactive:
        _say(f'made {_tilde(path)} without a passphrase (not on a terminal); add one '
             f'with: ssh-keygen -p -f {_tilde(path)}')


def _pick_key(repo: Repo, trust: sig.Trust, email: str, when: int,
              wanted: str | None) -> tuple[Path, str, bool]:
    """(public key file, 'type base64', made now) for setup: `--key`, the key already
    configured, a usual key the policy already trusts, any usual key, or a new one."""
    if wanted:
        path = Path(os.path.expanduser(wanted)).absolute()
        pub = path if path.name.endswith('.pub') else path.with_name(path.name + '.pub')
        if not pub.exists() and not path.exists():
            _make_key(path.with_name(path.name[:-4]) if path.name.endswith('.pub')
                      else path, email)
            made = True
        else:
            made = False
        public = read_public_key(pub if pub.exists() else path)
        if public is None:
            raise FatalError(f'{wanted} holds no SSH public key')
        return (pub if pub.exists() else path), public, made
    if (repo.config_get('gpg.format') or '') == 'ssh' and repo.config_get('user.signingkey'):
        key, problem, _ = resolve_ssh_key(repo)
        if key is not None and not problem and key.config_value and \
                not _literal(key.config_value):
            path = Path(os.path.expanduser(key.config_value))
            return (path if path.is_absolute() else repo.root / path), key.public, False
    candidates = [(p, read_public_key(p)) for p in default_key_files()]
    usable = [(p, k) for p, k in candidates if k]
    if policy_has_ssh(trust):
        for p, k in usable:
            if ssh_trust_of(trust, k, email, when)[0]:
                return p, k, False
    if usable:
        return usable[0][0], usable[0][1], False
    ssh = Path.home() / '.ssh'
    for name in _DEFAULT_KEYS:
        # A private key whose .pub is gone: git signs with the private file itself.
        public = read_public_key(ssh / name) if (ssh / name).is_file() else None
        if public:
            return ssh / name, public, False
    path = ssh / 'id_ed25519'
    if path.exists():
        raise FatalError(f'{path} exists but holds no key ssh-keygen can use; move it '
                         'aside or pass `--key <another path>` (nothing was overwritten)')
    _make_key(path, email)
    public = read_public_key(path.with_name(path.name + '.pub'))
    assert public is not None
    return path.with_name(path.name + '.pub'), public, True


def policy_has_ssh(trust: sig.Trust) -> bool:
    return bool(trust.policy.allowed_signers)


def setup(repo: Repo, *, config: cfg.Config, trust: sig.Trust, key: str | None) -> int:
    policy = config.signatures
    ident = sig.git_ident(repo, 'COMMITTER')
    when = int(time.time())
    if policy.require == 'signoff':
        _say('this policy requires a Signed-off-by, not a signature: commit with '
             '`git commit -s`; nothing to set up')
        return 0
    if not policy.allowed_signers and policy.openpgp_keys:
        c = check(repo, policy=policy, trust=trust)
        if not c.reasons:
            _say(f'ok: the next commit will be {c.ok_message}')
            return 0
        _say('this policy trusts OpenPGP keys only; set up signing with these commands:')
        for s in c.steps:
            _say(f'  {s}')
        return 1
    path, public, made = _pick_key(repo, trust, ident.email, when, key)
    changed: list[str] = []
    _set(repo, 'gpg.format', 'ssh', changed)
    _set(repo, 'user.signingkey', str(path), changed)
    _set(repo, 'commit.gpgsign', 'true', changed)
    from hooks import sshtrust

    fpr = sshtrust.key_fingerprint(public)
    _say(f'{"made" if made else "using"} SSH key {fpr} ({_tilde(path)}) to sign as '
         f'{ident.email}')
    for line in changed:
        _say(f'  {line}')
    if not changed:
        _say('  (git was already configured to sign with it)')
    trusted, why = ssh_trust_of(trust, public, ident.email, when)
    if trusted:
        _say(f'ok: {policy.allowed_signers} {trust.where} trusts this key for '
             f'{ident.email}: your next commit will pass check-signatures')
        return 0
    _say('')
    _say(f'not trusted yet: {why}.')
    _explain_trust(policy, ident.email, public)
    return 0


def _explain_trust(policy: SignaturesConfig, email: str, public: str) -> None:
    name = policy.allowed_signers or '.allowed_signers'
    _say(f'Send this line to a maintainer (someone {name} already trusts) or an admin, '
         f'to add to {name}:')
    _say('')
    _say(f'    {allowed_line(email, public)}')
    _say('')
    if not policy.allowed_signers:
        _say(f'(the policy has no allowed_signers yet: they also set `allowed_signers: '
             f'{name}` under `signatures:` in {cfg.CONFIG_NAMES[0]})')
    _say('Until it is merged, commits you sign are blocked. A pull request of your own '
         'that adds the line cannot vouch for itself: checks read the allowed signers '
         'from the target branch, never from the change being judged, or anyone could '
         'trust their own key. Once it is merged, pull, and `commit-warden signing '
         'status` says ok.')


def status(repo: Repo, *, config: cfg.Config, trust: sig.Trust) -> int:
    policy = config.signatures
    if policy.require == 'signoff':
        _say('ok: this policy requires only a Signed-off-by (`git commit -s`)')
        return 0
    c = check(repo, policy=policy, trust=trust)
    if not c.reasons and not c.trust_reason:
        _say(f'ok: the next commit will be {c.ok_message}')
        return 0
    _say(message(c, policy))
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', metavar='COMMAND', required=True)
    s = sub.add_parser('setup', help='configure this repository to sign commits with an '
                                     'SSH key (made if you have none) and print the '
                                     'allowed_signers line to get trusted')
    s.add_argument('--key', metavar='PATH',
                   help='the SSH key to use (made there if it does not exist)')
    st = sub.add_parser('status', help='say whether the next commit will pass '
                                       'check-signatures, and why not')
    for p in (s, st):
        p.add_argument('--config', metavar='PATH', help='policy file to read')
        p.add_argument('--policy-ref', metavar='REF',
                       help='read the policy and trust files as committed at REF')
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config, policy_ref=args.policy_ref)
        trust = sig.load_trust(repo, config.signatures, args.policy_ref)
        if args.command == 'setup':
            return setup(repo, config=config, trust=trust, key=args.key)
        return status(repo, config=config, trust=trust)

    return boundary(PROG, run)


if __name__ == '__main__':
    raise SystemExit(main())
