#!/usr/bin/env python3
"""The estimator against the calibration record, fit set and held-out set apart.

    check_calibration.py LLMPLAN [--markdown]

Runs `llmplan calibrate` on each set of tests/calibration/runs.csv (split by calibration_split.py)
and reports GPU-hours (pretraining and fine-tunes apart), memory and fits-or-not. The goals of
issue 13 are checked on the held-out set; the fit set is reported for comparison. --markdown
prints the tables of docs/calibration.md."""
import csv
import math
import os
import json
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calibration_split import SPLIT_DATE, fit_rows, held_out_rows, read_record  # noqa: E402

exe = sys.argv[1]
markdown = '--markdown' in sys.argv[2:]
doc = sys.argv[sys.argv.index('--doc') + 1] if '--doc' in sys.argv else None
BEGIN, END = '<!-- tables: check_calibration.py --markdown -->', '<!-- end of tables -->'


def calibrate(rows):
    with tempfile.NamedTemporaryFile('w', suffix='.csv', delete=False, newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)
        path = f.name
    try:
        out = subprocess.run([exe, 'calibrate', path, '--format', 'json'], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    return json.loads(out)['runs']


def summarise(rows):
    runs = {r['name']: r for r in calibrate(rows)}
    out = {'pre': [], 'ft': [], 'mem': [], 'fits': []}
    for row in rows:
        run = runs[row['name']]
        if row['gpu_hours']:
            kind = 'pre' if row['strategy'] in ('pretrain', 'continued-pretrain') else 'ft'
            e = run['estimate']
            out[kind].append({'row': row, 'measured': run['measured'], 'low': e['low'], 'expected': e['expected'],
                              'high': e['high'], 'err': run['ln_error'], 'inside': run['inside'],
                              'width': e['high'] / e['low'] if e['low'] else float('inf')})
        if 'memory' in run:
            m = run['memory']
            out['mem'].append({'row': row, 'measured': m['measured_gib'], 'expected': m['estimate_gib'], 'err': m['ln_error'],
                               'inside': m['within_15_percent']})
        if 'fits' in run:
            out['fits'].append({'row': row, 'measured': run['fits']['measured'], 'estimated': run['fits']['estimated']})
    return out


def stats(s):
    res = {}
    for kind in ('pre', 'ft', 'mem'):
        items = s[kind]
        res[kind] = {'n': len(items),
                     'median': statistics.median(abs(i['err']) for i in items) if items else None,
                     'share': sum(i['inside'] for i in items) / len(items) if items else None,
                     'widest': max((i.get('width', 0) for i in items), default=None)}
    f = s['fits']
    res['fits'] = {'n': len(f), 'share': sum(i['measured'] == i['estimated'] for i in f) / len(f) if f else None}
    return res


record = read_record()
sets = {'held-out': summarise(held_out_rows(record)), 'fit': summarise(fit_rows(record))}
figures = {name: stats(s) for name, s in sets.items()}


def fmt(x):
    if x >= 100:
        return f'{x:,.0f}'
    return f'{x:.3g}'


def pct(x):
    """A share in whole percent, rounded down: a share short of a goal never prints as meeting it
    (52 of 55 is 94%, not 95%)."""
    return '-' if x is None else f'{math.floor(x * 100 + 1e-9)}%'


def num(x):
    return '-' if x is None else f'{x:.3f}'


if doc:
    # The tables in the docs are this script's output: fail when they are stale.
    import io
    import contextlib
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            sys.argv = [sys.argv[0], exe, '--markdown']
            exec(compile(open(__file__).read(), __file__, 'exec'), {'__name__': '__tables__', '__file__': __file__})
        except SystemExit:
            pass
    text = open(doc).read()
    inside = text.split(BEGIN, 1)[1].split(END, 1)[0].strip() if BEGIN in text else ''
    if inside != buf.getvalue().strip():
        print(f'{doc}: the calibration tables are stale; regenerate them with: '
              f'python3 tests/calibration/check_calibration.py {exe} --markdown')
        sys.exit(1)
    print(f'{doc}: the calibration tables are current')
    sys.exit(0)

if markdown:
    h, f = figures['held-out'], figures['fit']
    print(f'| measure | held-out (published from {SPLIT_DATE}) | fit set (before) | goal (held-out) |')
    print('|---|---|---|---|')
    print(f"| pretraining GPU-hours, median abs ln error | {num(h['pre']['median'])} ({h['pre']['n']} runs) | "
          f"{num(f['pre']['median'])} ({f['pre']['n']} runs) | <= 0.20 |")
    print(f"| pretraining: published figure inside low..high | {pct(h['pre']['share'])} | {pct(f['pre']['share'])} | >= 80% |")
    print(f"| pretraining: widest band | {h['pre']['widest']:.2f}x | {f['pre']['widest']:.2f}x | <= 2.5x |")
    print(f"| fine-tune GPU-hours, median abs ln error | {num(h['ft']['median'])} ({h['ft']['n']} runs) | "
          f"{num(f['ft']['median'])} ({f['ft']['n']} runs) | <= 0.35 |")
    print(f"| memory within 15% | {pct(h['mem']['share'])} ({h['mem']['n']} figures) | {pct(f['mem']['share'])} "
          f"({f['mem']['n']} figures) | >= 75% |")
    print(f"| fits / does not fit as it happened | {pct(h['fits']['share'])} ({h['fits']['n']}) | "
          f"{pct(f['fits']['share'])} ({f['fits']['n']}) | >= 95% |")
    for name in ('held-out', 'fit'):
        s = sets[name]
        print(f'\n### {name.capitalize()} set: GPU-hours\n')
        print('| run | published | GPU | GPUs | measured GPU-hours | llmplan low / expected / high | ln error | inside |')
        print('|---|---|---|---:|---:|---|---:|---|')
        for i in s['pre'] + s['ft']:
            r = i['row']
            print(f"| {r['name']} | {r['published']} | {r['gpu']} | {r['gpus'] or '?'} | {fmt(i['measured'])} | "
                  f"{fmt(i['low'])} / {fmt(i['expected'])} / {fmt(i['high'])} | {i['err']:+.2f} | "
                  f"{'yes' if i['inside'] else 'NO'} |")
        print(f'\n### {name.capitalize()} set: memory per GPU and fits\n')
        print('| case | published | measured | llmplan | ln error | within 15% |')
        print('|---|---|---:|---:|---:|---|')
        for i in s['mem']:
            r = i['row']
            print(f"| {r['name']} | {r['published']} | {i['measured']:.1f} GiB | {i['expected']:.1f} GiB | {i['err']:+.2f} | "
                  f"{'yes' if i['inside'] else 'NO'} |")
        wrong = [i['row']['name'] for i in s['fits'] if i['measured'] != i['estimated']]
        print(f"\nFits or not: {len(s['fits']) - len(wrong)} of {len(s['fits'])} as it happened"
              + (f"; wrong: {', '.join(wrong)}." if wrong else '.'))
    sys.exit(0)

for name in ('fit', 'held-out'):
    s, st = sets[name], figures[name]
    print(f'== {name} set')
    for i in s['pre'] + s['ft']:
        print(f"  {i['row']['name'][:44]:44s} measured {fmt(i['measured']):>12}  expected {fmt(i['expected']):>12}  "
              f"ln error {i['err']:+.3f} {'inside' if i['inside'] else 'OUTSIDE'}")
    for i in s['mem']:
        print(f"  {i['row']['name'][:44]:44s} memory {i['measured']:.1f} GiB  llmplan {i['expected']:.1f} GiB  ln error {i['err']:+.3f}")
    print(f"  pretraining: {st['pre']['n']} runs, median abs ln error {num(st['pre']['median'])}, {pct(st['pre']['share'])} inside, "
          f"widest band {st['pre']['widest']:.2f}x")
    print(f"  fine-tunes: {st['ft']['n']} runs, median abs ln error {num(st['ft']['median'])}, {pct(st['ft']['share'])} inside")
    print(f"  memory: {st['mem']['n']} figures, {pct(st['mem']['share'])} within 15%, median abs ln error {num(st['mem']['median'])}")
    print(f"  fits: {st['fits']['n']} cases, {pct(st['fits']['share'])} as it happened")

h = figures['held-out']
goals = [('held-out pretraining median abs ln error <= 0.20', h['pre']['median'] <= 0.20),
         ('held-out pretraining inside low..high >= 80%', h['pre']['share'] >= 0.80),
         ('held-out pretraining bands <= 2.5x', h['pre']['widest'] <= 2.5),
         ('held-out fine-tune median abs ln error <= 0.35', h['ft']['median'] <= 0.35),
         ('held-out memory within 15% >= 75%', h['mem']['share'] >= 0.75),
         ('held-out fits as it happened >= 95%', h['fits']['share'] >= 0.95)]
for text, ok in goals:
    print(('ok: ' if ok else 'MISSED: ') + text)
# CI fails on a regression beyond the figures recorded in docs/calibration.md, not on goals the
# record does not reach yet (they are reported above and in the docs).
limits = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'limits.json')))
failed = 0
for key, (kind, field, limit, direction) in limits.items():
    value = h[kind][field]
    ok = value <= limit if direction == 'max' else value >= limit
    failed += not ok
    print(('ok: ' if ok else 'FAILED: ') + f'{key}: {value:.3f} (limit {limit})')
sys.exit(1 if failed else 0)
