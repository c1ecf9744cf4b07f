"""check-credentials' judgement at each stage: the staged change, the commit
message, every commit of a range; hits the baseline accepts dropped, the rest
turned into findings that say how to fix them."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence

from hooks import config as cfg
from hooks.credentials import RULES as RULES_STATIC
from hooks.credentials.cache import RangeCache
from hooks.credentials.engine import ID
from hooks.credentials.engine import MESSAGE_PATH
from hooks.credentials.engine import Hit
from hooks.credentials.engine import Salt
from hooks.credentials.engine import Work
from hooks.credentials.engine import scan_options
from hooks.credentials.engine import scan_work
from hooks.credentials.fixes import Place
from hooks.credentials.fixes import fix_text
from hooks.credentials.fixes import rotate
from hooks.credentials.known import GITHUB_TYPE
from hooks.credentials.known import github_prefix_hashes
from hooks.credentials.known import load_baseline
from hooks.credentials.known import read_baseline
from hooks.credentials.plan import STREAM_BYTES
from hooks.credentials.plan import plan_commits
from hooks.credentials.plan import plan_staged
from hooks.credentials.plan import work_of
from hooks.findings import Finding
from hooks.findings import Rule
from hooks.findings import fingerprint
from hooks.findings import redact_output
from hooks.git import Repo
from hooks.hook import Context
from hooks.hook import Outcome
from hooks.hook import Range
from hooks.message import comment_setting
from hooks.message import message_lines
from hooks.message import read_message_file
from hooks.message import scanned_lines
from hooks.scan import Line


def _lines(numbered: list[tuple[int, str]]) -> tuple[Line, ...]:
    return tuple(Line(n, t, True) for n, t in numbered)


def scan_range(
    repo: Repo,
    rng: Range,
    config: cfg.Config,
    salt: Salt,
    public: list[str] | None = None,
) -> tuple[list[Hit], list[Finding], int]:
    """(hits, skipped, number of commits) for every commit of the range; values that
    passed as public are described in `public` (commits scanned afresh only)."""
    creds = config.credentials
    commits = repo.commits_in_range(rng.from_ref, rng.to_ref, rng.exclude)
    cache = RangeCache(repo, config.digest)
    cached = {c: cache.get(c) for c in commits}  # each entry read and checked once
    todo = [c for c in commits if cached[c] is None]
    hits: list[Hit] = []
    skipped: list[Finding] = []
    if todo:
        options = scan_options(creds)
        changes = repo.commit_changes(todo, big_file_bytes=STREAM_BYTES)
        plan = plan_commits(repo, [(cc.commit, cc.files) for cc in changes], creds)
        work: list[Work] = list(plan.work)
        skipped = plan.skipped  # fills in further as the plan's streams are scanned
        if creds.scan_messages:
            for info in repo.commit_infos(todo):
                # A committed message has no comments left: every line is judged.
                lines = _lines(message_lines(info.message, ''))
                work.append(Work(MESSAGE_PATH, lines, info.commit))
        fresh = scan_work(options, work, salt, public)
        by_commit: dict[str, list[Hit]] = {c: [] for c in todo}
        for h in fresh:
            by_commit.setdefault(h.commit or '', []).append(h)
        skipped_commits = {f.commit for f in skipped}
        for c in todo:
            # Skipped files are checked again next time; a hit in a file whose very
            # name is a credential is not cached, as the cache would have to keep it.
            if c not in skipped_commits and all(
                redact_output(h.path) == h.path for h in by_commit[c]
            ):
                cache.put(c, by_commit[c])
        cache.save()
        hits.extend(fresh)
    for c in commits:
        hits.extend(cached[c] or [])
    return hits, skipped, len(commits)


def to_finding(h: Hit, place: Place) -> Finding:
    what = (
        h.kind[0].upper() + h.kind[1:] if h.provider in _NO_SERVICE else (f'{h.provider} {h.kind}')
    )
    return Finding(
        hook=ID,
        rule=h.rule,
        severity='critical' if h.provider != 'Generic' else 'high',
        path=h.path,
        line=h.line,
        commit=h.commit,
        message=f'{what} ({h.preview})\n{fix_text(h, place)}',
        fingerprint=h.fingerprint,
    )


# Providers that name a kind of secret rather than a service ('Private key' reads
# as the finding's subject on its own).
_NO_SERVICE = frozenset(('Generic', 'Private key', 'Custom'))


def rules_for(hits: Iterable[Hit]) -> dict[str, Rule]:
    rules = dict(RULES_STATIC)
    for h in hits:
        rules.setdefault(
            h.rule,
            Rule(
                h.rule,
                ID,
                f'{h.provider} {h.kind}',
                f'A {h.provider} {h.kind} was added to the repository or a commit message; '
                'anyone who can read the history can use it.',
                f'Treat it as leaked: {rotate(h.provider, h.rotate)}, then remove it from the '
                'change and from history. Each finding says how, for where it was found.',
                'critical' if h.provider != 'Generic' else 'high',
            ),
        )
    return rules


def salted(known: set[tuple[str, str, str]], salt: Salt) -> set[tuple[str, str, str]]:
    """The baseline's (path, hashed secret, type) entries keyed as hits are
    (`Hit.baseline_key`): compared salted, since a hit read back from the cache keeps
    no unsalted hash."""
    value = str(salt) if known else ''
    return {(path, fingerprint(hashed, value), kind) for path, hashed, kind in known}


def held_at(
    repo: Repo,
    ref: str,
    hits: Sequence[Hit],
    config: cfg.CredentialsConfig,
    salt: Salt | None = None,
) -> set[tuple[str, str]]:
    """(path, salted baseline key) of the hits that the files at `ref` still hold:
    the files with hits, read whole at `ref` and scanned again."""
    paths = sorted({h.path for h in hits if h.path != MESSAGE_PATH})
    if not paths:
        return set()
    entries = repo.ls_tree(ref, paths)
    work = [work_of(p, data) for p, data in _blobs(repo, entries)]
    found = scan_work(scan_options(config), work, salt or Salt(repo))
    return {(h.path, h.baseline_key) for h in found}


def _blobs(repo: Repo, entries: dict[str, tuple[str, str]]) -> list[tuple[str, bytes]]:
    wanted = {p: oid for p, (mode, oid) in entries.items() if mode not in ('160000', '120000')}
    blobs = dict(repo.read_blobs(dict.fromkeys(wanted.values())))
    return [(p, blobs[oid]) for p, oid in wanted.items() if oid in blobs]


def _prefix_note(f: Finding, h: Hit, known: set[tuple[str, str, str]]) -> Finding:
    """Why a detect-secrets entry for a GitHub token in the same file does not cover
    this one: detect-secrets hashes only the token's prefix, so its entry accepts
    every token of that kind in the file, and commit-warden will not."""
    if h.secret_type != GITHUB_TYPE or not any(
        (h.path, p, GITHUB_TYPE) in known for p in github_prefix_hashes()
    ):
        return f
    return f._replace(
        message=(
            f"{f.message}\nthe baseline's detect-secrets entry for a GitHub token in this file "
            'does not cover it: detect-secrets hashes only the prefix (`ghp`), so its entry '
            'cannot say which token was accepted; if this one is known, record it with '
            '`commit-warden baseline`'
        )
    )


def _outcome(
    ctx: Context,
    hits: list[Hit],
    skipped: Sequence[Finding],
    place: Callable[[Hit], Place],
    public: Sequence[str] = (),
    salt: Salt | None = None,
) -> Outcome:
    creds = ctx.config.credentials
    known = load_baseline(read_baseline(ctx.repo, ctx.config, ctx.policy_ref), creds.baseline)
    if hits and known:
        keys = salted(known, salt or Salt(ctx.repo))
        hits = [h for h in hits if (h.path, h.baseline_key, h.secret_type) not in keys]
    hits.sort(key=lambda h: (h.commit or '', h.path, h.line))
    findings = [_prefix_note(to_finding(h, place(h)), h, known) for h in hits]
    findings += skipped
    return Outcome(findings, notes=list(public), rules=rules_for(hits))


def check_staged(ctx: Context) -> Outcome:
    """What the index adds to each file pre-commit passes (untouched files: whole)."""
    creds = ctx.config.credentials
    plan = plan_staged(ctx.repo, ctx.filenames, creds)
    staged = Place('staged', ctx.stage, creds.baseline)
    committed = Place('committed', ctx.stage, creds.baseline)
    public: list[str] = []
    salt = Salt(ctx.repo)  # one per run: its root-commit walk is paid once
    hits = scan_work(scan_options(creds), plan.work, salt, public)
    outcome = _outcome(
        ctx,
        hits,
        plan.skipped,
        lambda h: committed if h.path in plan.whole else staged,
        public,
        salt,
    )
    return outcome._replace(notes=[*plan.notes, *outcome.notes])


def check_message(ctx: Context) -> Outcome:
    """The commit message being written, and .git/MERGE_MSG during a merge."""
    creds = ctx.config.credentials
    place = Place('message', ctx.stage, creds.baseline)
    if not creds.scan_messages or ctx.message_file is None:
        return _outcome(ctx, [], [], lambda h: place)
    setting = comment_setting(ctx.repo)
    # Comment lines too: a line git may keep is never skipped (see scanned_lines).
    texts = [read_message_file(ctx.message_file)]
    merge_msg = ctx.repo.git_dir / 'MERGE_MSG'
    if merge_msg.is_file():
        texts.append(merge_msg.read_text(encoding='utf-8', errors='replace'))
    work = [Work(MESSAGE_PATH, _lines(scanned_lines(text, setting))) for text in texts]
    public: list[str] = []
    salt = Salt(ctx.repo)
    hits = scan_work(scan_options(creds), work, salt, public)
    return _outcome(
        ctx,
        list({(h.line, h.fingerprint): h for h in hits}.values()),
        [],
        lambda h: place,
        list(dict.fromkeys(public)),
        salt,
    )


def check_range(ctx: Context) -> Outcome:
    """Every commit of the range: its added lines and its message."""
    assert ctx.range is not None
    public: list[str] = []
    salt = Salt(ctx.repo)
    hits, skipped, _ = scan_range(ctx.repo, ctx.range, ctx.config, salt, public)
    creds = ctx.config.credentials
    tip = ctx.repo.resolve(ctx.range.to_ref) if hits else None
    held = held_at(ctx.repo, tip, hits, creds, salt) if tip else set()

    def place(h: Hit) -> Place:
        gone = h.path != MESSAGE_PATH and (h.path, h.baseline_key) not in held
        return Place('range', ctx.stage, creds.baseline, tip, gone)

    return _outcome(ctx, hits, skipped, place, public, salt)


def rule_ids(config: cfg.Config) -> set[str]:
    """Every rule id the policy may name: one per detector, and each extra pattern."""
    from hooks.detectors import plugin_classes

    ids = {rule.id for plugin in plugin_classes() for rule in plugin.rules}
    return ids | set(RULES_STATIC) | {f'extra:{n}' for n, _ in config.credentials.extra_patterns}
