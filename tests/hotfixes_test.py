"""check-hotfixes at commit-msg, over a range and as the backport guard.

The quick loop (`-m 'not slow'`) keeps the block and pass path of each stage and of
the backport guard; the other history shapes are marked slow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hooks.hotfixes import main
from hooks.hotfixes.commands import hotfix_main
from hooks.hotfixes.records import parse_record
from hooks.message import clean_message
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import slow_after
from tests.conftest import write

FIELDS = {
    'incident': 'INC-7',
    'summary': 'raise the db pool to 50',
    'root_cause': 'traffic spike exhausted the pool',
    'rollback': 'git revert the commit; pool back to 5',
    'approved_by': 'Bob (on-call lead)',
    'backport': 'pending',
}


def record(drop: tuple[str, ...] = (), **fields: str) -> str:
    values = {**FIELDS, **fields}
    body = ''.join(f'{k}: {v}\n' for k, v in values.items() if k not in drop)
    return f'---\n{body}---\n\n# INC-7\n\nDetails.\n'


def msg_file(repo: Path, text: str) -> str:
    path = repo / '.git' / 'COMMIT_EDITMSG'
    path.write_text(text)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, (out.out + out.err).splitlines()


def hotfix(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = hotfix_main(list(argv))
    out = capsys.readouterr()
    return code, (out.out + out.err).splitlines()


@pytest.fixture
def prod(repo: Path) -> Path:
    """main with one commit, `production` cut from it, then main moves on."""
    write(repo / 'app.cfg', 'pool=5\n')
    git('add', '-A', cwd=repo)
    git_commit(repo, 'base')
    git('branch', 'production', cwd=repo)
    write(repo / 'feature.txt', 'new feature\n')
    git('add', '-A', cwd=repo)
    git_commit(repo, 'feature')
    return repo


def on_hotfix_branch(repo: Path, name: str = 'hotfix/db-pool') -> None:
    git('switch', '-q', '-c', name, 'production', cwd=repo)
    write(repo / 'app.cfg', 'pool=50\n')
    git('add', 'app.cfg', cwd=repo)


def documented_hotfix(repo: Path, msg: str = 'hotfix: INC-7 raise the db pool') -> str:
    """A documented hotfix merged into production (a merge commit); its sha."""
    on_hotfix_branch(repo)
    write(repo / 'docs/hotfixes/INC-7.md', record())
    git('add', '-A', cwd=repo)
    sha = git_commit(repo, msg)
    git('switch', '-q', 'production', cwd=repo)
    git('merge', '-q', '--no-ff', '--no-edit', 'hotfix/db-pool', cwd=repo)
    return sha


# --- commit-msg: what is a hotfix ------------------------------------------------


def test_undocumented_hotfix_on_hotfix_branch_is_blocked(prod, capsys):
    on_hotfix_branch(prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert lines == [
        'docs/hotfixes/INC-7.md: hotfix INC-7 has no hotfix record (on hotfix branch '
        "hotfix/db-pool; message starts with 'hotfix:'): this commit adds or updates "
        'nothing under docs/hotfixes/ [missing-record]',
        '    create it: `commit-warden hotfix new INC-7`, fill it in, then '
        '`git add docs/hotfixes/INC-7.md`',
    ]


def test_missing_ticket(prod, capsys):
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-7.md', record())
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'raise the db pool\n# INC-7 in a comment\n'))
    assert code == 1
    assert lines[0] == (
        '.git/COMMIT_EDITMSG: hotfix message references no ticket or incident '
        '(on hotfix branch hotfix/db-pool) [missing-ticket]'
    )
    assert lines[1] == (
        '    reference it in the message, e.g. `hotfix: INC-123 raise the db '
        'pool`; what counts: hotfixes.ticket_patterns'
    )


def test_documented_hotfix_passes(prod, capsys):
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-7.md', record())
    git('add', '-A', cwd=prod)
    assert run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n')) == (0, [])


def test_feature_commit_is_not_a_hotfix(prod, capsys):
    git('switch', '-q', '-c', 'feature/x', cwd=prod)
    write(prod / 'app.cfg', 'pool=6\n')
    git('add', '-A', cwd=prod)
    assert run(capsys, msg_file(prod, 'tune the pool\n')) == (0, [])


@pytest.mark.parametrize(
    ('branch', 'message', 'config'),
    slow_after(
        1,
        [
            ('production', 'tune the pool\n', ''),  # committing on production
            ('release/x', 'tune the pool\n', 'production_branches: [release/*]\n'),
            ('main', '[HOTFIX] tune the pool\n', ''),  # marker, any case
            ('main', 'tune the pool\n', 'production_paths: ["*.cfg"]\n'),  # production path
        ],
        several=True,
    ),
)
def test_what_counts_as_a_hotfix(prod, capsys, branch, message, config):
    if config:
        write(prod / '.commit-warden.yaml', f'version: 1\nhotfixes:\n  {config}')
    git('switch', '-q', '-C', branch, cwd=prod)
    write(prod / 'app.cfg', 'pool=6\n')
    git('add', 'app.cfg', cwd=prod)
    code, lines = run(capsys, msg_file(prod, message))
    assert code == 1
    assert any('[missing-ticket]' in line for line in lines)


@pytest.mark.slow
def test_detached_head_is_judged_by_marker_and_says_so(prod, capsys):
    git('switch', '-q', '--detach', 'production', cwd=prod)
    note = (
        'note: HEAD is detached: no branch to judge by, so this commit counts as a '
        'hotfix only by its message marker or hotfixes.production_paths'
    )
    assert run(capsys, msg_file(prod, 'tune the pool\n')) == (0, [note])
    code, lines = run(capsys, msg_file(prod, 'hotfix: tune the pool\n'))
    assert code == 1
    assert lines[-1] == note
    assert '[missing-ticket]' in lines[0]


def test_merge_at_commit_time_is_not_judged(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    (prod / '.git' / 'MERGE_HEAD').write_text(git('rev-parse', 'main', cwd=prod).stdout)
    code, lines = run(capsys, msg_file(prod, "Merge branch 'main'\n"))
    assert code == 0
    assert lines[0].startswith('note: a merge: the commits it joins are judged one by one')


# --- commit-msg: the record --------------------------------------------------------


def test_record_missing_rollback_names_it(prod, capsys):
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-7.md', record(drop=('rollback',)))
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert lines == [
        'docs/hotfixes/INC-7.md:1: hotfix record is missing the required field `rollback` '
        '[incomplete-record]',
        '    add `rollback: ...` to its front matter: how to undo this hotfix (the exact '
        'command or steps)',
    ]


@pytest.mark.parametrize('value', slow_after(1, ["''", 'TODO', '<who approved>', '[]']))
def test_empty_field_is_named_with_its_line(prod, capsys, value):
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-7.md', record(approved_by=value))
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert lines[0] == (
        'docs/hotfixes/INC-7.md:6: hotfix record field `approved_by` is empty [incomplete-record]'
    )


@pytest.mark.slow
def test_record_for_another_incident(prod, capsys):
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-9.md', record(incident='INC-9'))
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert lines[0] == (
        'docs/hotfixes/INC-9.md:2: no hotfix record changed by this commit is '
        'for INC-7: docs/hotfixes/INC-9.md (incident: INC-9) [record-mismatch]'
    )


@pytest.mark.slow
def test_record_without_front_matter(prod, capsys):
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-7.md', '# INC-7\nincident: INC-7\n')
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert lines[0] == (
        'docs/hotfixes/INC-7.md:1: not a valid hotfix record: no YAML front '
        'matter: the file must start with a `---` line, the fields, and '
        'another `---` line [invalid-record]'
    )
    # Not also "adds or updates nothing": it does, only not readably.
    assert not any('[missing-record]' in line for line in lines)


@pytest.mark.slow
def test_plain_yaml_record_and_custom_fields(prod, capsys):
    write(
        prod / '.commit-warden.yaml',
        'version: 1\nhotfixes:\n  record_dir: ops/incidents\n'
        '  record_fields: [incident, summary, customer_impact]\n',
    )
    on_hotfix_branch(prod)
    write(prod / 'ops/incidents/INC-7.yaml', 'incident: INC-7\nsummary: pool\n')
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert lines[0].startswith(
        'ops/incidents/INC-7.yaml:1: hotfix record is missing the required field `customer_impact`'
    )
    write(
        prod / 'ops/incidents/INC-7.yaml', 'incident: INC-7\nsummary: pool\ncustomer_impact: none\n'
    )
    git('add', '-A', cwd=prod)
    assert run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n')) == (0, [])


def test_requirements_can_be_switched_off(prod, capsys):
    write(
        prod / '.commit-warden.yaml',
        'version: 1\nhotfixes:\n  require_ticket: false\n  require_record: false\n',
    )
    on_hotfix_branch(prod)
    assert run(capsys, msg_file(prod, 'raise the pool\n')) == (0, [])


@pytest.mark.slow
def test_record_from_an_unpushed_commit_counts_but_a_pushed_one_does_not(prod, remote, capsys):
    git('push', '-q', 'origin', 'main', 'production', cwd=prod)
    on_hotfix_branch(prod)
    write(prod / 'docs/hotfixes/INC-7.md', record())
    git('add', '-A', cwd=prod)
    git_commit(prod, 'hotfix: INC-7 raise the db pool')
    write(prod / 'app.cfg', 'pool=40\n')
    git('add', '-A', cwd=prod)
    # A follow-up (or an amend) before pushing: the push will carry the record.
    assert run(capsys, msg_file(prod, 'hotfix: INC-7 pool 40 is enough\n')) == (0, [])
    git('push', '-q', 'origin', 'hotfix/db-pool', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 pool 40 is enough\n'))
    assert code == 1
    assert lines[0].endswith('this commit does not update it [missing-record]')
    assert lines[0].startswith('docs/hotfixes/INC-7.md: hotfix INC-7 has no hotfix record')


def test_clean_message_drops_comments_and_verbose_diff():
    text = (
        'hotfix: INC-1 x\n\n# Please enter\n'
        '# ------------------------ >8 ------------------------\n+ INC-2\n'
    )
    assert clean_message(text, '#') == 'hotfix: INC-1 x'


def test_parse_record_reports_yaml_errors_with_the_line():
    rec = parse_record('docs/hotfixes/a.md', b'---\nincident: INC-1\nsummary: [\n---\n')
    assert rec.data is None
    assert rec.error is not None and rec.error.startswith('not valid YAML')
    assert rec.error_line == 3  # the `summary: [` line


# --- range mode ----------------------------------------------------------------------


def test_range_rechecks_every_commit(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    write(prod / 'app.cfg', 'pool=50\n')
    git('add', '-A', cwd=prod)
    sha = git_commit(prod, 'raise pool')
    code, lines = run(capsys, '--from', base, '--to', 'HEAD', '--target-branch', 'production')
    assert code == 1
    assert lines[0] == (
        f'(commit {sha[:12]}) hotfix message references no ticket '
        'or incident (on production branch production; going to production '
        'branch production) [missing-ticket]'
    )
    assert lines[2] == f'    to reword this commit: `git rebase -i {sha[:12]}^` (mark it `reword`)'
    assert '[missing-record]' in lines[3]


def test_range_record_added_by_a_later_commit_passes(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    write(prod / 'app.cfg', 'pool=50\n')
    git('add', '-A', cwd=prod)
    git_commit(prod, 'INC-7 raise pool')
    write(prod / 'docs/hotfixes/INC-7.md', record())
    git('add', '-A', cwd=prod)
    git_commit(prod, 'INC-7 record')
    args = ('--from', base, '--to', 'HEAD', '--target-branch', 'refs/heads/production')
    assert run(capsys, *args) == (0, [])
    git('rm', '-q', 'docs/hotfixes/INC-7.md', cwd=prod)
    gone = git_commit(prod, 'INC-7 tidy up')
    code, lines = run(capsys, *args)
    assert code == 1
    assert lines[0].endswith(
        f'docs/hotfixes/INC-7.md was added but then deleted by commit '
        f'{gone[:12]}, so the range ends without it [missing-record]'
    )


@pytest.mark.slow
def test_range_source_branch_from_pre_push(prod, capsys, monkeypatch):
    on_hotfix_branch(prod, 'hotfix/INC-7/db')  # slashes in the branch name
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    sha = git_commit(prod, 'INC-7 raise pool')
    monkeypatch.setenv('PRE_COMMIT_FROM_REF', base)
    monkeypatch.setenv('PRE_COMMIT_TO_REF', sha)
    monkeypatch.setenv('PRE_COMMIT_LOCAL_BRANCH', 'refs/heads/hotfix/INC-7/db')
    monkeypatch.setenv('PRE_COMMIT_REMOTE_BRANCH', 'refs/heads/hotfix/INC-7/db')
    code, lines = run(capsys, 'README.md', 'app.cfg')  # file names are ignored
    assert code == 1
    assert 'on hotfix branch hotfix/INC-7/db; going to hotfix branch hotfix/INC-7/db' in lines[0]


@pytest.mark.slow
def test_release_of_mainline_commits_to_production_is_not_a_hotfix(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    git('merge', '-q', '--ff-only', 'main', cwd=prod)
    assert run(capsys, '--from', base, '--to', 'HEAD', '--target-branch', 'production') == (0, [])


def test_manual_stage_checks_what_the_next_push_would_carry(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    write(prod / 'app.cfg', 'pool=50\n')
    git('add', '-A', cwd=prod)
    sha = git_commit(prod, 'raise pool')
    code, lines = run(capsys)  # no remote: every commit is unpushed; main's are releases
    assert code == 1
    assert [line.split(' [')[-1] for line in lines if ' [' in line] == [
        'missing-ticket]',
        'missing-record]',
    ]
    assert f'(commit {sha[:12]})' in lines[0]


@pytest.mark.slow
def test_revert_of_a_documented_hotfix_needs_no_new_record(prod, capsys):
    documented_hotfix(prod)
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    # Skips commit-msg; reverting the commit that added the record deletes it too,
    # and the record as it was before the revert still documents the rollback.
    git('revert', '--no-edit', 'HEAD^2', cwd=prod)
    assert not (prod / 'docs/hotfixes/INC-7.md').exists()
    args = ('--from', base, '--to', 'HEAD', '--target-branch', 'production')
    assert run(capsys, *args) == (0, [])


@pytest.mark.slow
def test_revert_without_any_record_is_undocumented(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    write(prod / 'app.cfg', 'pool=50\n')
    git('add', '-A', cwd=prod)
    git_commit(prod, 'INC-7 raise pool')
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    git('revert', '--no-edit', 'HEAD', cwd=prod)
    code, lines = run(capsys, '--from', base, '--to', 'HEAD', '--target-branch', 'production')
    assert code == 1
    assert lines[0].startswith('docs/hotfixes/INC-7.md: (commit ')
    assert lines[0].endswith(
        'the range adds or updates nothing under docs/hotfixes/ [missing-record]'
    )


@pytest.mark.slow
def test_merge_commit_is_not_judged_but_its_commits_are(prod, capsys):
    git('switch', '-q', 'production', cwd=prod)
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    documented_hotfix(prod)  # the merge's message has no ticket: it only joins
    args = ('--from', base, '--to', 'HEAD', '--target-branch', 'production')
    assert run(capsys, *args) == (0, [])


@pytest.mark.slow
def test_squash_merge_is_a_hotfix_like_any_commit(prod, capsys):
    on_hotfix_branch(prod)
    git_commit(prod, 'INC-7 raise pool')
    git('switch', '-q', 'production', cwd=prod)
    base = git('rev-parse', 'HEAD', cwd=prod).stdout.strip()
    git('merge', '-q', '--squash', 'hotfix/db-pool', cwd=prod)
    git_commit(prod, 'INC-7 raise pool (squashed)')
    code, lines = run(capsys, '--from', base, '--to', 'HEAD', '--target-branch', 'production')
    assert code == 1
    assert '[missing-record]' in lines[0]


@pytest.mark.slow
def test_force_push_that_drops_a_hotfix_is_blocked(prod, capsys):
    sha = documented_hotfix(prod)
    old = git('rev-parse', 'production', cwd=prod).stdout.strip()
    new = git('rev-parse', 'main', cwd=prod).stdout.strip()
    code, lines = run(capsys, '--from', old, '--to', new, '--target-branch', 'production')
    assert code == 1
    assert lines[0] == (
        f'docs/hotfixes/INC-7.md: (commit {sha[:12]}) this push rewrites '
        f'production and drops hotfix {sha[:12]} (INC-7) "hotfix: INC-7 raise '
        'the db pool": the new tip does not contain it [unported-hotfix]'
    )


# --- the backport guard ----------------------------------------------------------------


def backport(capsys, production='production', mainline='main'):
    return run(capsys, '--backport', '--production', production, '--mainline', mainline)


def test_backport_guard_unported_then_cherry_picked_without_x(prod, capsys):
    sha = documented_hotfix(prod)
    git('switch', '-q', 'main', cwd=prod)
    code, lines = backport(capsys)
    assert code == 1
    assert lines == [
        f'docs/hotfixes/INC-7.md: (commit {sha[:12]}) hotfix {sha[:12]} (INC-7) "hotfix: INC-7 '
        'raise the db pool" is on production but not on main: the next release from main '
        'would revert it [unported-hotfix]',
        f'    port it: `git switch main && git cherry-pick -x {sha}`',
        f'    a port that had to change: add `Backport-of: {sha}` to its message, or name it '
        "in the record's `backport:`",
    ]
    git('cherry-pick', sha, cwd=prod)  # no -x: only the patch id links them
    assert backport(capsys) == (0, [])


@pytest.mark.slow
def test_backport_a_port_reverted_on_the_mainline_is_not_a_port(prod, capsys):
    sha = documented_hotfix(prod)
    git('switch', '-q', 'main', cwd=prod)
    git('cherry-pick', '-x', sha, cwd=prod)
    assert backport(capsys) == (0, [])
    git('revert', '--no-edit', 'HEAD', cwd=prod)
    code, lines = backport(capsys)
    assert code == 1
    assert '[unported-hotfix]' in lines[0]


@pytest.mark.slow
def test_backport_changed_port_passes_once_the_record_names_it(prod, capsys):
    sha = documented_hotfix(prod)
    git('switch', '-q', 'main', cwd=prod)
    git('cherry-pick', '-n', sha, cwd=prod)
    write(prod / 'app.cfg', 'pool=50\nmax_overflow=10\n')
    git('add', '-A', cwd=prod)
    port = git_commit(prod, 'raise the db pool (port, with overflow)')
    assert backport(capsys)[0] == 1
    write(prod / 'docs/hotfixes/INC-7.md', record(backport=port))
    git('add', '-A', cwd=prod)
    git_commit(prod, 'INC-7: record the port')
    assert backport(capsys) == (0, [])
    code, lines = hotfix(
        capsys, 'backport-status', '--production', 'production', '--mainline', 'main'
    )
    assert code == 0
    assert lines == [
        'hotfixes on production, against main:',
        'COMMIT        TICKET  STATUS                                                SUBJECT',
        f'{sha[:12]}  INC-7   ported (record docs/hotfixes/INC-7.md: {port[:12]})  '
        'hotfix: INC-7 raise the db pool',
        'all 1 hotfixes are on main',
    ]


@pytest.mark.slow
def test_record_naming_a_commit_not_on_mainline_is_no_evidence(prod, capsys):
    sha = documented_hotfix(prod)
    write(prod / 'docs/hotfixes/INC-7.md', record(backport=sha))  # names itself
    git('add', '-A', cwd=prod)
    git_commit(prod, 'INC-7: record')
    assert backport(capsys)[0] == 1


@pytest.mark.slow
def test_backport_trailer_and_reachability(prod, capsys):
    sha = documented_hotfix(prod)
    git('switch', '-q', 'main', cwd=prod)
    write(prod / 'app.cfg', 'pool=64\n')
    git('add', '-A', cwd=prod)
    git_commit(prod, f'raise the pool differently\n\nBackport-of: {sha[:10]}')
    code, lines = hotfix(
        capsys, 'backport-status', '--production', 'production', '--mainline', 'main'
    )
    assert code == 0
    assert 'ported (trailer: ' in lines[2]
    git('reset', '-q', '--hard', 'HEAD^', cwd=prod)
    git('merge', '-q', '--no-edit', '-X', 'theirs', 'production', cwd=prod)
    code, lines = hotfix(
        capsys, 'backport-status', '--production', 'production', '--mainline', 'main'
    )
    assert code == 0
    assert lines[2] == f'{sha[:12]}  INC-7   ported (reachability)  hotfix: INC-7 raise the db pool'


def test_backport_status_table_while_unported(prod, capsys):
    sha = documented_hotfix(prod)
    code, lines = hotfix(
        capsys, 'backport-status', '--production', 'production', '--mainline', 'main'
    )
    assert code == 1
    assert lines == [
        'hotfixes on production, against main:',
        'COMMIT        TICKET  STATUS      SUBJECT',
        f'{sha[:12]}  INC-7   NOT PORTED  hotfix: INC-7 raise the db pool',
        '1 of 1 hotfixes NOT PORTED; port each on main:',
        f'  git cherry-pick -x {sha}',
    ]
    code, lines = hotfix(capsys, 'backport-status', '--since', 'production')
    assert (code, lines) == (0, ['no hotfixes: every commit on production is on main'])


@pytest.mark.slow
def test_hotfix_reverted_on_production_needs_no_port(prod, capsys):
    documented_hotfix(prod)
    git('revert', '--no-edit', 'HEAD^2', cwd=prod)
    code, lines = hotfix(
        capsys, 'backport-status', '--production', 'production', '--mainline', 'main'
    )
    assert code == 0
    assert 'reverted on production' in lines[2]


@pytest.mark.slow
def test_backport_missing_branch_says_how_to_fetch(prod, remote, capsys):
    documented_hotfix(prod)
    git('push', '-q', 'origin', 'main', 'production', cwd=prod)
    git('switch', '-q', 'main', cwd=prod)
    git('branch', '-q', '-D', 'production', 'hotfix/db-pool', cwd=prod)
    # Only the remote-tracking branch (a CI clone): that is the one that counts.
    code, lines = backport(capsys)
    assert code == 1
    assert 'is on production but not on main' in lines[0]
    code, lines = backport(capsys, 'origin/production', 'origin/main')
    assert code == 1
    assert 'is on origin/production but not on origin/main' in lines[0]
    # Nowhere at all: say how to get it.
    git('update-ref', '-d', 'refs/remotes/origin/production', cwd=prod)
    code, lines = backport(capsys)
    assert code == 2
    assert lines == [
        "check-hotfixes: error: production branch 'production' does not exist in this "
        'repository; fetch it: `git fetch origin production:production`, or use the '
        'remote-tracking branch: `--production origin/production`',
    ]


# --- hotfix new ------------------------------------------------------------------------


def test_hotfix_new_writes_a_skeleton_that_needs_filling_in(prod, capsys):
    on_hotfix_branch(prod)
    code, lines = hotfix(capsys, 'new', 'INC-7', '--summary', 'raise the db pool')
    assert code == 0
    assert lines == [
        'wrote docs/hotfixes/INC-7.md: fill in root_cause, rollback, approved_by; leave '
        '`backport: pending` until the fix is on main',
        'then: `git add docs/hotfixes/INC-7.md` and commit it with the fix, its message '
        'referencing INC-7',
    ]
    rec = parse_record('docs/hotfixes/INC-7.md', (prod / 'docs/hotfixes/INC-7.md').read_bytes())
    assert rec.data is not None
    assert set(FIELDS) <= set(rec.data)
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'hotfix: INC-7 raise the db pool\n'))
    assert code == 1
    assert [line.split('`')[1] for line in lines if '[incomplete-record]' in line] == [
        'root_cause',
        'rollback',
        'approved_by',
    ]

    code, lines = hotfix(capsys, 'new', 'INC-7')
    assert code == 2
    assert lines == [
        'commit-warden hotfix: error: docs/hotfixes/INC-7.md already exists: edit '
        'it instead (refusing to overwrite)'
    ]
    assert hotfix(capsys, 'new', '../etc/passwd')[0] == 2
    assert hotfix(capsys, 'new', 'nothing')[0] == 2


def test_cli_delegates_hotfix(prod, capsys):
    from hooks.cli import main as cli_main

    assert cli_main(['hotfix', 'new', 'INC-8']) == 0
    assert (prod / 'docs/hotfixes/INC-8.md').is_file()


def test_never_imports_detect_secrets():
    code = (
        'import sys, hooks.hotfixes; '
        'assert "detect_secrets" not in sys.modules, "detect_secrets imported"'
    )
    subprocess.run((sys.executable, '-c', code), check=True)


# --- end to end through pre-commit -----------------------------------------------------


def commit(repo: Path, msg: str) -> tuple[int, str]:
    """`git commit` with its hooks; git sends hook output to stderr."""
    proc = git('commit', '-m', msg, '--no-gpg-sign', cwd=repo, check=False)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.slow  # through the real pre-commit framework
def test_end_to_end_commit_msg_and_pre_push(prod, remote, pre_commit):
    pre_commit('  - id: check-hotfixes\n', hook_types=('commit-msg', 'pre-push'))
    # The config stays untracked (and out of `git add -A`): there on every branch.
    write(prod / '.git' / 'info' / 'exclude', '/.pre-commit-config.yaml\n')
    git('push', '-q', '--no-verify', 'origin', 'main', 'production', cwd=prod)

    on_hotfix_branch(prod)
    code, out = commit(prod, 'hotfix: INC-7 raise the db pool')
    assert code == 1
    assert (
        'docs/hotfixes/INC-7.md: hotfix INC-7 has no hotfix record (on hotfix branch '
        "hotfix/db-pool; message starts with 'hotfix:'): this commit adds or updates "
        'nothing under docs/hotfixes/ [missing-record]'
    ) in out
    assert '`commit-warden hotfix new INC-7`' in out

    write(prod / 'docs/hotfixes/INC-7.md', record(drop=('rollback',)))
    git('add', '-A', cwd=prod)
    code, out = commit(prod, 'hotfix: INC-7 raise the db pool')
    assert code == 1
    assert (
        'docs/hotfixes/INC-7.md:1: hotfix record is missing the required field '
        '`rollback` [incomplete-record]'
    ) in out

    write(prod / 'docs/hotfixes/INC-7.md', record())
    git('add', '-A', cwd=prod)
    code, out = commit(prod, 'hotfix: INC-7 raise the db pool')
    assert code == 0, out

    # Straight onto production, skipping the commit hook: the push is the backstop.
    git('switch', '-q', 'production', cwd=prod)
    write(prod / 'app.cfg', 'pool=99\n')
    git('add', '-A', cwd=prod)
    sha = git_commit(prod, 'quick fix')
    proc = git('push', 'origin', 'production', cwd=prod, check=False)
    assert proc.returncode != 0
    assert (
        f'(commit {sha[:12]}) hotfix message references no ticket or '
        'incident (on production branch production; going to production branch '
        'production) [missing-ticket]'
    ) in proc.stdout + proc.stderr
    assert git('rev-parse', 'origin/production', cwd=prod).stdout.strip() != sha


@pytest.mark.parametrize('front', ['summary: &s [*s]\n', 'summary: !!python/name:os.system x\n'])
def test_records_with_aliases_or_tags_are_invalid_not_a_crash(front: str) -> None:
    from hooks.hotfixes.records import parse_record

    record = parse_record('docs/hotfixes/INC-1.md', f'---\nincident: INC-1\n{front}---\n'.encode())
    assert record.data is None
    assert record.error is not None
    assert ('anchors and aliases' in record.error) or ('tag' in record.error)


@pytest.mark.parametrize(
    ('message', 'tickets'),
    [
        ('hotfix: PROJ-12 raise the pool', ('PROJ-12',)),
        ('hotfix: INC1234 and #45', ('INC1234', '#45')),
        ('hotfix: fix UTF-8 decoding of SHA-256 sums (RFC-3339 dates)', ()),
    ],
)
def test_default_ticket_patterns(message: str, tickets: tuple[str, ...]) -> None:
    from hooks import config as cfg
    from hooks.hotfixes.policy import Policy

    assert Policy.of(cfg.Config().hotfixes).find_tickets(message) == tickets


# production_paths is matched like credentials.exclude (gitignore-style, hooks.globs):
# `*` stays inside one directory and `**/` matches no directory at all.
@pytest.mark.parametrize(
    ('glob', 'path', 'is_hotfix'),
    slow_after(
        2,
        [
            ('prod/*.tf', 'prod/main.tf', True),
            ('prod/*.tf', 'prod/a/b.tf', False),  # fnmatch's `*` crossed the `/`
            ('deploy/**/*.yaml', 'deploy/a.yaml', True),  # fnmatch needed a directory there
            ('deploy/**/*.yaml', 'deploy/x/y/a.yaml', True),
            ('*.cfg', 'conf/app.cfg', True),  # no slash: any depth
            ('infra/', 'infra/k8s/svc.yaml', True),  # a directory: everything below
        ],
        several=True,
    ),
)
def test_production_paths_are_gitignore_style_globs(prod, capsys, glob, path, is_hotfix):
    write(prod / '.commit-warden.yaml', f'version: 1\nhotfixes:\n  production_paths: ["{glob}"]\n')
    write(prod / path, 'x\n')
    git('add', '-A', cwd=prod)
    code, lines = run(capsys, msg_file(prod, 'tune it\n'))
    assert code == (1 if is_hotfix else 0), lines
    if is_hotfix:
        assert f'touches {path} (production_paths: {glob})' in lines[0]


def test_production_paths_and_credentials_exclude_share_one_matcher() -> None:
    from hooks.credentials import plan
    from hooks.hotfixes import policy

    assert plan.matches is policy.matches
