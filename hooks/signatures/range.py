"""Range mode (pre-push, CI, --from/--to): one verdict per commit, from the cache or the tools.

Commits are judged as stored (hooks.signatures.objects): SSH signatures by ssh-keygen,
OpenPGP by git and gpg with only the trusted keys; unsigned merges pass only as git's
own clean merge (hooks.signatures.merges). Each failing commit gets a finding
(hooks.signatures.messages words it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence

from hooks.config import SignaturesConfig
from hooks.findings import Finding
from hooks.git import Repo
from hooks.git import is_null
from hooks.signatures import ID
from hooks.signatures.cache import open_cache
from hooks.signatures.cache import save_cache
from hooks.signatures.messages import fix_note
from hooks.signatures.messages import range_finding
from hooks.signatures.messages import short
from hooks.signatures.messages import subject_line
from hooks.signatures.objects import RawCommit
from hooks.signatures.objects import read_commits
from hooks.signatures.signoff import signoff_matches
from hooks.signatures.trust import Trust
from hooks.signatures.verdicts import Verdict


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(
        ''.join('.*' if c == '*' else '.' if c == '?' else re.escape(c) for c in pattern.lower()),
        re.S,
    )


def email_match(pattern: str, email: str) -> bool:
    """An `exempt_authors` email glob (`*`, `?`; any case) against an email."""
    return _glob(pattern).fullmatch(email.lower()) is not None


class RangeResult:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.notes: list[str] = []
        self.checked = 0
        self.verified = 0  # commits verified this run (not from the cache)


def check_range(
    repo: Repo,
    *,
    policy: SignaturesConfig,
    trust: Trust,
    from_ref: str | None,
    to_ref: str,
    use_cache: bool = True,
    exclude: tuple[str, ...] | None = None,
) -> RangeResult:
    """One verdict per commit of FROM..TO, on the objects as they will be pushed
    (hooks.gitproc runs every git with `refs/replace/*` and grafts off)."""
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
            result.notes.append(
                f'{len(skipped)} commit(s) at or before exempt_before '
                f'{short(exempt_sha)} not judged'
            )
    infos = {i.commit: i for i in repo.commit_infos(commits)}
    need_sig = policy.require in ('signature', 'both')
    need_signoff = policy.require in ('signoff', 'both')
    if need_sig and not (policy.allowed_signers or policy.openpgp_keys):
        result.notes.append(
            'the policy trusts no signer: set signatures.allowed_signers '
            '(SSH) or signatures.openpgp_keys (OpenPGP) in the policy'
        )

    exempt: dict[str, str] = {}
    for c in commits:
        info = infos[c]
        for a in policy.exempt_authors:
            # Emails are claims anyone can write; asking both to match at least
            # keeps a contributor from exempting a commit by its author field alone.
            if email_match(a.email, info.author_email) and email_match(
                a.email, info.committer_email
            ):
                exempt[c] = a.reason
                break
    verdicts: dict[str, Verdict] = {}
    if need_sig:
        verdicts, result.verified = _verify(
            repo, trust, [c for c in commits if c not in exempt], use_cache
        )
    clean_merges = _clean_merges(
        repo,
        [
            c
            for c in commits
            if infos[c].is_merge
            and c not in exempt
            and (not need_sig or verdicts.get(c, Verdict(None)).reason == 'unsigned')
        ]
        if policy.allow_unsigned_merges
        else [],
    )

    passed: dict[str, bool] = {}
    failing: list[str] = []
    for c in commits:
        info = infos[c]
        result.checked += 1
        if c in exempt:
            passed[c] = True
            result.findings.append(
                Finding(
                    hook=ID,
                    rule='exempt',
                    severity='low',
                    path='',
                    line=None,
                    commit=c,
                    message=f'{short(c)} "{subject_line(info.subject)}": not judged, author '
                    f'{info.author_email} is exempt: {exempt[c]}',
                )
            )
            continue
        verdict = verdicts.get(c, Verdict(None)) if need_sig else Verdict(None)
        signoff_ok, signoffs = (
            signoff_matches(info.message, info.author_name, info.author_email)
            if need_signoff
            else (True, [])
        )
        lenient_merge = (
            info.is_merge
            and policy.allow_unsigned_merges
            and c in clean_merges
            and all(passed.get(p, True) for p in info.parents)
        )
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
        result.findings.extend(
            range_finding(
                repo,
                c,
                info.subject,
                rule,
                verdict,
                trust,
                info.committer_email,
                signoff_missing=not signoff_ok,
                signoffs=signoffs,
                author=f'{info.author_name} <{info.author_email}>',
                merge_parents_failed=(
                    info.is_merge and policy.allow_unsigned_merges and verdict.reason == 'unsigned'
                ),
                to_sha=to_sha,
            )
        )
    if failing:
        result.notes.append(fix_note(failing, infos, to_sha, need_sig, need_signoff))
    for p in trust.problems:
        result.notes.append(p)
    return result


def _clean_merges(repo: Repo, merges: Sequence[str]) -> set[str]:
    """The unsigned merges nobody chose the content of: each tree is git's own
    conflict-free merge of its parents (hooks.signatures.merges)."""
    if not merges:
        return set()
    from hooks.signatures.merges import clean_merges

    objects = read_commits(repo, merges)
    return clean_merges(repo, {c: (o.tree, o.parents) for c, o in objects.items()})


def _verify(
    repo: Repo, trust: Trust, commits: Sequence[str], use_cache: bool
) -> tuple[dict[str, Verdict], int]:
    """One verdict per commit, judged on the commit objects as stored (no replace
    refs, no grafts, each checked against its id): SSH signatures by ssh-keygen,
    OpenPGP by git and gpg with only the trusted keys."""
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
    objects = read_commits(repo, todo)
    ssh: list[str] = []
    pgp: list[str] = []
    for c in todo:
        obj = objects[c]
        malformed = obj.malformed()
        if obj.kind == 'none':
            verdicts[c] = Verdict('unsigned')
        elif malformed:
            verdicts[c] = Verdict('bad-signature', obj.kind, detail=malformed)
        elif obj.kind == 'x509':
            verdicts[c] = Verdict('unsupported-signature', 'x509')
        elif obj.kind == 'ssh':
            ssh.append(c)
        elif obj.kind == 'openpgp':
            pgp.append(c)
        else:
            verdicts[c] = Verdict(
                'bad-signature',
                'unknown',
                detail=('the signature is in a format git does not recognise'),
            )
    if ssh:
        verdicts.update(_verify_ssh(trust, [objects[c] for c in ssh]))
    if pgp:
        verdicts.update(_verify_openpgp(repo, trust, {c: objects[c].committer_email for c in pgp}))
    for c in todo:
        # A verdict "at the time of checking" (an ident without a date) can change.
        if objects[c].committer_time is not None or objects[c].kind != 'ssh':
            mine[c] = verdicts[c].as_json()
    if cache is not None:
        save_cache(cache, mine, digest)
    return verdicts, len(todo)


def _verify_ssh(trust: Trust, commits: Sequence[RawCommit]) -> dict[str, Verdict]:
    from hooks.signatures.ssh import SshCheck
    from hooks.signatures.ssh import SshPolicy

    checks = []
    for obj in commits:
        assert obj.signature is not None
        checks.append(
            SshCheck(obj.oid, obj.signature, obj.payload, obj.committer_email, obj.committer_time)
        )
    with SshPolicy(
        allowed=trust.allowed_signers,
        allowed_name=trust.policy.allowed_signers,
        revoked=trust.revoked_signers,
        revoked_name=trust.policy.revoked_signers,
        where=trust.where,
    ) as policy:
        return {
            c: Verdict(out.reason, 'ssh', out.key, out.signer, out.detail)
            for c, out in policy.verify(checks).items()
        }


def _verify_openpgp(repo: Repo, trust: Trust, emails: Mapping[str, str]) -> dict[str, Verdict]:
    from hooks.signatures.verdicts import judge_openpgp
    from hooks.signatures.verify import RawSignature
    from hooks.signatures.verify import Verifier

    with Verifier(repo, trust) as verifier:
        raw = verifier.verify(list(emails))
        keys = verifier.openpgp_keys() if trust.openpgp_keys else {}
    return {
        c: judge_openpgp(raw.get(c, RawSignature('N', '', '', '', '', '')), trust, keys, email)
        for c, email in emails.items()
    }
