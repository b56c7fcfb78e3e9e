#!/usr/bin/env python3
"""Fits the cost model's constants to the fit set of tests/calibration/runs.csv and writes them
into rules/cost-model.yaml (python3 standard library only; reproducible: same record, same
constants).

    scripts/fit_cost_model.py LLMPLAN [--check]

The split is fixed in advance by publication date (calibration_split.py): runs published before
2024-07-01 are the fit set, the rest are held out and never read here. With --check nothing is
written and the exit status says whether the YAML already holds what the fit gives.

What is fitted (docs/cost-model.md gives the formulas):
- pretraining utilization: ln U = curve_g(log10 N_active) - m ln(N / N_active)
  - c max(0, log2(G / G_ref)), one piecewise-linear curve per GPU generation (knots 1e8..1e12),
  a mixture-of-experts exponent m and a loss c per doubling of GPUs beyond G_ref (chosen from a
  grid); robust least squares (Huber) with a penalty on differences between neighbouring knots;
- fine-tune utilization: ln U = ln A_g + ln(t / (t + t_half)), where A_g is a level per GPU
  generation (the `-finetune` curves, flat in model size) and t the tokens one step computes;
  t_half from a grid, the levels by robust least squares;
- QLoRA's overhead per step: time ratio = 1 + k / t, k the median of (ratio - 1) t over paired
  QLoRA and LoRA runs (same source, model, GPU and batch);
- memory: QLoRA's dequantization buffers from the QLoRA memory figures, the allocator slack
  from the others;
- bands: the 5% and 95% quantiles of the fit set's log residuals.
"""
import csv
import datetime
import json
import math
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'calibration'))
from calibration_split import RECORD, fit_rows, read_record  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
COST_MODEL = os.path.join(ROOT, 'rules', 'cost-model.yaml')
KNOTS = [8.0, 9.0, 10.0, 11.0, 12.0]
SMOOTH_GRID = [0.25, 0.5, 1.0, 2.0, 4.0]  # penalty on neighbouring knots' difference, chosen by leave-one-out
HUBER = 0.25        # ln units beyond which a run's weight falls
REF_GRID = [64, 256, 1024, 2048]
STRUCTURES = ['separate', 'shared']  # how the generations' curves relate (see fit())
HALF_GRID = [round(32 * 2 ** (i / 4)) for i in range(33)]  # 32 .. 8192, four steps per doubling
BAND_Q = (0.05, 0.95)


def run_calibrate(exe, rows, rules=None):
    with tempfile.NamedTemporaryFile('w', suffix='.csv', delete=False, newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)
        path = f.name
    try:
        args = [exe, 'calibrate', path, '--format', 'json'] + (['--rules', rules] if rules else [])
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    return json.loads(out)['runs']


def solve(a, b):
    """Gaussian elimination with partial pivoting for a small dense system."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-12:
            m[col][col] = 1e-12
        for r in range(n):
            if r != col:
                k = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= k * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def weighted_lsq(x, y, w, penalty):
    """min sum w (y - x.beta)^2 + sum over penalty rows (p.beta)^2."""
    k = len(x[0])
    ata = [[0.0] * k for _ in range(k)]
    aty = [0.0] * k
    for xi, yi, wi in zip(x, y, w):
        for i in range(k):
            aty[i] += wi * xi[i] * yi
            for j in range(k):
                ata[i][j] += wi * xi[i] * xi[j]
    for p in penalty:
        for i in range(k):
            for j in range(k):
                ata[i][j] += p[i] * p[j]
    for i in range(k):
        ata[i][i] += 1e-6
    return solve(ata, aty)


def robust_lsq(x, y, penalty):
    w = [1.0] * len(y)
    beta = None
    for _ in range(20):
        beta = weighted_lsq(x, y, w, penalty)
        resid = [yi - sum(a * b for a, b in zip(xi, beta)) for xi, yi in zip(x, y)]
        w = [1.0 if abs(r) <= HUBER else HUBER / abs(r) for r in resid]
    return beta, resid


def hat(logn):
    """Weights of the knots for linear interpolation in log10(N), flat beyond the ends."""
    v = [0.0] * len(KNOTS)
    if logn <= KNOTS[0]:
        v[0] = 1.0
    elif logn >= KNOTS[-1]:
        v[-1] = 1.0
    else:
        for i in range(1, len(KNOTS)):
            if logn <= KNOTS[i]:
                t = (logn - KNOTS[i - 1]) / (KNOTS[i] - KNOTS[i - 1])
                v[i - 1], v[i] = 1 - t, t
                break
    return v


def quantile(values, q):
    v = sorted(values)
    pos = q * (len(v) - 1)
    lo = int(math.floor(pos))
    hi = min(len(v) - 1, lo + 1)
    return v[lo] + (pos - lo) * (v[hi] - v[lo])


def median(values):
    return quantile(values, 0.5)


def num(text):
    return float(text) if text else None


def fit(exe):
    rows = fit_rows(read_record())
    runs = run_calibrate(exe, rows)
    by_name = {r['name']: r for r in runs}
    out = {}

    # --- pretraining utilization ------------------------------------------------------------
    pre = [r for r in rows if r['strategy'] == 'pretrain' and r['gpu_hours']]
    curves = sorted({by_name[r['name']]['utilization']['curve_id'] for r in pre})
    data = []
    for r in pre:
        j = by_name[r['name']]
        u = j['compute_flops'] / (float(r['gpu_hours']) * 3600 * j['peak_tflops'] * 1e12)
        n = float(r['params'])
        na = float(r['active_params']) if r['active_params'] else n
        g = float(r['gpus']) if r['gpus'] else None
        data.append((j['utilization']['curve_id'], math.log10(na), math.log(n / na), g, math.log(u)))
    # Two structures for the curves, chosen by leave-one-out error with G_ref and the smoothing:
    # 'separate' fits each generation's knots on its own runs; 'shared' fits one shape over model
    # size on every run and one level per generation (the first generation's level is the shape),
    # so a generation with few runs borrows the shape from the others.
    base_curve = max(curves, key=lambda c: sum(1 for d in data if d[0] == c))
    others = [c for c in curves if c != base_curve]
    k = len(KNOTS)

    def width(structure):
        return (k * len(curves) if structure == 'separate' else k + len(others)) + 2

    def design(structure, ref, smooth):
        x, y = [], []
        for curve, logn, moe, g, lu in data:
            row = [0.0] * width(structure)
            if structure == 'separate':
                ci = curves.index(curve)
                for i, v in enumerate(hat(logn)):
                    row[ci * k + i] = v
            else:
                for i, v in enumerate(hat(logn)):
                    row[i] = v
                if curve != base_curve:
                    row[k + others.index(curve)] = 1.0
            row[-2] = -moe
            row[-1] = -max(0.0, math.log2(g / ref)) if g else 0.0
            x.append(row)
            y.append(lu)
        penalty = []
        for ci in range(len(curves) if structure == 'separate' else 1):
            for i in range(k - 1):
                p = [0.0] * width(structure)
                p[ci * k + i], p[ci * k + i + 1] = smooth, -smooth
                penalty.append(p)
        return x, y, penalty

    def knots_of(structure, beta):
        if structure == 'separate':
            return {c: [beta[ci * k + i] for i in range(k)] for ci, c in enumerate(curves)}
        return {c: [beta[i] + (beta[k + others.index(c)] if c != base_curve else 0.0) for i in range(k)] for c in curves}

    # The structure, the cluster reference and the smoothing are chosen by leave-one-out error on
    # the fit set.
    best = None
    for structure in STRUCTURES:
        for ref in REF_GRID:
            for smooth in SMOOTH_GRID:
                x, y, penalty = design(structure, ref, smooth)
                loo = []
                for i in range(len(y)):
                    beta_i, _ = robust_lsq(x[:i] + x[i + 1:], y[:i] + y[i + 1:], penalty)
                    loo.append(abs(y[i] - sum(a * b for a, b in zip(x[i], beta_i))))
                score = median(loo)
                if best is None or score < best[0] - 1e-12:
                    best = (score, structure, ref, smooth)
    _, structure, ref, smooth = best
    x, y, penalty = design(structure, ref, smooth)
    beta, resid = robust_lsq(x, y, penalty)
    out['smoothing'] = smooth
    out['structure'] = structure
    out['loo_median'] = best[0]
    out['curves'] = {c: [(10 ** KNOTS[i], min(0.9, math.exp(v))) for i, v in enumerate(knots)]
                     for c, knots in knots_of(structure, beta).items()}
    out['curve_runs'] = {c: sum(1 for d in data if d[0] == c) for c in curves}
    out['moe_utilization_exponent'] = max(0.0, beta[-2])
    out['scaling_efficiency_per_doubling'] = min(1.0, math.exp(-max(0.0, beta[-1])))
    out['scaling_reference_gpus'] = ref
    out['training_band'] = (math.exp(min(0.0, quantile(resid, BAND_Q[0]))), math.exp(max(0.0, quantile(resid, BAND_Q[1]))))
    out['pretrain_runs'] = len(pre)

    def curve_at(curve, logn):
        return sum(w * math.log(u) for w, (_, u) in zip(hat(logn), out['curves'][curve]))

    # --- QLoRA overhead from paired runs ---------------------------------------------------------
    ft = [r for r in rows if r['strategy'] in ('peft', 'full-finetune') and r['gpu_hours']]

    def hours_per_token(r):
        return float(r['gpu_hours']) / by_name[r['name']]['compute_flops']

    def step_tokens(r):
        """Tokens one micro-batch step computes, as the estimator counts them (estimate.cpp)."""
        seq = float(r['seq_len'])
        per_seq = seq if r['packing'] == 'packed' or not r['example_tokens'] else min(seq, float(r['example_tokens']))
        return float(r['micro_batch'] or 1) * per_seq

    # QLoRA's extra time is a per-step cost (dequantizing the 4-bit base, whatever the step's
    # tokens): ratio = 1 + k / t, so each pair gives k = (ratio - 1) t; the median is taken.
    ks = []
    for q in ft:
        if q['method'] != 'qlora':
            continue
        for lo in ft:
            if lo['method'] == 'lora' and all(lo[c] == q[c] for c in ('source', 'model', 'params', 'gpu', 'gpus', 'micro_batch')):
                ks.append((hours_per_token(q) / hours_per_token(lo) - 1) * step_tokens(q))
    out['qlora_overhead_tokens'] = max(0.0, median(ks)) if ks else None
    out['qlora_pairs'] = len(ks)

    # --- fine-tune utilization -----------------------------------------------------------------
    # A fine-tune runs on one node: its level is its own per GPU generation (the `-finetune`
    # curves), not the end-to-end pretraining curve, and flat in model size (the fit set's
    # one-node runs show no trend from 1B to 30B parameters). ln(U x slowdown) = ln A_g +
    # ln(t / (t + t_half)): t_half from a grid, each A_g by robust least squares. The LoRA factor
    # stays at 1: the fit set's LoRA runs are all short padded steps and its full-weight runs mostly
    # long packed ones, so a LoRA factor could not be told apart from t_half.
    fdata = []
    for r in ft:
        j = by_name[r['name']]
        u = j['compute_flops'] / (float(r['gpu_hours']) * 3600 * j['peak_tflops'] * 1e12)
        t = step_tokens(r)
        if r['method'] == 'qlora':
            u *= 1 + (out['qlora_overhead_tokens'] or 0.0) / t
        fdata.append((j['utilization']['curve_id'], math.log(u), t))
    gens = sorted({g for g, _, _ in fdata})
    bestf = None
    for half in HALF_GRID:
        x = [[1.0 if g == h else 0.0 for h in gens] for g, _, _ in fdata]
        y = [lu - math.log(t / (t + half)) for _, lu, t in fdata]
        beta, resid = robust_lsq(x, y, [])
        score = sum(min(r * r, HUBER * HUBER) for r in resid)
        if bestf is None or score < bestf[0]:
            bestf = (score, half, beta, resid)
    _, half, beta, fresid = bestf
    out['finetune_tokens_half'] = half
    out['finetune_levels'] = {g: min(0.9, math.exp(b)) for g, b in zip(gens, beta)}
    out['finetune_level_runs'] = {g: sum(1 for d in fdata if d[0] == g) for g in gens}
    out['finetune_long_steps'] = sum(1 for _, _, t in fdata if t >= 2048)
    out['finetune_band'] = (math.exp(min(0.0, quantile(fresid, BAND_Q[0]))), math.exp(max(0.0, quantile(fresid, BAND_Q[1]))))
    out['finetune_runs'] = len(ft)
    return out, rows


_MODEL_PARAMS = {}


def model_params(exe, model):
    if not _MODEL_PARAMS:
        for m in json.loads(subprocess.run([exe, 'models', '--format', 'json'], capture_output=True, text=True,
                                           check=True).stdout)['models']:
            _MODEL_PARAMS[m['id']] = m['active_params']
    return _MODEL_PARAMS[model]


def fit_memory(exe, rows):
    """The allocator slack from the figures without QLoRA, then QLoRA's dequantization buffers
    from the QLoRA figures. The estimate is (held + buffers) x (1 + slack) + context; each figure
    is solved for the part it pins down, and the median is taken."""
    # Figures of allocated tensors (memory_measure = allocated) hold no CUDA context and no
    # allocator slack, so only figures of what the GPU held can fit the slack.
    mem = [r for r in rows if r['peak_memory_gib'] and r.get('memory_measure', '') != 'allocated']
    runs = {r['name']: r for r in run_calibrate(exe, rows)}
    slacks, ks = [], []
    for r in mem:
        p = runs[r['name']]['memory_parts']
        held = p['total'] - p['cuda_context'] - p['allocator_slack'] - p['qlora_buffers']
        measured = float(r['peak_memory_gib']) - p['cuda_context']
        if r['method'] != 'qlora':
            slacks.append(measured / held - 1)
    slack = max(0.0, median(slacks)) if slacks else None
    for r in mem:
        p = runs[r['name']]['memory_parts']
        if r['method'] != 'qlora' or p['qlora_buffers'] <= 0:
            continue
        held = p['total'] - p['cuda_context'] - p['allocator_slack'] - p['qlora_buffers']
        matrix = p['qlora_buffers'] / CURRENT_DEQUANT[0]
        ks.append(((float(r['peak_memory_gib']) - p['cuda_context']) / (1 + (slack or 0)) - held) / matrix)
    k = max(0.0, median(ks)) if ks else None
    return slack, len(slacks), k, len(ks)


CURRENT_DEQUANT = [2.0]


def replace_constant(text, name, value=None, band=None, why=None, source=None, date=None):
    start = text.index(f'\n  {name}:\n') + 1
    end = start + 1
    lines = text[start:].split('\n')
    count = 1
    while count < len(lines) and lines[count].startswith('    '):
        count += 1
    block = lines[:count]
    new = [block[0]]
    for line in block[1:]:
        key = line.strip().split(':', 1)[0]
        if key in ('value', 'low', 'expected', 'high'):
            continue
        if key == 'unit':
            if band is not None:
                new += [f'    low: {band[0]:.3g}', '    expected: 1.0', f'    high: {band[1]:.3g}']
            else:
                new.append(f'    value: {value:.4g}')
        if key == 'why' and why:
            line = f'    why: "{why}"'
        if key == 'source' and source:
            line = f'    source: "{source}"'
        if key == 'date' and date:
            line = f'    date: {date}'
        new.append(line)
    del end
    return text[:start] + '\n'.join(new + lines[count:])


def replace_curve(text, curve, points, source, date, why):
    pts = ', '.join(f'[{n:.1e}, {u:.3f}]' for n, u in points)
    pattern = re.compile(rf'(  - id: {curve}\n)    points: \[.*?\]\n    why: >-\n(?:      .*\n)+    source: .*\n    date: .*\n')
    repl = f'  - id: {curve}\n    points: [{pts}]\n    why: >-\n      {why}\n    source: "{source}"\n    date: {date}\n'
    new, n = pattern.subn(lambda _: repl, text)
    if n != 1:
        sys.exit(f'curve {curve} not found in {COST_MODEL}')
    return new


def main():
    exe = sys.argv[1]
    check = '--check' in sys.argv[2:]
    date = os.environ.get('FIT_DATE', '2026-11-25')
    out, rows = fit(exe)
    n_fit = len(rows)
    src = f'fit by scripts/fit_cost_model.py on {{}} runs of tests/calibration/runs.csv published before 2024-07-01, {date}'
    with open(COST_MODEL) as f:
        text = f.read()
    original = text
    pre_src = src.format(out['pretrain_runs'])
    for curve, points in out['curves'].items():
        text = replace_curve(text, curve, points, pre_src, date,
                             f'utilization of the dense 16-bit peak by active parameters, fitted with the MoE and cluster terms to '
                             f'{out["curve_runs"][curve]} pretraining runs on this generation (knots every decade, robust least squares)')
    text = replace_constant(text, 'moe_utilization_exponent', out['moe_utilization_exponent'],
                            why='sparse models reach less of the peak: utilization x (total / active)^-m', source=pre_src, date=date)
    text = replace_constant(text, 'scaling_efficiency_per_doubling', out['scaling_efficiency_per_doubling'],
                            why='throughput kept per doubling of GPUs beyond scaling_reference_gpus', source=pre_src, date=date)
    text = replace_constant(text, 'scaling_reference_gpus', out['scaling_reference_gpus'],
                            why='cluster size beyond which each doubling loses throughput (chosen from 64, 256, 1024, 2048 by the fit)',
                            source=pre_src, date=date)
    text = replace_constant(text, 'training_utilization_band', band=out['training_band'],
                            why='5% and 95% quantiles of the fit runs\' log residuals', source=pre_src, date=date)
    ft_src = src.format(out['finetune_runs'])
    for gen, level in out['finetune_levels'].items():
        text = replace_curve(text, f'{gen}-finetune', [(10 ** k, level) for k in KNOTS], ft_src, date,
                             f'fine-tune utilization of the dense 16-bit peak on this generation (one node), flat in model size; fitted with '
                             f'finetune_tokens_half to {out["finetune_level_runs"][gen]} fine-tune runs on this generation '
                             f'({out["finetune_long_steps"]} fit runs in all compute 2,048 tokens a step or more)')
    text = replace_constant(text, 'finetune_utilization_factor', 1.0,
                            why='a multiple of the -finetune curves, held at 1: the curves carry the fitted level (llmplan calibrate --fit scales this one to a team\'s runs)',
                            source=ft_src, date=date)
    text = replace_constant(text, 'finetune_tokens_half', out['finetune_tokens_half'],
                            why='utilization grows as t / (t + this) with the tokens t of one micro-batch step (short padded sequences make small matrix products)',
                            source=ft_src, date=date)
    text = replace_constant(text, 'lora_utilization_factor', 1.0,
                            why='not fitted: the fit set\'s LoRA runs are all short padded steps and its full-weight runs mostly long packed ones, so a LoRA factor cannot be told apart from finetune_tokens_half',
                            source=ft_src, date=date)
    text = replace_constant(text, 'finetune_utilization_band', band=out['finetune_band'],
                            why='5% and 95% quantiles of the fit runs\' log residuals', source=ft_src, date=date)
    if out['qlora_overhead_tokens'] is not None:
        text = replace_constant(text, 'qlora_overhead_tokens', out['qlora_overhead_tokens'],
                                why=f'QLoRA takes 1 + this / (tokens per step) times LoRA\'s time: dequantizing the 4-bit base costs the same each step however many tokens it computes; median of (time ratio - 1) x step tokens of {out["qlora_pairs"]} paired QLoRA and LoRA runs (same source, model, GPU and batch)',
                                source=src.format(out['qlora_pairs'] * 2), date=date)
    # Memory, from the figures of the fit set.
    m = re.search(r'\n  qlora_dequant_matrices:\n    value: ([0-9.eE+-]+)', original)
    CURRENT_DEQUANT[0] = float(m.group(1))
    slack, n_slack, k, n_k = fit_memory(exe, rows)
    if slack is not None:
        text = replace_constant(text, 'allocator_slack_fraction', slack,
                                why=f'median share by which {n_slack} measured peaks (without QLoRA) exceed the tensors the model holds: allocator fragmentation and reserved blocks',
                                source=src.format(n_slack), date=date)
    # QLoRA's buffers are not fitted: the LitGPT QLoRA peaks exceed the model by an amount that
    # does not grow with the hidden x FFN matrix (fitting it gives tens of matrices, which breaks
    # 70B-405B models); the sourced 2 matrices stay. See docs/calibration.md.
    if False and k is not None:
        text = replace_constant(text, 'qlora_dequant_matrices', k,
                                why=f'median number of 16-bit hidden x FFN matrices that {n_k} QLoRA peaks hold beyond the rest (dequantization buffers)',
                                source=src.format(n_k), date=date)
    for name in ('packed_utilization_factor', 'padded_utilization_factor'):
        text = replace_constant(text, name, 1.0,
                                why='not fitted: fewer than 3 fit-set runs on each side; packing acts through the tokens per step (finetune_tokens_half)',
                                source=ft_src, date=date)
    del n_fit
    if check:
        if text != original:
            print('rules/cost-model.yaml differs from what the fit gives; run scripts/fit_cost_model.py')
            sys.exit(1)
        print('rules/cost-model.yaml holds the fitted constants')
        return
    with open(COST_MODEL, 'w') as f:
        f.write(text)
    print(json.dumps({k: v for k, v in out.items()}, indent=1, default=str))


if __name__ == '__main__':
    main()
