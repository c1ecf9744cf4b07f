"""Range mode (pre-push, CI, --from/--to): one verdict per commit of the range,
from the cache or from git, and a finding for each commit that fails."""
from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

from hooks.config import SignaturesConfig
from hooks.findings import Finding
from hooks.findings import redact
from hooks.git import CommitInfo
from hooks.git import Repo
from hooks.git import is_null
from hooks.signatures import ID
from hooks.signatures import RULES
from hooks.signatures.cache import open_cache
from hooks.signatures.cache import save_cache
from hooks.signatures.signoff import signoff_matches
from hooks.signatures.ssh import parse_allowed_signers
from hooks.signatures.ssh import pattern_match
from hooks.signatures.trust import Trust
from hooks.signatures.verdicts import Verdict
from hooks.signatures.verdicts import judge_openpgp
from hooks.signatures.verdicts import judge_ssh
from hooks.signatures.verify import RawSignature
from hooks.signatures.verify import Verifier
from hooks.signatures.verify import signature_header
from hooks.signatures.verify import signature_kind


def _short(commit: str) -> str:
    return commit[:12]


def _subject(text: str) -> str:
    clean = ''.join(c if c.isprintable() else '?' for c in redact(text.strip()))
    return clean if len(clean) <= 60 else clean[:57] + '...'


class RangeResult:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.checked = 0
        self.verified = 0       # commits verified by git this run (not from the cache)


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
            if (pattern_match(a.email, info.author_email)
                    and pattern_match(a.email, info.committer_email)):
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
                hook=ID, rule='exempt', severity='low', path='', line=None, commit=c,
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
    cache = open_cache(repo) if use_cache else None
    digest = trust.digest
    mine: dict[str, list[str]] = dict(cache.data.get(digest, {})) if cache else {}
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
    if cache is not None:
        save_cache(cache, mine, digest)
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
    out = [Finding(hook=ID, rule=rule, severity=RULES[rule].severity, path='',
                   line=None, commit=commit, message='\n'.join(lines))]
    if signoff_missing:
        # Its own finding, so reports and the audit's bypass list see both reasons.
        found = f' (found: {", ".join(signoffs)})' if signoffs else ''
        out.append(Finding(hook=ID, rule='missing-signoff',
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

