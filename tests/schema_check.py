#!/usr/bin/env python3
"""Validates with jsonschema: every example profile against `llmplan schema profile`, the advice
JSON of the golden scenarios against `llmplan schema advice`, and that a profile with an unknown
field fails both the schema and the loader. Prints 'N passed, M failed'.

    schema_check.py LLMPLAN"""
import glob
import json
import os
import subprocess
import sys

try:
    import jsonschema
    import yaml
except ImportError:  # Debian's interpreter has python3-jsonschema and python3-yaml
    if sys.executable != '/usr/bin/python3' and os.path.exists('/usr/bin/python3'):
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

exe = sys.argv[1]
results = []


def check(name, cond, detail=''):
    results.append((name, bool(cond), detail))


def schema(kind):
    return json.loads(subprocess.run([exe, 'schema', kind], capture_output=True, text=True, check=True).stdout)


profile_schema = schema('profile')
advice_schema = schema('advice')
for name, s in (('profile', profile_schema), ('advice', advice_schema)):
    try:
        jsonschema.Draft7Validator.check_schema(s)
        check(f'the {name} schema is valid draft-07', True)
    except jsonschema.SchemaError as err:
        check(f'the {name} schema is valid draft-07', False, str(err)[:200])

profiles = jsonschema.Draft7Validator(profile_schema)
for path in sorted(glob.glob('examples/*.yaml')) + sorted(glob.glob('tests/data/proposals/[air]*.yaml')):
    errors = [e.message for e in profiles.iter_errors(yaml.safe_load(open(path)))]
    check(f'{path} validates against the profile schema', not errors, errors[:2])

bad = 'data: {labeled_examples: 100}\ndomain: {overlap: high}\nbudget: {one_time_usd: 1000, montly_usd: 5}\nrisk: {tolerance: low}\n'
check('an unknown field fails the schema', list(profiles.iter_errors(yaml.safe_load(bad))))
loader = subprocess.run([exe, 'validate', '-'], input=bad, capture_output=True, text=True)
check('an unknown field fails the loader', loader.returncode == 1 and 'montly_usd' in loader.stderr, loader.stderr[:200])

advice = jsonschema.Draft7Validator(advice_schema)
for path in sorted(glob.glob('tests/golden/advise-*.test')):
    header, _, body = open(path).read().partition('\n---\n')
    if not body.strip():
        continue  # nothing printed (a run that could not start)
    if '--format jsonl' in header:
        documents = [{'schema_version': 1, 'tool': {'name': 'llmplan', 'version': '0'}, 'ruleset': {'name': 'x', 'version': '0'},
                      'results': [json.loads(line) for line in body.splitlines()], 'summary': {'profiles': 0, 'ok': 0, 'invalid': 0}}]
    elif '--format json' in header:
        documents = [json.loads(body)]
    else:
        continue
    for doc in documents:
        errors = [e.message for e in advice.iter_errors(doc)]
        check(f'{path} validates against the advice schema', not errors, errors[:2])
every = json.loads(subprocess.run([exe, 'advise', 'examples', '--format', 'json'], capture_output=True, text=True).stdout)
check('the advice for every example validates', not list(advice.iter_errors(every)))

failed = [r for r in results if not r[1]]
for name, _, detail in failed:
    print(f'FAILED: {name} {detail}')
print(f'{len(results) - len(failed)} passed, {len(failed)} failed')
sys.exit(1 if failed else 0)
