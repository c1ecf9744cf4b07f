"""`commit-warden signing`: onboarding a signer in one command (`setup`), and `status`.

`setup` does the local part: an existing SSH key or a new one (never overwriting a
file), `gpg.format`, `user.signingkey` and `commit.gpgsign` for this repository, and
the allowed_signers line a maintainer must add. `status` is the pre-commit check
(hooks.signatures.setup_check) in words.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from hooks import config as cfg
from hooks.config import SignaturesConfig
from hooks.errors import FatalError
from hooks.findings import boundary
from hooks.git import Repo
from hooks.runner import add_policy_args
from hooks.signatures.setup_check import check
from hooks.signatures.setup_check import message
from hooks.signatures.setup_check import ssh_trust_of
from hooks.signatures.signingkey import DEFAULT_KEYS
from hooks.signatures.signingkey import allowed_line
from hooks.signatures.signingkey import default_key_files
from hooks.signatures.signingkey import literal_key
from hooks.signatures.signingkey import read_public_key
from hooks.signatures.signingkey import resolve_ssh_key
from hooks.signatures.signingkey import tilde
from hooks.signatures.signoff import git_ident
from hooks.signatures.trust import Trust
from hooks.signatures.trust import load_trust

PROG = 'commit-warden signing'


def _say(text: str = '') -> None:
    print(text)


def _set(repo: Repo, key: str, value: str, changed: list[str]) -> None:
    if repo.config_get(key) != value:
        repo.git('config', '--local', key, value)
        changed.append(f'git config {key} {shlex.quote(value)}')


def _make_key(path: Path, email: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    args = ['ssh-keygen', '-q', '-t', 'ed25519', '-C', email, '-f', str(path)]
    interactive = sys.stdin.isatty()
    if not interactive:
        args += ['-N', '']
    try:
        proc = subprocess.run(args, check=False, stdin=None if interactive else subprocess.DEVNULL)
    except FileNotFoundError as e:
        raise FatalError('ssh-keygen is not installed: install OpenSSH') from e
    if proc.returncode != 0 or not path.with_name(path.name + '.pub').is_file():
        raise FatalError(f'ssh-keygen could not make {path}')
    if not interactive:
        _say(
            f'made {tilde(path)} without a passphrase (not on a terminal); add one '
            f'with: ssh-keygen -p -f {tilde(path)}'
        )


def _pick_key(
    repo: Repo, trust: Trust, email: str, when: int, wanted: str | None
) -> tuple[Path, str, bool]:
    """(public key file, 'type base64', made now) for setup: `--key`, the key already
    configured, a usual key the policy already trusts, any usual key, or a new one."""
    if wanted:
        path = Path(os.path.expanduser(wanted)).absolute()
        pub = path if path.name.endswith('.pub') else path.with_name(path.name + '.pub')
        if not pub.exists() and not path.exists():
            _make_key(path.with_name(path.name[:-4]) if path.name.endswith('.pub') else path, email)
            made = True
        else:
            made = False
        public = read_public_key(pub if pub.exists() else path)
        if public is None:
            raise FatalError(f'{wanted} holds no SSH public key')
        return (pub if pub.exists() else path), public, made
    if (repo.config_get('gpg.format') or '') == 'ssh' and repo.config_get('user.signingkey'):
        key, problem, _ = resolve_ssh_key(repo)
        if (
            key is not None
            and not problem
            and key.config_value
            and not literal_key(key.config_value)
        ):
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
    for name in DEFAULT_KEYS:
        # A private key whose .pub is gone: git signs with the private file itself.
        public = read_public_key(ssh / name) if (ssh / name).is_file() else None
        if public:
            return ssh / name, public, False
    path = ssh / 'id_ed25519'
    if path.exists():
        raise FatalError(
            f'{path} exists but holds no key ssh-keygen can use; move it '
            'aside or pass `--key <another path>` (nothing was overwritten)'
        )
    _make_key(path, email)
    public = read_public_key(path.with_name(path.name + '.pub'))
    assert public is not None
    return path.with_name(path.name + '.pub'), public, True


def policy_has_ssh(trust: Trust) -> bool:
    return bool(trust.policy.allowed_signers)


def setup(repo: Repo, *, policy: SignaturesConfig, trust: Trust, key: str | None) -> int:
    """Configure this repository to sign with an SSH key; say how it gets trusted."""
    ident = git_ident(repo, 'COMMITTER')
    when = int(time.time())
    if policy.require == 'signoff':
        _say(
            'this policy requires a Signed-off-by, not a signature: commit with '
            '`git commit -s`; nothing to set up'
        )
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
    from hooks.signatures.sshkeys import key_fingerprint

    fpr = key_fingerprint(public)
    _say(f'{"made" if made else "using"} SSH key {fpr} ({tilde(path)}) to sign as {ident.email}')
    for line in changed:
        _say(f'  {line}')
    if not changed:
        _say('  (git was already configured to sign with it)')
    trusted, why = ssh_trust_of(trust, public, ident.email, when)
    if trusted:
        _say(
            f'ok: {policy.allowed_signers} {trust.where} trusts this key for '
            f'{ident.email}: your next commit will pass check-signatures'
        )
        return 0
    _say('')
    _say(f'not trusted yet: {why}.')
    _explain_trust(policy, ident.email, public)
    return 0


def _explain_trust(policy: SignaturesConfig, email: str, public: str) -> None:
    name = policy.allowed_signers or '.allowed_signers'
    _say(
        f'Send this line to a maintainer (someone {name} already trusts) or an admin, '
        f'to add to {name}:'
    )
    _say('')
    _say(f'    {allowed_line(email, public)}')
    _say('')
    if not policy.allowed_signers:
        _say(
            f'(the policy has no allowed_signers yet: they also set `allowed_signers: '
            f'{name}` under `signatures:` in {cfg.CONFIG_NAMES[0]})'
        )
    _say(
        'Until it is merged, commits you sign are blocked. A pull request of your own '
        'that adds the line cannot vouch for itself: checks read the allowed signers '
        'from the target branch, never from the change being judged, or anyone could '
        'trust their own key. Once it is merged, pull, and `commit-warden signing '
        'status` says ok.'
    )


def status(repo: Repo, *, policy: SignaturesConfig, trust: Trust) -> int:
    """Whether the next commit will pass check-signatures (0), and why not (1)."""
    if policy.require == 'signoff':
        _say('ok: this policy requires only a Signed-off-by (`git commit -s`)')
        return 0
    c = check(repo, policy=policy, trust=trust)
    if not c.reasons and not c.trust_reason:
        _say(f'ok: the next commit will be {c.ok_message}')
        return 0
    _say(message(c, policy))
    return 1


def signing_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', metavar='COMMAND', required=True)
    s = sub.add_parser(
        'setup',
        help='configure this repository to sign commits with an '
        'SSH key (made if you have none) and print the '
        'allowed_signers line to get trusted',
    )
    s.add_argument(
        '--key', metavar='PATH', help='the SSH key to use (made there if it does not exist)'
    )
    st = sub.add_parser(
        'status', help='say whether the next commit will pass check-signatures, and why not'
    )
    for p in (s, st):
        add_policy_args(p)
    args = parser.parse_args(argv)
    return boundary(PROG, lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    repo = Repo.discover()
    policy = cfg.load(repo, path=args.config, policy_ref=args.policy_ref).signatures
    trust = load_trust(repo, policy, args.policy_ref)
    if args.command == 'setup':
        return setup(repo, policy=policy, trust=trust, key=args.key)
    return status(repo, policy=policy, trust=trust)
