#!/usr/bin/env python3
"""Runs `llmplan advise` on every file of tests/hostile/ (malformed and hostile profiles: alias
bombs and cycles, duplicate keys, deep nesting, absurd and non-finite numbers, NUL bytes,
invalid UTF-8, tags, huge values, wrong shapes). Each must end with exit 2, a located error
(FILE:LINE:COL: error: ...), no sanitizer report, valid JSON on standard output, in under a
second (or SECONDS). Prints 'N passed, M failed'.   hostile_check.py LLMPLAN [SECONDS]"""
import glob
import json
import os
import re
import subprocess
import sys
import time

exe = sys.argv[1]
limit = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
files = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hostile', '*.yaml')))
failures = []
slowest = 0.0
for path in files:
    name = os.path.basename(path)
    start = time.monotonic()
    p = subprocess.run([exe, 'advise', path, '--format', 'json'], capture_output=True, timeout=30)
    elapsed = time.monotonic() - start
    slowest = max(slowest, elapsed)
    stderr = p.stderr.decode('utf-8', 'replace')
    problems = []
    if p.returncode != 2:
        problems.append(f'exit {p.returncode}')
    if not re.search(re.escape(name) + r':\d+:\d+: error: ', stderr):
        problems.append('no located error')
    if 'Sanitizer' in stderr or 'runtime error' in stderr:
        problems.append('sanitizer report')
    try:
        json.loads(p.stdout.decode('utf-8'))  # strict: the output must be valid UTF-8 JSON
    except (ValueError, UnicodeDecodeError) as err:
        problems.append(f'output is not valid JSON ({err})')
    if elapsed > limit:
        problems.append(f'took {elapsed:.2f} s')
    if problems:
        failures.append(f'{name}: {", ".join(problems)}: {stderr[:300]}')

# Hostile rule files (tests/hostile/rules/): rule sets and catalogs come from pull requests too.
# Each must stop advise and check with exit 2 and an error located in the file, never a
# crash, a hang or a passed check; `rules lint` must report it (exit 1).
example = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'examples', 'json-extractor.yaml')
proposal = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'proposals', 'accepted.yaml')
rule_files = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'hostile', 'rules', '*.yaml')))
for path in rule_files:
    name = os.path.basename(path)
    problems = []
    for args in (['advise', example, '--rules', path, '--format', 'json'], ['check', proposal, '--rules', path],
                 ['rules', 'lint', path]):
        start = time.monotonic()
        try:
            p = subprocess.run([exe, *args], capture_output=True, timeout=30)
        except subprocess.TimeoutExpired:
            problems.append(f'{args[0]} timed out')
            continue
        elapsed = time.monotonic() - start
        slowest = max(slowest, elapsed)
        stderr = p.stderr.decode('utf-8', 'replace')
        expected = 1 if args[0] == 'rules' else 2
        if p.returncode != expected:
            problems.append(f'{args[0]} exit {p.returncode}')
        if not re.search(re.escape(name) + r':\d+:\d+: error: ', stderr):
            problems.append(f'{args[0]}: no located error')
        if 'Sanitizer' in stderr or 'runtime error' in stderr:
            problems.append(f'{args[0]}: sanitizer report')
        if args[0] == 'check' and b'accepted' in p.stdout.replace(b'0 accepted', b''):
            problems.append('check accepted a proposal under a broken rule set')
        if elapsed > limit:
            problems.append(f'{args[0]} took {elapsed:.2f} s')
    if problems:
        failures.append(f'rules/{name}: {", ".join(problems)}')

# Work bounded by input size: 100,001 documents are refused at once, 100,000 empty ones are cheap,
# and a million `---` lines cost a scan.
import tempfile
with tempfile.TemporaryDirectory() as tmp:
    for count, code, seconds in ((100_001, 2, limit), (1_000_000, 2, limit), (100_000, 2, 15 * limit)):
        stream = os.path.join(tmp, f'docs-{count}.yaml')
        with open(stream, 'w') as f:
            f.write('---\n' * count)
        start = time.monotonic()
        p = subprocess.run([exe, 'validate', stream, '--format', 'json'], capture_output=True, timeout=120)
        elapsed = time.monotonic() - start
        text = p.stdout.decode('utf-8', 'replace')
        if count > 100_000 and ('yaml-too-large' not in text or text.count('"file"') > 3):
            failures.append(f'{count} documents: not refused as one yaml-too-large error')
        if elapsed > seconds:
            failures.append(f'{count} documents took {elapsed:.2f} s')
        files.append(stream)

files.extend(rule_files)
for f in failures:
    print('FAILED: ' + f)
print(f'{len(files)} hostile files; slowest {slowest:.2f} s')
print(f'{len(files) - len(failures)} passed, {len(failures)} failed')
sys.exit(1 if failures or len(files) < 60 else 0)
