"""What a failing commit's finding says: the verdict, what was checked, and the one fix."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

from hooks import config as cfg
from hooks.commits import CommitInfo
from hooks.findings import Finding
from hooks.findings import redact
from hooks.git import Repo
from hooks.signatures import ID
from hooks.signatures import RULES
from hooks.signatures.sshkeys import printable
from hooks.signatures.trust import Trust
from hooks.signatures.verdicts import Verdict


def short(commit: str) -> str:
    return commit[:12]


def subject_line(text: str) -> str:
    clean = ''.join(c if c.isprintable() else '?' for c in redact(text.strip()))
    return clean if len(clean) <= 60 else clean[:57] + '...'


def range_finding(
    repo: Repo,
    commit: str,
    subject: str,
    rule: str,
    v: Verdict,
    trust: Trust,
    committer: str,
    *,
    signoff_missing: bool,
    signoffs: Sequence[str],
    author: str,
    merge_parents_failed: bool,
    to_sha: str,
) -> list[Finding]:
    head = f'{short(commit)} "{subject_line(subject)}"'
    key = f' key {v.key}' if v.key else ' key'
    kind = {'ssh': 'SSH', 'openpgp': 'OpenPGP'}.get(v.kind, '')
    source = (trust.policy.allowed_signers if v.kind == 'ssh' else trust.policy.openpgp_keys) or (
        'signatures.allowed_signers' if v.kind == 'ssh' else 'signatures.openpgp_keys'
    )
    lines: list[str]
    if rule == 'unsigned':
        lines = [
            f'{head}: the commit is not signed'
            + (
                " (a merge may be unsigned only when its tree is git's own "
                'conflict-free merge of its parents, and all of its parents pass)'
                if merge_parents_failed
                else ''
            )
        ]
    elif rule == 'bad-signature':
        lines = [
            f'{head}: the {kind} signature does not verify'.replace('the  ', 'the ')
            + (
                f' ({v.detail}{"; key " + v.key if v.key else ""})'
                if v.detail
                else (f' (key {v.key})' if v.key else '')
            ),
            'fix: sign it again (`git commit --amend --no-edit -S`): a signature '
            'holds only for the exact commit it was made over',
        ]
    elif rule == 'unknown-key':
        lines = [
            f'{head}: signed with {kind}{key}, which is not trusted '
            + (
                f'by the policy {trust.where}'
                if v.kind == 'openpgp'
                else f'in the allowed signers {trust.where}'
                + (
                    f' ({trust.policy.allowed_signers})'
                    if trust.policy.allowed_signers
                    else ' (signatures.allowed_signers is not set)'
                )
            )
            + (f': {printable(v.detail)}' if v.detail else '')
        ]
        lines.extend(_self_trust_hint(repo, v, trust, to_sha))
        if trust.policy.allowed_signers if v.kind == 'ssh' else trust.policy.openpgp_keys:
            lines.append(
                f'fix: sign with a key {source} trusts for {committer}, or have a '
                f'maintainer add this key for {committer} in a change of their own '
                '(`commit-warden signing setup` prints the line)'
            )
        else:
            lines.append(
                f'fix: the policy trusts no {kind} key: an admin sets {source} in '
                f'{cfg.CONFIG_NAMES[0]} and commits the trusted keys'
            )
    elif rule == 'signer-mismatch':
        lines = [
            f'{head}: signed by {v.signer or "someone else"} ({kind}{key}), '
            f'but committed by {committer}' + (f' ({printable(v.detail)})' if v.detail else ''),
            f'fix: a valid signature must come from the committer: {source} '
            f'{trust.where} allows this key for {v.signer or "someone else"}, not for '
            f"{committer}; commit as the key's owner (`git config user.email`) or "
            'sign with your own allowed key',
        ]
    elif rule == 'expired':
        lines = [
            f'{head}: signed with {kind}{key} outside its validity'
            + (f' ({v.detail})' if v.detail else ''),
            f'fix: re-sign with a key valid now (`git commit --amend --no-edit -S`), '
            f'or have a maintainer renew the key for {v.signer or committer} in '
            f'{source}',
        ]
    elif rule == 'revoked':
        lines = [
            f'{head}: signed with a revoked {kind}{key}' + (f' ({v.detail})' if v.detail else ''),
            f'fix: make a new key (`commit-warden signing setup --key '
            f'~/.ssh/id_ed25519_new`), have a maintainer add it to {source}, and '
            're-sign'
            if v.kind == 'ssh'
            else f'fix: make a new key, have a maintainer add it to {source}, and re-sign',
        ]
    elif rule == 'unsupported-signature':
        lines = [
            f'{head}: signed with X.509 (gpgsm/gitsign), which this policy does not '
            'support; sign with SSH or OpenPGP instead'
        ]
    else:
        found = f' (found: {", ".join(signoffs)})' if signoffs else ''
        lines = [f'{head}: no Signed-off-by: {author}{found}']
        signoff_missing = False
    out = [
        Finding(
            hook=ID,
            rule=rule,
            severity=RULES[rule].severity,
            path='',
            line=None,
            commit=commit,
            message='\n'.join(lines),
        )
    ]
    if signoff_missing:
        # Its own finding, so reports and the audit's bypass list see both reasons.
        found = f' (found: {", ".join(signoffs)})' if signoffs else ''
        out.append(
            Finding(
                hook=ID,
                rule='missing-signoff',
                severity=RULES['missing-signoff'].severity,
                path='',
                line=None,
                commit=commit,
                message=f'{head}: no Signed-off-by: {author}{found}',
            )
        )
    return out


def _self_trust_hint(repo: Repo, v: Verdict, trust: Trust, to_sha: str) -> list[str]:
    """Say so when the range itself is what would have trusted the key."""
    path = trust.policy.allowed_signers if v.kind == 'ssh' else trust.policy.openpgp_keys
    if trust.policy_ref is None or not path:
        return []
    base = repo.resolve(trust.policy_ref)
    if base is None:
        return []
    changed = [
        p
        for p in repo.changed_paths(base, to_sha)
        if p == path or p.startswith(path.rstrip('/') + '/')
    ]
    if not changed:
        return []
    hint = f'{path} changed in this range'
    if v.kind == 'ssh' and v.key:
        later = repo.content_at(to_sha, path)
        from hooks.signatures.sshkeys import fingerprints_in

        if later is not None and v.key in fingerprints_in(later):
            hint = (
                f'the range adds this key to {path}, but trust is read '
                f'{trust.where}: a change cannot vouch for its own signer'
            )
    return [f'{hint}; get the key added in a separate, reviewed change first']


def fix_note(
    failing: Sequence[str],
    infos: Mapping[str, CommitInfo],
    to_sha: str,
    need_sig: bool,
    need_signoff: bool,
) -> str:
    flags = ' '.join(f for f, on in (('-S', need_sig), ('-s', need_signoff)) if on)
    if len(failing) == 1 and failing[0] == to_sha:
        return f'fix: `git commit --amend --no-edit {flags}`, then push again'
    info = infos[failing[0]]
    base = '--root' if not info.parents else short(info.parents[0])
    merges = any(i.is_merge for i in infos.values())
    rebase_merges = ' --rebase-merges' if merges else ''
    return (
        f"fix: `git rebase{rebase_merges} --exec 'git commit --amend --no-edit {flags}' "
        f'{base}`, then push again'
    )
