#!/usr/bin/env python3
"""Streaming batches (issue 14): a batch of a few thousand documents, read, advised and written a
chunk at a time, gives the same bytes whatever the chunk size (LLMPLAN_BATCH_CHUNK) and the same
as advising its files one by one; bad documents in the middle are reported as before (located
errors, every error of a file, exit 2), and -o still writes its file whole. No timings.
Prints 'N passed, M failed'."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bench'))
from batch_profiles import profile  # noqa: E402

exe = sys.argv[1]
results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def run(*args, chunk=None):
    env = dict(os.environ)
    env.pop('NO_COLOR', None)
    env.pop('LLMPLAN_BATCH_CHUNK', None)
    if chunk is not None:
        env['LLMPLAN_BATCH_CHUNK'] = str(chunk)
    return subprocess.run([exe, *args], capture_output=True, timeout=600, env=env)


# Bad documents in the middle of a batch: a YAML syntax error, two field errors in one document,
# an unknown GPU, and documents that hold no profile (an empty one, a comment).
BAD = {
    700: 'name: broken-yaml\ntask: {type: chat\n',
    1301: 'name: two-errors\ntask:\n  type: chatbot\ndata:\n  labeled_examples: -5\n',
    1302: '# only a comment: no profile\n',
    1303: '',
    2048: 'name: bad-gpu\ntask:\n  type: qa\nhardware:\n  gpu: no-such-gpu\n  count: 1\n',
}


def document(i):
    if i in BAD:
        return BAD[i]
    return profile(i, named=i % 10 != 3)  # some unnamed: named FILE#N by position


def write(path, indices):
    with open(path, 'w') as f:
        for i in indices:
            f.write('---\n' + document(i))


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


COUNT = 2600  # a few thousand documents: several default chunks of 512, CI stays fast

with tempfile.TemporaryDirectory() as tmp:
    one = os.path.join(tmp, 'batch.yaml')
    write(one, range(COUNT))

    # One multi-document file: the same bytes whatever the chunk size.
    base = run('advise', one, '--format', 'jsonl')
    lines = base.stdout.decode().splitlines()
    check('a batch with bad documents exits 2', base.returncode == 2, base.returncode)
    check('every profile of the batch gets a line', len(lines) == COUNT - 2, len(lines))
    err = base.stderr.decode()
    check('a YAML error in the middle is located', f'{one}:' in err and '[yaml-syntax]' in err, err[:400])
    check('every error of a document is reported, located',
          f'{one}:' in err and '[bad-enum]' in err and '[bad-quantity]' in err, err[:800])
    check('an unknown GPU in the middle is reported', '[unknown-gpu]' in err and 'no-such-gpu' in err, err[:800])
    check('errors are reported in input order', err.index('[yaml-syntax]') < err.index('[bad-enum]') < err.index('[unknown-gpu]'))
    for chunk in (1, 7, 513):
        p = run('advise', one, '--format', 'jsonl', chunk=chunk)
        check(f'jsonl: chunk {chunk} gives the same output',
              p.stdout == base.stdout and p.returncode == base.returncode, (digest(p.stdout), digest(base.stdout)))
        check(f'jsonl: chunk {chunk} gives the same diagnostics', p.stderr == base.stderr)

    # Every format, with chunks of 1 and 3 against the default.
    small = os.path.join(tmp, 'small.yaml')
    write(small, range(1290, 1310))  # holds three of the bad documents
    for fmt in ('jsonl', 'json', 'table', 'oneline', 'markdown', 'html'):
        want = run('advise', small, '--format', fmt)
        for chunk in (1, 3):
            p = run('advise', small, '--format', fmt, chunk=chunk)
            check(f'{fmt}: chunk {chunk} gives the same output', p.stdout == want.stdout and p.stderr == want.stderr and
                  p.returncode == want.returncode, (digest(p.stdout), digest(want.stdout)))

    # validate streams too: the same report and exit code whatever the chunk size.
    for fmt in ('text', 'json'):
        want = run('validate', small, '--format', fmt)
        for chunk in (1, 3):
            p = run('validate', small, '--format', fmt, chunk=chunk)
            check(f'validate {fmt}: chunk {chunk} gives the same report', p.stdout == want.stdout and
                  p.stderr == want.stderr and p.returncode == want.returncode, (digest(p.stdout), digest(want.stdout)))
        check(f'validate {fmt}: the bad documents make it exit 1 (findings)', want.returncode == 1, want.returncode)
    # check too: it judges a chunk at a time and writes its report at the end.
    for fmt in ('text', 'json', 'junit', 'sarif'):
        want = run('check', small, '--format', fmt, '--strategy', 'rag')
        for chunk in (1, 3):
            p = run('check', small, '--format', fmt, '--strategy', 'rag', chunk=chunk)
            check(f'check {fmt}: chunk {chunk} gives the same report', p.stdout == want.stdout and
                  p.stderr == want.stderr and p.returncode == want.returncode, (digest(p.stdout), digest(want.stdout)))
    p = run('validate', one, '--format', 'json', chunk=50)
    report = json.loads(p.stdout)
    check('validate json: one result per document, the summary counts them',
          len(report['results']) == report['summary']['profiles'] and report['summary']['profiles'] > 1000,
          report['summary'])

    # A file of one unnamed profile is named after the file; with a second document, FILE#N;
    # a chunk of one must wait for the second document to know.
    pair = os.path.join(tmp, 'pair.yaml')
    with open(pair, 'w') as f:
        f.write('---\n# nothing\n---\n' + profile(5, named=False) + '---\n\n---\n' + profile(6, named=False))
    solo = os.path.join(tmp, 'solo.yaml')
    with open(solo, 'w') as f:
        f.write('---\n' + profile(7, named=False) + '---\n# nothing more\n')
    want = run('advise', pair, solo, '--format', 'jsonl', chunk=100)
    p = run('advise', pair, solo, '--format', 'jsonl', chunk=1)
    check('names by position do not depend on the chunk size', p.stdout == want.stdout, p.stdout[:300])
    check('a file of two unnamed profiles names them FILE#N',
          b'"name":"pair#1"' in want.stdout and b'"name":"pair#2"' in want.stdout, want.stdout[:300])
    check('a file of one unnamed profile names it after the file', b'"name":"solo"' in want.stdout)

    # Many files, an unreadable one and an empty directory among them: the same as advising
    # each file on its own, one after another.
    parts = []
    for k, start in enumerate(range(0, 1400, 100)):
        path = os.path.join(tmp, f'part-{k:02d}.yaml')
        write(path, range(start, start + 100))
        parts.append(path)
    empty_dir = os.path.join(tmp, 'empty')
    os.mkdir(empty_dir)
    inputs = parts[:5] + [os.path.join(tmp, 'missing.yaml'), empty_dir] + parts[5:]
    together = run('advise', *inputs, '--format', 'jsonl', chunk=64)
    alone = [run('advise', path, '--format', 'jsonl') for path in inputs]
    check('many files together give the lines of each file alone',
          together.stdout == b''.join(p.stdout for p in alone), digest(together.stdout))
    check('many files together give the diagnostics of each file alone',
          together.stderr == b''.join(p.stderr for p in alone))
    check('an unreadable file in the middle exits 2', together.returncode == 2)
    for chunk in (1, 1000):
        p = run('advise', *inputs, '--format', 'jsonl', chunk=chunk)
        check(f'many files: chunk {chunk} gives the same output', p.stdout == together.stdout and p.stderr == together.stderr)

    # -o: the whole file or nothing, as before; with bad documents it is written and the run exits 2.
    out = os.path.join(tmp, 'out', 'advice.jsonl')
    os.mkdir(os.path.dirname(out))
    p = run('advise', one, '--format', 'jsonl', '-o', out, chunk=50)
    check('-o of a batch with bad documents exits 2 and writes every line',
          p.returncode == 2 and p.stdout == b'' and open(out, 'rb').read() == base.stdout)
    check('-o leaves no temporary file', os.listdir(os.path.dirname(out)) == ['advice.jsonl'], os.listdir(os.path.dirname(out)))
    before = open(out, 'rb').read()
    p = run('advise', one, '--format', 'jsonl', '--rules', 'tests/data/broken-rules.yaml', '-o', out, chunk=50)
    check('a broken rule set leaves the previous output untouched', p.returncode == 2 and open(out, 'rb').read() == before)
    p = run('advise', one, '--format', 'jsonl', '-o', os.path.join(tmp, 'missing-dir', 'x.jsonl'), chunk=50)
    check('an output that cannot be created still reports the input errors',
          p.returncode == 2 and b'[yaml-syntax]' in p.stderr and b'cannot create' in p.stderr, p.stderr[-300:])

failed = [r for r in results if not r[1]]
for name, ok, detail in results:
    if not ok:
        print(f'FAIL {name}: {detail}')
print(f'{len(results) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
