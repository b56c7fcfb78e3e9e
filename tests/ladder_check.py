#!/usr/bin/env python3
"""The open ladder: a strategy added by a `--rules` file alone is scored, priced, ranked, explained,
shown in every advise and check format and accepted as a proposal; an unknown costing is an error
at its line; and the C++ sources name no strategy id of the built-in ladder.

    ladder_check.py LLMPLAN

Prints 'N passed, M failed'."""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

exe = sys.argv[1]
results = []
data = 'tests/data/ladder'
extra = f'{data}/zero-shot.yaml'
profile = f'{data}/proposal.yaml'


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


# advise: every format shows the new rung.
p = run('advise', profile, '--rules', extra, '--format', 'json')
doc = json.loads(p.stdout) if p.returncode == 0 else {}
ranking = doc.get('results', [{}])[0].get('ranking', [])
mine = [r for r in ranking if r['strategy'] == 'zero-shot']
check('advise json ranks the added strategy', p.returncode == 0 and len(mine) == 1, p.stderr)
if mine:
    r = mine[0]
    check('the added strategy is scored by its own rule',
          any(x['rule'] == 'schema-states-the-format' and x['effect'] == 30 for x in r['reasons']), r['reasons'])
    check('the added strategy is priced by its costing kind (monthly cost, nothing to train)',
          r['cost']['monthly_usd']['expected'] > 0 and r['cost']['gpu_hours']['expected'] == 0, r['cost'])
    builtin = len(re.findall(r'^\s*- id: ', open('rules/strategies.yaml').read(), re.M))
    check('the built-in rungs and the added one are ranked', len(ranking) == builtin + 1, len(ranking))
p = run('advise', profile, '--rules', extra, '--format', 'jsonl')
check('advise jsonl shows the added strategy', '"zero-shot"' in p.stdout and p.returncode == 0)
p = run('advise', profile, '--rules', extra, '--format', 'table')
check('advise table shows the added strategy', re.search(r'^\s+\d+\s+zero-shot\s', p.stdout, re.M), p.stdout[:600])
p = run('advise', profile, '--rules', extra, '--format', 'markdown')
check('advise markdown shows the added strategy', '| `zero-shot` |' in p.stdout, p.stdout[:600])
p = run('advise', profile, '--rules', extra, '--format', 'json', '--explain')
doc = json.loads(p.stdout) if p.returncode == 0 else {}
explained = doc.get('results', [{}])[0].get('explanation', {}).get('strategies', [])
check('advise --explain traces the added strategy', any(s.get('strategy') == 'zero-shot' for s in explained), p.stderr)

# check: the added strategy as a profile's proposal, in every format.
for fmt in ('text', 'json', 'github', 'junit', 'sarif', 'markdown'):
    p = run('check', profile, '--rules', extra, '--format', fmt)
    check(f'check {fmt} judges the added strategy as a proposal', p.returncode in (0, 1) and 'zero-shot' in p.stdout,
          (p.returncode, p.stderr[:300]))
    if fmt == 'junit' and p.returncode in (0, 1):
        ET.fromstring(p.stdout)
    if fmt in ('json', 'sarif') and p.returncode in (0, 1):
        json.loads(p.stdout)
p = run('check', profile)
check('without the rule file the proposal is an unknown strategy (exit 2)', p.returncode == 2 and 'zero-shot' in p.stderr,
      p.stderr)
# (a profile without a proposal: the shipped examples carry theirs)
p = run('check', 'tests/data/proposals/no-proposal.yaml', '--rules', extra, '--strategy', 'zero-shot', '--format', 'json')
check('check --strategy takes the added strategy', p.returncode in (0, 1) and
      json.loads(p.stdout)['results'][0]['strategy'] == 'zero-shot', p.stderr[:300])
p = run('check', 'examples/json-extractor.yaml', '--strategy', 'pefft')
check('check --strategy with a typo exits 2 with a suggestion', p.returncode == 2 and '`peft`' in p.stderr, p.stderr)

# The schemas follow the loaded ladder.
p = run('schema', 'advice', '--rules', extra)
check('the advice schema lists the added strategy', 'zero-shot' in p.stdout and p.returncode == 0, p.stderr)
p = run('schema', 'profile', '--rules', extra)
check('the profile schema accepts the added strategy as a proposal', 'zero-shot' in p.stdout and p.returncode == 0)

# A rule may name the added strategy in a condition; a typo there is caught at load.
p = run('rules', 'list', '--rules', extra)
check('rules list shows the added rules', 'schema-states-the-format' in p.stdout, p.stderr)

# An unknown costing kind is an error at its line and column.
p = run('advise', profile, '--rules', f'{data}/unknown-costing.yaml')
check('an unknown costing exits 2', p.returncode == 2, p.returncode)
check('an unknown costing is located and suggests a kind',
      f'{data}/unknown-costing.yaml:6:14: error:' in p.stderr and 'unknown-costing' in p.stderr and '`prompt`' in p.stderr,
      p.stderr)

# No strategy id of the built-in ladder is written in the C++ sources: the program knows
# strategies only by their costing kind.
ladder = open('rules/strategies.yaml').read()
ids = re.findall(r'^\s*- id: (\S+)', ladder, re.M)
check('the built-in ladder has strategies', len(ids) >= 6, ids)
# A costing kind may share its name with the rung that uses it (`long-context`): the kind is the
# program's word, so it is not looked for.
kinds = set(re.findall(r'^\s*costing: (\S+)', ladder, re.M))
ids = [i for i in ids if i not in kinds]
pattern = re.compile(r'(?<![\w-])(' + '|'.join(re.escape(i) for i in ids) + r')(?![\w-])')
found = []
for root in ('src', 'include'):
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(('.cpp', '.hpp', '.in')):
                continue
            path = os.path.join(folder, name)
            for number, line in enumerate(open(path, encoding='utf-8'), 1):
                # Help texts show commands a user may type; they are examples, not logic.
                code = re.sub(r'"(\\.|[^"\\])*"', lambda m: m.group(0) if pattern.fullmatch(m.group(0)[1:-1]) else '""', line)
                if pattern.search(code) and 'llmplan ' not in line:
                    found.append(f'{path}:{number}: {line.strip()}')
check('no strategy id in src/ or include/', not found, '\n'.join(found[:10]))

failed = [r for r in results if not r[1]]
for name, _, detail in failed:
    print(f'FAILED: {name} {detail}')
print(f'{len(results) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
