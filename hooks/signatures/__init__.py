"""check-signatures: block commits that are not signed by an allowed signer.

Three stages, one policy (`signatures:` in .commit-warden.yaml):

- pre-commit: the commit object does not exist yet, so check what git will sign
  it with (commit.gpgsign, gpg.format, the key git finds in every way it looks for
  one) and whether the policy trusts that key for the committer's email; every
  missing step in one message;
- commit-msg: the DCO `Signed-off-by:` trailer, when the policy requires it;
- range mode (pre-push, CI, --from/--to): every commit gets one verdict, judged on
  the objects as they will be pushed (no `refs/replace/*`, no grafts).

Trust comes only from the policy (read at --policy-ref when given), and ssh-keygen
and gpg decide it: ssh-keygen with temporary allowed-signers and revocation files,
gpg with a temporary GNUPGHOME holding only the trusted keys; never the user's
keyring or git config. What they would not accept is not accepted here; this hook
is stricter in one way only: the signer must be the committer.

The package: `trust` (the policy's trust files and their hash), `trustscan`
(problems in them, once per hash), `ssh` (ssh-keygen's verdicts), `sshkeys` (keys
and lines read only to word them), `openpgp` (gpg and its key listings), `verify`
(git's OpenPGP verification in a sealed keyring), `objects` (commits as stored),
`verdicts`, `messages` (a failing commit's finding), `cache`, `merges` (unsigned
merges), `range` (range mode), `setup_check` and `signingkey` (pre-commit),
`commands` (`commit-warden signing`), `signoff` (commit-msg).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hooks.findings import Rule
from hooks.hook import Command
from hooks.hook import Context
from hooks.hook import Hook
from hooks.hook import Option
from hooks.hook import Outcome

if TYPE_CHECKING:
    from hooks.config import Config
    from hooks.errors import Problem
    from hooks.git import Repo

ID = 'check-signatures'
_SIGN_FIX = (
    'sign it: `git commit --amend --no-edit -S` (the last commit), or for older '
    "commits `git rebase --exec 'git commit --amend --no-edit -S' <base>`"
)


def _rule(rid: str, name: str, description: str, help: str, severity: str = 'high') -> Rule:
    return Rule(rid, ID, name, description, help, severity)


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        _rule(
            'unsigned',
            'Unsigned commit',
            'The commit carries no signature, so nothing ties it to an allowed signer.',
            _SIGN_FIX,
        ),
        _rule(
            'bad-signature',
            'Bad signature',
            'The signature does not verify: the commit or its signature was altered, or '
            'it could not be checked at all.',
            _SIGN_FIX,
        ),
        _rule(
            'unknown-key',
            'Signed by a key the policy does not trust',
            'The signing key is not in the allowed signers (SSH) or the trusted OpenPGP '
            'keys of the policy; a change cannot add its own key, trust is read at the '
            'policy ref.',
            'Sign with a key the policy lists, or get your key added to the policy in a '
            'separate, reviewed change.',
        ),
        _rule(
            'signer-mismatch',
            'Signer is not the committer',
            'The signature is valid, but the key belongs to someone other than the '
            'committer: a valid signature alone does not say who committed.',
            'Commit with the identity the key is allowed for (`git config user.email`), '
            'then `git commit --amend --no-edit -S`.',
        ),
        _rule(
            'expired',
            "Signed outside the key's validity",
            'The key was not valid at the commit time (SSH valid-after/valid-before) or '
            'has expired (OpenPGP).',
            'Re-sign with a current key: `git commit --amend --no-edit -S`.',
        ),
        _rule(
            'revoked',
            'Signed with a revoked key',
            'The signing key has been revoked by the policy.',
            'Re-sign with a new key the policy lists.',
        ),
        _rule(
            'missing-signoff',
            'Missing Signed-off-by',
            'The policy requires a DCO `Signed-off-by:` trailer matching the author.',
            'Sign off: `git commit --amend --no-edit -s` (or `git commit -s`).',
        ),
        _rule(
            'unsupported-signature',
            'Unsupported signature format',
            'X.509 signatures (gpgsm, gitsign, gpg.format=x509) are not supported by this '
            'policy; only SSH and OpenPGP signatures are checked.',
            'Sign with SSH (`git config gpg.format ssh`) or OpenPGP.',
        ),
        _rule(
            'signing-disabled',
            'Commits will not be signed',
            'commit.gpgsign is not true, so the commit being made will be unsigned and '
            'blocked at push.',
            '`git config commit.gpgsign true`',
        ),
        _rule(
            'signing-key',
            'Signing key is missing or not allowed',
            'user.signingkey is unset, unreadable, or not trusted by the policy for the '
            "committer's email.",
            'Follow the commands in the message.',
        ),
        _rule(
            'exempt',
            'Commit not judged (exempt author)',
            'The policy exempts this author from signing; the reason is kept in the audit log.',
            'Nothing to do.',
            severity='low',
        ),
    )
}


# Each check loads what its stage needs on first use: a commit-msg run never
# imports the verifier, and importing this package costs nothing.


def check_staged(ctx: Context) -> Outcome:
    """pre-commit: will the commit being made be signed by a key the policy trusts?"""
    from hooks.signatures.setup_check import check_setup
    from hooks.signatures.trust import load_trust
    from hooks.signatures.trust import no_trust

    policy = ctx.config.signatures
    trust = (
        load_trust(ctx.repo, policy, ctx.policy_ref)
        if policy.require != 'signoff'
        else no_trust(policy)
    )
    return Outcome(check_setup(ctx.repo, policy=policy, trust=trust), notes=trust.problems)


def check_message(ctx: Context) -> Outcome:
    """commit-msg: the author's Signed-off-by, when the policy requires it."""
    from hooks.signatures.signoff import check_message as check

    assert ctx.message_file is not None
    return Outcome(check(ctx.repo, policy=ctx.config.signatures, path=ctx.message_file))


def check_range(ctx: Context) -> Outcome:
    """pre-push, CI: one verdict per commit, trust read at the policy ref."""
    from hooks.signatures.range import check_range as check
    from hooks.signatures.trust import load_trust

    assert ctx.range is not None
    policy = ctx.config.signatures
    trust = load_trust(ctx.repo, policy, ctx.policy_ref)
    result = check(
        ctx.repo,
        policy=policy,
        trust=trust,
        from_ref=ctx.range.from_ref,
        to_ref=ctx.range.to_ref,
        use_cache=ctx.use_cache,
        exclude=ctx.range.exclude,
    )
    return Outcome(result.findings, notes=result.notes)


def check_policy(repo: Repo, config: Config, policy_ref: str | None) -> list[Problem]:
    """The trust files as ssh-keygen and gpg read them: files they cannot use, and
    lines ssh-keygen rejects (`commit-warden config`, check-warden-config)."""
    from hooks.errors import ConfigError
    from hooks.signatures.trust import load_trust

    try:
        return list(load_trust(repo, config.signatures, policy_ref).policy_problems)
    except ConfigError as e:
        return list(e.problems)


HOOK = Hook(
    id=ID,
    description=__doc__.split('\n')[0],
    rules=RULES,
    check_staged=check_staged,
    check_message=check_message,
    check_range=check_range,
    options=(Option('--no-cache', 'verify every commit again, ignoring cached verdicts'),),
    commands=(
        Command(
            'signing',
            'sign commits: `signing setup` (onboarding in one '
            'command), `signing status` (will the next commit pass?)',
            'hooks.signatures.commands:signing_main',
        ),
    ),
    check_policy=check_policy,
)


def main(argv: Sequence[str] | None = None) -> int:
    from hooks.runner import main as run

    return run(HOOK, argv)
