#!/usr/bin/env python3
"""`llmplan calibrate --fit -o FILE` lowers the error on the runs it is given, writes a rule-set
file that `--rules` loads, and leaves the built-in constants untouched.

    check_fit.py LLMPLAN"""
import json
import os
import subprocess
import sys
import tempfile

exe = sys.argv[1]
runs = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'calibrate', 'team-runs.csv')


def calibrate(*extra):
    out = subprocess.run([exe, 'calibrate', runs, '--format', 'json', *extra], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


failed = 0


def check(name, ok):
    global failed
    failed += not ok
    print(('ok: ' if ok else 'FAILED: ') + name)


before = calibrate()
with tempfile.TemporaryDirectory() as tmp:
    fitted = os.path.join(tmp, 'fitted.yaml')
    env = dict(os.environ, SOURCE_DATE_EPOCH='1764028800')
    proc = subprocess.run([exe, 'calibrate', runs, '--fit', '-o', fitted, '--format', 'json'], capture_output=True,
                          text=True, env=env)
    check('--fit exits 0', proc.returncode == 0)
    report = json.loads(proc.stdout)
    after = calibrate('--rules', fitted)
    text = open(fitted).read()
check('the fit lowers the GPU-hours error on its runs',
      after['gpu_hours']['median_abs_ln_error'] < before['gpu_hours']['median_abs_ln_error'])
check('the fit does not raise the memory error on its runs',
      after['memory']['median_abs_ln_error'] <= before['memory']['median_abs_ln_error'] + 1e-9)
check('the report after the fit is what --rules FILE gives',
      abs(report['gpu_hours']['median_abs_ln_error'] - after['gpu_hours']['median_abs_ln_error']) < 1e-3)
check('every fitted constant names its source and date', 'fit by llmplan calibrate on' in text and 'date: 2025-11-25' in text)
check('the built-in constants are untouched', calibrate() == before)
print(f"GPU-hours median abs ln error {before['gpu_hours']['median_abs_ln_error']} -> "
      f"{after['gpu_hours']['median_abs_ln_error']}; memory {before['memory']['median_abs_ln_error']} -> "
      f"{after['memory']['median_abs_ln_error']}")
sys.exit(1 if failed else 0)
