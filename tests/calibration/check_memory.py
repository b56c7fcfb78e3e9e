#!/usr/bin/env python3
"""Calibration of per-GPU training memory against published figures (memory_figures.csv).

    check_memory.py LLMPLAN [--markdown]

Each case runs llmplan estimate at sequence length 512 and micro-batch 1 and compares its
per-GPU memory, converted to GB (10^9 bytes) as the sources state them, with the published range.
Tolerance: the estimate must lie within the published range widened by 15% on each side (the
sources round to whole GB and disagree with each other by up to 20%). Two facts are checked
exactly: a 65B QLoRA fits one 48 GB GPU, and a 7B full fine-tune does not fit one 80 GB GPU
without sharding. Prints 'N passed, M failed'."""
import csv
import json
import os
import subprocess
import sys

exe = sys.argv[1]
markdown = '--markdown' in sys.argv[2:]
here = os.path.dirname(os.path.abspath(__file__))
GIB = 1024 ** 3
TOLERANCE = 0.15


def estimate(strategy, method, model, gpu, gpus, seq):
    args = [exe, 'estimate', '--strategy', strategy, '--model', model, '--examples', '1k', '--gpu', gpu, '--gpus', str(gpus),
            '--seq-len', str(seq), '--micro-batch', '1', '--format', 'json']
    if strategy == 'peft':
        args += ['--method', method]
    return json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)['memory']


rows = []
with open(os.path.join(here, 'memory_figures.csv')) as f:
    for case in csv.DictReader(f):
        memory = estimate(case['strategy'], case['method'], case['model'], case['gpu'], case['gpus'], case['seq_len'])
        gb = memory['per_gpu_gib'] * GIB / 1e9
        low, high = float(case['published_low_gb']), float(case['published_high_gb'])
        ok = low * (1 - TOLERANCE) <= gb <= high * (1 + TOLERANCE)
        off = 0.0 if low <= gb <= high else (gb / low - 1 if gb < low else gb / high - 1)
        rows.append({'case': case['case'], 'gb': gb, 'low': low, 'high': high, 'ok': ok, 'off': off, 'source': case['source']})

fits_65b = estimate('peft', 'qlora', 'llama-65b', 'rtx-a6000', 1, 512)['fits']
fits_7b_full = estimate('full-finetune', 'full', 'llama-2-7b', 'a100-80gb', 1, 512)['fits']

if markdown:
    print('| case (seq 512, micro-batch 1) | published | llmplan | outside the range by | source |')
    print('|---|---|---|---:|---|')
    for r in rows:
        print(f"| {r['case']} | {r['low']:g}-{r['high']:g} GB | {r['gb']:.1f} GB | {r['off']:+.0%} | {r['source']} |")
    print()
    print(f'65B QLoRA fits one 48 GB RTX A6000: {"yes" if fits_65b else "no"}; '
          f'7B full fine-tune fits one 80 GB A100: {"yes" if fits_7b_full else "no"}.')
    sys.exit(0)

checks = [(f"{r['case']}: {r['gb']:.1f} GB against {r['low']:g}-{r['high']:g} GB (+/-{TOLERANCE:.0%})", r['ok']) for r in rows]
checks += [('65B QLoRA fits one 48 GB GPU', fits_65b), ('7B full fine-tune does not fit one 80 GB GPU', not fits_7b_full)]
for name, ok in checks:
    print(('ok: ' if ok else 'FAILED: ') + name)
failed = sum(not ok for _, ok in checks)
print(f'{len(checks) - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
