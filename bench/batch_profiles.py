"""The profiles of a generated batch, shared by bench/bench.py and tests/batch_check.py: block-style
profiles that vary every input the rules read (needs, examples, domain text, overlap, budgets,
risk, volume, expertise, owned GPUs), so that a batch is not one profile repeated."""


def profile(i, named=True):
    """Profile number i of a batch, as YAML text (with `name: batch-i` first when named)."""
    needs = [['format'], ['style'], ['knowledge'], ['skill'], ['language'], ['knowledge', 'style']]
    text = f'name: batch-{i}\n' if named else ''
    text += f"""task:
  type: {['chat', 'qa', 'classification', 'extraction'][i % 4]}
  needs: [{', '.join(needs[i % len(needs)])}]
data:
  labeled_examples: {(i * 37) % 60000}
  example_tokens: {200 + i % 800}
  domain_tokens: {(i * 7919) % 10**10}
  freshness: {['static', 'monthly', 'weekly'][i % 3]}
domain:
  overlap: {['high', 'medium', 'low', 'none', '40%'][i % 5]}
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
"""
    if i % 4 == 0:
        text += 'hardware:\n  gpu: a100-80gb\n  count: 2\n'
    return text
