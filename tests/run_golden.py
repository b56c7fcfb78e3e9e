#!/usr/bin/env python3
"""Runs one golden CLI scenario and compares standard output and the exit code.

A scenario file holds a header, a line of three dashes, and the expected standard output:

    # what the scenario shows
    args: advise examples/json-extractor.yaml --format json
    exit: 0
    stdin: examples/json-extractor.yaml      (optional: a file fed to standard input)
    stderr: text that must appear             (optional, repeatable)
    not-stderr: text that must not appear     (optional, repeatable)
    env: COLUMNS=80                           (optional, repeatable: set for the run)
    ---
    <expected stdout, byte for byte>

    run_golden.py LLMPLAN SCENARIO [--update]

With --update the expected output and exit code are rewritten from the actual run."""
import os
import shlex
import subprocess
import sys


def parse(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    header, sep, expected = text.partition('\n---\n')
    if not sep:
        sys.exit(f'{path}: missing the --- line between header and expected output')
    fields = {'stderr': [], 'not-stderr': [], 'env': []}
    comments = []
    for line in header.splitlines():
        if line.startswith('#') or not line.strip():
            comments.append(line)
            continue
        key, _, value = line.partition(':')
        key, value = key.strip(), value.strip()
        if key in ('stderr', 'not-stderr', 'env'):
            fields[key].append(value)
        else:
            fields[key] = value
    return comments, fields, expected


def main():
    exe, path = sys.argv[1], sys.argv[2]
    update = '--update' in sys.argv[3:]
    comments, fields, expected = parse(path)
    args = shlex.split(fields['args'])
    stdin = None
    if 'stdin' in fields:
        with open(fields['stdin'], encoding='utf-8') as f:
            stdin = f.read()
    env = dict(os.environ, NO_COLOR='1', COLUMNS='100')
    for pair in fields['env']:
        name, _, value = pair.partition('=')
        env[name] = value
    proc = subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
    if update:
        header = comments + [f'args: {fields["args"]}', f'exit: {proc.returncode}']
        if 'stdin' in fields:
            header.append(f'stdin: {fields["stdin"]}')
        header += [f'env: {s}' for s in fields['env']]
        header += [f'stderr: {s}' for s in fields['stderr']]
        header += [f'not-stderr: {s}' for s in fields['not-stderr']]
        with open(path, 'w', encoding='utf-8') as f:
            f.write('\n'.join(header) + '\n---\n' + proc.stdout)
        print(f'updated {path}')
        return 0
    failures = []
    if proc.returncode != int(fields['exit']):
        failures.append(f'exit code {proc.returncode}, expected {fields["exit"]}')
    if proc.stdout != expected:
        import difflib
        diff = difflib.unified_diff(expected.splitlines(True), proc.stdout.splitlines(True), 'expected', 'actual')
        failures.append('standard output differs:\n' + ''.join(list(diff)[:80]))
    for needle in fields['stderr']:
        if needle not in proc.stderr:
            failures.append(f'standard error lacks {needle!r}:\n{proc.stderr[:2000]}')
    for needle in fields['not-stderr']:
        if needle in proc.stderr:
            failures.append(f'standard error holds {needle!r}:\n{proc.stderr[:2000]}')
    for failure in failures:
        print(f'{path}: {failure}')
    if failures:
        print(f'(regenerate with: python3 tests/run_golden.py {exe} {path} --update)')
        return 1
    print(f'{path}: ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
