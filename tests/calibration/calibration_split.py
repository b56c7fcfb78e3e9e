"""The calibration record and its split, fixed before any error was computed.

tests/calibration/runs.csv holds every published run, fine-tune and memory figure, one per row,
with its publication date and source. The rule: a row published before 2024-07-01 is in the fit
set (scripts/fit_cost_model.py fits the constants on it), a row published on or after that day is
held out (only ever used to measure the error). Rows left out of the record altogether, and why,
are listed in docs/calibration.md."""
import csv
import os

RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'runs.csv')
SPLIT_DATE = '2024-07-01'


def read_record():
    with open(RECORD, newline='') as f:
        return list(csv.DictReader(f))


def fit_rows(rows):
    return [r for r in rows if r['published'] < SPLIT_DATE]


def held_out_rows(rows):
    return [r for r in rows if r['published'] >= SPLIT_DATE]
