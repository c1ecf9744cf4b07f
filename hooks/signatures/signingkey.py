"""Which SSH key git will sign with, found the way git 2.39 finds it, and its public half.

`user.signingkey` as a file, a `key::` or `ssh-` literal, or nothing and
`gpg.ssh.defaultKeyCommand`; a literal key, or a .pub with no private key beside it,
signs through the ssh-agent only. Read for the pre-commit check and for
`commit-warden signing setup`; ssh-keygen decides whether the key is trusted.
"""

from __future__ import annotations

import base64
import binascii
import os
import shlex
import subprocess
from pathlib import Path
from typing import NamedTuple

from hooks.git import Repo
from hooks.signatures.sshkeys import KEY_TYPE

# The keys ssh-keygen makes by default, in the order a user would expect them used.
DEFAULT_KEYS = ('id_ed25519', 'id_ecdsa', 'id_ed25519_sk', 'id_ecdsa_sk', 'id_rsa')


class SshKey(NamedTuple):
    public: str  # 'type base64'
    fingerprint: str
    shown: str  # how the user configured it, for messages
    config_value: str  # what user.signingkey should say to reach it
    path: Path | None  # the key file git passes to ssh-keygen (None: a literal)


def tilde(path: Path) -> str:
    home = Path.home()
    try:
        return '~/' + str(path.relative_to(home))
    except ValueError:
        return str(path)


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
    if len(parts) >= 2 and KEY_TYPE.match(parts[0]):
        return f'{parts[0]} {parts[1]}'
    if '-----BEGIN OPENSSH PRIVATE KEY-----' in text:
        body = ''.join(line for line in text.splitlines() if not line.startswith('-----'))
        try:
            blob = base64.b64decode(body)
            magic = b'openssh-key-v1\0'
            pos = len(magic)
            for _ in range(3):  # cipher, kdf, kdf options
                pos += 4 + int.from_bytes(blob[pos : pos + 4], 'big')
            pos += 4  # number of keys
            size = int.from_bytes(blob[pos : pos + 4], 'big')
            key = blob[pos + 4 : pos + 4 + size]
            ktype_len = int.from_bytes(key[:4], 'big')
            ktype = key[4 : 4 + ktype_len].decode()
            if blob.startswith(magic) and key:
                return f'{ktype} {base64.b64encode(key).decode()}'
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    pub = path.with_name(path.name + '.pub')
    if not path.name.endswith('.pub') and pub.is_file():
        return read_public_key(pub)
    return None


def literal_key(value: str) -> str | None:
    """git's is_literal_ssh_key(): `key::...` or a value starting with `ssh-`."""
    if value.startswith('key::'):
        return value[len('key::') :].strip()
    if value.startswith('ssh-'):
        return value.strip()
    return None


def _agent_keys() -> set[str] | None:
    """'type base64' of each key the ssh-agent holds, or None without an agent."""
    if not os.environ.get('SSH_AUTH_SOCK'):
        return None
    try:
        proc = subprocess.run(
            ('ssh-add', '-L'),
            capture_output=True,
            check=False,
            timeout=10,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode not in (0, 1):
        return None
    return {
        ' '.join(line.split()[:2])
        for line in proc.stdout.decode('utf-8', 'replace').splitlines()
        if len(line.split()) >= 2
    }


def resolve_ssh_key(repo: Repo) -> tuple[SshKey | None, str, list[str]]:
    """The key git will sign with under gpg.format=ssh: (key, problem, fix steps).

    Mirrors git 2.39 (gpg-interface.c): user.signingkey is a literal (`key::`,
    `ssh-...`) or a path (~ expanded, relative to the top of the work tree); unset,
    git runs gpg.ssh.defaultKeyCommand and takes its first line, which must be a
    literal. A literal, or a .pub file with no private key beside it, signs through
    the ssh-agent."""
    from hooks.signatures.sshkeys import key_fingerprint

    value = repo.config_get('user.signingkey')
    public: str | None
    path: Path | None = None
    if value:
        literal = literal_key(value)
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
            needs_agent = (
                path.name.endswith('.pub')
                and not path.with_name(path.name[: -len('.pub')]).exists()
            )
            if path.name.endswith('-cert.pub'):
                # ssh-keygen signs with the private key beside a certificate (k-cert.pub: k).
                needs_agent = not path.with_name(path.name[: -len('-cert.pub')]).exists()
    else:
        command = repo.config_get('gpg.ssh.defaultKeyCommand')
        if not command:
            return (
                None,
                (
                    'no SSH signing key is configured (user.signingkey, or '
                    'gpg.ssh.defaultKeyCommand)'
                ),
                [],
            )
        shown = f'gpg.ssh.defaultKeyCommand ({command})'
        config_value = ''
        try:
            proc = subprocess.run(
                shlex.split(command),
                cwd=repo.root,
                capture_output=True,
                check=False,
                timeout=30,
                stdin=subprocess.DEVNULL,
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as e:
            return None, f'gpg.ssh.defaultKeyCommand ({command}) cannot run: {e}', []
        first = proc.stdout.decode('utf-8', 'replace').split('\n', 1)[0]
        literal = literal_key(first)
        if proc.returncode != 0 or literal is None:
            return (
                None,
                (
                    f'gpg.ssh.defaultKeyCommand ({command}) returned no key (git '
                    'takes its first line, which must start with `ssh-` or '
                    '`key::`)'
                ),
                ['ssh-add ~/.ssh/id_ed25519'],
            )
        public = ' '.join(literal.split()[:2])
        needs_agent = True
    if not public or len(public.split()) < 2 or not KEY_TYPE.match(public.split()[0]):
        return None, f'{shown} holds no SSH public key', []
    fpr = key_fingerprint(public)
    if not fpr:
        return None, f'{shown} holds no valid SSH public key', []
    key = SshKey(public, fpr, shown, config_value, path)
    if needs_agent:
        # git signs a literal key, or a .pub with no private key beside it, through
        # the agent only (`ssh-keygen -Y sign -U`).
        agent = _agent_keys()
        if agent is None:
            return (
                key,
                (
                    f'{shown} names key {fpr}, which git can only sign with through '
                    'an ssh-agent, and none is running (SSH_AUTH_SOCK)'
                ),
                ['eval "$(ssh-agent -s)"', 'ssh-add <the private key file of this key>'],
            )
        if public not in agent:
            return (
                key,
                (
                    f'{shown} names key {fpr}, which your ssh-agent does not hold, '
                    'and no private key file is beside it: git cannot sign'
                ),
                ['ssh-add <the private key file of this key>'],
            )
    return key, '', []


def default_key_files() -> list[Path]:
    """The public halves of the user's usual SSH keys that exist, best first."""
    ssh = Path.home() / '.ssh'
    return [ssh / f'{n}.pub' for n in DEFAULT_KEYS if (ssh / f'{n}.pub').is_file()]


def allowed_line(email: str, public: str) -> str:
    return f'{email} namespaces="git" {public}'
