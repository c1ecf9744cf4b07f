"""check-credentials reads every file by its content, in bounded memory: big files
as streams, UTF-16/32 decoded, binary content by its printable runs. Nothing is
skipped silently, at pre-commit, at pre-push or in CI."""

from __future__ import annotations

import codecs
import io
import random
import shutil
import string
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from hooks import ci
from hooks import credentials
from hooks import gitproc as git_layer
from hooks.credentials import content
from hooks.credentials import engine
from hooks.credentials.content import BINARY
from hooks.credentials.content import Source
from hooks.credentials.content import binary_runs
from hooks.credentials.content import classify
from hooks.credentials.content import text_lines
from hooks.credentials.engine import Salt
from hooks.credentials.engine import Work
from hooks.credentials.engine import scan_work
from hooks.credentials.plan import STREAM_BYTES
from hooks.git import Repo
from hooks.gitproc import split_lines
from hooks.scan import ScanOptions
from tests.conftest import git
from tests.conftest import git_commit
from tests.conftest import write

_rng = random.Random(20261128)
ALNUM = string.ascii_letters + string.digits
TOKEN = 'ghp_' + ''.join(_rng.choice(ALNUM) for _ in range(36))
OTHER = 'ghp_' + ''.join(_rng.choice(ALNUM) for _ in range(36))
NL = b'\n'
FINDING = 'GitHub personal access token (classic) (ghp_…, 40 chars) [github-token]'
# CI judges credentials only: the other checks have tests of their own.
POLICY = 'version: 1\nchecks:\n  check-signatures: off\n  check-hotfixes: off\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = credentials.main(list(argv))
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out + err


def found(out: str) -> list[str]:
    """The finding lines of a report, without their fix lines."""
    return [
        line
        for line in out.splitlines()
        if line and not line.startswith(' ') and not line.startswith('commit-warden ci:')
    ]


@pytest.fixture
def feature(repo: Path) -> str:
    """main holding the policy, and a feature branch checked out; returns main's tip."""
    write(repo / '.commit-warden.yaml', POLICY)
    git('add', '.', cwd=repo)
    base = git_commit(repo, 'policy')
    git('switch', '-q', '-c', 'feature', cwd=repo)
    return base


def blocked_at_every_stage(
    repo: Path,
    base: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    path: str,
    data: bytes,
    line: int,
) -> None:
    """`data` staged as `path` is blocked at pre-commit, its commit at pre-push and in
    CI, each time naming `path:line`."""
    write(repo / path, data)
    git('add', path, cwd=repo)
    code, out = run(capsys, path)
    assert (code, found(out)) == (1, [f'{path}:{line}: {FINDING}']), out
    commit = git_commit(repo, f'add {path}')
    expected = [f'{path}:{line}: (commit {commit[:12]}) {FINDING}']
    with monkeypatch.context() as m:
        m.setenv('PRE_COMMIT_FROM_REF', base)
        m.setenv('PRE_COMMIT_TO_REF', commit)
        code, out = run(capsys)
    assert (code, found(out)) == (1, expected), out
    # CI judges the commit afresh, not from the cache the pre-push run left.
    shutil.rmtree(repo / '.git' / 'commit-warden')
    code = ci.main(['--base', 'main'])
    out = capsys.readouterr().out
    assert (code, found(out)) == (1, expected), out
    assert 'blocked: 1 commits' in out


def _filler(size: int) -> bytes:
    """At least `size` bytes of source-like lines no rule reports."""
    line = b'payload_%08d = [' + b', '.join([b'0x7f'] * 16) + b']\n'
    count = -(-size // len(line % 0))
    return b''.join(line % i for i in range(count))


@pytest.mark.slow  # scans 20 MB three times
def test_a_20_mb_file_with_a_token_on_its_last_line(
    repo: Path, feature: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _filler(20_000_000) + f'TOKEN = "{TOKEN}"\n'.encode()
    assert len(data) > 20_000_000 > 4 * STREAM_BYTES  # read as a stream, never whole
    blocked_at_every_stage(
        repo, feature, monkeypatch, capsys, 'fixtures/big.py', data, data.count(b'\n')
    )


@pytest.mark.slow  # scans 2.3 MB three times
def test_a_2_3_mb_file_holding_a_token(
    repo: Path, feature: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head = _filler(1_200_000)
    data = head + f'GITHUB_TOKEN = "{TOKEN}"\n'.encode() + _filler(1_100_000)
    assert 2_300_000 <= len(data) < STREAM_BYTES
    blocked_at_every_stage(
        repo, feature, monkeypatch, capsys, 'data.py', data, head.count(b'\n') + 1
    )


def test_utf16_without_a_byte_order_mark(
    repo: Path, feature: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'x = 1\r\n' * 40 + f'token = "{TOKEN}"\r\n'
    blocked_at_every_stage(
        repo, feature, monkeypatch, capsys, 'settings.ini', text.encode('utf-16-le'), 41
    )


@pytest.mark.slow
def test_a_source_file_with_300_nul_bytes_at_the_top(
    repo: Path,
    feature: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    body = ''.join(f'value_{i} = {i}\n' for i in range(600))
    data = b'\0' * 300 + (body + f'API = "{TOKEN}"\n').encode()
    assert 0.03 < 300 / len(data) < 0.04  # 3.7% of its bytes
    blocked_at_every_stage(repo, feature, monkeypatch, capsys, 'app.py', data, 601)


# --- what "binary" means ------------------------------------------------------


def _noise(n: int) -> bytes:
    return bytes(_rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize(
    ('data', 'kind'),
    [
        pytest.param(b'', 'utf-8', id='empty'),
        pytest.param(b'plain = "ascii"\n' * 100, 'utf-8', id='ascii'),
        pytest.param('déjà vu, naïve café\n'.encode('latin-1') * 100, 'utf-8', id='latin-1'),
        pytest.param('Привет, мир\n'.encode('cp1251') * 100, 'utf-8', id='cp1251'),
        pytest.param('日本語のテキスト\n'.encode('shift_jis') * 100, 'utf-8', id='shift-jis'),
        pytest.param(b'\0' * 300 + b'x = 1\n' * 1300, 'utf-8', id='300-nul-source'),
        pytest.param(b'\0' * 2000 + b'x = 1\n' * 1300, 'utf-8', id='20%-nul-source'),
        pytest.param('a = 1\n'.encode('utf-16-le') * 50, 'utf-16-le', id='utf-16-le'),
        pytest.param('a = 1\n'.encode('utf-16-be') * 50, 'utf-16-be', id='utf-16-be'),
        pytest.param('a = 1\n'.encode('utf-16'), 'utf-16-le', id='utf-16-bom'),
        pytest.param(
            codecs.BOM_UTF16_BE + 'a\n'.encode('utf-16-be'), 'utf-16-be', id='utf-16-be-bom'
        ),
        pytest.param('a = 1\n'.encode('utf-32'), 'utf-32-le', id='utf-32-bom'),
        pytest.param(
            codecs.BOM_UTF32_BE + 'a\n'.encode('utf-32-be'), 'utf-32-be', id='utf-32-be-bom'
        ),
        pytest.param(b'\x89PNG\r\n\x1a\n' + _noise(20_000), BINARY, id='png'),
        pytest.param(zlib.compress(b'x = 1\n' * 5000 + _noise(5000)), BINARY, id='deflate'),
        pytest.param(b'\0' * 5000, BINARY, id='zeros'),
        pytest.param(
            b'\x7fELF' + (b'\0' * 12 + b'\x48\x89\xe5\xc3' + _noise(8)) * 500, BINARY, id='elf-like'
        ),
    ],
)
def test_classify(data: bytes, kind: str) -> None:
    assert classify(data) == kind


def _png_with_text(text: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
        )

    return (
        b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', 64, 64, 8, 2, 0, 0, 0))
        + chunk(b'tEXt', b'Comment\0' + text)
        + chunk(b'IDAT', zlib.compress(_noise(6000)))
        + chunk(b'IEND', b'')
    )


def _zip_stored(name: str, text: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', compression=zipfile.ZIP_STORED) as z:
        z.writestr('image.bin', _noise(6000))
        z.writestr(name, text)
    return buf.getvalue()


def test_known_token_formats_in_binary_files_are_found(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    utf16 = _noise(3000) + f'key={TOKEN}'.encode('utf-16-le') + _noise(3000)
    write(repo / 'logo.png', _png_with_text(f'uploaded with {TOKEN}'.encode()))
    write(repo / 'bundle.zip', _zip_stored('config.env', f'GH={TOKEN}\n'.encode()))
    write(repo / 'app.exe', utf16)
    for name in ('logo.png', 'bundle.zip', 'app.exe'):
        assert classify((repo / name).read_bytes()) == BINARY
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'logo.png', 'bundle.zip', 'app.exe')
    assert code == 1
    assert sorted(line.split(':')[0] for line in found(out)) == [
        'app.exe',
        'bundle.zip',
        'logo.png',
    ]


def test_binary_runs_do_not_depend_on_where_the_stream_is_cut() -> None:
    data = (
        _noise(500)
        + b'first run of text\n'
        + _noise(300)
        + 'utf-16 text here'.encode('utf-16-le')
        + b'\x01'
        + 'and big-endian too'.encode('utf-16-be')
        + _noise(200)
        + b'the last run at the very end'
    )
    whole = list(binary_runs([data]))
    assert {d.text for d in whole} >= {
        'first run of text',
        'utf-16 text here',
        'and big-endian too',
        'the last run at the very end',
    }
    for size in (1, 2, 3, 7, 16, 17, 100):
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        assert list(binary_runs(pieces)) == whole, size


def test_an_endless_printable_run_is_cut_with_an_overlap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(content, 'LINE_PIECE', 1000)
    monkeypatch.setattr(content, 'PIECE_OVERLAP', 100)
    for cut in range(950, 1060, 7):  # the token straddles the first cut, or not
        data = (
            b'\0\1\2' * 10
            + b'A' * cut
            + TOKEN.encode()
            + b'B' * 3000
            + b'\0\n\1'
            + b'tail text here'
        )
        for size in (1, 64, 333):
            got = list(binary_runs(data[i : i + size] for i in range(0, len(data), size)))
            assert any(TOKEN in d.text for d in got), (cut, size)
            assert max(len(d.text) for d in got) <= 1000 + size, (cut, size)
            assert (got[-1].number, got[-1].text) == (2, 'tail text here')


def test_text_decoding_does_not_depend_on_where_the_stream_is_cut() -> None:
    text = 'naïve = 1\r\nx = "日本"\n\nlast line without newline'
    for encoding in ('utf-8', 'utf-16-le', 'utf-16-be', 'utf-32-le'):
        data = ('\ufeff' + text).encode(encoding)
        whole = [(d.number, d.text) for d in text_lines([data], encoding)]
        assert whole == [
            (1, 'naïve = 1'),
            (2, 'x = "日本"'),
            (3, ''),
            (4, 'last line without newline'),
        ]
        for size in (1, 3, 5):
            pieces = [data[i : i + size] for i in range(0, len(data), size)]
            assert [(d.number, d.text) for d in text_lines(pieces, encoding)] == whole


def test_an_endless_line_comes_in_overlapping_pieces() -> None:
    line = ''.join(_rng.choice(ALNUM) for _ in range(1000))
    chunks = [line[i : i + 64] for i in range(0, len(line), 64)] + ['\nnext\n']
    got = list(split_lines(chunks, '\n', 300, 50))
    assert [c for _, c in got] == [False, True, True, True, False]
    assert all(len(t) <= 300 for t, _ in got)
    rebuilt = got[0][0] + ''.join(t[50:] for t, c in got[1:] if c)
    assert rebuilt == line
    assert got[-1] == ('next', False)


@pytest.mark.slow  # a 1.2 MB line
def test_a_token_on_an_endless_line_is_found_once_wherever_the_cut_falls(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hooks.gitproc import LINE_PIECE

    # A minified file whose one line is longer than LINE_PIECE: the token straddles
    # the cut between the first two pieces, and is found once.
    before = LINE_PIECE - 20
    data = b'var a=1;' * (before // 8) + f'k="{TOKEN}";'.encode() + b'b();' * 300_000
    write(repo / 'bundle.min.js', data + b'\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'bundle.min.js')
    assert (code, found(out)) == (1, [f'bundle.min.js:1: {FINDING}'])


# --- what a change adds, for files git would not diff --------------------------


def test_a_line_added_to_a_big_file_is_judged_alone(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = f'OLD = "{OTHER}"\n'.encode() + _filler(STREAM_BYTES + 100_000)
    write(repo / 'big.py', old)
    git('add', '.', cwd=repo)
    git_commit(repo, 'a big file, with a token committed past the hook')
    write(repo / 'big.py', old + f'NEW = "{TOKEN}"\n'.encode())
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'big.py')
    assert (code, found(out)) == (1, [f'big.py:{old.count(NL) + 1}: {FINDING}'])
    # Over a lowered limit, what it adds is reported as not scanned, and blocks.
    write(repo / '.commit-warden.yaml', 'version: 1\ncredentials:\n  max_file_bytes: 40\n')
    code, out = run(capsys, 'big.py')
    assert (code, found(out)) == (
        1,
        [
            'big.py: not scanned: it adds more than credentials.max_file_bytes (40 bytes) '
            '[file-skipped]'
        ],
    )


def test_files_git_calls_binary_are_judged_by_what_the_change_adds(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A NUL early on, or an attribute saying binary: git gives no lines; the hook
    # asks git for the text diff itself, and judges only the added lines.
    write(repo / '.gitattributes', '*.cfg -diff\n')
    write(repo / 'nul.py', b'\0\0\0\n' + f'OLD = "{OTHER}"\n'.encode())
    write(repo / 'app.cfg', f'old = {OTHER}\n')
    git('add', '.', cwd=repo)
    base = git_commit(repo, 'base, with tokens committed past the hook')
    write(repo / 'nul.py', b'\0\0\0\n' + f'OLD = "{OTHER}"\nNEW = "{TOKEN}"\n'.encode())
    write(repo / 'app.cfg', f'old = {OTHER}\nnew = {TOKEN}\n')
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'nul.py', 'app.cfg')
    assert (code, found(out)) == (1, [f'app.cfg:2: {FINDING}', f'nul.py:3: {FINDING}'])
    head = git_commit(repo, 'new tokens')
    code, out = run(capsys, '--from', base, '--to', head)
    assert (code, found(out)) == (
        1,
        [f'app.cfg:2: (commit {head[:12]}) {FINDING}', f'nul.py:3: (commit {head[:12]}) {FINDING}'],
    )


@pytest.mark.slow
def test_a_merge_is_judged_by_what_it_adds_to_a_file_git_calls_binary(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # git's combined diff says only "Binary files differ" for a NUL-holding file,
    # even with --text: the merge's own lines are those added against every parent.
    lines = [f'x{i} = {i}\n' for i in range(10)]
    write(repo / 'nul.py', b'\0\n' + ''.join(lines).encode())
    git('add', '.', cwd=repo)
    base = git_commit(repo, 'base')
    git('switch', '-q', '-c', 'side', cwd=repo)
    side = lines.copy()
    side[2] = f'SIDE = "{OTHER}"\n'
    write(repo / 'nul.py', b'\0\n' + ''.join(side).encode())
    git('add', '.', cwd=repo)
    side_commit = git_commit(repo, 'side')
    git('switch', '-q', 'main', cwd=repo)
    main = lines.copy()
    main[8] = 'main = 1\n'
    write(repo / 'nul.py', b'\0\n' + ''.join(main).encode())
    git('add', '.', cwd=repo)
    git_commit(repo, 'main')
    git('merge', '-q', '--no-commit', 'side', cwd=repo, check=False)
    merged = side.copy()
    merged[8] = 'main = 1\n'
    merged[5] = f'EVIL = "{TOKEN}"\n'
    write(repo / 'nul.py', b'\0\n' + ''.join(merged).encode())
    git('add', '.', cwd=repo)
    merge = git_commit(repo, 'merge side')
    code, out = run(capsys, '--from', base, '--to', merge)
    assert code == 1
    assert sorted(found(out)) == sorted(
        [
            f'nul.py:4: (commit {side_commit[:12]}) {FINDING}',
            f'nul.py:7: (commit {merge[:12]}) {FINDING}',
        ]
    )


@pytest.mark.slow  # streams a file over STREAM_BYTES
def test_a_big_binary_file_is_streamed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    noise = _rng.randbytes(STREAM_BYTES + 500_000)
    data = noise[:3_000_000] + f'\0AWS_TOKEN={TOKEN}\0'.encode() + noise[3_000_000:]
    write(repo / 'firmware.bin', data)
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'firmware.bin')
    line = data[:3_000_000].count(NL) + 1
    assert (code, found(out)) == (1, [f'firmware.bin:{line}: {FINDING}'])


@pytest.mark.slow  # streams a file over STREAM_BYTES, twice
def test_a_streamed_blob_is_read_as_stored(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `git replace` must not make the stream read a clean stand-in.
    root = git_commit(repo, 'root')
    data = _filler(STREAM_BYTES + 1000) + f'TOKEN = "{TOKEN}"\n'.encode()
    write(repo / 'big.py', data)
    git('add', '.', cwd=repo)
    base = git_commit(repo, 'base')
    write(repo / 'big.py', data + b'x = 1\n')
    git('add', '.', cwd=repo)
    head = git_commit(repo, 'one more line')
    clean = git('hash-object', '-w', '--stdin', cwd=repo, input=_filler(100)).stdout.strip()
    git('replace', git('rev-parse', f'{base}:big.py', cwd=repo).stdout.strip(), clean, cwd=repo)
    code, out = run(capsys, '--from', root, '--to', head)
    assert (code, found(out)) == (1, [f'big.py:{data.count(NL)}: (commit {base[:12]}) {FINDING}'])


def test_an_unresolved_conflict_in_a_file_with_nul_bytes(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo / 'nul.py', b'\0\nx = 1\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'base')
    git('switch', '-q', '-c', 'side', cwd=repo)
    write(repo / 'nul.py', f'\0\nx = 2\nk = "{TOKEN}"\n'.encode())
    git('add', '.', cwd=repo)
    git_commit(repo, 'side')
    git('switch', '-q', 'main', cwd=repo)
    write(repo / 'nul.py', b'\0\nx = 3\n')
    git('add', '.', cwd=repo)
    git_commit(repo, 'main')
    assert git('merge', '-q', 'side', cwd=repo, check=False).returncode != 0
    code, out = run(capsys, 'nul.py')
    assert (code, found(out)) == (1, [f'nul.py:3: {FINDING}'])


def test_one_files_patch_read_as_a_stream_is_parsed_strictly() -> None:
    from hooks.diffstream import stream_hunks
    from hooks.errors import DiffParseError

    def parse(patch: bytes, limit: int = 1000) -> list[tuple[int, str, bool]]:
        pieces = split_lines([patch], b'\n', limit, 10)
        return [(d.number, d.text, d.added) for d in stream_hunks(pieces)]

    head = b'diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n'
    assert parse(head + b'@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n') == [
        (1, 'a', False),
        (2, 'c', True),
    ]
    # A long line comes in pieces of the same number; a removed one is dropped whole.
    long = b'+' + b'x' * 50 + b'\n-' + b'y' * 50 + b'\n'
    assert parse(head + b'@@ -1 +1 @@\n' + long, limit=20) == [
        (1, 'x' * 19, True),
        (1, 'x' * 20, True),
        (1, 'x' * 20, True),
        (1, 'x' * 20, True),
        (1, 'x' * 11, True),
    ]
    bad = [
        head + b'@@ -1 +1,2 @@\n+a\n',  # shorter than its header
        head + b'@@ -1 +1 @@\n+a\n+b\n',  # longer
        head + b'@@ -1 +1 @@\n?a\n',  # no valid prefix
        head + b'@@ bad @@\n',  # a hunk header git does not write
        head.replace(b'index', b'similarity') + b'@@ -1 +1 @@\n+a\n',
        b'diff --git a/f b/f\nBinary files a/f and b/f differ\n',
        head + b'@@ -1 +1,2 @@\n+a\ndiff --git a/f b/f\n',
    ]
    for patch in bad:
        with pytest.raises(DiffParseError):
            parse(patch)


def test_a_failing_git_stream_is_an_error_and_closing_one_stops_git(repo: Path) -> None:
    from hooks.errors import GitError

    r = Repo.discover(repo)
    with pytest.raises(GitError, match='git cat-file failed'):
        list(r.stream_blob('1' * 40))
    oid = git('hash-object', '-w', '--stdin', cwd=repo, input=b'x' * (3 << 20)).stdout.strip()
    stream = r.stream_blob(oid)
    assert len(next(stream)) == 1 << 20
    stream.close()  # git is killed, not waited on to finish writing


# --- never skipped silently --------------------------------------------------


def test_content_missing_from_the_clone_is_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tree naming a blob this clone does not have (as a partial clone may).
    missing = '1234567890abcdef1234567890abcdef12345678'
    tree = git(
        'mktree', '--missing', cwd=repo, input=f'100644 blob {missing}\tghost.py\n'.encode()
    ).stdout.strip()
    commit = git('commit-tree', '-m', 'ghost', tree, cwd=repo).stdout.strip()
    git('update-ref', 'HEAD', commit, cwd=repo)
    git('read-tree', 'HEAD', cwd=repo)
    code, out = run(capsys, 'ghost.py')
    assert (code, found(out)) == (
        1,
        [
            'ghost.py: not scanned: its content (blob 1234567890ab) is not in this clone '
            '[file-skipped]'
        ],
    )


def test_a_skipped_file_blocks_at_every_stage_unless_the_policy_warns(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    limited = POLICY + 'credentials:\n  max_file_bytes: 1000\n'
    write(repo / '.commit-warden.yaml', limited)
    git('add', '.', cwd=repo)
    git_commit(repo, 'policy')
    git('switch', '-q', '-c', 'feature', cwd=repo)
    write(repo / 'data.csv', 'a,b\n' * 500)
    git('add', '.', cwd=repo)
    why = 'not scanned: 2,000 bytes is over credentials.max_file_bytes (1,000)'

    def stages(code: int, tag: str) -> None:
        got, out = run(capsys, 'data.csv')
        assert (got, found(out)) == (code, [f'data.csv: {why} [{tag}]'])
        head = git_commit(repo, 'data')
        expected = (code, [f'data.csv: (commit {head[:12]}) {why} [{tag}]'])
        with monkeypatch.context() as m:
            m.setenv('PRE_COMMIT_FROM_REF', 'main')
            m.setenv('PRE_COMMIT_TO_REF', head)
            got, out = run(capsys)
        assert (got, found(out)) == expected
        shutil.rmtree(repo / '.git' / 'commit-warden')
        got = ci.main(['--base', 'main'])
        assert (got, found(capsys.readouterr().out)) == expected

    stages(1, 'file-skipped')
    git('switch', '-q', 'main', cwd=repo)
    write(
        repo / '.commit-warden.yaml',
        limited + 'rules:\n  check-credentials:\n    file-skipped: warn\n',
    )
    git('add', '.', cwd=repo)
    git_commit(repo, 'skipped files only warn')
    git('switch', '-q', 'feature', cwd=repo)
    git('rebase', '-q', 'main', cwd=repo)
    git('reset', '-q', '--soft', 'HEAD~1', cwd=repo)  # staged again, as at pre-commit
    stages(0, 'file-skipped, warn')


@pytest.mark.slow  # writes a file over STREAM_BYTES
def test_a_whole_file_over_a_lowered_limit_is_reported_not_read(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        repo / '.commit-warden.yaml',
        'version: 1\ncredentials:\n  max_file_bytes: 1000\n  exclude: ["skip/**"]\n',
    )
    png, big = _png_with_text(TOKEN.encode()), _filler(STREAM_BYTES + 1000)
    write(repo / 'logo.png', png)
    write(repo / 'big.py', big)
    write(repo / 'skip/big.py', big)  # excluded: the one way to skip content silently
    git('add', '.', cwd=repo)
    code, out = run(capsys, 'logo.png', 'big.py', 'skip/big.py')
    assert code == 1
    assert sorted(found(out)) == [
        f'big.py: not scanned: {len(big):,} bytes is over credentials.max_file_bytes (1,000) '
        '[file-skipped]',
        f'logo.png: not scanned: {len(png):,} bytes is over credentials.max_file_bytes (1,000) '
        '[file-skipped]',
    ]


# --- bounded memory ------------------------------------------------------------


@pytest.mark.slow  # scans 6 MB under tracemalloc
def test_a_stream_is_scanned_in_bounded_memory(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    size = 6_000_000
    data = _filler(size) + f'TOKEN = "{TOKEN}"\n'.encode()
    oid = git('hash-object', '-w', '--stdin', cwd=repo, input=data).stdout.strip()
    source = Source(Repo.discover(repo), 'big.py', oid, 'utf-8', len(data), len(data))
    # Smaller pieces than the hook reads, so that the bound shows on a small file.
    monkeypatch.setattr(engine, 'BATCH_BYTES', 100_000)
    monkeypatch.setattr(git_layer, 'STREAM_CHUNK', 1 << 16)
    monkeypatch.setattr(engine.os, 'cpu_count', lambda: 1)
    work = [Work('big.py', (), source=source)]
    options = ScanOptions()
    scan_work(
        options, [Work('warm-up.py', tuple(text_lines([data[-200:]], 'utf-8')))], Salt(None, 'salt')
    )
    tracemalloc.start()
    try:
        hits = scan_work(options, work, Salt(None, 'salt'))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(h.line, h.rule) for h in hits] == [(data.count(b'\n'), 'github-token')]
    assert peak < size / 4  # the file's text alone would be more than all of this


def test_content_module_constants_agree_with_the_scanner() -> None:
    from hooks.gitproc import PIECE_OVERLAP
    from hooks.scan import OVERLAP

    assert PIECE_OVERLAP > OVERLAP  # a token is whole in one piece of an endless line
    assert content.MIN_RUN <= 16  # no known token format is shorter
