#!/usr/bin/env python3
"""Benchmark of llmplan (not a test): times one `advise` end to end against a program that only
starts, reads the profile with yaml-cpp and prints it as JSON, and the throughput of a batch.

    python3 bench/bench.py [BUILD_DIR] [--runs N] [--batch N]

Build first: cmake --preset release && cmake --build --preset release. Prints a Markdown table
for docs/performance.md.

Two floors for one advise: `llmplan_baseline`, linked dynamically (libstdc++, yaml-cpp), the
issue's floor as it always was; and `llmplan_baseline_static`, the same program linked statically
as the release preset links llmplan (LLMPLAN_STATIC_BINARY), built only in such a build. The
advise and the floors are timed in turns, run by run, so that all see the same load."""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import batch_profiles  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument('build', nargs='?', default='build/release')
parser.add_argument('--runs', type=int, default=200)
parser.add_argument('--batch', type=int, default=10000)
parser.add_argument('--memory-batches', type=int, nargs='*', default=[10000, 50000],
                    help='batch sizes whose peak memory (RSS) and first output line are measured (one run each)')
args = parser.parse_args()

llmplan = os.path.join(args.build, 'llmplan')
baseline = os.path.join(args.build, 'llmplan_baseline')
baseline_static = os.path.join(args.build, 'llmplan_baseline_static')
profile = 'examples/shakespeare-voice.yaml'


def linked_dynamically(path):
    """True when the ELF executable names a dynamic loader (a PT_INTERP program header)."""
    with open(path, 'rb') as f:
        elf = f.read(64)
        if elf[:4] != b'\x7fELF' or elf[4] != 2:  # 64-bit ELF only
            return None
        phoff = int.from_bytes(elf[0x20:0x28], 'little')
        entsize = int.from_bytes(elf[0x36:0x38], 'little')
        count = int.from_bytes(elf[0x38:0x3a], 'little')
        for i in range(count):
            f.seek(phoff + i * entsize)
            if int.from_bytes(f.read(4), 'little') == 3:  # PT_INTERP
                return True
    return False


def linking(path):
    dynamic = linked_dynamically(path)
    return 'dynamic' if dynamic else 'static' if dynamic is False else 'unknown'


def time_command(cmd, runs):
    samples = []
    for _ in range(5):  # warm the page cache
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), statistics.mean(samples)


def time_in_turns(cmds, runs):
    """Median wall time of each command, the commands run in turns (one run of each, N times)."""
    samples = [[] for _ in cmds]
    for _ in range(5):  # warm the page cache
        for cmd in cmds:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    for _ in range(runs):
        for cmd, out in zip(cmds, samples):
            start = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
            out.append(time.perf_counter() - start)
    return [statistics.median(x) for x in samples]


PINS = 'model:\n  name: llama-3.1-8b\n  api: gpt-4o-mini\n'


def make_batch(directory, count, pinned=False):
    """A multi-document file of `count` generated profiles (bench/batch_profiles.py); `pinned`
    adds the model and the API to each, so that every strategy prices one candidate."""
    path = os.path.join(directory, 'batch-pinned.yaml' if pinned else 'batch.yaml')
    with open(path, 'w') as f:
        for i in range(count):
            f.write('---\n' + batch_profiles.profile(i) + (PINS if pinned else ''))
    return path


floors = [[baseline, profile]]
if os.path.exists(baseline_static):
    floors.append([baseline_static, profile])
single_median, base_median, *static_median = time_in_turns([[llmplan, 'advise', profile, '--format', 'json']] + floors,
                                                           args.runs)
# What the plan search costs: the same advise with every candidate model and API priced, against
# one with the model and the API pinned (one candidate per strategy), and `validate` (loading the
# rule set and the profile, no advice).
# The pins are written into a copy of the profile: `--set` would also advise the file's own
# profile, to show the what-if against it, and so time two advises.
pinned_dir = tempfile.mkdtemp()
pinned_profile = os.path.join(pinned_dir, 'pinned.yaml')
with open(profile) as src, open(pinned_profile, 'w') as dst:
    dst.write(src.read() + '\n' + PINS)
pinned = [llmplan, 'advise', pinned_profile, '--format', 'json']
pinned_median, _ = time_command(pinned, args.runs)
validate_median, _ = time_command([llmplan, 'validate', profile], args.runs)
what_runs = max(5, args.runs // 10)
explain_median, _ = time_command([llmplan, 'advise', profile, '--explain', '--format', 'json'], what_runs)
sweep_median, _ = time_command([llmplan, 'sweep', profile, 'usage.requests_per_month=1k..100M', '--log', '--steps', '1000',
                                '--format', 'json'], what_runs)
sampling_median, _ = time_command([llmplan, 'advise', profile, '--uncertainty', '--samples', '10000', '--format', 'json'],
                                  what_runs)
ranged = 'tests/data/whatif/ranged-classifier.yaml'  # three fields given as ranges, re-priced per sample
ranged_median, _ = time_command([llmplan, 'advise', ranged, '--samples', '10000', '--format', 'json'], what_runs)


def best_of_3(cmd):
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        timings.append(time.perf_counter() - start)
    return min(timings)


def first_line_and_peak(cmd):
    """One run read through a pipe: seconds to the first output line, to the end, and the peak
    resident memory of the process (what `/usr/bin/time -v` reports as its maximum RSS)."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    process.stdout.readline()
    first = time.perf_counter() - start
    while process.stdout.read(1 << 20):
        pass
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise subprocess.CalledProcessError(os.waitstatus_to_exitcode(status), cmd)
    return first, time.perf_counter() - start, usage.ru_maxrss / 1024


memory = []  # (profiles, first line s, total s, peak MB)
with tempfile.TemporaryDirectory() as tmp:
    for size in args.memory_batches:
        sized = make_batch(tmp, size)
        memory.append((size, *first_line_and_peak([llmplan, 'advise', sized, '--format', 'jsonl'])))
        os.remove(sized)
    batch = make_batch(tmp, args.batch)
    batch_seconds = best_of_3([llmplan, 'advise', batch, '--format', 'jsonl'])
    yaml_seconds = best_of_3([baseline, '--parse-all', batch])
    # What the batch costs without the plan search, and how much it writes: the two parts of a
    # batch's time that the search does not explain.
    pinned_batch = make_batch(tmp, args.batch, pinned=True)
    pinned_batch_seconds = best_of_3([llmplan, 'advise', pinned_batch, '--format', 'jsonl'])
    line_bytes = len(subprocess.run([llmplan, 'advise', batch, '--format', 'jsonl'], stdout=subprocess.PIPE,
                                    check=True).stdout) / args.batch
    peer_seconds = best_of_3([sys.executable, os.path.join(os.path.dirname(__file__), 'peer_script.py'), batch, 'rules'])

print(f'Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}')
print()
print('| measurement | figure |')
print('|---|---|')
print(f'| one `advise` (median of {args.runs}; llmplan linked {linking(llmplan)}) | {single_median * 1000:.2f} ms |')
print(f'| baseline: read YAML, print JSON, linked {linking(baseline)}: the issue\'s floor (median of {args.runs}) | '
      f'{base_median * 1000:.2f} ms |')
print(f'| one `advise` over that floor (goal: at most 1.5x) | {single_median / base_median:.2f}x |')
if static_median:
    print(f'| the same baseline linked {linking(baseline_static)}, as llmplan is (median of {args.runs}) | '
          f'{static_median[0] * 1000:.2f} ms |')
    print(f'| one `advise` over the static floor | {single_median / static_median[0]:.2f}x |')
print(f'| one `advise` with model and API pinned: no plan search (median of {args.runs}) | {pinned_median * 1000:.2f} ms |')
print(f'| `validate` only: rule set and profile, no advice (median of {args.runs}) | {validate_median * 1000:.2f} ms |')
print(f'| the plan search (advise - pinned advise) | {(single_median - pinned_median) * 1000:.2f} ms |')
print(f'| batch of {args.batch} profiles, jsonl (best of 3) | {batch_seconds:.2f} s |')
print(f'| profiles per second (target: at least 5,000) | {args.batch / batch_seconds:,.0f} |')
print(f'| yaml-cpp alone parsing the batch (best of 3) | {yaml_seconds:.2f} s |')
print(f'| batch over yaml-cpp alone (goal: at most 0.75x) | {batch_seconds / yaml_seconds:.2f}x |')
print(f'| the same batch with model and API pinned: no plan search (best of 3) | {pinned_batch_seconds:.2f} s |')
print(f'| pinned batch over yaml-cpp alone | {pinned_batch_seconds / yaml_seconds:.2f}x |')
print(f'| JSONL written per profile (mean) | {line_bytes / 1000:.1f} KB |')
print(f'| afternoon script: Python, PyYAML C loader, profile-only rules (best of 3) | {peer_seconds:.2f} s |')
print(f'| batch over the script (goal: under 1x) | {batch_seconds / peer_seconds:.2f}x |')
for size, first, total, peak in memory:
    print(f'| batch of {size} profiles: peak memory (RSS; goal: at most 150 MB) | {peak:,.0f} MB |')
    print(f'| batch of {size} profiles: first output line, of the whole run | {first:.2f} s of {total:.2f} s '
          f'({100 * first / total:.0f}%) |')
print(f'| `--explain` (median of {what_runs}), in plain advises (goal: at most 5) | {explain_median * 1000:.1f} ms, '
      f'{explain_median / single_median:.1f} |')
print(f'| sweep of 1,000 points (median of {what_runs}), in plain advises (goal: at most 50) | {sweep_median * 1000:.1f} ms, '
      f'{sweep_median / single_median:.1f} |')
print(f'| `--uncertainty --samples 10000` (median of {what_runs}), in plain advises (goal: at most 100) | '
      f'{sampling_median * 1000:.1f} ms, {sampling_median / single_median:.1f} |')
print(f'| the same with three ranged fields ({ranged}), in plain advises | '
      f'{ranged_median * 1000:.1f} ms, {ranged_median / single_median:.1f} |')
