#!/usr/bin/env python3
"""advise --format html: one self-contained file whose every chart has marks, rendered without
console errors by headless Chromium (Debian's `chromium` package). Without Chromium the static
checks still run and the browser checks are skipped with a message.

    html_check.py LLMPLAN [SCREENSHOT.png]"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

exe = sys.argv[1]
screenshot = sys.argv[2] if len(sys.argv) > 2 else None
failures = []


def check(name, cond, detail=''):
    if not cond:
        failures.append(f'{name}: {detail}')


def svg_marks(html):
    """For each <svg class="chart">: how many bars, marks and lines it draws."""
    counts = []
    for svg in re.findall(r'<svg class="chart".*?</svg>', html, re.S):
        root = ET.fromstring(svg)  # also checks the SVG is well-formed XML
        counts.append(sum(1 for e in root.iter() if e.tag in ('rect', 'polyline', 'line', 'path', 'circle')))
    return counts


with tempfile.TemporaryDirectory() as tmp:
    for example in ('examples/shakespeare-voice.yaml', 'examples/internal-code-assistant.yaml', 'examples/helpdesk-bot.yaml'):
        out = os.path.join(tmp, os.path.basename(example) + '.html')
        p = subprocess.run([exe, 'advise', example, '--format', 'html', '-o', out], capture_output=True, text=True, timeout=60)
        check(f'{example}: exit 0', p.returncode == 0, p.stderr)
        html = open(out, encoding='utf-8').read()
        check(f'{example}: one document', html.startswith('<!DOCTYPE html>') and html.rstrip().endswith('</html>'))
        check(f'{example}: no script', '<script' not in html.lower())
        check(f'{example}: no network', not re.search(r'(src|href)\s*=\s*["\']?(https?:)?//', html, re.I) and
              '@import' not in html and 'url(' not in html, 'external reference')
        check(f'{example}: a print style', '@media print' in html)
        check(f'{example}: the recommendation', 'Recommendation:' in html)
        marks = svg_marks(html)
        check(f'{example}: charts', len(marks) >= 2, marks)
        check(f'{example}: every chart has marks', all(m > 0 for m in marks), marks)
        check(f'{example}: reasons with sources', '<th>source</th>' in html)
        check(f'{example}: assumptions', 'Assumptions' in html)
    # A rule file from anyone: its message and source reach the report inert (no raw control or
    # bidirectional character, no line of its text, no markup).
    hostile = os.path.join(tmp, 'hostile.html')
    p = subprocess.run([exe, 'advise', 'examples/brand-copywriter.yaml', '--rules', 'tests/data/escape/rule-text.yaml',
                        '--format', 'html', '-o', hostile], capture_output=True, text=True, timeout=60)
    check('hostile rule text: exit 0', p.returncode == 0, p.stderr)
    html = open(hostile, encoding='utf-8').read()
    check('hostile rule text: shown', 'escape-check-rule' in html)
    check('hostile rule text: no raw control or bidi',
          not re.search('[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]', html))
    check('hostile rule text: no line of its own', not re.search(r'^::', html, re.M))
    check('hostile rule text: no markup', '<script' not in html.lower() and '<!-- hidden' not in html)
    page = os.path.join(tmp, 'shakespeare-voice.yaml.html')
    browser = shutil.which('chromium') or shutil.which('chromium-browser')
    if browser is None:
        print('skipped: browser checks (no chromium; `apt-get install chromium` runs them)')
    else:
        flags = ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0',
                 f'--user-data-dir={tmp}/profile']
        p = subprocess.run([browser, *flags, '--dump-dom', 'file://' + page], capture_output=True, text=True, timeout=120)
        check('chromium renders the page', p.returncode == 0 and '<svg' in p.stdout, p.stderr[-500:])
        console = [line for line in p.stderr.splitlines() if 'CONSOLE' in line or 'Refused' in line]
        check('no console errors', not console, console[:5])
        dom_marks = [len(re.findall(r'<(rect|polyline|line)\b', svg)) for svg in
                     re.findall(r'<svg class="chart".*?</svg>', p.stdout, re.S)]
        check('every rendered chart has marks', dom_marks and all(m > 0 for m in dom_marks), dom_marks)
        if screenshot:
            subprocess.run([browser, *flags, f'--screenshot={os.path.abspath(screenshot)}', '--window-size=1000,2400',
                            'file://' + page], capture_output=True, timeout=120)
            check('screenshot written', os.path.exists(screenshot))

for f in failures:
    print('FAILED:', f)
print('html checks:', 'ok' if not failures else f'{len(failures)} failed')
sys.exit(1 if failures else 0)
