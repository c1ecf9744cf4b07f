"""What to do about a credential, said for where it was found.

A fix must be true where the user reads it: a message that was never committed has
nothing to amend; a secret that a later commit deleted is still in the commit that
added it; the baseline records files as they are in the index, so it cannot accept a
commit message or a secret the head no longer holds; a key file has no comment
syntax for a pragma; and `netrc` is a file, not a place to rotate anything.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from hooks.credentials.engine import MESSAGE_PATH
from hooks.credentials.engine import Hit

# Where a hit was found, as the fix needs to know it:
#   staged     a change staged for the commit being made (not committed yet)
#   committed  a file the commit does not touch, read whole (`--all-files`): committed
#   message    the commit message being written (the commit does not exist yet)
#   range      a commit of a range (pre-push, CI, --from/--to)
#   history    a commit anywhere in the history (`commit-warden scan --history`)
#   tree       a file of the current tree (`commit-warden scan --tree`)
KINDS = ('staged', 'committed', 'message', 'range', 'history', 'tree')


class Place(NamedTuple):
    kind: str
    stage: str = 'manual'  # the hook's stage: pre-push, ci, ... (range kinds)
    baseline: str = '.secrets.baseline'
    tip: str | None = None  # range: its last commit (`git commit --amend` reaches it)
    gone: bool = False  # range, history: the tip or head no longer holds it


# Providers that name a kind of secret or a file, not a service that rotates it:
# where to go instead.
_ROTATE = {
    'Generic': 'replace it wherever it is used',
    'Custom': 'replace it wherever it is used',
    'Private key': 'replace the key pair, and remove the old public key wherever it is trusted',
    'JWT': "revoke it at the service that issued it (or rotate that service's signing key)",
    'netrc': 'change the password at the host its `machine` line names',
    'Git': 'revoke the token at the git host its URL names',
    'Docker': 'change the password or token at the registry it logs in to',
    'Kubernetes': 'rotate the credential in the cluster it belongs to',
}

# File kinds with no comment syntax, where `# pragma: allowlist secret` cannot go.
_NO_COMMENTS = frozenset(('json', 'docker-config', 'git-credentials', 'netrc', 'binary', 'lock'))
_KEY_FILE_EXTENSIONS = frozenset(
    ('.pem', '.key', '.p8', '.der', '.ppk', '.jwk', '.asc', '.gpg', '.crt', '.cer', '.pub')
)
_KEY_FILE_NAMES = frozenset(
    ('id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'id_ecdsa_sk', 'id_ed25519_sk')
)


def rotate(provider: str, where: str = '') -> str:
    """Where to rotate a secret of this provider, as an imperative; `where` is the
    place the provider's catalogue entry names (a URL or a console path)."""
    if provider in _ROTATE:
        return _ROTATE[provider]
    if provider[:1].islower():  # a file format (npmrc-like), not a service name
        return 'change it at the service it belongs to'
    return f'rotate it at {provider}: {where}' if where else f'rotate it at {provider}'


def has_comments(path: str) -> bool:
    """Whether a line of this file can carry `# pragma: allowlist secret`."""
    from hooks.detectors.filekinds import file_kind

    base = os.path.basename(path.replace('\\', '/')).lower()
    _, ext = os.path.splitext(base)
    if base in _KEY_FILE_NAMES or ext in _KEY_FILE_EXTENSIONS:
        return False
    return file_kind(path) not in _NO_COMMENTS


def fix_text(h: Hit, place: Place) -> str:
    """The lines after a finding's first one: what to do, and what to do if it is not
    a secret."""
    what = _what_to_do(h, place)
    return f'fix: {what}\nnot a secret? {_not_a_secret(h, place)}'


def _what_to_do(h: Hit, place: Place) -> str:
    path = _quoted(h.path)
    rot = rotate(h.provider, h.rotate)
    message = h.path == MESSAGE_PATH
    if place.kind == 'message':
        return (
            'the commit was not made: run `git commit` again and leave it out of the '
            'message (git kept the rejected message in .git/COMMIT_EDITMSG); if the value '
            f'is real and was ever shared, {rot}'
        )
    if place.kind == 'staged':
        return (
            f'take it out of {path} (read it from the environment or a secret store), '
            f'then `git add -- {path}`; it is not committed yet, so no history needs '
            f'rewriting. If it was ever shared or pushed elsewhere, {rot}'
        )
    if place.kind in ('committed', 'tree'):
        return (
            f'it is already committed: treat it as leaked: {rot}; then take it out of '
            f'{path}, and out of the history with git-filter-repo if the repository is '
            'shared'
        )
    if place.kind == 'history':
        short = (h.commit or '')[:12]
        where = (
            f'in the message of commit {short}, which every clone holds'
            if message
            else f'deleted at the head, but commit {short} and every clone still hold it'
            if place.gone
            else f'still in {path} at the head'
        )
        return (
            f'{where}: treat it as leaked: {rot}. Rewriting history (`git filter-repo '
            '--replace-text`) removes it from new clones only; rotating it is what '
            'makes it harmless'
        )
    # A commit of a range.
    short = (h.commit or '')[:12]
    last = h.commit is not None and h.commit == place.tip
    if message:
        rewrite = (
            '`git commit --amend` and leave it out of the message'
            if last
            else f'`git rebase -i {short}^`, mark commit {short} `reword` and leave it out '
            'of the message'
        )
    elif last and not place.gone:
        rewrite = f'take it out of {path}, `git add -- {path}` and `git commit --amend --no-edit`'
    else:
        rewrite = (
            f'`git rebase -i {short}^`, mark commit {short} `edit`, take it out of '
            f'{path}, `git commit --amend --no-edit` and `git rebase --continue`'
        )
    gone = (
        f'a later commit deletes it, but commit {short} still holds it, so deleting it '
        'again is not enough: '
        if place.gone
        else ''
    )
    if place.stage == 'ci':
        return (
            f'it is pushed: treat it as leaked: {rot}; then {gone}rewrite the branch: '
            f'{rewrite}, and force-push'
        )
    if place.stage == 'pre-push':
        return (
            f'it is not pushed yet: {gone}rewrite the commit before pushing: {rewrite}. '
            f'If it was ever shared elsewhere, {rot}'
        )
    return f'{gone}rewrite the commit: {rewrite}. If it was ever pushed or shared, {rot}'


def _not_a_secret(h: Hit, place: Place) -> str:
    patterns = 'add a pattern that matches it to `credentials.allowed_patterns`'
    if h.path == MESSAGE_PATH:
        if place.kind == 'message':
            return (
                'add `pragma: allowlist secret` at the end of that line of the message '
                '(the baseline does not cover commit messages)'
            )
        if place.kind == 'history':
            return (
                '`commit-warden scan --history --baseline` records what the history already holds'
            )
        return f'{patterns} (the baseline does not cover commit messages)' + _on_target(place)
    if place.kind == 'history':
        return (
            '`commit-warden scan --history --baseline` records what the history already '
            f'holds in the baseline ({place.baseline})'
        )
    if has_comments(h.path):
        inline = '`# pragma: allowlist secret` on the line (any comment style)'
        if place.kind == 'range':
            inline += ', in the commit that adds it'
    else:
        inline = (
            f'exclude the file with `credentials.exclude` ({_quoted(h.path)} has no '
            'comment syntax for a pragma)'
        )
    if place.gone:
        # `commit-warden baseline` records the files as the index holds them.
        return (
            f'{inline}, or {patterns}; the baseline cannot accept it, since the head no '
            'longer holds it' + _on_target(place)
        )
    return f'{inline}, or record it with `commit-warden baseline` ({place.baseline})' + _on_target(
        place
    )


def _on_target(place: Place) -> str:
    if place.stage != 'ci':
        return ''
    # ci reads the policy and the baseline at the merge base.
    return (
        '; a policy or baseline change counts once it is on the target branch (a pull '
        'request cannot change what judges it)'
    )


def _quoted(path: str) -> str:
    from hooks.report import display_path

    return display_path(path)
