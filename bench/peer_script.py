#!/usr/bin/env python3
"""The afternoon-script peer of bench/bench.py (a benchmark yardstick, not part of llmplan).

What a team would write in an afternoon instead of llmplan: PyYAML's C loader reads the
multi-document batch and the rule files, the rules that read only profile facts (no cost model,
no plans, no messages, no defaults beyond the few derived facts) are compiled to Python
expressions, and one JSON line per profile gives each strategy's score and the top one.

    python3 bench/peer_script.py BATCH.yaml [RULES_DIR] > /dev/null
"""
import json
import re
import sys

import yaml

Loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
SUFFIX = {'k': 1e3, 'K': 1e3, 'M': 1e6, 'B': 1e9, 'T': 1e12}
OVERLAP = {'high': 0.8, 'medium': 0.5, 'low': 0.2, 'none': 0.0}
UPDATES = {'static': 0, 'yearly': 1, 'monthly': 12, 'weekly': 52, 'daily': 365}
EXPERTISE = {'none': 0, 'basic': 1, 'experienced': 2, 'expert': 3}
PROFILE_SECTIONS = ('task.', 'data.', 'domain.', 'budget.', 'risk.', 'usage.', 'constraints.', 'team.', 'hardware.', 'model.')


def number(v):
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().replace('_', '').replace('$', '').replace(',', '')
    if s.endswith('%'):
        return float(s[:-1]) / 100
    if s and s[-1] in SUFFIX:
        return float(s[:-1]) * SUFFIX[s[-1]]
    return float(s)


def compile_rule(text):
    """A condition of the rule language as a Python expression over the dict `f`."""
    paths = set(re.findall(r"\b[a-z_]+\.[a-z_]+\b", text))
    if not all(p.startswith(PROFILE_SECTIONS) for p in paths):
        return None  # reads cost, memory or plan facts: beyond the script
    expr = re.sub(r"\b([a-z_]+\.[a-z_]+)\b", r"f['\1']", text)
    expr = re.sub(r"\b(\d+(?:\.\d+)?)([kKMBT])\b", lambda m: repr(float(m.group(1)) * SUFFIX[m.group(2)]), expr)
    return compile(expr, '<rule>', 'eval')


def load_rules(directory):
    import glob
    strategies, rules = [], []
    for path in sorted(glob.glob(f'{directory}/*.yaml')):
        with open(path) as fh:
            doc = yaml.load(fh, Loader=Loader) or {}
        strategies += [s['id'] for s in doc.get('strategies', [])]
        for r in doc.get('rules', []):
            code = compile_rule(str(r['when']))
            if code is not None:
                effect = str(r.get('effect', 0))
                blocks = effect == 'block' or bool(r.get('blocks'))
                rules.append((set(r['strategies']), code, 0.0 if blocks else float(effect.replace('+', '')), blocks))
    return strategies, rules


def facts_of(p):
    f = {}
    for section, fields in p.items():
        if isinstance(fields, dict):
            for k, v in fields.items():
                f[f'{section}.{k}'] = v
    needs = f.get('task.needs', ['skill'])
    f['task.needs'] = needs if isinstance(needs, list) else [needs]
    for key in ('data.labeled_examples', 'data.domain_tokens', 'budget.one_time_usd', 'budget.monthly_usd',
                'usage.requests_per_month', 'data.example_tokens'):
        if key in f:
            f[key] = number(f[key])
    f.setdefault('data.domain_tokens', 0.0)
    f.setdefault('usage.requests_per_month', 1e4)
    overlap = f.get('domain.overlap', 'medium')
    f['domain.overlap'] = OVERLAP[overlap] if overlap in OVERLAP else number(overlap)
    f['data.updates_per_year'] = UPDATES.get(f.get('data.freshness', 'static'), 0)
    f['team.expertise_level'] = EXPERTISE.get(f.get('team.ml_expertise', 'basic'), 1)
    f['budget.has_monthly_limit'] = 'budget.monthly_usd' in f
    f['constraints.has_deadline'] = 'constraints.deadline_weeks' in f
    f['hardware.owned'] = 'hardware.gpu' in f
    f.setdefault('domain.regulated', False)
    f.setdefault('constraints.self_hosted', False)
    return f


def main():
    batch = sys.argv[1]
    strategies, rules = load_rules(sys.argv[2] if len(sys.argv) > 2 else 'rules')
    out = sys.stdout
    with open(batch) as fh:
        for p in yaml.load_all(fh, Loader=Loader):
            if not p:
                continue
            f = facts_of(p)
            scores, blocked = dict.fromkeys(strategies, 50.0), set()
            for applies, code, effect, blocks in rules:
                try:
                    fired = eval(code, {}, {'f': f})
                except (KeyError, TypeError):
                    fired = False
                if not fired:
                    continue
                for s in applies:
                    if blocks:
                        blocked.add(s)
                    elif s in scores:
                        scores[s] += effect
            feasible = [s for s in strategies if s not in blocked]
            top = max(feasible, key=lambda s: scores[s]) if feasible else None
            out.write(json.dumps({'name': p.get('name'), 'recommendation': top, 'scores': scores}) + '\n')


if __name__ == '__main__':
    main()
