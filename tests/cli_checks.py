#!/usr/bin/env python3
"""Behaviour of the command line that golden files cannot show: atomic -o, colour rules,
exit codes of every failure mode, byte-identical repeated runs. Prints 'N passed, M failed'."""
import json
import os
import subprocess
import sys
import tempfile

exe = sys.argv[1]
results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def run(*args, stdin=None, env=None):
    e = dict(os.environ)
    e.pop('NO_COLOR', None)
    if env:
        e.update(env)
    return subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, timeout=60, env=e)


example = 'examples/json-extractor.yaml'

with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, 'advice.json')
    p = run('advise', example, '--format', 'json', '-o', out)
    check('-o writes the file and nothing to stdout', p.returncode == 0 and p.stdout == '' and os.path.exists(out))
    with open(out) as f:
        check('-o writes valid JSON', json.load(f)['results'][0]['recommendation'] == 'few-shot')
    check('-o leaves no temporary file', sorted(os.listdir(tmp)) == ['advice.json'], os.listdir(tmp))

    before = open(out).read()
    p = run('advise', example, '--format', 'json', '-o', os.path.join(tmp, 'missing-dir', 'x.json'))
    check('-o into a missing directory exits 2', p.returncode == 2, p.returncode)
    check('-o failure names the problem', 'cannot create' in p.stderr, p.stderr)

    p = run('advise', example, '--rules', 'tests/data/broken-rules.yaml', '--format', 'json', '-o', out)
    check('a broken rule set leaves the previous output untouched', open(out).read() == before)

    bad = os.path.join(tmp, 'bad.yaml')
    with open(bad, 'w') as f:
        f.write('data: [unclosed\n')
    p = run('advise', example, bad, '--format', 'jsonl')
    lines = p.stdout.splitlines()
    check('one bad file does not stop the others', len(lines) == 2 and json.loads(lines[0])['status'] == 'ok')
    check('a bad file among good ones exits 2', p.returncode == 2)

    d = os.path.join(tmp, 'profiles')
    os.mkdir(d)
    for name in ('b.yaml', 'a.yml', 'c.txt'):
        with open(os.path.join(d, name), 'w') as f:
            f.write(open(example).read())
    p = run('advise', d, '--format', 'jsonl')
    files = [json.loads(line)['file'] for line in p.stdout.splitlines()]
    check('a directory expands to its sorted yaml files', [os.path.basename(x) for x in files] == ['a.yml', 'b.yaml'], files)

    empty = os.path.join(tmp, 'empty')
    os.mkdir(empty)
    check('an empty directory exits 2', run('advise', empty).returncode == 2)

p = run('advise', example, '--format', 'table')
check('no colour when stdout is not a terminal', '\033[' not in p.stdout)
p = run('advise', example)
check('the default format off a terminal is JSON', p.stdout.startswith('{'))

first = run('advise', 'examples', '--format', 'json').stdout
second = run('advise', 'examples', '--format', 'json').stdout
check('the same input gives byte-identical output', first == second and len(first) > 1000)

for args, code in [(['--help'], 0), (['advise', '--help'], 0), (['--version'], 0), ([], 2), (['advise'], 2),
                   (['advise', example, '--format', 'yaml'], 2), (['estimate', '--strategy', 'peft'], 2),
                   (['estimate', '--strategy', 'nope', '--params', '7B'], 2), (['validate', '/no/such/file.yaml'], 2),
                   (['advise', '/no/such/file.yaml'], 2), (['estimate', '--strategy', 'peft', '--params', '7B', '--tokens', '1M',
                                                            '--gpu', 'a100-80'], 2)]:
    p = run(*args)
    check(f'llmplan {" ".join(args)} exits {code}', p.returncode == code, f'exit {p.returncode}: {p.stderr[:200]}')
    check(f'llmplan {" ".join(args)} prints no stack trace', 'terminate called' not in p.stderr and 'internal error' not in p.stderr)

p = run('estimate', '--strategy', 'peft', '--params', '7B', '--tokens', '1M', '--gpu', 'a100-80')
check('an unknown GPU flag suggests the right id', 'a100-80gb' in p.stderr, p.stderr)
p = run('advise', example, '--set', 'data.labeled_examples=2k', '--set', 'task.needs=[skill]', '--format', 'json')
check('--set changes the advice', json.loads(p.stdout)['results'][0]['recommendation'] == 'peft', p.stdout[:300])
p = run('advise', example, '--set', 'data.labeled_exmples=2k', '--format', 'json')
check('--set with an unknown path exits 2 with a suggestion', p.returncode == 2 and 'data.labeled_examples' in p.stderr, p.stderr)



def run_on_terminal(*args, env=None):
    """Runs llmplan with standard output on a pseudo-terminal; returns what it printed."""
    import pty
    e = dict(os.environ)
    e.pop('NO_COLOR', None)
    e['TERM'] = 'xterm'
    if env:
        e.update(env)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([exe, *args], stdout=follower, stderr=subprocess.DEVNULL, env=e)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b''.join(chunks).decode('utf-8', 'replace')


try:
    tty = run_on_terminal('advise', example)
except OSError as err:  # no pseudo-terminals here: say so rather than fail
    print(f'skipped: terminal checks ({err})')
    tty = None
if tty is not None:
    check('on a terminal the default format is a coloured table', 'Recommendation:' in tty and '\033[' in tty, tty[:200])
    check('NO_COLOR turns colour off on a terminal', '\033[' not in run_on_terminal('advise', example, env={'NO_COLOR': '1'}))
    check('--no-color turns colour off on a terminal', '\033[' not in run_on_terminal('advise', example, '--no-color'))
    check('TERM=dumb turns colour off', '\033[' not in run_on_terminal('advise', example, env={'TERM': 'dumb'}))

dup = 'task: {needs: [style, style]}\ndata: {labeled_examples: 5}\ndomain: {overlap: high}\nbudget: {one_time_usd: 1k}\nrisk: {tolerance: high}\n'
check('warnings print by default', 'duplicate-item' in run('advise', '-', '--format', 'json', stdin=dup).stderr)
check('-q leaves warnings out', 'duplicate-item' not in run('advise', '-', '--format', 'json', '-q', stdin=dup).stderr)

failed = [r for r in results if not r[1]]
for name, _, detail in failed:
    print(f'FAILED: {name} {detail}')
print(f'{len(results) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
