"""check-signatures: block commits that are not signed by an allowed signer.

Three stages, one policy (`signatures:` in .commit-warden.yaml):

- pre-commit: the commit object does not exist yet, so check the setup that will
  sign it (commit.gpgsign, gpg.format, a usable user.signingkey that the policy
  trusts for the committer's email);
- commit-msg: the DCO `Signed-off-by:` trailer, when the policy requires it;
- range mode (pre-push, CI, --from/--to): every commit gets one verdict.

Trust comes only from the policy (read at --policy-ref when given): git verifies
with a temporary allowed-signers file and a temporary GNUPGHOME holding only the
trusted keys, never with the user's keyring or git config.
"""
from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import subprocess
import time
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import NamedTuple

from hooks import config as cfg
from hooks.config import SignaturesConfig
from hooks.errors import ConfigError
from hooks.errors import FatalError
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import boundary
from hooks.findings import redact
from hooks.git import CommitInfo
from hooks.git import Repo
from hooks.git import is_null
from hooks.git import run_git
from hooks.runner import PullRequest
from hooks.runner import add_common_args
from hooks.runner import add_range_args
from hooks.runner import finish
from hooks.runner import message_file
from hooks.runner import range_from

HOOK = 'check-signatures'
_SIGN_FIX = "sign it: `git commit --amend --no-edit -S` (the last commit), or for older " \
            "commits `git rebase --exec 'git commit --amend --no-edit -S' <base>`"


def _rule(rid: str, name: str, description: str, help: str, severity: str = 'high') -> Rule:
    return Rule(rid, HOOK, name, description, help, severity)


RULES: dict[str, Rule] = {r.id: r for r in (
    _rule('unsigned', 'Unsigned commit',
          'The commit carries no signature, so nothing ties it to an allowed signer.',
          _SIGN_FIX),
    _rule('bad-signature', 'Bad signature',
          'The signature does not verify: the commit or its signature was altered, or '
          'it could not be checked at all.', _SIGN_FIX),
    _rule('unknown-key', 'Signed by a key the policy does not trust',
          'The signing key is not in the allowed signers (SSH) or the trusted OpenPGP '
          'keys of the policy; a change cannot add its own key, trust is read at the '
          'policy ref.',
          'Sign with a key the policy lists, or get your key added to the policy in a '
          'separate, reviewed change.'),
    _rule('signer-mismatch', 'Signer is not the committer',
          'The signature is valid, but the key belongs to someone other than the '
          'committer: a valid signature alone does not say who committed.',
          'Commit with the identity the key is allowed for (`git config user.email`), '
          'then `git commit --amend --no-edit -S`.'),
    _rule('expired', 'Signed outside the key\'s validity',
          'The key was not valid at the commit time (SSH valid-after/valid-before) or '
          'has expired (OpenPGP).',
          'Re-sign with a current key: `git commit --amend --no-edit -S`.'),
    _rule('revoked', 'Signed with a revoked key',
          'The signing key has been revoked by the policy.',
          'Re-sign with a new key the policy lists.'),
    _rule('missing-signoff', 'Missing Signed-off-by',
          'The policy requires a DCO `Signed-off-by:` trailer matching the author.',
          'Sign off: `git commit --amend --no-edit -s` (or `git commit -s`).'),
    _rule('unsupported-signature', 'Unsupported signature format',
          'X.509 signatures (gpgsm, gitsign, gpg.format=x509) are not supported by this '
          'policy; only SSH and OpenPGP signatures are checked.',
          'Sign with SSH (`git config gpg.format ssh`) or OpenPGP.'),
    _rule('signing-disabled', 'Commits will not be signed',
          'commit.gpgsign is not true, so the commit being made will be unsigned and '
          'blocked at push.', '`git config commit.gpgsign true`'),
    _rule('signing-key', 'Signing key is missing or not allowed',
          'user.signingkey is unset, unreadable, or not trusted by the policy for the '
          'committer\'s email.',
          'Follow the commands in the message.'),
    _rule('exempt', 'Commit not judged (exempt author)',
          'The policy exempts this author from signing; the reason is kept in the audit '
          'log.', 'Nothing to do.', severity='low'),
)}

# Bump when verdict logic changes, so old cache entries are not reused.
_LOGIC_VERSION = '1'
_CACHE_NAME = 'signatures-cache.json'
_CACHE_MAX_POLICIES = 4
_CACHE_MAX_ENTRIES = 50_000

# %GT is not used: git 2.39.5 aborts on an expired OpenPGP key when it is asked for.
_LOG_FORMAT = '%H%x1f%G?%x1f%GF%x1f%GP%x1f%GS%x1f%GK%x1f%GG'
_SIG_HEADERS = (b'gpgsig ', b'gpgsig-sha256 ')
_IDENT = re.compile(r'^(.*?) ?<([^<>]*)> (\d+) ([+-]\d{4})$')
_KEY_TYPE = re.compile(r'^(?:ssh-|ecdsa-|sk-)[A-Za-z0-9@._-]+$')
_SIGNOFF = re.compile(r'^signed-off-by:[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*$', re.I | re.M)
_SCISSORS = re.compile(r'^\S ?-+ >8 -+$', re.M)


# --- the trusted policy ------------------------------------------------------


@dataclass(frozen=True)
class SshSigner:
    """One line of an allowed_signers file."""

    line: int
    principals: tuple[str, ...]
    fingerprint: str
    key: str                         # 'type base64', as a user would paste it
    namespaces: tuple[str, ...] | None
    valid_after: int | None
    valid_before: int | None
    cert_authority: bool

    def allows_git(self) -> bool:
        return self.namespaces is None or any(
            _pattern_match(ns, 'git') for ns in self.namespaces)

    def valid_at(self, when: int) -> bool:
        return ((self.valid_after is None or when >= self.valid_after)
                and (self.valid_before is None or when <= self.valid_before))

    def is_for(self, email: str) -> bool:
        return _principal_match(self.principals, email)


@dataclass(frozen=True)
class Trust:
    """Everything that decides who may sign, read from one place (disk or a ref)."""

    policy: SignaturesConfig
    where: str                                  # 'at REF' or 'in the working tree'
    policy_ref: str | None
    allowed_signers: bytes | None
    revoked_signers: bytes | None
    openpgp_keys: tuple[tuple[str, bytes], ...]
    signers: tuple[SshSigner, ...] = ()
    revoked: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()
    digest: str = ''

    def signers_for_key(self, fingerprint: str) -> list[SshSigner]:
        return [s for s in self.signers if s.fingerprint == fingerprint]


def ssh_fingerprint(blob: bytes) -> str:
    return 'SHA256:' + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip('=')


def _tokens(line: str) -> list[str]:
    """Split on blanks, keeping double-quoted runs (option values) together."""
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch in ' \t' and not quoted:
            if cur:
                out.append(''.join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        out.append(''.join(cur))
    return out


def _split_options(text: str) -> list[tuple[str, str | None]]:
    opts: list[tuple[str, str | None]] = []
    for part in re.findall(r'(?:[^,"]|"[^"]*")+', text):
        name, eq, value = part.partition('=')
        opts.append((name.strip().lower(), value.strip().strip('"') if eq else None))
    return opts


def _ssh_time(value: str) -> int | None:
    """allowed_signers times: YYYYMMDD[HHMM[SS]], UTC with a Z suffix, else local."""
    utc = value.upper().endswith('Z')
    digits = value[:-1] if utc else value
    if not digits.isdigit() or len(digits) not in (8, 12, 14):
        return None
    digits = digits.ljust(14, '0')
    try:
        parts = time.strptime(digits, '%Y%m%d%H%M%S')
    except ValueError:
        return None
    if utc:
        import calendar
        return calendar.timegm(parts)
    return int(time.mktime(parts))


def parse_allowed_signers(data: bytes, source: str) -> tuple[list[SshSigner], list[str]]:
    signers: list[SshSigner] = []
    problems: list[str] = []
    for n, raw in enumerate(data.decode('utf-8', 'replace').splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        toks = _tokens(line)
        options: list[tuple[str, str | None]] = []
        if len(toks) >= 3 and not _KEY_TYPE.match(toks[1]):
            options = _split_options(toks[1])
            toks = [toks[0], *toks[2:]]
        if len(toks) < 3 or not _KEY_TYPE.match(toks[1]):
            problems.append(f'{source}:{n}: not an allowed-signers line (expected '
                            '`principals [options] keytype key`); ignored')
            continue
        try:
            blob = base64.b64decode(toks[2], validate=True)
        except binascii.Error:
            problems.append(f'{source}:{n}: the key is not valid base64; ignored')
            continue
        opt = {k: v or '' for k, v in options}
        namespaces = tuple(s.strip() for s in opt['namespaces'].split(',')) \
            if opt.get('namespaces') else None
        after = _ssh_time(opt['valid-after']) if opt.get('valid-after') else None
        before = _ssh_time(opt['valid-before']) if opt.get('valid-before') else None
        bad = [k for k in ('valid-after', 'valid-before')
               if opt.get(k) and _ssh_time(opt[k]) is None]
        if bad:
            # ssh-keygen rejects the line too: ignoring it is what git will do.
            problems.append(f'{source}:{n}: {bad[0]}={opt[bad[0]]!r} is not a valid time '
                            '(YYYYMMDD[HHMM[SS]][Z], quoted); the line is ignored')
            continue
        signers.append(SshSigner(
            line=n, principals=tuple(p for p in toks[0].strip('"').split(',') if p),
            fingerprint=ssh_fingerprint(blob), key=f'{toks[1]} {toks[2]}',
            namespaces=namespaces, valid_after=after, valid_before=before,
            cert_authority='cert-authority' in opt))
    return signers, problems


def parse_revoked(data: bytes) -> frozenset[str]:
    """Fingerprints of a plain list of revoked public keys (a binary KRL gives none;
    git still applies it, and its verdict then shows as a bad signature)."""
    found = set()
    for line in data.decode('utf-8', 'replace').splitlines():
        for i, tok in enumerate(line.split()):
            if _KEY_TYPE.match(tok) and i + 1 < len(line.split()):
                with contextlib.suppress(binascii.Error):
                    found.add(ssh_fingerprint(base64.b64decode(line.split()[i + 1],
                                                               validate=True)))
                break
    return frozenset(found)


def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(''.join(
        '.*' if c == '*' else '.' if c == '?' else re.escape(c) for c in pattern.lower()),
        re.S)


def _pattern_match(pattern: str, value: str) -> bool:
    return _glob_regex(pattern).fullmatch(value.lower()) is not None


def _principal_match(patterns: Iterable[str], email: str) -> bool:
    """OpenSSH pattern-list semantics: a matching `!pattern` vetoes."""
    matched = False
    for p in patterns:
        if p.startswith('!'):
            if _pattern_match(p[1:], email):
                return False
        elif _pattern_match(p, email):
            matched = True
    return matched


def _read_policy_file(repo: Repo, ref: str | None, path: str, key: str) -> bytes:
    where = f'at {ref}' if ref else 'in the working tree'
    if ref is not None:
        data = repo.content_at(ref, path)
    else:
        try:
            data = (repo.root / path).read_bytes()
        except FileNotFoundError:
            data = None
        except OSError as e:
            raise FatalError(f'signatures.{key}: cannot read {path}: {e.strerror}') from e
    if data is None:
        raise ConfigError([f'signatures.{key}: {path} does not exist {where}; fix the '
                           'path in the policy or commit the file'])
    return data


def _read_openpgp_keys(repo: Repo, ref: str | None, path: str) -> tuple[tuple[str, bytes], ...]:
    where = f'at {ref}' if ref else 'in the working tree'
    if ref is not None:
        entries = repo.ls_tree(ref, [path])
        files = sorted(p for p, (mode, _) in entries.items() if mode != '160000')
        blobs = dict(repo.read_blobs(entries[p][1] for p in files))
        out = tuple((p, blobs.get(entries[p][1], b'')) for p in files)
    else:
        full = repo.root / path
        if full.is_dir():
            out = tuple((str(p.relative_to(repo.root)), p.read_bytes())
                        for p in sorted(full.rglob('*')) if p.is_file())
        elif full.is_file():
            out = ((path, full.read_bytes()),)
        else:
            out = ()
    if not out:
        raise ConfigError([f'signatures.openpgp_keys: {path} does not exist {where} (or is '
                           'an empty directory); fix the path in the policy or commit the keys'])
    return out


def load_trust(repo: Repo, policy: SignaturesConfig, policy_ref: str | None) -> Trust:
    """Read the allowed signers, revocations and OpenPGP keys the policy names, at
    `policy_ref` when given: never from a change under review."""
    allowed = revoked = None
    keys: tuple[tuple[str, bytes], ...] = ()
    if policy.allowed_signers:
        allowed = _read_policy_file(repo, policy_ref, policy.allowed_signers, 'allowed_signers')
    if policy.revoked_signers:
        revoked = _read_policy_file(repo, policy_ref, policy.revoked_signers, 'revoked_signers')
    if policy.openpgp_keys:
        keys = _read_openpgp_keys(repo, policy_ref, policy.openpgp_keys)
    signers: list[SshSigner] = []
    problems: list[str] = []
    if allowed is not None and policy.allowed_signers:
        signers, problems = parse_allowed_signers(allowed, policy.allowed_signers)
    h = hashlib.sha256()
    h.update(_LOGIC_VERSION.encode())
    h.update(json.dumps(cfg.Record(SignaturesConfig).dump(policy), sort_keys=True).encode())
    for name, data in (('allowed', allowed), ('revoked', revoked), *keys):
        h.update(f'\0{name}\0{len(data) if data is not None else -1}\0'.encode())
        h.update(data or b'')
    return Trust(
        policy=policy, where=f'at {policy_ref}' if policy_ref else 'in the working tree',
        policy_ref=policy_ref, allowed_signers=allowed, revoked_signers=revoked,
        openpgp_keys=keys, signers=tuple(signers),
        revoked=parse_revoked(revoked) if revoked else frozenset(),
        problems=tuple(problems), digest=h.hexdigest()[:24])


# --- verification with git, against the trusted policy only -------------------


# Small records are NamedTuples: a dataclass costs ~1 ms of start-up each, and
# check-signatures must start in well under 60 ms.
class OpenPgpKey(NamedTuple):
    fingerprint: str                 # primary
    subkeys: frozenset[str]
    emails: frozenset[str]


class RawSignature(NamedTuple):
    status: str          # git's %G?
    fingerprint: str     # %GF: the signing key (SSH: SHA256:...)
    primary: str         # %GP
    signer: str          # %GS: SSH principal, or the OpenPGP UID
    key_id: str          # %GK
    text: str            # %GG


def _gpg(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, 'GNUPGHOME': str(home), 'LC_ALL': 'C'}
    try:
        return subprocess.run(('gpg', '--batch', '--no-tty', '--no-autostart', *args),
                              input=stdin, capture_output=True, env=env, check=False)
    except FileNotFoundError as e:
        raise FatalError('gpg is not installed: install GnuPG to check OpenPGP '
                         'signatures') from e


def parse_colons(text: str) -> list[OpenPgpKey]:
    """Keys from `gpg --with-colons` listing output (pub/sec, sub/ssb, fpr, uid)."""
    keys: list[OpenPgpKey] = []
    primary = ''
    subs: set[str] = set()
    emails: set[str] = set()
    last = ''

    def flush() -> None:
        if primary:
            keys.append(OpenPgpKey(primary, frozenset(subs), frozenset(emails)))

    for line in text.splitlines():
        f = line.split(':')
        if f[0] in ('pub', 'sec'):
            flush()
            primary, subs, emails, last = '', set(), set(), f[0]
        elif f[0] in ('sub', 'ssb'):
            last = f[0]
        elif f[0] == 'fpr' and len(f) > 9:
            if last in ('pub', 'sec') and not primary:
                primary = f[9].upper()
            else:
                subs.add(f[9].upper())
        elif f[0] == 'uid' and len(f) > 9 and f[1] != 'r':
            m = re.search(r'<([^<>]+)>', f[9])
            emails.add((m.group(1) if m else f[9]).lower())
    flush()
    return keys


class Verifier:
    """A temp dir with the trusted allowed-signers file, revocations and a GNUPGHOME
    holding only the trusted OpenPGP keys; removed on exit."""

    def __init__(self, repo: Repo, trust: Trust) -> None:
        self.repo = repo
        self.trust = trust
        self._dir: Path | None = None
        self._openpgp: dict[str, OpenPgpKey] | None = None

    def __enter__(self) -> Verifier:
        import tempfile
        # A short path: gpg's socket names must fit in sun_path.
        self._dir = Path(tempfile.mkdtemp(prefix='cw-sig-'))
        (self._dir / 'allowed_signers').write_bytes(self.trust.allowed_signers or b'')
        (self._dir / 'revoked').write_bytes(self.trust.revoked_signers or b'')
        home = self._dir / 'gnupg'
        home.mkdir(mode=0o700)
        # no-autostart: verification needs no agent, and none is left running.
        (home / 'gpg.conf').write_text('no-autostart\nno-auto-key-retrieve\n'
                                       'no-auto-key-locate\n')
        return self

    def __exit__(self, *exc: object) -> None:
        import shutil

        if self._dir is not None:
            home = self._dir / 'gnupg'
            if any(home.glob('S.gpg-agent*')):
                subprocess.run(('gpgconf', '--kill', 'all'), capture_output=True,
                               env={**os.environ, 'GNUPGHOME': str(home)}, check=False)
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    @property
    def home(self) -> Path:
        assert self._dir is not None
        return self._dir / 'gnupg'

    def openpgp_keys(self) -> dict[str, OpenPgpKey]:
        """Import the trusted keys (and revocations) and mark them ultimately trusted."""
        if self._openpgp is not None:
            return self._openpgp
        self._openpgp = {}
        if not self.trust.openpgp_keys:
            return self._openpgp
        assert self._dir is not None
        files = []
        for i, (_, data) in enumerate(self.trust.openpgp_keys):
            # Revocation certificates gpg writes start their armor with ':' to stop an
            # accidental import; here importing them is the point.
            data = re.sub(rb'(?m)^:(-----BEGIN PGP PUBLIC KEY BLOCK-----)', rb'\1', data)
            path = self._dir / f'key{i}.asc'
            path.write_bytes(data)
            files.append(str(path))
        # One file per key: gpg stops reading a single stream after its first armor block.
        # Twice: gpg drops a revocation certificate whose key it has not seen yet, and
        # files sort in any order (gpg names a revocation <FINGERPRINT>.rev).
        _gpg(self.home, '--import', '--', *files)
        _gpg(self.home, '--import', '--', *files)
        listing = _gpg(self.home, '--with-colons', '--fixed-list-mode', '--list-keys')
        keys = parse_colons(listing.stdout.decode('utf-8', 'replace'))
        trust = ''.join(f'{k.fingerprint}:6:\n' for k in keys)
        if trust:
            _gpg(self.home, '--import-ownertrust', stdin=trust.encode())
        self._openpgp = {k.fingerprint: k for k in keys}
        return self._openpgp

    def git_args(self) -> tuple[str, ...]:
        assert self._dir is not None
        return (
            '-c', f'gpg.ssh.allowedSignersFile={self._dir / "allowed_signers"}',
            '-c', f'gpg.ssh.revocationFile={self._dir / "revoked"}',
            '-c', 'gpg.ssh.program=ssh-keygen',
            '-c', 'gpg.program=gpg', '-c', 'gpg.openpgp.program=gpg',
            # Never run gpgsm (or gitsign): X.509 is reported as unsupported, and
            # gpgsm could reach out for CRLs.
            '-c', 'gpg.x509.program=false',
            '-c', 'gpg.minTrustLevel=undefined',
            '-c', 'log.showSignature=false',
        )

    def verify(self, commits: Sequence[str]) -> dict[str, RawSignature]:
        """git's own verification, one `git log --stdin` per core, in parallel."""
        if not commits:
            return {}
        if self.trust.openpgp_keys:
            self.openpgp_keys()
        from concurrent.futures import ThreadPoolExecutor

        n = max(1, min(len(commits), os.cpu_count() or 1))
        size = -(-len(commits) // n)
        chunks = [commits[i:i + size] for i in range(0, len(commits), size)]
        env = {**os.environ, 'GNUPGHOME': str(self.home), 'LC_ALL': 'C'}
        args = (*self.git_args(), 'log', '--no-walk=unsorted', '-z',
                f'--format={_LOG_FORMAT}', '--stdin')

        def run(chunk: Sequence[str]) -> bytes:
            return run_git(*args, cwd=self.repo.root, env=env,
                           stdin='\n'.join(chunk).encode() + b'\n').stdout

        out: dict[str, RawSignature] = {}
        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            for data in pool.map(run, chunks):
                for record in data.split(b'\0'):
                    f = record.decode('utf-8', 'replace').strip('\n').split('\x1f')
                    if len(f) < 7:
                        continue
                    out[f[0]] = RawSignature(f[1], f[2], f[3].upper() if f[3] else '',
                                             f[4], f[5], f[6].strip())
        return out


def signature_header(raw_commit: bytes) -> bytes | None:
    """The commit's own signature (gpgsig header), unfolded; None if unsigned."""
    head = raw_commit.split(b'\n\n', 1)[0]
    lines = head.split(b'\n')
    for i, line in enumerate(lines):
        for name in _SIG_HEADERS:
            if line.startswith(name):
                sig = [line[len(name):]]
                for cont in lines[i + 1:]:
                    if not cont.startswith(b' '):
                        break
                    sig.append(cont[1:])
                return b'\n'.join(sig)
    return None


def signature_kind(sig: bytes) -> str:
    if b'-----BEGIN SSH SIGNATURE-----' in sig:
        return 'ssh'
    if b'-----BEGIN PGP SIGNATURE-----' in sig:
        return 'openpgp'
    if b'-----BEGIN SIGNED MESSAGE-----' in sig:
        return 'x509'
    return 'unknown'


def sshsig_key_fingerprint(sig: bytes) -> str | None:
    """The public key inside an armored SSHSIG blob (its fingerprint), or None."""
    body = b''.join(line.strip() for line in sig.split(b'\n') if not line.startswith(b'-----'))
    try:
        blob = base64.b64decode(body)
    except binascii.Error:
        return None
    if not blob.startswith(b'SSHSIG') or len(blob) < 14:
        return None
    size = int.from_bytes(blob[10:14], 'big')
    key = blob[14:14 + size]
    return ssh_fingerprint(key) if len(key) == size and size else None


# --- verdicts ------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What the signature of one commit says, under one trusted policy. Cached."""

    reason: str | None          # None: good; otherwise a rule id
    kind: str = 'none'          # ssh, openpgp, x509, unknown, none
    key: str = ''               # the signing key's fingerprint, as users know it
    signer: str = ''            # who the key belongs to (principals / UID emails)
    detail: str = ''            # extra words for the message

    def as_json(self) -> list[str]:
        return [self.reason or '', self.kind, self.key, self.signer, self.detail]

    @classmethod
    def from_json(cls, value: object) -> Verdict | None:
        if (not isinstance(value, list) or len(value) != 5
                or not all(isinstance(v, str) for v in value)
                or (value[0] and value[0] not in RULES)):
            return None
        return cls(value[0] or None, value[1], value[2], value[3], value[4])


def _fmt_time(ts: int | None) -> str:
    if ts is None:
        return '-'
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(ts))


def judge_ssh(raw: RawSignature, sig: bytes | None, trust: Trust, email: str,
              when: int) -> Verdict:
    fpr = raw.fingerprint if raw.fingerprint.startswith('SHA256:') else ''
    if not fpr and sig is not None:
        fpr = sshsig_key_fingerprint(sig) or ''
    if fpr and fpr in trust.revoked:
        return Verdict('revoked', 'ssh', fpr, detail='the key is listed in '
                       f'{trust.policy.revoked_signers} {trust.where}')
    entries = [s for s in trust.signers_for_key(fpr) if s.allows_git()] if fpr else []
    if raw.status == 'G':
        mine = [s for s in entries if s.is_for(email)]
        if any(s.valid_at(when) for s in mine):
            return Verdict(None, 'ssh', fpr, ', '.join(mine[0].principals))
        if mine:
            return _ssh_expired(fpr, mine, when, trust)
        if entries:
            return Verdict('signer-mismatch', 'ssh', fpr,
                           ', '.join(p for s in entries for p in s.principals))
        # A certificate signed by a cert-authority line: trust git's principal.
        if raw.signer and _principal_match(raw.signer.split(','), email):
            return Verdict(None, 'ssh', fpr, raw.signer)
        return Verdict('signer-mismatch', 'ssh', fpr, raw.signer)
    if raw.status == 'U':
        mine = [s for s in entries if s.is_for(email)]
        outside = [s for s in mine if not s.valid_at(when)]
        if outside:
            return _ssh_expired(fpr, outside, when, trust)
        if mine:
            # Listed for this committer and inside its window, yet git does not trust
            # it: a certificate whose key is listed as a plain key, for one.
            return Verdict('unknown-key', 'ssh', fpr, detail=(
                'git does not trust this signature (an SSH certificate is trusted through '
                'a cert-authority line for its CA, not by listing its key)'))
        if entries:
            # Listed for someone else, and not valid at this time for them either.
            return Verdict('signer-mismatch', 'ssh', fpr,
                           ', '.join(p for s in entries for p in s.principals))
        return Verdict('unknown-key', 'ssh', fpr)
    if raw.status == 'B' and trust.policy.revoked_signers and fpr and not trust.revoked:
        return Verdict('bad-signature', 'ssh', fpr,
                       detail='it does not verify, or its key is revoked in '
                              f'{trust.policy.revoked_signers} {trust.where}')
    first = raw.text.splitlines()[0] if raw.text else 'no output from ssh-keygen'
    return Verdict('bad-signature', 'ssh', fpr, detail=f'git reports: {first}')


def _ssh_expired(fpr: str, mine: Sequence[SshSigner], when: int, trust: Trust) -> Verdict:
    s = mine[0]
    return Verdict('expired', 'ssh', fpr, ', '.join(s.principals), detail=(
        f'committed {_fmt_time(when)}, but {trust.policy.allowed_signers}:{s.line} '
        f'{trust.where} allows the key only from {_fmt_time(s.valid_after)} to '
        f'{_fmt_time(s.valid_before)}'))


def judge_openpgp(raw: RawSignature, trust: Trust, keys: Mapping[str, OpenPgpKey],
                  email: str) -> Verdict:
    fpr = raw.fingerprint.upper()
    if not fpr:
        # Without the public key git has only the key id; gpg names the fingerprint.
        m = re.search(r'using \w+ key ([0-9A-Fa-f]{40})\b', raw.text)
        fpr = m.group(1).upper() if m else raw.key_id.upper()
    primary = raw.primary or next(
        (k.fingerprint for k in keys.values() if fpr in k.subkeys or fpr == k.fingerprint), '')
    key = keys.get(primary)
    allowed = {f.upper() for f in trust.policy.openpgp_fingerprints}
    if raw.status == 'R':
        return Verdict('revoked', 'openpgp', fpr, raw.signer)
    if raw.status in ('X', 'Y'):
        what = 'the signature has expired' if raw.status == 'X' else 'the key has expired'
        return Verdict('expired', 'openpgp', fpr, raw.signer, detail=what)
    if raw.status == 'E' or key is None:
        if not trust.openpgp_keys:
            return Verdict('unknown-key', 'openpgp', fpr,
                           detail='the policy trusts no OpenPGP key (signatures.openpgp_keys '
                                  'is not set)')
        return Verdict('unknown-key', 'openpgp', fpr)
    if raw.status not in ('G', 'U'):
        first = raw.text.splitlines()[-1] if raw.text else 'no output from gpg'
        return Verdict('bad-signature', 'openpgp', fpr, raw.signer, detail=f'gpg: {first}')
    if allowed and not ({primary, fpr} & allowed):
        return Verdict('unknown-key', 'openpgp', fpr, raw.signer,
                       detail='the key is not in signatures.openpgp_fingerprints')
    if email.lower() not in key.emails:
        return Verdict('signer-mismatch', 'openpgp', fpr, ', '.join(sorted(key.emails)))
    return Verdict(None, 'openpgp', fpr, email.lower())


# --- the cache -----------------------------------------------------------------


def _cache_path(repo: Repo) -> Path:
    return repo.state_dir / _CACHE_NAME


def load_cache(path: Path) -> dict[str, dict[str, list[str]]]:
    """policy digest -> commit -> verdict. A corrupt file is ignored (and rebuilt)."""
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get('version') != 1:
        return {}
    policies = data.get('policies')
    if not isinstance(policies, dict):
        return {}
    return {k: v for k, v in policies.items() if isinstance(k, str) and isinstance(v, dict)}


def save_cache(path: Path, cache: Mapping[str, Mapping[str, list[str]]], current: str) -> None:
    # Keep the current policy and the most recent others (dicts keep insertion order).
    keep = [*[k for k in cache if k != current][-(_CACHE_MAX_POLICIES - 1):], current]
    policies = {k: dict(cache[k]) for k in keep if k in cache}
    entries = policies.get(current, {})
    if len(entries) > _CACHE_MAX_ENTRIES:
        policies[current] = dict(list(entries.items())[-_CACHE_MAX_ENTRIES:])
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f'.{path.name}.', dir=path.parent)
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump({'version': 1, 'policies': policies}, f, separators=(',', ':'))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only .git: the verdicts stand, only the next run is slower


# --- range mode ------------------------------------------------------------------


def _short(commit: str) -> str:
    return commit[:12]


def _subject(text: str) -> str:
    clean = ''.join(c if c.isprintable() else '?' for c in redact(text.strip()))
    return clean if len(clean) <= 60 else clean[:57] + '...'


_TRAILER_LINE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9-]*:\s|^\(cherry picked from commit |^\s')


def trailer_block(message: str) -> str:
    """The message's trailers, as git reads them: its last paragraph, if that is not
    the subject and every line of it is a `Token: value` trailer (or continues one).
    A Signed-off-by in the subject or in the body's prose is not a sign-off."""
    paragraphs = [p for p in re.split(r'\n[ \t]*\n', message.strip('\n')) if p.strip()]
    if len(paragraphs) < 2:
        return ''
    last = paragraphs[-1].split('\n')
    return '\n'.join(last) if all(_TRAILER_LINE.match(line) for line in last) else ''


def signoff_matches(message: str, name: str, email: str) -> tuple[bool, list[str]]:
    """Whether a Signed-off-by trailer names this author; also the sign-offs found."""
    found = [(n.strip(), e.strip()) for n, e in _SIGNOFF.findall(trailer_block(message))]
    ok = any(e.lower() == email.lower() and ' '.join(n.split()).casefold()
             == ' '.join(name.split()).casefold() for n, e in found)
    return ok, [f'{n} <{e}>' for n, e in found]


@dataclass
class RangeResult:
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked: int = 0
    verified: int = 0       # commits verified by git this run (not from the cache)


def check_range(
        repo: Repo, *, policy: SignaturesConfig, trust: Trust, from_ref: str | None,
        to_ref: str, use_cache: bool = True, exclude: tuple[str, ...] | None = None,
) -> RangeResult:
    """One verdict per commit of FROM..TO."""
    result = RangeResult()
    if is_null(to_ref):
        return result  # a branch deletion: nothing new to check
    to_sha = repo.require(to_ref)
    commits = repo.commits_in_range(from_ref, to_sha, exclude)
    if not commits:
        return result
    if policy.exempt_before:
        exempt_sha = repo.require(policy.exempt_before)
        judged_set = set(repo.rev_list(to_sha, '--not', exempt_sha))
        skipped = [c for c in commits if c not in judged_set]
        commits = [c for c in commits if c in judged_set]
        if skipped:
            result.notes.append(f'{len(skipped)} commit(s) at or before exempt_before '
                                f'{_short(exempt_sha)} not judged')
    infos = {i.commit: i for i in repo.commit_infos(commits)}
    need_sig = policy.require in ('signature', 'both')
    need_signoff = policy.require in ('signoff', 'both')
    if need_sig and not (policy.allowed_signers or policy.openpgp_keys):
        result.notes.append('the policy trusts no signer: set signatures.allowed_signers '
                            '(SSH) or signatures.openpgp_keys (OpenPGP) in the policy')

    exempt: dict[str, str] = {}
    for c in commits:
        info = infos[c]
        for a in policy.exempt_authors:
            # Emails are claims anyone can write; asking both to match at least
            # keeps a contributor from exempting a commit by its author field alone.
            if (_pattern_match(a.email, info.author_email)
                    and _pattern_match(a.email, info.committer_email)):
                exempt[c] = a.reason
                break
    # An unsigned merge may pass only if it adds nothing of its own: a merge that
    # carries new content (an "evil merge") is a change like any other.
    merges = [c for c in commits if infos[c].is_merge] if policy.allow_unsigned_merges else []
    own_content = {cc.commit for cc in repo.commit_changes(merges) if cc.files}

    verdicts: dict[str, Verdict] = {}
    if need_sig:
        verdicts, result.verified = _verify(repo, trust, [c for c in commits if c not in exempt],
                                            infos, use_cache)

    passed: dict[str, bool] = {}
    failing: list[str] = []
    for c in commits:
        info = infos[c]
        result.checked += 1
        if c in exempt:
            passed[c] = True
            result.findings.append(Finding(
                hook=HOOK, rule='exempt', severity='low', path='', line=None, commit=c,
                message=f'{_short(c)} "{_subject(info.subject)}": not judged, author '
                        f'{info.author_email} is exempt: {exempt[c]}'))
            continue
        verdict = verdicts.get(c, Verdict(None)) if need_sig else Verdict(None)
        signoff_ok, signoffs = (signoff_matches(info.message, info.author_name,
                                                info.author_email)
                                if need_signoff else (True, []))
        lenient_merge = (info.is_merge and policy.allow_unsigned_merges
                         and c not in own_content
                         and all(passed.get(p, True) for p in info.parents))
        if lenient_merge and verdict.reason == 'unsigned':
            verdict = Verdict(None)
        if lenient_merge:
            signoff_ok = True
        if verdict.reason is None and signoff_ok:
            passed[c] = True
            continue
        passed[c] = False
        rule = verdict.reason or 'missing-signoff'
        failing.append(c)
        result.findings.extend(_range_finding(
            repo, c, info.subject, rule, verdict, trust, info.committer_email,
            signoff_missing=not signoff_ok, signoffs=signoffs,
            author=f'{info.author_name} <{info.author_email}>',
            merge_parents_failed=(info.is_merge and policy.allow_unsigned_merges
                                  and verdict.reason == 'unsigned'),
            to_sha=to_sha))
    if failing:
        result.notes.append(_fix_note(failing, infos, to_sha, need_sig, need_signoff))
    for p in trust.problems:
        result.notes.append(p)
    return result


def _verify(repo: Repo, trust: Trust, commits: Sequence[str],
            infos: Mapping[str, CommitInfo], use_cache: bool) -> tuple[dict[str, Verdict], int]:
    path = _cache_path(repo)
    cache = load_cache(path) if use_cache else {}
    mine = cache.get(trust.digest, {})
    verdicts: dict[str, Verdict] = {}
    todo: list[str] = []
    for c in commits:
        v = Verdict.from_json(mine.get(c))
        if v is None:
            todo.append(c)
        else:
            verdicts[c] = v
    if not todo:
        return verdicts, 0
    with Verifier(repo, trust) as verifier:
        raw = verifier.verify(todo)
        # The signature itself is read only where git's answer does not say enough.
        unclear = [c for c in todo if raw.get(c) is None or raw[c].status in 'NBE']
        headers: dict[str, bytes | None] = {}
        if unclear:
            with repo.cat_file() as cat:
                for c in unclear:
                    got = cat.read(c)
                    headers[c] = signature_header(got[2]) if got else None
        pgp_keys = verifier.openpgp_keys() if trust.openpgp_keys else {}
        for c in todo:
            info = infos[c]
            r = raw.get(c, RawSignature('N', '', '', '', '', ''))
            sig = headers.get(c)
            if c in headers:
                kind = signature_kind(sig) if sig is not None else 'none'
            elif r.fingerprint.startswith('SHA256:'):
                kind = 'ssh'
            else:
                kind = 'openpgp'
            if kind == 'none':
                v = Verdict('unsigned')
            elif kind == 'x509':
                v = Verdict('unsupported-signature', 'x509')
            elif kind == 'ssh':
                v = judge_ssh(r, sig, trust, info.committer_email, info.committer_time)
            elif kind == 'openpgp':
                v = judge_openpgp(r, trust, pgp_keys, info.committer_email)
            else:
                v = Verdict('bad-signature', 'unknown', detail='the signature is in a format '
                            'git does not recognise')
            verdicts[c] = v
            mine[c] = v.as_json()
    if use_cache:
        cache[trust.digest] = mine
        save_cache(path, cache, trust.digest)
    return verdicts, len(todo)


def _range_finding(
        repo: Repo, commit: str, subject: str, rule: str, v: Verdict, trust: Trust,
        committer: str, *, signoff_missing: bool, signoffs: Sequence[str], author: str,
        merge_parents_failed: bool, to_sha: str,
) -> list[Finding]:
    head = f'{_short(commit)} "{_subject(subject)}"'
    key = f' key {v.key}' if v.key else ' key'
    kind = {'ssh': 'SSH', 'openpgp': 'OpenPGP'}.get(v.kind, '')
    lines: list[str]
    if rule == 'unsigned':
        lines = [f'{head}: the commit is not signed'
                 + (' (a merge may be unsigned only when it adds no content of its own '
                    'and all of its parents pass)' if merge_parents_failed else '')]
    elif rule == 'bad-signature':
        lines = [f'{head}: the {kind} signature does not verify'
                 + (f' ({v.detail})' if v.detail else '')]
    elif rule == 'unknown-key':
        lines = [f'{head}: signed with {kind}{key}, which is not trusted '
                 + (f'by the policy {trust.where}' if v.kind == 'openpgp'
                    else f'in the allowed signers {trust.where}'
                    + (f' ({trust.policy.allowed_signers})' if trust.policy.allowed_signers
                       else ' (signatures.allowed_signers is not set)'))
                 + (f': {v.detail}' if v.detail else '')]
        lines.extend(_self_trust_hint(repo, v, trust, to_sha))
    elif rule == 'signer-mismatch':
        lines = [f'{head}: signed by {v.signer or "someone else"} ({kind}{key}), '
                 f'but committed by {committer}',
                 'a valid signature must come from the committer: commit as the key\'s '
                 'owner (`git config user.email`) or sign with your own allowed key']
    elif rule == 'expired':
        lines = [f'{head}: signed with {kind}{key} outside its validity'
                 + (f' ({v.detail})' if v.detail else '')]
    elif rule == 'revoked':
        lines = [f'{head}: signed with a revoked {kind}{key}'
                 + (f' ({v.detail})' if v.detail else '')]
    elif rule == 'unsupported-signature':
        lines = [f'{head}: signed with X.509 (gpgsm/gitsign), which this policy does not '
                 'support; sign with SSH or OpenPGP instead']
    else:
        found = f' (found: {", ".join(signoffs)})' if signoffs else ''
        lines = [f'{head}: no Signed-off-by: {author}{found}']
        signoff_missing = False
    out = [Finding(hook=HOOK, rule=rule, severity=RULES[rule].severity, path='',
                   line=None, commit=commit, message='\n'.join(lines))]
    if signoff_missing:
        # Its own finding, so reports and the audit's bypass list see both reasons.
        found = f' (found: {", ".join(signoffs)})' if signoffs else ''
        out.append(Finding(hook=HOOK, rule='missing-signoff',
                           severity=RULES['missing-signoff'].severity, path='', line=None,
                           commit=commit, message=f'{head}: no Signed-off-by: {author}{found}'))
    return out


def _self_trust_hint(repo: Repo, v: Verdict, trust: Trust, to_sha: str) -> list[str]:
    """Say so when the range itself is what would have trusted the key."""
    path = trust.policy.allowed_signers if v.kind == 'ssh' else trust.policy.openpgp_keys
    if trust.policy_ref is None or not path:
        return []
    base = repo.resolve(trust.policy_ref)
    if base is None:
        return []
    changed = [p for p in repo.changed_paths(base, to_sha)
               if p == path or p.startswith(path.rstrip('/') + '/')]
    if not changed:
        return []
    hint = f'{path} changed in this range'
    if v.kind == 'ssh' and v.key:
        later = repo.content_at(to_sha, path)
        if later is not None:
            signers, _ = parse_allowed_signers(later, path)
            if any(s.fingerprint == v.key for s in signers):
                hint = (f'the range adds this key to {path}, but trust is read '
                        f'{trust.where}: a change cannot vouch for its own signer')
    return [f'{hint}; get the key added in a separate, reviewed change first']


def _fix_note(failing: Sequence[str], infos: Mapping[str, CommitInfo], to_sha: str,
              need_sig: bool, need_signoff: bool) -> str:
    flags = ' '.join(f for f, on in (('-S', need_sig), ('-s', need_signoff)) if on)
    if len(failing) == 1 and failing[0] == to_sha:
        return f'fix: `git commit --amend --no-edit {flags}`, then push again'
    info = infos[failing[0]]
    base = '--root' if not info.parents else _short(info.parents[0])
    merges = any(i.is_merge for i in infos.values())
    rebase_merges = ' --rebase-merges' if merges else ''
    return (f"fix: `git rebase{rebase_merges} --exec 'git commit --amend --no-edit {flags}' "
            f"{base}`, then push again")


# --- the pre-commit stage: will the commit be signed? -------------------------------


class Ident(NamedTuple):
    name: str
    email: str
    when: int


def git_ident(repo: Repo, which: str) -> Ident:
    text = repo.out('var', f'GIT_{which}_IDENT', ok=(0, 128))
    m = _IDENT.match(text)
    if m is None:
        raise FatalError(f'git cannot tell the {which.lower()} identity: set it with '
                         '`git config user.name "Your Name"` and '
                         '`git config user.email you@example.com`')
    return Ident(m.group(1), m.group(2), int(m.group(3)))


def _config_bool(repo: Repo, key: str) -> bool:
    proc = repo.git('config', '--bool', '--get', key, ok=(0, 1, 128))
    return proc.returncode == 0 and proc.stdout.strip() == b'true'


def _setup_finding(rule: str, message: str) -> Finding:
    return Finding(hook=HOOK, rule=rule, severity=RULES[rule].severity, path='',
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
    elif _KEY_TYPE.match(key.split()[0]):
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
    if len(parts) < 2 or not _KEY_TYPE.match(parts[0]):
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
            f'allows it from {_fmt_time(s.valid_after)} to {_fmt_time(s.valid_before)}\n'
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


# --- the commit-msg stage ----------------------------------------------------------


def _strip_comments(message: str, comment_char: str) -> str:
    m = _SCISSORS.search(message)
    if m is not None:
        message = message[:m.start()]
    return '\n'.join(line for line in message.split('\n')
                     if not line.startswith(comment_char))


def check_message(repo: Repo, *, policy: SignaturesConfig, path: str) -> list[Finding]:
    if policy.require not in ('signoff', 'both'):
        return []
    if policy.allow_unsigned_merges and (repo.git_dir / 'MERGE_HEAD').exists():
        return []
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise FatalError(f'{path}: cannot read the commit message: {e.strerror}') from e
    char = repo.config_get('core.commentChar') or '#'
    if char == 'auto':
        char = '#'
    message = _strip_comments(raw.decode('utf-8', 'replace'), char[:1])
    if not message.strip():
        return []  # git aborts an empty commit itself
    author = git_ident(repo, 'AUTHOR')
    ok, found = signoff_matches(message, author.name, author.email)
    if ok:
        return []
    got = f' (found: {", ".join(found)})' if found else ''
    return [Finding(
        hook=HOOK, rule='missing-signoff', severity='high', path='', line=None,
        message=f'the commit message has no Signed-off-by: {author.name} <{author.email}>'
                f'{got}\nfix: commit with `git commit -s` (the message is kept in '
                f'{os.path.relpath(path, repo.root)})')]


# --- main -------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=HOOK, description=__doc__.split('\n')[0])
    parser.add_argument('filenames', nargs='*',
                        help='at the commit-msg stage, the message file; ignored otherwise')
    add_common_args(parser)
    add_range_args(parser)
    parser.add_argument('--no-cache', action='store_true',
                        help='verify every commit again, ignoring cached verdicts')
    args = parser.parse_args(argv)

    def run() -> int:
        repo = Repo.discover()
        config = cfg.load(repo, path=args.config, policy_ref=args.policy_ref)
        policy = config.signatures
        rng = range_from(args)
        if rng is not None:
            trust = load_trust(repo, policy, args.policy_ref)
            result = check_range(repo, policy=policy, trust=trust, from_ref=rng.from_ref,
                                 to_ref=rng.to_ref, use_cache=not args.no_cache)
            return finish(hook=HOOK, repo=repo, config=config, args=args,
                          findings=result.findings, rules=RULES, mode='range',
                          commit_range=str(rng), notes=result.notes)
        msg = message_file(repo, args.filenames)
        if msg is not None:
            findings = check_message(repo, policy=policy, path=msg)
            return finish(hook=HOOK, repo=repo, config=config, args=args,
                          findings=findings, rules=RULES, mode='message')
        trust = load_trust(repo, policy, args.policy_ref) \
            if policy.require != 'signoff' else _no_trust(policy)
        findings = check_setup(repo, policy=policy, trust=trust)
        return finish(hook=HOOK, repo=repo, config=config, args=args, findings=findings,
                      rules=RULES, mode='staged', notes=list(trust.problems))

    return boundary(HOOK, run)


def _no_trust(policy: SignaturesConfig) -> Trust:
    return Trust(policy=policy, where='', policy_ref=None, allowed_signers=None,
                 revoked_signers=None, openpgp_keys=())


if __name__ == '__main__':
    raise SystemExit(main())


def run_range(repo: Repo, config: cfg.Config, pr: PullRequest,
              ) -> tuple[list[Finding], dict[str, Rule]]:
    """The range check as `commit-warden ci` runs it: trust read at the policy ref."""
    trust = load_trust(repo, config.signatures, pr.policy_ref)
    result = check_range(repo, policy=config.signatures, trust=trust,
                         from_ref=pr.range.from_ref, to_ref=pr.range.to_ref,
                         exclude=pr.range.exclude)
    return list(result.findings), dict(RULES)
