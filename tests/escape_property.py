#!/usr/bin/env python3
"""Property test of the escapers (issue 11): random strings as profile names, enum values and file
names go through every advise, check and validate format (oneline and HTML since 2026-11-26). Each document must parse (JSON as
strict UTF-8, JSONL line by line, JUnit as XML, SARIF as JSON), no output may hold a raw control
byte or bidirectional control, no workflow command may be forged on standard output or standard
error, and Markdown may hide nothing behind raw HTML or a CR. The seed is fixed so a failure
repeats; LLMPLAN_PROPERTY_SEED and LLMPLAN_PROPERTY_CASES run others.
    escape_property.py LLMPLAN"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

exe = os.path.abspath(sys.argv[1])
seed = int(os.environ.get('LLMPLAN_PROPERTY_SEED', '11'))
cases = int(os.environ.get('LLMPLAN_PROPERTY_CASES', '40'))
rng = random.Random(seed)

PIECES = ['\x1b]0;FORGED\x07', '\x1b[2J', '\n::error file=FORGED::x', '\r::warning::FORGED', '::error file=FORGED::x',
          '<!-- FORGED -->',
          '<script>FORGED</script>', '`', '```', '|', '%', ':', ',', '\u202e', '\u2066', '\u200f', '\x85', '\x9b',
          '\x7f', '\t', '\x00', '\x08', '\ufffe', '\uffff', '&', '"', "'", '\\', '*_[x](y)', '#', 'é', '中', ' ']
BYTE_PIECES = [b'\xff', b'\xc0\x80', b'\xed\xa0\x80', b'\n::error file=FORGED::x', b'\x1b[31m', b'%0A', b'\r', b'.']
BIDI = re.compile('[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]')
CONTROL = re.compile('[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]')
GITHUB_LINE = re.compile(r'^::(error|notice) (file=[^:,]*(,line=\d+,col=\d+)?,)?title=[^:,]*::')


def random_text():
    return ''.join(rng.choice(PIECES) if rng.random() < 0.5 else rng.choice('abcxyz -') for _ in range(rng.randint(1, 8)))


def random_file_name():
    parts = [rng.choice(BYTE_PIECES) if rng.random() < 0.5 else rng.choice([b'a', b'b', b'-', b' ']) for _ in range(6)]
    return b''.join(parts).replace(b'/', b'_').replace(b'\x00', b'_') + b'.yaml'


base = open('examples/json-extractor.yaml').read().replace('\nname:', '\n# name:')
problems = []


def text_problems(label, data):
    text = data.decode('utf-8', 'replace')
    found = []
    if CONTROL.search(text):
        found.append(f'{label}: raw control {CONTROL.search(text).group()!r}')
    if BIDI.search(text):
        found.append(f'{label}: raw bidirectional control')
    return found


run_count = 0


def check_run(args, fmt_kind):
    global run_count
    run_count += 1
    p = subprocess.run([exe, *args], capture_output=True, timeout=120)
    label = ' '.join(a if isinstance(a, str) else '<dir>' for a in args)
    if p.returncode not in (0, 1, 2):
        problems.append(f'{label}: exit {p.returncode}')
    problems.extend(text_problems(label + ' stdout', p.stdout))
    problems.extend(text_problems(label + ' stderr', p.stderr))
    for line in p.stderr.split(b'\n'):
        if line.startswith(b'::'):
            problems.append(f'{label}: a workflow command on standard error: {line[:80]!r}')
    for line in p.stdout.split(b'\n'):
        if line.startswith(b'::') and (fmt_kind != 'github' or not GITHUB_LINE.match(line.decode('utf-8', 'replace'))):
            problems.append(f'{label}: a forged workflow command on standard output: {line[:80]!r}')
    if p.returncode == 2 and not p.stdout:
        return  # a profile sweep or diff cannot read: its errors went to standard error (checked above)
    try:
        if fmt_kind in ('json', 'sarif'):
            json.loads(p.stdout.decode('utf-8'))
        elif fmt_kind == 'jsonl':
            for line in p.stdout.decode('utf-8').splitlines():
                json.loads(line)
        elif fmt_kind == 'junit':
            ElementTree.fromstring(p.stdout)
    except (ValueError, UnicodeDecodeError, ElementTree.ParseError) as err:
        problems.append(f'{label}: the document does not parse: {err}')
    if fmt_kind == 'markdown':
        text = p.stdout.decode('utf-8', 'replace')
        if '\r' in text or re.search(r'(?<!\\)<(!--|script)', text):
            problems.append(f'{label}: Markdown hides text behind a CR or raw HTML')


with tempfile.TemporaryDirectory() as tmp:
    folder = os.path.join(tmp.encode(), b'profiles')
    os.mkdir(folder)
    for i in range(cases):
        name = random_text()
        text = base + 'name: ' + json.dumps(name) + '\n'
        if i % 3 == 1:
            text += 'risk: {tolerance: ' + json.dumps(random_text()) + '}\n'  # an invalid enum value, quoted back
        if i % 3 == 2:
            text += 'proposal: {strategy: ' + json.dumps(rng.choice(['few-shot', 'peft', random_text()])) + '}\n'
        with open(os.path.join(folder, b'%03d-' % i + random_file_name()), 'w') as f:
            f.write(text)
    for fmt in ('json', 'jsonl', 'table', 'markdown', 'oneline', 'html'):
        check_run(['advise', folder, '--format', fmt], fmt)
    for fmt in ('text', 'json', 'github', 'junit', 'sarif', 'markdown'):
        check_run(['check', folder, '--format', fmt, '--strategy', 'few-shot'], fmt)
    for fmt in ('text', 'json'):
        check_run(['validate', folder, '--format', fmt], fmt)
    # sweep, diff and --explain read one profile: four of the random ones (valid, with a bad enum
    # value, with a proposal), through each of their formats. The sweep's table once printed the
    # profile's name raw.
    for entry in sorted(os.listdir(folder))[:4]:
        path = os.path.join(folder, entry)
        for fmt in ('table', 'json', 'csv'):
            check_run(['sweep', path, 'usage.requests_per_month=1k..1M', '--steps', '3', '--format', fmt], fmt)
        for fmt in ('text', 'json'):
            check_run(['diff', path, 'examples/json-extractor.yaml', '--format', fmt], fmt)
        check_run(['advise', path, '--explain'], 'table')
    # calibrate: the random names as run names of a runs CSV with a random file name, in the
    # table, the JSON and the fitted rule-set file, which must still load.
    rows = ['name,strategy,method,params,active_params,tokens,examples,example_tokens,epochs,gpu,gpus,seq_len,'
            'micro_batch,gpu_hours,peak_memory_gib']
    for i in range(cases):
        name = random_text().replace('\x00', ' ').replace('"', '""')
        rows.append(f'"{name}",pretrain,,{1 + i % 7}B,,100B,,,,h100-sxm,64,2048,8,{200 + 10 * i},')
    runs = os.path.join(tmp.encode(), b'runs-' + random_file_name()[:-5] + b'.csv')
    with open(runs, 'wb') as f:
        f.write(('\n'.join(rows) + '\n').encode('utf-8', 'surrogatepass'))
    for fmt in ('table', 'json'):
        check_run(['calibrate', runs, '--format', fmt], fmt)
    fitted = os.path.join(tmp.encode(), b'fitted-' + random_file_name())
    check_run(['calibrate', runs, '--fit', '-o', fitted], 'table')
    loads = subprocess.run([exe, 'advise', 'examples/json-extractor.yaml', '--rules', fitted, '--format', 'oneline'],
                           capture_output=True, timeout=120)
    if loads.returncode != 0:
        problems.append(f'the file calibrate --fit wrote does not load: {loads.stderr[:300]!r}')

for problem in problems[:40]:
    print('FAILED: ' + problem)
print(f'{cases} random profiles through 14 formats, four of them through sweep, diff and --explain, and as many run '
      f'names through calibrate (seed {seed})')
print(f"{run_count} runs, {len(problems)} problems")
sys.exit(1 if problems else 0)
