#!/usr/bin/env python3
"""Shell completions and the manual page against the commands and flags the binary has, and
against the commands the contract names (cli.md): a command or flag missing from either fails.

    completion_check.py LLMPLAN

Prints 'N passed, M failed'."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

exe = os.path.abspath(sys.argv[1])
results = []

# The commands of the contract (shared/spec/cli.md, "Commands") that this build has. A command
# the contract names but the binary lacks is reported here too.
CONTRACT = ['advise', 'check', 'validate', 'estimate', 'rules', 'schema', 'gpus', 'models', 'sweep', 'diff', 'calibrate', 'init',
            'completion']


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=60)


def help_of(path):
    return run(*path, '--help').stdout


def subcommands(text):
    """The names listed under `Subcommands:` in CLI11's help."""
    part = text.split('Subcommands:', 1)
    if len(part) < 2:
        return []
    block = part[1].split('\n\n', 1)[0]  # the footer's examples follow a blank line
    return re.findall(r'^  ([a-z][a-z-]*)\s', block, re.M)


def flags(text):
    part = text.split('Options:', 1)
    if len(part) < 2:
        return []
    part = part[1].split('Subcommands:', 1)[0]
    return sorted(set(re.findall(r'(?<![\w-])(--[a-z][a-z0-9-]*)', '\n'.join(
        line for line in part.splitlines() if re.match(r'^  -', line)))))


# Every command path and its flags, from the help the binary prints.
commands = {}
pending = [[]]
while pending:
    path = pending.pop()
    text = help_of(path)
    commands[' '.join(path)] = flags(text)
    pending.extend(path + [sub] for sub in subcommands(text))

scripts = {shell: run('completion', shell).stdout for shell in ('bash', 'zsh', 'fish')}
man = run('manpage').stdout
check('three completion scripts and a man page are generated', all(scripts.values()) and man.startswith('.TH'))

top = subcommands(help_of([]))
for name in CONTRACT:
    check(f'the binary has the contract command {name}', name in top, top)
for path, path_flags in sorted(commands.items()):
    if not path:
        continue
    words = path.split()
    for shell, script in scripts.items():
        check(f'{shell} completes the command {path}', all(w in script for w in words), path)
    check(f'the man page describes llmplan {path}', f'.SS llmplan {path}' in man, path)
    for flag in path_flags:
        if flag in ('--help', '--version'):
            continue
        escaped = flag.replace('-', '\\-')
        check(f'the man page documents {path} {flag}', escaped in man.split(f'.SS llmplan {path}\n', 1)[-1], flag)
        for shell, script in scripts.items():
            needle = {'bash': flag, 'zsh': flag, 'fish': ' -l ' + flag[2:]}[shell]
            check(f'{shell} completes {path} {flag}', needle in script, flag)

# The scripts parse, and bash completes what a user types.
with tempfile.TemporaryDirectory() as tmp:
    for shell in ('bash', 'zsh'):
        path = os.path.join(tmp, f'c.{shell}')
        with open(path, 'w') as f:
            f.write(scripts[shell])
        if shutil.which(shell):
            p = subprocess.run([shell, '-n', path], capture_output=True, text=True)
            check(f'the {shell} script parses', p.returncode == 0, p.stderr)
        elif shell == 'zsh':
            print('skipped: zsh is not installed; its script is checked for every command and flag only')

    def complete(*words):
        """What bash completion offers after `llmplan WORDS` (the last word is being typed)."""
        script = (f'source {tmp}/c.bash\n'
                  f'COMP_WORDS=(llmplan {" ".join(words[:-1])} "{words[-1]}")\n'
                  f'COMP_CWORD={len(words)}\n_llmplan\nprintf "%s\\n" "${{COMPREPLY[@]}}"\n')
        p = subprocess.run(['bash', '-c', script], capture_output=True, text=True, cwd=tmp)
        return p.stdout.split()

    check('bash completes a command name', complete('adv') == ['advise'], complete('adv'))
    check('bash completes a nested command', 'list' in complete('rules', 'l'), complete('rules', 'l'))
    check('bash completes advise formats', set(complete('advise', '--format', '')) >= {'table', 'json', 'jsonl', 'markdown'},
          complete('advise', '--format', ''))
    check('bash completes check formats', 'sarif' in complete('check', '--format', ''), complete('check', '--format', ''))
    models = complete('estimate', '--model', '')
    check('bash completes estimate --model with model ids, not files', 'llama-3.1-8b' in models and
          not any(os.path.exists(os.path.join(tmp, m)) for m in models), models)
    check('bash completes estimate --gpu with GPU ids', 'a100-80gb' in complete('estimate', '--gpu', ''))
    check('bash completes check --strategy with the ladder', 'rag' in complete('check', '--strategy', ''))
    check('bash completes flags of the command typed', '--max-rank' in complete('check', '--'), complete('check', '--'))

failed = [r for r in results if not r[1]]
for name, _, detail in failed:
    print(f'FAILED: {name} {detail}')
print(f'{len(results) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
