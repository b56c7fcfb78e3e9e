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
for f in failures:
    print('FAILED: ' + f)
print(f'{len(files)} hostile files; slowest {slowest:.2f} s')
print(f'{len(files) - len(failures)} passed, {len(failures)} failed')
sys.exit(1 if failures or len(files) < 40 else 0)
