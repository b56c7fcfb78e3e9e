#!/usr/bin/env python3
"""Validates `llmplan check --format sarif` against the SARIF 2.1.0 JSON schema (OASIS, rtm.5).

    sarif_check.py LLMPLAN [SCHEMA]

SCHEMA defaults to .deps/sarif-2.1.0-rtm.5.json, which scripts/fetch-sarif-schema.sh (run by
scripts/install-deps.sh) fetches from the npm registry. Every scenario's output must validate,
every artifact URI must be an RFC 3986 URI reference, and broken copies of a valid log must not
(so the validator is known to be awake)."""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema

llmplan = os.path.abspath(sys.argv[1])
schema_path = sys.argv[2] if len(sys.argv) > 2 else '.deps/sarif-2.1.0-rtm.5.json'
if not os.path.exists(schema_path):
    sys.exit(f'{schema_path}: missing; run scripts/fetch-sarif-schema.sh (scripts/install-deps.sh runs it)')
with open(schema_path, encoding='utf-8') as f:
    schema = json.load(f)
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())

failures = 0


def check(name, ok, detail=''):
    global failures
    print(f'{"ok  " if ok else "FAIL"} {name}' + (f': {detail}' if not ok and detail else ''))
    if not ok:
        failures += 1


def schema_errors(doc):
    return [f'{"/".join(map(str, e.absolute_path))}: {e.message[:160]}' for e in validator.iter_errors(doc)]


# RFC 3986 URI reference made of unreserved characters, '/', ':' and percent escapes only.
URI = re.compile(r'^(file://)?([A-Za-z0-9._~/-]|%[0-9A-F]{2})+$')


def uris(doc):
    for run_ in doc['runs']:
        for result in run_.get('results', []):
            for loc in result.get('locations', []):
                yield loc['physicalLocation']['artifactLocation']['uri']


def sarif(*args, cwd=None, stdin=None):
    p = subprocess.run([llmplan, 'check', *args, '--format', 'sarif'], capture_output=True, text=True, cwd=cwd,
                       input=stdin)
    return p.returncode, json.loads(p.stdout)


proposals = 'tests/data/proposals'
scenarios = {
    'a batch of accepted, rejected, infeasible, broken and unproposed profiles': (proposals, ),
    'one accepted profile (no results)': (f'{proposals}/accepted.yaml', ),
    'every example with a lenient policy': ('examples', '--max-rank', '6'),
    'a profile judged with --strategy': (f'{proposals}/no-proposal.yaml', '--strategy', 'pretrain'),
}
logs = {}
for name, args in scenarios.items():
    code, doc = sarif(*args)
    logs[name] = doc
    check(f'{name}: valid SARIF 2.1.0', schema_errors(doc) == [], schema_errors(doc)[:5])
    bad = [u for u in uris(doc) if not URI.match(u)]
    check(f'{name}: artifact uris are URI references', bad == [], bad)

with open(f'{proposals}/rejected.yaml', encoding='utf-8') as f:
    rejected = f.read()
code, doc = sarif('-', stdin=rejected)
check('standard input: valid SARIF 2.1.0', code == 1 and schema_errors(doc) == [], schema_errors(doc)[:5])

with tempfile.TemporaryDirectory() as tmp:
    folder = os.path.join(tmp, 'dir \u00e9')
    os.mkdir(folder)
    shutil.copy(f'{proposals}/rejected.yaml', os.path.join(folder, 'my proposal#1.yaml'))
    code, doc = sarif('dir \u00e9/my proposal#1.yaml', cwd=tmp)
    check('a file name with a space, a hash and UTF-8: valid SARIF 2.1.0', schema_errors(doc) == [], schema_errors(doc))
    check('the awkward file name is percent-encoded', list(uris(doc)) == ['dir%20%C3%A9/my%20proposal%231.yaml'],
          list(uris(doc)))
    code, doc = sarif(os.path.join(folder, 'my proposal#1.yaml'))
    got = list(uris(doc))
    check('an absolute path becomes a file URI',
          len(got) == 1 and got[0].startswith('file:///') and got[0].endswith('/dir%20%C3%A9/my%20proposal%231.yaml'),
          got)

# The golden scenario's expected output is what users see; it must validate too.
with open('tests/golden/check-sarif.test', encoding='utf-8') as f:
    golden = json.loads(f.read().partition('\n---\n')[2])
check('the golden SARIF output: valid SARIF 2.1.0', schema_errors(golden) == [], schema_errors(golden)[:5])

# Negative controls: broken copies of a valid log must fail, or the validation proves nothing.
base = logs['a batch of accepted, rejected, infeasible, broken and unproposed profiles']
breakages = {
    'an unknown level': lambda d: d['runs'][0]['results'][0].__setitem__('level', 'fatal'),
    'a result without a message': lambda d: d['runs'][0]['results'][0].pop('message'),
    'a property SARIF does not define': lambda d: d.__setitem__('verdict', 'rejected'),
    'a start line of zero': lambda d: d['runs'][0]['results'][0]['locations'][0]['physicalLocation']['region']
    .__setitem__('startLine', 0),
    'a driver without a name': lambda d: d['runs'][0]['tool']['driver'].pop('name'),
    'version 2.0.0': lambda d: d.__setitem__('version', '2.0.0'),
}
for name, breakage in breakages.items():
    doc = copy.deepcopy(base)
    breakage(doc)
    check(f'the schema refuses {name}', schema_errors(doc) != [])

print(f'{failures} failed')
sys.exit(1 if failures else 0)
