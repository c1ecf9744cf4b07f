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
import hashlib
import json
import os
import re
import subprocess
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
from hooks.errors import Problem
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
_LOGIC_VERSION = '2'
_CACHE_NAME = 'signatures-cache.json'
_CACHE_MAX_POLICIES = 4
_CACHE_MAX_ENTRIES = 50_000

# %GT is not used: git 2.39.5 aborts on an expired OpenPGP key when it is asked for.
_LOG_FORMAT = '%H%x1f%G?%x1f%GF%x1f%GP%x1f%GS%x1f%GK%x1f%GG'
_IDENT = re.compile(r'^(.*?) ?<([^<>]*)> (\d+) ([+-]\d{4})$')
_SIGNOFF = re.compile(r'^signed-off-by:[ \t]*(.*?)[ \t]*<([^<>]*)>[ \t]*$', re.I | re.M)
_SCISSORS = re.compile(r'^\S ?-+ >8 -+$', re.M)


# --- the trusted policy ------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    """Everything that decides who may sign, read from one place (disk or a ref)."""

    policy: SignaturesConfig
    where: str                                  # 'at REF' or 'in the working tree'
    policy_ref: str | None
    allowed_signers: bytes | None
    revoked_signers: bytes | None
    openpgp_keys: tuple[tuple[str, bytes], ...]
    problems: tuple[str, ...] = ()
    digest: str = ''
    policy_problems: tuple[Problem, ...] = ()   # the same, with file and line


def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(''.join(
        '.*' if c == '*' else '.' if c == '?' else re.escape(c) for c in pattern.lower()),
        re.S)


def _pattern_match(pattern: str, value: str) -> bool:
    return _glob_regex(pattern).fullmatch(value.lower()) is not None


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
    h = hashlib.sha256()
    h.update(_LOGIC_VERSION.encode())
    h.update(json.dumps(cfg.Record(SignaturesConfig).dump(policy), sort_keys=True).encode())
    for name, data in (('allowed', allowed), ('revoked', revoked), *keys):
        h.update(f'\0{name}\0{len(data) if data is not None else -1}\0'.encode())
        h.update(data or b'')
    # The tools are part of the judgement: another ssh-keygen or gpg may decide otherwise.
    h.update(_tool_identity().encode())
    where = f'at {policy_ref}' if policy_ref else 'in the working tree'
    h.update(where.encode())   # verdicts quote it
    digest = h.hexdigest()[:24]
    from hooks import trustscan

    problems = trustscan.scan(
        repo, digest=digest, where=where, allowed=allowed,
        allowed_name=policy.allowed_signers, revoked=revoked,
        revoked_name=policy.revoked_signers, openpgp_keys=keys)
    return Trust(
        policy=policy, where=where, policy_ref=policy_ref, allowed_signers=allowed,
        revoked_signers=revoked, openpgp_keys=keys,
        problems=tuple(str(p) if p.source else p.message for p in problems),
        digest=digest, policy_problems=tuple(problems))


def _tool_identity() -> str:
    """Which ssh-keygen and gpg judge (path, size, mtime): no process started."""
    import shutil

    parts = []
    for tool in ('ssh-keygen', 'gpg', 'git'):
        path = shutil.which(tool)
        try:
            st = os.stat(path) if path else None
        except OSError:
            st = None
        parts.append(f'{tool}={path}:{st.st_size}:{st.st_mtime_ns}' if st else f'{tool}=')
    return '\0'.join(parts)


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
        from hooks import sigobject

        env = {**os.environ, 'GNUPGHOME': str(self.home), 'LC_ALL': 'C',
               **sigobject.real_objects_env(self.repo)}
        args = ('--no-replace-objects', *self.git_args(), 'log', '--no-walk=unsorted', '-z',
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
    from hooks import pgptrust

    count = pgptrust.signature_count(raw.text)
    if count > 1:
        # gpg checks each and git reports the mix as one status; a commit has one
        # signer, so two signatures (t7510's double-signature commit) are bad.
        return Verdict('bad-signature', 'openpgp', fpr, raw.signer, detail=(
            f'the signature holds {count} signatures; a commit has one'))
    if raw.status in ('E', 'B', 'N') and not fpr:
        # gpg found no signature packet naming a key: not a signature at all.
        last = raw.text.splitlines()[-1] if raw.text else 'no output from gpg'
        return Verdict('bad-signature', 'openpgp', detail=f'gpg: {last}')
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
        to_ref: str, use_cache: bool = True,
) -> RangeResult:
    """One verdict per commit of FROM..TO, on the objects as they will be pushed:
    `refs/replace/*` and grafts change neither the commits walked nor their content."""
    from hooks import sigobject

    with sigobject.real_objects(repo):
        return _check_range(repo, policy=policy, trust=trust, from_ref=from_ref,
                            to_ref=to_ref, use_cache=use_cache)


def _check_range(
        repo: Repo, *, policy: SignaturesConfig, trust: Trust, from_ref: str | None,
        to_ref: str, use_cache: bool,
) -> RangeResult:
    result = RangeResult()
    if is_null(to_ref):
        return result  # a branch deletion: nothing new to check
    to_sha = repo.require(to_ref)
    commits = repo.commits_in_range(from_ref, to_sha)
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
    verdicts: dict[str, Verdict] = {}
    if need_sig:
        verdicts, result.verified = _verify(repo, trust, [c for c in commits if c not in exempt],
                                            infos, use_cache)
    # An unsigned merge may pass only if nobody chose its content: its tree is git's
    # own conflict-free merge of its parents (hooks.mergecheck).
    merges = [c for c in commits if infos[c].is_merge and c not in exempt
              and (not need_sig or verdicts.get(c, Verdict(None)).reason == 'unsigned')] \
        if policy.allow_unsigned_merges else []
    clean_merges: set[str] = set()
    if merges:
        from hooks import mergecheck
        from hooks import sigobject

        objects = sigobject.read_commits(repo, merges)
        clean_merges = mergecheck.clean_merges(
            repo, {c: (o.tree, o.parents) for c, o in objects.items()},
            sigobject.real_objects_env(repo))

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
                         and c in clean_merges
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
    """One verdict per commit, judged on the commit objects as stored (no replace
    refs, no grafts, each checked against its id): SSH signatures by ssh-keygen
    (hooks.sshtrust), OpenPGP by git and gpg with only the trusted keys."""
    from hooks import sigobject

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
    objects = sigobject.read_commits(repo, todo)
    ssh: list[str] = []
    pgp: list[str] = []
    for c in todo:
        obj = objects[c]
        kind = obj.kind
        malformed = obj.malformed()
        if kind == 'none':
            verdicts[c] = Verdict('unsigned')
        elif malformed:
            verdicts[c] = Verdict('bad-signature', kind, detail=malformed)
        elif kind == 'x509':
            verdicts[c] = Verdict('unsupported-signature', 'x509')
        elif kind == 'ssh':
            ssh.append(c)
        elif kind == 'openpgp':
            pgp.append(c)
        else:
            verdicts[c] = Verdict('bad-signature', 'unknown', detail=(
                'the signature is in a format git does not recognise'))
    if ssh:
        from hooks import sshtrust

        checks = []
        for c in ssh:
            obj = objects[c]
            assert obj.signature is not None
            checks.append(sshtrust.SshCheck(c, obj.signature, obj.payload,
                                            obj.committer_email, obj.committer_time))
        with sshtrust.SshPolicy(
                allowed=trust.allowed_signers, allowed_name=trust.policy.allowed_signers,
                revoked=trust.revoked_signers, revoked_name=trust.policy.revoked_signers,
                where=trust.where) as policy:
            for c, out in policy.verify(checks).items():
                verdicts[c] = Verdict(out.reason, 'ssh', out.key, out.signer, out.detail)
    if pgp:
        with Verifier(repo, trust) as verifier:
            raw = verifier.verify(pgp)
            pgp_keys = verifier.openpgp_keys() if trust.openpgp_keys else {}
        for c in pgp:
            r = raw.get(c, RawSignature('N', '', '', '', '', ''))
            verdicts[c] = judge_openpgp(r, trust, pgp_keys, objects[c].committer_email)
    for c in todo:
        # A verdict "at the time of checking" (an ident without a date) can change.
        if objects[c].committer_time is not None or objects[c].kind != 'ssh':
            mine[c] = verdicts[c].as_json()
    if use_cache:
        cache[trust.digest] = mine
        save_cache(path, cache, trust.digest)
    return verdicts, len(todo)


def _range_finding(
        repo: Repo, commit: str, subject: str, rule: str, v: Verdict, trust: Trust,
        committer: str, *, signoff_missing: bool, signoffs: Sequence[str], author: str,
        merge_parents_failed: bool, to_sha: str,
) -> list[Finding]:
    from hooks.sshtrust import printable

    head = f'{_short(commit)} "{_subject(subject)}"'
    key = f' key {v.key}' if v.key else ' key'
    kind = {'ssh': 'SSH', 'openpgp': 'OpenPGP'}.get(v.kind, '')
    source = (trust.policy.allowed_signers if v.kind == 'ssh' else trust.policy.openpgp_keys) \
        or ('signatures.allowed_signers' if v.kind == 'ssh' else 'signatures.openpgp_keys')
    lines: list[str]
    if rule == 'unsigned':
        lines = [f'{head}: the commit is not signed'
                 + (' (a merge may be unsigned only when its tree is git\'s own '
                    'conflict-free merge of its parents, and all of its parents pass)'
                    if merge_parents_failed else '')]
    elif rule == 'bad-signature':
        lines = [f'{head}: the {kind} signature does not verify'.replace('the  ', 'the ')
                 + (f' ({v.detail}{"; key " + v.key if v.key else ""})' if v.detail
                    else (f' (key {v.key})' if v.key else '')),
                 'fix: sign it again (`git commit --amend --no-edit -S`): a signature '
                 'holds only for the exact commit it was made over']
    elif rule == 'unknown-key':
        lines = [f'{head}: signed with {kind}{key}, which is not trusted '
                 + (f'by the policy {trust.where}' if v.kind == 'openpgp'
                    else f'in the allowed signers {trust.where}'
                    + (f' ({trust.policy.allowed_signers})' if trust.policy.allowed_signers
                       else ' (signatures.allowed_signers is not set)'))
                 + (f': {printable(v.detail)}' if v.detail else '')]
        lines.extend(_self_trust_hint(repo, v, trust, to_sha))
        if (trust.policy.allowed_signers if v.kind == 'ssh' else trust.policy.openpgp_keys):
            lines.append(f'fix: sign with a key {source} trusts for {committer}, or have a '
                         f'maintainer add this key for {committer} in a change of their own '
                         '(`commit-warden signing setup` prints the line)')
        else:
            lines.append(f'fix: the policy trusts no {kind} key: an admin sets {source} in '
                         f'{cfg.CONFIG_NAMES[0]} and commits the trusted keys')
    elif rule == 'signer-mismatch':
        lines = [f'{head}: signed by {v.signer or "someone else"} ({kind}{key}), '
                 f'but committed by {committer}'
                 + (f' ({printable(v.detail)})' if v.detail else ''),
                 f'fix: a valid signature must come from the committer: {source} '
                 f'{trust.where} allows this key for {v.signer or "someone else"}, not for '
                 f'{committer}; commit as the key\'s owner (`git config user.email`) or '
                 'sign with your own allowed key']
    elif rule == 'expired':
        lines = [f'{head}: signed with {kind}{key} outside its validity'
                 + (f' ({v.detail})' if v.detail else ''),
                 f'fix: re-sign with a key valid now (`git commit --amend --no-edit -S`), '
                 f'or have a maintainer renew the key for {v.signer or committer} in '
                 f'{source}']
    elif rule == 'revoked':
        lines = [f'{head}: signed with a revoked {kind}{key}'
                 + (f' ({v.detail})' if v.detail else ''),
                 f'fix: make a new key (`commit-warden signing setup --key '
                 f'~/.ssh/id_ed25519_new`), have a maintainer add it to {source}, and '
                 're-sign'
                 if v.kind == 'ssh' else
                 f'fix: make a new key, have a maintainer add it to {source}, and re-sign']
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
        from hooks import sshtrust

        if later is not None and v.key in sshtrust.fingerprints_in(later):
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


def check_setup(repo: Repo, *, policy: SignaturesConfig, trust: Trust) -> list[Finding]:
    """The commit being made will be signed by a key the policy allows for the
    identity git will record: every missing step in one finding (hooks.signing)."""
    from hooks import signing

    return signing.check_setup(repo, policy=policy, trust=trust)


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
                         from_ref=pr.range.from_ref, to_ref=pr.range.to_ref)
    return list(result.findings), dict(RULES)
