#!/usr/bin/env python3
"""Calibration of pretraining GPU-hours against published runs (tests/calibration/pretraining_runs.csv).

    check_pretraining.py LLMPLAN [--markdown]

For each run: llmplan estimate --strategy pretrain with the run's active parameters, tokens, GPU
and (when published) GPU count. Targets (issue 3): median absolute log error below 0.15, the
published figure inside low..high for at least 85% of runs, and no band wider than 2.5x.
Prints one line per run and 'N passed, M failed' over the targets; --markdown prints the table
of docs/calibration.md instead."""
import csv
import json
import math
import os
import statistics
import subprocess
import sys

exe = sys.argv[1]
markdown = '--markdown' in sys.argv[2:]
here = os.path.dirname(os.path.abspath(__file__))
rows = []
with open(os.path.join(here, 'pretraining_runs.csv')) as f:
    for run in csv.DictReader(f):
        args = [exe, 'estimate', '--strategy', 'pretrain', '--params', run['active_params'], '--tokens', run['tokens'],
                '--gpu', run['gpu'], '--format', 'json']
        if run['gpus']:
            args += ['--gpus', run['gpus']]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        hours = json.loads(out)['gpu_hours']
        published = float(run['published_gpu_hours'])
        rows.append({'run': run['run'], 'gpu': run['gpu'], 'gpus': run['gpus'] or 'not published',
                     'published': published, 'low': hours['low'], 'expected': hours['expected'], 'high': hours['high'],
                     'log_error': math.log(hours['expected'] / published),
                     'inside': hours['low'] <= published <= hours['high'], 'width': hours['high'] / hours['low'],
                     'source': run['source']})

median_error = statistics.median(abs(r['log_error']) for r in rows)
inside = sum(r['inside'] for r in rows) / len(rows)
widest = max(r['width'] for r in rows)

if markdown:
    print('| run | GPU | GPUs | published GPU-hours | llmplan low / expected / high | error (log) | inside | source |')
    print('|---|---|---|---:|---|---:|---|---|')
    for r in rows:
        print(f"| {r['run']} | {r['gpu']} | {r['gpus']} | {r['published']:,.0f} | {r['low']:,.0f} / {r['expected']:,.0f} / "
              f"{r['high']:,.0f} | {r['log_error']:+.3f} | {'yes' if r['inside'] else 'NO'} | {r['source']} |")
    print()
    print(f'Median absolute log error {median_error:.3f} over {len(rows)} runs; {inside:.0%} inside the band; '
          f'widest band {widest:.2f}x.')
    sys.exit(0)

for r in rows:
    print(f"{r['run']:16s} published {r['published']:>12,.0f}  expected {r['expected']:>12,.0f}  "
          f"log error {r['log_error']:+.3f}  {'inside' if r['inside'] else 'OUTSIDE'} band {r['width']:.2f}x")
checks = [('at least 15 runs', len(rows) >= 15),
          (f'median absolute log error {median_error:.3f} below 0.15', median_error < 0.15),
          (f'{inside:.0%} of published figures inside the band (at least 85%)', inside >= 0.85),
          (f'widest band {widest:.2f}x (at most 2.5x)', widest <= 2.5)]
for name, ok in checks:
    print(('ok: ' if ok else 'FAILED: ') + name)
failed = sum(not ok for _, ok in checks)
print(f'{len(checks) - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
