#!/usr/bin/env python3
"""Benchmark of llmplan (not a test): times one `advise` end to end against a program that only
starts, reads the profile with yaml-cpp and prints it as JSON, and the throughput of a batch.

    python3 bench/bench.py [BUILD_DIR] [--runs N] [--batch N]

Build first: cmake --preset release && cmake --build --preset release. Prints a Markdown table
for docs/performance.md."""
import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument('build', nargs='?', default='build/release')
parser.add_argument('--runs', type=int, default=200)
parser.add_argument('--batch', type=int, default=10000)
args = parser.parse_args()

llmplan = os.path.join(args.build, 'llmplan')
baseline = os.path.join(args.build, 'llmplan_baseline')
profile = 'examples/shakespeare-voice.yaml'


def time_command(cmd, runs):
    samples = []
    for _ in range(5):  # warm the page cache
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), statistics.mean(samples)


def make_batch(directory, count):
    """Profiles that vary every input the rules read, so the batch is not one profile repeated."""
    needs = [['format'], ['style'], ['knowledge'], ['skill'], ['language'], ['knowledge', 'style']]
    overlap = ['high', 'medium', 'low', 'none', '40%']
    path = os.path.join(directory, 'batch.yaml')
    with open(path, 'w') as f:
        for i in range(count):
            f.write(f"""---
name: batch-{i}
task:
  type: {['chat', 'qa', 'classification', 'extraction'][i % 4]}
  needs: [{', '.join(needs[i % len(needs)])}]
data:
  labeled_examples: {(i * 37) % 60000}
  example_tokens: {200 + i % 800}
  domain_tokens: {(i * 7919) % 10**10}
  freshness: {['static', 'monthly', 'weekly'][i % 3]}
domain:
  overlap: {overlap[i % len(overlap)]}
  regulated: {str(i % 3 == 0).lower()}
budget:
  one_time_usd: {1000 + (i * 131) % 10**6}
  monthly_usd: {100 + i % 5000}
risk:
  tolerance: {['low', 'medium', 'high'][i % 3]}
usage:
  requests_per_month: {1000 + (i * 9973) % 10**7}
team:
  ml_expertise: {['none', 'basic', 'experienced', 'expert'][i % 4]}
""")
            if i % 4 == 0:
                f.write('hardware:\n  gpu: a100-80gb\n  count: 2\n')
    return path


single_median, single_mean = time_command([llmplan, 'advise', profile, '--format', 'json'], args.runs)
base_median, base_mean = time_command([baseline, profile], args.runs)
# What the plan search costs: the same advise with every candidate model and API priced, against
# one with the model and the API pinned (one candidate per strategy), and `validate` (loading the
# rule set and the profile, no advice).
pinned = [llmplan, 'advise', profile, '--format', 'json', '--set', 'model.name=llama-3.1-8b', '--set', 'model.api=gpt-4o-mini']
pinned_median, _ = time_command(pinned, args.runs)
validate_median, _ = time_command([llmplan, 'validate', profile], args.runs)

with tempfile.TemporaryDirectory() as tmp:
    batch = make_batch(tmp, args.batch)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([llmplan, 'advise', batch, '--format', 'jsonl'], stdout=subprocess.DEVNULL, check=True)
        timings.append(time.perf_counter() - start)
    batch_seconds = min(timings)

print(f'Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}')
print()
print('| measurement | figure |')
print('|---|---|')
print(f'| one `advise` (median of {args.runs}) | {single_median * 1000:.2f} ms |')
print(f'| baseline: read YAML, print JSON (median of {args.runs}) | {base_median * 1000:.2f} ms |')
print(f'| ratio (target: at most 3x) | {single_median / base_median:.2f}x |')
print(f'| one `advise` with model and API pinned: no plan search (median of {args.runs}) | {pinned_median * 1000:.2f} ms |')
print(f'| `validate` only: rule set and profile, no advice (median of {args.runs}) | {validate_median * 1000:.2f} ms |')
print(f'| the plan search (advise - pinned advise) | {(single_median - pinned_median) * 1000:.2f} ms |')
print(f'| batch of {args.batch} profiles, jsonl (best of 3) | {batch_seconds:.2f} s |')
print(f'| profiles per second (target: at least 5,000) | {args.batch / batch_seconds:,.0f} |')
