#!/usr/bin/env python3
"""Behaviour of the command line that golden files cannot show: atomic -o, colour rules,
exit codes of every failure mode, byte-identical repeated runs. Prints 'N passed, M failed'."""
import json
import os
import re
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
check('the default format off a terminal is the table', p.stdout.startswith('invoice-json-extractor') and 'Recommendation:' in p.stdout,
      p.stdout[:200])
check('--color always colours a pipe', '\033[' in run('advise', example, '--color', 'always').stdout)
check('--color always wins over NO_COLOR', '\033[' in run('advise', example, '--color=always', env={'NO_COLOR': '1'}).stdout)
check('CLICOLOR_FORCE colours a pipe', '\033[' in run('advise', example, env={'CLICOLOR_FORCE': '1'}).stdout)
check('NO_COLOR wins over CLICOLOR_FORCE', '\033[' not in run('advise', example, env={'CLICOLOR_FORCE': '1', 'NO_COLOR': '1'}).stdout)
check('CLICOLOR_FORCE=0 forces nothing', '\033[' not in run('advise', example, env={'CLICOLOR_FORCE': '0'}).stdout)
check('--color never', '\033[' not in run('advise', example, '--color', 'never', env={'CLICOLOR_FORCE': '1'}).stdout)
check('a pipe never goes through the pager', run('advise', example, env={'LLMPLAN_PAGER': 'sed s/^/PAGED:/', 'LINES': '5'}).stdout
      .startswith('invoice-json-extractor'))
for command in (['advise', example], ['check', 'tests/data/proposals/accepted.yaml'], ['validate', example],
                ['estimate', '--strategy', 'peft', '--params', '7B', '--tokens', '1M', '--gpu', 'l4'], ['rules', 'list'],
                ['rules', 'show', 'cheap-to-try'], ['rules', 'lint', 'tests/data/lint-warnings.yaml'],
                ['schema', 'profile'], ['gpus'], ['models'], ['init', '-', '--no-input']):
    for flags in (['--color', 'never'], ['--no-color'], ['-q'], ['--color=always']):
        p = run(*command, *flags)
        check(f'llmplan {" ".join(command)} accepts {" ".join(flags)}', 'unknown flag' not in p.stderr and p.returncode in (0, 1),
              p.stderr[:200])

# --- the table fits the terminal (issue 16): width from COLUMNS, else 80 ---
import glob
examples = sorted(glob.glob('examples/*.yaml'))
check('there are examples to lay out', len(examples) >= 10, examples)
too_wide = []
for path in examples:
    for cols in (80, 120, 200):
        for flags in ([], ['-v'], ['--explain']):
            text = run('advise', path, *flags, env={'COLUMNS': str(cols)}).stdout
            too_wide += [f'{path} {" ".join(flags)} at {cols}: {line}' for line in text.splitlines() if len(line) > cols]
text = run('advise', 'examples', env={'COLUMNS': '80'}).stdout
too_wide += [f'examples/ at 80: {line}' for line in text.splitlines() if len(line) > 80]
check('no line is wider than COLUMNS (80, 120, 200; plain, -v, --explain; every example)', not too_wide, too_wide[:5])
first_screen = []
for path in examples:
    lines = run('advise', path, env={'COLUMNS': '80'}).stdout.splitlines()
    screen = lines[:24]
    pick = json.loads(run('advise', path, '--format', 'json').stdout)['results'][0]
    top = pick['ranking'][0]
    reasons = [line for line in screen if re.match(r'^ {5,6}[-+]\d', line)]
    has = lambda start: any(line.startswith(start) for line in screen)
    if not (has('Recommendation: ') and has('  Plan') and has('  Cost') and
            (pick['recommendation'] is None or (has(f'Why {top["strategy"]}:') and len(reasons) == min(3, len(top['reasons']))))):
        first_screen.append(path)
check('the pick, its plan, its cost and its top reasons are on the first 80x24 screen of every example', not first_screen, first_screen)
check('the combination that holds the pick is the headline',
      run('advise', 'examples/internal-code-assistant.yaml').stdout.splitlines()[1] ==
      'Recommendation: rag + peft (combined), starting with rag')
shakespeare = 'examples/shakespeare-voice.yaml'
at_80 = run('advise', shakespeare, env={'COLUMNS': '80'}).stdout
check('COLUMNS changes the layout', at_80 != run('advise', shakespeare, env={'COLUMNS': '200'}).stdout)
unset = dict(os.environ)
unset.pop('COLUMNS', None)
unset.pop('NO_COLOR', None)
p = subprocess.run([exe, 'advise', shakespeare], capture_output=True, text=True, timeout=60, env=unset)
check('without COLUMNS off a terminal the width is 80', p.stdout == at_80)
for bad in ('abc', '0', '-5', '10', '80x', ''):
    check(f'COLUMNS={bad!r} is ignored (80)', run('advise', shakespeare, env={'COLUMNS': bad}).stdout == at_80)
lines = at_80.splitlines()
check('an infeasible rung takes one line without -v', sum(line.startswith('Blocked pretrain') for line in lines) == 1 and
      not any(line.startswith('Why few-shot') for line in lines), lines)
verbose = run('advise', shakespeare, '-v', env={'COLUMNS': '80'}).stdout
check('-v shows every rung\'s reasons', 'Why few-shot:' in verbose and 'Blocked pretrain:\n' in verbose)
check('the table ends with where the details are', lines[-1].startswith('More: -v'), lines[-3:])
check('-q leaves the closing hint out', 'More: -v' not in run('advise', shakespeare, '-q').stdout)
check('-v leaves the closing hint out', 'More: -v' not in verbose)
guide = open('docs/getting-started.md', encoding='utf-8').read()
excerpt = guide.split('<!-- first-screen: ', 1)[1].split('```\n', 1)[1].split('```', 1)[0]
check('getting-started.md shows what the tool prints at 80 columns', at_80.startswith(excerpt) and excerpt.count('\n') >= 24,
      excerpt[:300])
readme = open('README.md', encoding='utf-8').read()
abridged = readme.split('(abridged; 80 columns):\n\n```\n', 1)[1].split('   ...\n', 1)[0]
check('the README shows what the tool prints at 80 columns', at_80.startswith(abridged) and abridged.count('\n') >= 10,
      abridged[:300])

import re
for command in (['advise', 'examples', '--format', 'json'], ['gpus', '--format', 'json'], ['models', '--format', 'json'],
                ['check', 'examples', '--format', 'json'],
                ['estimate', '--strategy', 'peft', '--params', '7B', '--tokens', '1M', '--gpu', 'l4', '--format', 'json']):
    text = run(*command).stdout
    def significant(number):
        mantissa = number.split('e')[0].lstrip('-')
        digits = mantissa.replace('.', '').lstrip('0')
        return len(digits if '.' in mantissa else digits.rstrip('0'))
    noisy = [m for m in re.findall(r'-?\d[\d.]*(?:e[-+]?\d+)?', text) if significant(m) > 12]
    check(f'llmplan {" ".join(command)}: numbers carry at most 12 significant digits', not noisy, noisy[:3])
first = run('advise', 'examples', '--format', 'json').stdout
second = run('advise', 'examples', '--format', 'json').stdout
check('the same input gives byte-identical output', first == second and len(first) > 1000)

reference = run('advise', 'examples', '--format', 'json', env={'LC_ALL': 'C', 'TZ': 'UTC'}).stdout
for env in ({'LC_ALL': 'de_DE.UTF-8', 'LANG': 'de_DE.UTF-8'}, {'LC_ALL': 'fr_FR.UTF-8'}, {'TZ': 'Asia/Kolkata'}):
    check(f'output is byte-identical under {env}', run('advise', 'examples', '--format', 'json', env=env).stdout == reference)
p = run('advise', '-', '--format', 'json', stdin='data: {labeled_examples: 100}\ndomain: {overlap: 0.4}\n'
        'budget: {one_time_usd: 1.5k}\nrisk: {tolerance: low}\n', env={'LC_ALL': 'de_DE.UTF-8'})
check('decimal points parse the same in a comma-decimal locale', p.returncode == 0, p.stderr[:200])

for args, code in [(['--help'], 0), (['advise', '--help'], 0), (['--version'], 0), ([], 0), (['advise'], 2),
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



def read_until_closed(leader):
    """Everything written to a pseudo-terminal until its other end is closed, as text."""
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b''.join(chunks).decode('utf-8', 'replace')


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
    output = read_until_closed(leader)
    proc.wait(timeout=60)
    os.close(leader)
    return output


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
    check('--color never on a terminal', '\033[' not in run_on_terminal('advise', example, '--color', 'never'))
    paged = run_on_terminal('advise', example, env={'LLMPLAN_PAGER': 'sed s/^/PAGED:/', 'LINES': '10'})
    check('long output on a terminal goes through LLMPLAN_PAGER', 'PAGED:' in paged, paged[:200])
    paged = run_on_terminal('advise', example, env={'LLMPLAN_PAGER': '', 'PAGER': 'sed s/^/PAGED:/', 'LINES': '10'})
    check('an empty LLMPLAN_PAGER turns the pager off', 'PAGED:' not in paged and 'json-extractor' in paged, paged[:200])
    paged = run_on_terminal('advise', example, env={'PAGER': 'sed s/^/PAGED:/', 'LINES': '10'})
    check('PAGER is the pager without LLMPLAN_PAGER', 'PAGED:' in paged, paged[:200])
    paged = run_on_terminal('advise', example, env={'LLMPLAN_PAGER': 'sed s/^/PAGED:/', 'LINES': '200'})
    check('short output on a terminal is not paged', 'PAGED:' not in paged and 'json-extractor' in paged, paged[:200])
    piped = run('advise', example, '--color', 'never').stdout
    check('a terminal and a pipe get the same text', run_on_terminal('advise', example, '--color', 'never', env={
        'COLUMNS': '80'}).replace('\r\n', '\n') == run('advise', example, env={'COLUMNS': '80'}).stdout)

dup = 'task: {needs: [style, style]}\ndata: {labeled_examples: 5}\ndomain: {overlap: high}\nbudget: {one_time_usd: 1k}\nrisk: {tolerance: high}\n'
check('warnings print by default', 'duplicate-item' in run('advise', '-', '--format', 'json', stdin=dup).stderr)
check('-q leaves warnings out', 'duplicate-item' not in run('advise', '-', '--format', 'json', '-q', stdin=dup).stderr)

# --- check: formats CI speaks ---
proposals = 'tests/data/proposals'
p = run('check', proposals, '--format', 'json')
doc = json.loads(p.stdout)
status = {os.path.basename(r['file']): r['status'] for r in doc['results']}
check('a mixed batch reports each file', status == {'accepted.yaml': 'accepted', 'broken.yaml': 'error', 'infeasible.yaml': 'rejected',
                                                    'no-proposal.yaml': 'error', 'rejected.yaml': 'rejected'}, status)
check('a mixed batch with broken files exits 2', p.returncode == 2)
check('the json summary counts', doc['summary'] == {'profiles': 5, 'accepted': 1, 'rejected': 2, 'error': 2}, doc['summary'])
p = run('check', f'{proposals}/accepted.yaml', f'{proposals}/rejected.yaml')
check('a rejected proposal exits 1', p.returncode == 1)
check('--fail-on never reports but exits 0', run('check', f'{proposals}/rejected.yaml', '--fail-on', 'never').returncode == 0)
check('an accepted batch exits 0', run('check', f'{proposals}/accepted.yaml').returncode == 0)
p = run('check', f'{proposals}/accepted.yaml', '--rules', 'tests/data/broken-rules.yaml')
check('a broken rule set never passes a proposal', p.returncode == 2 and 'accepted' not in p.stdout)
p = run('check', f'{proposals}/infeasible.yaml', '--max-rank', '6', '--margin', '100')
check('an infeasible proposal is rejected whatever the policy', p.returncode == 1 and 'infeasible' in p.stdout, p.stdout)

import xml.etree.ElementTree as ET
p = run('check', proposals, '--format', 'junit')
suite = ET.fromstring(p.stdout)
cases = suite.findall('.//testcase')
check('junit parses as XML with one case per profile', len(cases) == 5)
check('junit marks failures and errors', len(suite.findall('.//failure')) == 2 and len(suite.findall('.//error')) == 2)

p = run('check', proposals, '--format', 'sarif')
sarif = json.loads(p.stdout)


def sarif_problems(doc):
    """The SARIF 2.1.0 properties GitHub code scanning requires (sarif-support.md)."""
    problems = []
    if doc.get('version') != '2.1.0' or not doc.get('$schema'):
        problems.append('version and $schema')
    for run_ in doc.get('runs', []):
        driver = run_.get('tool', {}).get('driver', {})
        if not driver.get('name'):
            problems.append('tool.driver.name')
        ids = []
        for rule in driver.get('rules', []):
            ids.append(rule.get('id'))
            for key in ('shortDescription', 'fullDescription', 'help'):
                if not rule.get(key, {}).get('text'):
                    problems.append(f'rule {rule.get("id")}: {key}.text')
        for result in run_.get('results', []):
            if result.get('ruleId') not in ids or ids[result.get('ruleIndex', -1)] != result.get('ruleId'):
                problems.append('ruleId / ruleIndex')
            if result.get('level') not in ('none', 'note', 'warning', 'error'):
                problems.append('level')
            if not result.get('message', {}).get('text'):
                problems.append('message.text')
            loc = result.get('locations', [{}])[0].get('physicalLocation', {})
            if not loc.get('artifactLocation', {}).get('uri') or loc.get('region', {}).get('startLine', 0) < 1:
                problems.append('location')
    if not doc.get('runs'):
        problems.append('runs')
    return problems


check('sarif has every property GitHub requires', sarif_problems(sarif) == [], sarif_problems(sarif))
check('sarif locates the rejected proposals', sum(r['ruleId'] == 'proposal-rejected' for r in sarif['runs'][0]['results']) == 2)

with tempfile.TemporaryDirectory() as tmp:
    summary = os.path.join(tmp, 'summary.md')
    p = run('check', f'{proposals}/rejected.yaml', '--format', 'github', env={'GITHUB_STEP_SUMMARY': summary})
    check('github format writes the job summary', os.path.exists(summary) and '**rejected**' in open(summary).read())
    check('github annotations point at the proposal line', '::error file=tests/data/proposals/rejected.yaml,line=28,col=13' in p.stdout,
          p.stdout[:300])

# --- what-ifs: --set turns a tuning recommendation into few-shot ---
before = json.loads(run('advise', 'examples/contract-classifier.yaml', '--format', 'json').stdout)['results'][0]['recommendation']
after = json.loads(run('advise', 'examples/contract-classifier.yaml', '--set', 'data.labeled_examples=10', '--format',
                       'json').stdout)['results'][0]['recommendation']
check('--set data.labeled_examples=10 turns tuning advice to few-shot', (before, after) == ('peft', 'few-shot'), (before, after))

# --- devices are written as they are, never replaced by a renamed file ---
import stat
with tempfile.TemporaryDirectory() as tmp:
    fifo = os.path.join(tmp, 'pipe')
    os.mkfifo(fifo)
    import threading
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo).read()))
    reader.start()
    p = run('advise', example, '--format', 'jsonl', '-o', fifo)
    reader.join(timeout=30)
    check('-o to a pipe writes into the pipe', p.returncode == 0 and received and '"ranking"' in received[0])
    check('-o to a pipe leaves it a pipe', stat.S_ISFIFO(os.stat(fifo).st_mode))
check('/dev/null is still a device after the tests', stat.S_ISCHR(os.stat('/dev/null').st_mode))

# --- init: a template for scripts, questions for people ---
def init_on_terminal(path, answers):
    """Runs `llmplan init PATH` with a pseudo-terminal as its standard input and output."""
    import pty
    import time
    leader, follower = pty.openpty()
    e = dict(os.environ, NO_COLOR='1')
    proc = subprocess.Popen([exe, 'init', path], stdin=follower, stdout=follower, stderr=follower, env=e)
    os.close(follower)
    for answer in answers:
        time.sleep(0.05)
        os.write(leader, b'\x04' if answer == '\x04' else (answer + '\n').encode())  # \x04: Ctrl-D
    output = read_until_closed(leader)
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, output


with tempfile.TemporaryDirectory() as tmp:
    target = os.path.join(tmp, 'bot.yaml')
    p = run('init', target, '--no-input')
    check('init --no-input writes a valid template', p.returncode == 0 and run('validate', target).returncode == 0)
    check('init never overwrites without --force', run('init', target, '--no-input').returncode == 2)
    check('init --force overwrites', run('init', target, '--no-input', '--force').returncode == 0)
    p = run('init', '-', '--no-input')
    check('init - writes the profile to standard output and announces nothing', p.returncode == 0 and
          p.stdout.startswith('# llmplan project profile') and 'wrote' not in p.stderr and 'name: -' not in p.stdout,
          p.stderr[:200])
    p2 = run('validate', '-', stdin=p.stdout)
    check('the profile init - writes is valid', p2.returncode == 0, p2.stdout + p2.stderr)
    p = run('validate', '-', '--set', 'data.labeled_examples=4.18M', stdin=open(example).read())
    check('a whole-number field takes 4.18M', p.returncode == 0, p.stderr)
    try:
        asked = os.path.join(tmp, 'asked.yaml')
        code, screen = init_on_terminal(asked, ['qa', '[knowledge]', '200', '0', '0', '4M', 'medium', '$10k', 'lw', 'low', '100k'])
        written = open(asked).read() if os.path.exists(asked) else ''
        check('init asks on a terminal and writes the answers', code == 0 and 'labeled_examples: 200' in written and
              'tolerance: low' in written and 'needs: [knowledge]' in written, screen[-400:])
        check('init re-asks after an invalid answer', 'did you mean `low`' in screen, screen[-400:])
        check('init prints the advice', 'Recommendation: rag' in screen, screen[-400:])
        forms = os.path.join(tmp, 'forms.yaml')
        code, screen = init_on_terminal(forms, ['QA', 'knowledge, style', '2,500', '1.5k', '20k', '2 GB', 'Medium', '$10k', 'lw',
                                                'low', '100k'])
        written = open(forms).read() if os.path.exists(forms) else ''
        check('init takes the forms the tool prints: QA and a list without brackets and a thousands separator and 2 GB',
              code == 0 and 'type: qa' in written and 'needs: [knowledge, style]' in written and
              'labeled_examples: 2500' in written and 'preference_pairs: 1.5k' in written and
              'unlabeled_inputs: 20k' in written and 'domain_tokens: 500M tokens' in written and
              '4 bytes a token' in screen, screen[-600:])
        check('init leaves unasked defaults as comments so the advice lists them as assumed',
              '# horizon_months: 12' in written and 'budget.horizon_months=12 months' in screen, written[-300:])
        aborted = os.path.join(tmp, 'aborted.yaml')
        code, screen = init_on_terminal(aborted, ['qa', 'nonsense', '\x04'])
        check('init re-asks a wrong answer and Ctrl-D aborts without writing', code == 2 and not os.path.exists(aborted) and
              'not written' in screen, (code, screen[-400:]))
    except OSError as err:
        print(f'skipped: interactive init ({err})')

# A full disk: /dev/full accepts the open and fails every write with ENOSPC.
if os.path.exists('/dev/full'):
    p = run('advise', example, '-o', '/dev/full')
    check('-o to a full disk exits 2 and says so', p.returncode == 2 and 'No space left' in p.stderr, p.stderr)
    with open('/dev/full', 'w') as full:
        p = subprocess.run([exe, 'advise', example, '--format', 'json'], stdout=full, stderr=subprocess.PIPE, text=True,
                           timeout=60)
    check('standard output on a full disk exits 2 and says so', p.returncode == 2 and 'No space left' in p.stderr,
          p.stderr)

# Round two of hostile input (issue 11): reads, faults and output channels.
import signal
import stat as stat_module
import time


def run_bytes(*args, stdin=None, timeout=60, **kw):
    return subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=timeout, **kw)


# AddressSanitizer reserves terabytes of address space and cannot run under an address-space
# limit or a changed user: those checks run on unsanitized builds only.
with open(exe, 'rb') as binary:
    sanitized = b'__asan_init' in binary.read()


def bounded(args, **kw):
    """Runs with a 2 GB address-space limit (unsanitized builds), so that an unbounded read fails
    fast instead of taking the machine's memory."""
    import resource

    def limit():
        if not sanitized:
            resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    try:
        return subprocess.run([exe, *args], capture_output=True, timeout=20, preexec_fn=limit, **kw)
    except subprocess.TimeoutExpired as err:
        return subprocess.CompletedProcess(err.cmd, None, b'', b'timed out')


p = bounded(['advise', '/dev/zero'])
check('advise /dev/zero is refused as a device with exit 2', p.returncode == 2 and b'device' in p.stderr, p.stderr[:200])
with open('/dev/zero', 'rb') as zero:
    p = bounded(['validate', '-'], stdin=zero)
check('standard input from /dev/zero is refused by size with exit 2', p.returncode == 2 and b'larger than' in p.stderr,
      p.stderr[:200])
with tempfile.TemporaryDirectory() as tmp:
    sparse = os.path.join(tmp, 'sparse.yaml')
    with open(sparse, 'wb') as f:
        f.truncate(1 << 30)
    start = time.monotonic()
    p = bounded(['advise', sparse])
    check('a 1 GiB sparse file is refused before it is read', p.returncode == 2 and b'larger than' in p.stderr and
          time.monotonic() - start < 5, p.stderr[:200])

    fifo = os.path.join(tmp, 'fifo.yaml')
    os.mkfifo(fifo)
    writer = subprocess.Popen(['sh', '-c', f'cat {example} > {fifo}'])
    p = run('advise', fifo, '--format', 'json')
    writer.wait()
    check('a FIFO is read like standard input', p.returncode == 0 and '"ranking"' in p.stdout, p.stderr[:200])

    # -o keeps the replaced file's mode and writes through a symbolic link.
    target = os.path.join(tmp, 'private.json')
    with open(target, 'w') as f:
        f.write('old')
    os.chmod(target, 0o600)
    p = run('advise', example, '--format', 'json', '-o', target)
    check('-o over a 0600 file keeps it 0600', p.returncode == 0 and stat_module.S_IMODE(os.stat(target).st_mode) == 0o600,
          oct(os.stat(target).st_mode))
    link = os.path.join(tmp, 'link.json')
    os.symlink('private.json', link)
    with open(target, 'w') as f:
        f.write('old')
    p = run('advise', example, '--format', 'json', '-o', link)
    check('-o to a symbolic link writes through it and keeps the link', p.returncode == 0 and os.path.islink(link) and
          open(target).read().startswith('{'), p.stderr)
    dangling = os.path.join(tmp, 'dangling.json')
    os.symlink('missing.json', dangling)
    p = run('advise', example, '--format', 'json', '-o', dangling)
    check('-o to a dangling symbolic link is refused', p.returncode == 2 and os.path.islink(dangling) and
          not os.path.exists(os.path.join(tmp, 'missing.json')), p.stderr)

    # SIGTERM while the result is being written leaves no temporary file.
    many = os.path.join(tmp, 'many.yaml')
    with open(many, 'w') as f:
        f.write('\n---\n'.join([open(example).read()] * 20000))
    out_dir = os.path.join(tmp, 'out')
    os.mkdir(out_dir)
    proc = subprocess.Popen([exe, 'advise', many, '--format', 'json', '-o', os.path.join(out_dir, 'a.json')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60  # loading 20,000 profiles takes a while on a loaded machine
    while time.monotonic() < deadline:
        if os.listdir(out_dir) or proc.poll() is not None:
            break
        time.sleep(0.01)
    saw_temp = bool(os.listdir(out_dir))
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    check('SIGTERM during -o removes the temporary file', saw_temp and os.listdir(out_dir) == [] and
          proc.returncode == -signal.SIGTERM, (saw_temp, os.listdir(out_dir), proc.returncode))

    # A failed job-summary write is an error, not silence.
    p = run('check', 'tests/data/proposals/accepted.yaml', '--summary-file', os.path.join(tmp, 'no-dir', 'summary.md'))
    check('a failed job summary write exits 2 and says so', p.returncode == 2 and 'job summary' in p.stderr, p.stderr)

    # A rule test's profile_file stays under the test file's folder.
    tests_dir = os.path.join(tmp, 'ruletests')
    os.mkdir(tests_dir)
    with open(os.path.join(tests_dir, 'escape.test.yaml'), 'w') as f:
        f.write('tests:\n  - name: passwd\n    profile_file: ../../../../../../../../etc/passwd\n'
                '    expect: {top: few-shot}\n')
    p = run('rules', 'test', tests_dir)
    check('rules test refuses a profile_file outside its folder', p.returncode == 2 and 'path-not-allowed' in p.stderr and
          'root:' not in p.stdout + p.stderr, p.stdout[-300:] + p.stderr[-300:])
    p = run('rules', 'test', tests_dir, '--allow-path', '/etc')
    check('rules test --allow-path reads the file but never echoes a non-profile', 'root:' not in p.stdout + p.stderr and
          'not a valid profile' in p.stdout + p.stderr, p.stdout[-300:] + p.stderr[-300:])

# Every command checks its final write: a full disk or a closed standard output is exit 2.
for args in (['validate', example], ['schema', 'profile'], ['rules', 'list'], ['rules', 'lint'], ['gpus'], ['models'],
             ['estimate', '--strategy', 'peft', '--params', '7B', '--examples', '1k'], ['advise', example]):
    if os.path.exists('/dev/full'):
        with open('/dev/full', 'w') as full:
            p = subprocess.run([exe, *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
        check(f'{" ".join(args[:2])} to a full disk exits 2', p.returncode == 2 and p.stderr.count('write-failed') == 1,
              (p.returncode, p.stderr))
    p = subprocess.run([exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60,
                       preexec_fn=lambda: os.close(1))
    check(f'{" ".join(args[:2])} with standard output closed exits 2', p.returncode == 2, (p.returncode, p.stderr))

# Out of memory is exit 2 "out of memory", never a judgement of the truncated input.
# (A quoted name: yaml-cpp reads this one, with its copy of the text; the subset reader, which
# takes plain values only, would read it within the limit and judge the whole of it.)
big = 'name: "x"\n# ' + 'a' * 60_000_000 + '\n'
for limit_kb in () if sanitized else (100_000, 120_000):
    def low_memory(kb=limit_kb):
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (kb * 1024, kb * 1024))
    p = subprocess.run([exe, 'advise', '-', '--format', 'json'], input=big.encode(), capture_output=True, timeout=60,
                       preexec_fn=low_memory)
    check(f'out of memory at {limit_kb} KB is exit 2 with out of memory', p.returncode == 2 and b'out of memory' in p.stderr,
          (p.returncode, p.stderr[:200]))

# A thread that cannot start: fewer threads, same result (needs root to drop to a user with a process limit).
if os.geteuid() == 0 and not sanitized:
    def one_process_as_nobody():
        import resource
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))  # threads count too: none can start

    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        for name in os.listdir('examples'):
            if name.endswith('.yaml'):
                with open(os.path.join(tmp, name), 'w') as f:
                    f.write(open(os.path.join('examples', name)).read())
                os.chmod(os.path.join(tmp, name), 0o644)
        p = subprocess.run([os.path.abspath(exe), 'advise', tmp, '--format', 'jsonl'], capture_output=True, text=True,
                           timeout=60, preexec_fn=one_process_as_nobody)
        reference = run('advise', tmp, '--format', 'jsonl')
        check('when no thread can start the work runs on fewer threads', p.returncode == 0 and
              p.stdout == reference.stdout, (p.returncode, p.stderr[:200]))

# Output channels: input text never drives a terminal, forges a workflow command or breaks a document.
hostile_name = 'evil\x1b]0;owned\x07\x1b[2J\n::error file=x::forged\r<!-- hidden -->|`tick`\u202e'
profile = open(example).read().replace('name:', '# name:') + 'name: ' + json.dumps(hostile_name) + '\n'
p = run('advise', '-', '--format', 'table', stdin=profile)
check('a profile name with terminal escapes is shown, not obeyed, in the table', '\x1b' not in p.stdout and
      '\u202e' not in p.stdout and '\\x1b' in p.stdout, p.stdout[:200])
bad_enum = open(example).read() + 'risk: {tolerance: "low\\n::error file=y::forged\\u001b[31m"}\n'
for args in (['advise', '-', '--format', 'table'], ['advise', '-', '--format', 'json'],
             ['check', '-', '--format', 'github'], ['check', '-', '--format', 'text'], ['validate', '-']):
    p = run(*args, stdin=bad_enum)
    lines = (p.stdout + p.stderr).splitlines()
    check(f'an enum value with a newline forges no workflow command ({" ".join(args)})',
          not any(line.startswith('::error file=y') for line in lines) and '\x1b' not in p.stdout + p.stderr,
          [line for line in lines if '::' in line][:3])
with tempfile.TemporaryDirectory() as tmp:
    weird = os.path.join(tmp.encode(), b'bad\xff\n::error file=z::forged.yaml')
    with open(weird, 'w') as f:
        f.write(open(example).read())
    p = run_bytes('validate', weird, '--format', 'json')
    check('validate --format json with a non-UTF-8 file name is valid JSON', p.returncode == 0 and
          json.loads(p.stdout.decode('utf-8')) is not None, (p.returncode, p.stderr[:200]))
    for fmt in ('text', 'github'):
        p = run_bytes('check', weird, '--format', fmt, '--strategy', 'few-shot')
        lines = (p.stdout + p.stderr).split(b'\n')
        check(f'a file name with a newline forges no workflow command (check --format {fmt})',
              not any(line.startswith(b'::error file=z') for line in lines), lines[:4])
    p = run_bytes('check', weird, '--format', 'junit', '--strategy', 'few-shot')
    import xml.etree.ElementTree as ElementTree
    try:
        ElementTree.fromstring(p.stdout)
        parsed = True
    except ElementTree.ParseError:
        parsed = False
    check('junit with a non-UTF-8 file name parses as XML', parsed, p.stdout[:300])
nonchar = open(example).read().replace('name:', '# name:') + 'name: "bad\\uFFFE\\uFFFFname"\n'
p = run_bytes('check', '-', '--format', 'junit', '--strategy', 'few-shot', stdin=nonchar.encode())
try:
    ElementTree.fromstring(p.stdout)
    parsed = True
except ElementTree.ParseError:
    parsed = False
check('junit with U+FFFE and U+FFFF in a name parses as XML', parsed, p.stdout[:300])
p = run('advise', '-', '--format', 'markdown', stdin=profile)
check('markdown hides nothing behind a CR or an HTML comment', not re.search(r'(?<!\\)<!--', p.stdout) and
      '\r' not in p.stdout and
      '\\`tick\\`' in p.stdout, p.stdout[:300])
lone_cr = open(example).read() + 'proposal:\r  strategy: full-finetune\n'
p = run('check', '-', stdin=lone_cr)
check('a lone CR line end is refused with its line', p.returncode == 2 and 'carriage return' in p.stderr and
      re.search(r'-:\d+:\d+: error: ', p.stderr) is not None, p.stderr[:300])

# Text from a rule file (a pull request's) is shown, never obeyed, by gpus, models and rules.
with tempfile.TemporaryDirectory() as tmp:
    evil_rules = os.path.join(tmp, 'evil.yaml')
    with open(evil_rules, 'w') as f:
        f.write('gpus:\n  - id: a100-80gb\n    name: "A100\\e]0;owned\\a\\n::error file=r::forged"\n    memory_gib: 80\n'
                '    peak_tflops: 312\n    board_power_w: 400\n    utilization_curve: ampere\n    spec_source: x\n'
                '    prices:\n      - {usd_per_hour: 2.5, vendor: x, date: 2026-11-25, source: x}\n'
                'rules:\n  - id: evil-rule\n    strategies: [rag]\n    when: "true"\n    effect: "+1"\n'
                '    message: "hi\\e[2J\\n::error file=r::forged"\n    source: "s\\e]0;x\\a"\n')
    for args in (['gpus', '--rules', evil_rules], ['rules', 'list', '--rules', evil_rules],
                 ['rules', 'show', 'evil-rule', '--rules', evil_rules]):
        p = run(*args)
        check(f'{" ".join(args[:2])} shows rule-file text escaped', p.returncode == 0 and '\x1b' not in p.stdout and
              not any(line.startswith('::error file=r') for line in p.stdout.splitlines()), (p.returncode, p.stdout[:300]))

failed = [r for r in results if not r[1]]
for name, _, detail in failed:
    print(f'FAILED: {name} {detail}')
print(f'{len(results) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
