#!/usr/bin/env python3
"""Measure fine-tunes of catalog model shapes on one GPU: peak memory and tokens per second.

The models are randomly initialised with the shapes of rules/models.yaml (no weights are
downloaded; speed and memory do not depend on the values). Each configuration is built, trained
for a few steps on random token ids (every sequence full, as a packed dataset is) and measured:

  - peak memory: the caching allocator's peak reservation plus what the process holds outside it
    (CUDA context, cuBLAS workspaces), i.e. what nvidia-smi shows at the peak; the peak of
    allocated tensors is kept too;
  - tokens per second: the median of the timed steps (CUDA-synchronised wall clock);
  - fits: a configuration that runs out of memory is recorded as not fitting.

The grid is fixed here, before any measurement, and every configuration is kept whatever it shows.

    python3 measure_finetune.py OUT.jsonl [1|2|3|4|5]    # on the GPU machine (PyTorch, transformers, peft)
    python3 measure_finetune.py --rows OUT.jsonl   # anywhere: the rows for runs.csv

One micro-batch per optimizer step (no gradient accumulation), zero_grad(set_to_none=True),
AdamW as PyTorch ships it (foreach; grid 4: fused=True), SDPA attention (FlashAttention kernels), transformers'
own loss (logits upcast to 32 bits), no torch.compile.
"""
import csv
import gc
import json
import statistics
import sys
import time
import traceback

# Catalog shapes (rules/models.yaml); `tied`: the checkpoint ties input and output embeddings.
SHAPES = {
    'llama-3.2-1b': dict(arch='llama', layers=16, hidden=2048, ffn=8192, heads=32, kv_heads=8, vocab=128256, tied=True),
    'llama-3.2-3b': dict(arch='llama', layers=28, hidden=3072, ffn=8192, heads=24, kv_heads=8, vocab=128256, tied=True),
    'llama-3.1-8b': dict(arch='llama', layers=32, hidden=4096, ffn=14336, heads=32, kv_heads=8, vocab=128256, tied=False),
    'mistral-7b': dict(arch='llama', layers=32, hidden=4096, ffn=14336, heads=32, kv_heads=8, vocab=32000, tied=False),
    'qwen2.5-7b': dict(arch='qwen2', layers=28, hidden=3584, ffn=18944, heads=28, kv_heads=4, vocab=152064, tied=False),
    'qwen2.5-14b': dict(arch='qwen2', layers=48, hidden=5120, ffn=13824, heads=40, kv_heads=8, vocab=152064, tied=False),
}

ALL_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']
QV_TARGETS = ['q_proj', 'v_proj']

# (model, method, precision, checkpointing, seq_len, micro_batch, lora_targets), in rising memory.
GRID = [
    ('llama-3.2-1b', 'lora', 'bf16', False, 2048, 2, 'all'),
    ('llama-3.2-1b', 'full', 'bf16', False, 2048, 2, ''),
    ('llama-3.2-3b', 'lora', 'bf16', True, 2048, 2, 'all'),
    ('llama-3.2-3b', 'lora', 'bf16', False, 2048, 2, 'all'),
    ('llama-3.2-3b', 'full', 'bf16', True, 2048, 2, ''),
    ('llama-3.1-8b', 'lora', 'bf16', True, 2048, 2, 'all'),
    ('llama-3.1-8b', 'lora', 'bf16', False, 2048, 2, 'qv'),
    ('qwen2.5-7b', 'lora', 'bf16', True, 4096, 1, 'all'),
    ('mistral-7b', 'lora', 'bf16', True, 8192, 1, 'all'),
    ('llama-3.1-8b', 'full', 'bf16', True, 2048, 2, ''),
    ('qwen2.5-14b', 'lora', 'bf16', True, 2048, 2, 'all'),
    ('llama-3.2-1b', 'full', 'mixed', False, 4096, 8, ''),
    ('qwen2.5-14b', 'full', 'bf16', True, 2048, 2, ''),
    ('llama-3.1-8b', 'full', 'mixed', True, 2048, 2, ''),
    ('llama-3.1-8b', 'full', 'bf16', False, 4096, 4, ''),
]

# A second grid, written after the first had run (2026-11-26) to cover what it left out: larger
# micro-batches, mixed precision that fits, long sequences. Fixed before it ran, kept whole.
GRID_2 = [
    ('llama-3.2-1b', 'lora', 'bf16', True, 2048, 16, 'all'),
    ('llama-3.2-1b', 'full', 'mixed', False, 2048, 2, ''),
    ('llama-3.2-3b', 'lora', 'bf16', True, 8192, 2, 'all'),
    ('llama-3.1-8b', 'lora', 'bf16', False, 1024, 4, 'all'),
    ('llama-3.1-8b', 'lora', 'bf16', True, 2048, 8, 'all'),
    ('llama-3.1-8b', 'lora', 'bf16', True, 16384, 1, 'all'),
    ('llama-3.2-1b', 'full', 'bf16', True, 8192, 4, ''),
    ('qwen2.5-14b', 'lora', 'bf16', True, 4096, 4, 'qv'),
    ('llama-3.2-3b', 'full', 'mixed', True, 2048, 2, ''),
    ('qwen2.5-7b', 'full', 'bf16', True, 4096, 1, ''),
    ('mistral-7b', 'full', 'bf16', True, 2048, 4, ''),
]
# The LoRA configurations of both grids again with autocast on (precision mixed), as the Hugging
# Face Trainer runs them with bf16=True. Without autocast (grids 1 and 2, precision bf16 on a
# 16-bit base), PEFT's 32-bit adapters cast each adapted layer's input to 32 bits and keep that
# copy: those rows carry fp32_adapter_inputs = yes (a field since 2026-11-26, sixth session; they
# were left out of the record before it).
GRID_3 = [(m, 'lora', 'mixed', ck, s, b, t) for (m, method, _, ck, s, b, t) in GRID + GRID_2 if method == 'lora']
# The fused AdamW step (fused=True) against PyTorch's default (foreach), whose step holds a
# temporary the size of one moment: full fine-tunes with checkpointing, where the step is the peak.
GRID_4 = [
    ('llama-3.2-3b', 'full', 'bf16', True, 2048, 2, '', 'fused'),
    ('llama-3.1-8b', 'full', 'bf16', True, 2048, 2, '', 'fused'),
    ('llama-3.2-3b', 'full', 'mixed', True, 2048, 2, '', 'fused'),
    ('qwen2.5-7b', 'full', 'bf16', True, 4096, 1, '', 'fused'),
]
# What one layer keeps without recomputation, to be run by the next session that has a GPU. Since
# 2026-11-26 (later) the estimator counts what Hugging Face's Llama layer saves, read from its code
# (docs/cost-model.md, Activations): 20 h + 4 h_kv + 8 FFN bytes per token when every weight trains
# in 16 bits, 30 h + 4 h_kv + 8 FFN under autocast with 32-bit weights, 16 h + 4 h_kv + 8 FFN with
# LoRA on every linear, 14 h + 4 h_kv + 6 FFN with LoRA on q and v. These runs measure it: pairs
# that differ only in tokens give the growth per token; Mistral's 32,000-entry vocabulary keeps the
# logits small.
GRID_5 = [
    ('mistral-7b', 'lora', 'mixed', False, 1024, 2, 'all'),
    ('mistral-7b', 'lora', 'mixed', False, 4096, 2, 'all'),
    ('mistral-7b', 'lora', 'mixed', False, 4096, 2, 'qv'),
    ('llama-3.2-1b', 'full', 'bf16', False, 1024, 2, ''),
    ('llama-3.2-1b', 'full', 'bf16', False, 4096, 2, ''),
    ('llama-3.2-1b', 'full', 'mixed', False, 1024, 2, ''),
    ('llama-3.2-1b', 'full', 'mixed', False, 4096, 2, ''),
]
GRIDS = {'1': GRID, '2': GRID_2, '3': GRID_3, '4': GRID_4, '5': GRID_5}

WARMUP_STEPS = 2
TIMED_STEPS = 5
TIME_BUDGET_S = 420  # stop starting new configurations after this, so the results come back
GIB = 1024.0**3


def build_model(torch, name, precision, lora):
    import transformers
    s = SHAPES[name]
    common = dict(vocab_size=s['vocab'], hidden_size=s['hidden'], intermediate_size=s['ffn'],
                  num_hidden_layers=s['layers'], num_attention_heads=s['heads'], num_key_value_heads=s['kv_heads'],
                  tie_word_embeddings=s['tied'], max_position_embeddings=32768, use_cache=False)
    config = (transformers.Qwen2Config if s['arch'] == 'qwen2' else transformers.LlamaConfig)(**common)
    # mixed: 32-bit trained weights under bf16 autocast. A LoRA base stays 16-bit (frozen); PEFT
    # makes the adapters 32-bit.
    dtype = torch.float32 if precision == 'mixed' and not lora else torch.bfloat16
    with torch.device('cuda'):
        try:
            model = transformers.AutoModelForCausalLM.from_config(config, dtype=dtype, attn_implementation='sdpa')
        except TypeError:
            model = transformers.AutoModelForCausalLM.from_config(config, torch_dtype=dtype, attn_implementation='sdpa')
    model = model.to(device='cuda', dtype=dtype)
    model.config.use_cache = False
    return model


def measure(torch, cfg):
    name, method, precision, checkpointing, seq_len, micro_batch, targets = cfg[:7]
    fused = len(cfg) > 7 and cfg[7] == 'fused'
    rec = dict(model=name, method=method, precision=precision, checkpointing=checkpointing, seq_len=seq_len,
               micro_batch=micro_batch, lora_targets=targets, lora_rank=16 if method == 'lora' else 0,
               optimizer='adamw-fused' if fused else 'adamw')
    model = opt = batch = loss = None
    stage = 'build'
    try:
        gc.collect()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        model = build_model(torch, name, precision, method == 'lora')
        rec['params'] = sum(p.numel() for p in model.parameters())
        if checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={'use_reentrant': False})
        if method == 'lora':
            import peft
            lora = peft.LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, task_type='CAUSAL_LM',
                                   target_modules=ALL_TARGETS if targets == 'all' else QV_TARGETS)
            model = peft.get_peft_model(model, lora)
        model.train()
        trainable = [p for p in model.parameters() if p.requires_grad]
        rec['trainable_params'] = sum(p.numel() for p in trainable)
        opt = torch.optim.AdamW(trainable, lr=1e-5, fused=True) if fused else torch.optim.AdamW(trainable, lr=1e-5)
        vocab = SHAPES[name]['vocab']
        gen = torch.Generator(device='cuda').manual_seed(0)
        batch = torch.randint(0, vocab, (micro_batch, seq_len), device='cuda', generator=gen)
        stage = 'train'
        times = []
        for step in range(WARMUP_STEPS + TIMED_STEPS):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            with torch.autocast('cuda', dtype=torch.bfloat16, enabled=precision == 'mixed'):
                loss = model(input_ids=batch, labels=batch).loss
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            torch.cuda.synchronize()
            if step >= WARMUP_STEPS:
                times.append(time.perf_counter() - t0)
        free, total = torch.cuda.mem_get_info()
        outside_allocator = (total - free) - torch.cuda.memory_reserved()
        rec.update(fits=True, loss=float(loss.item()), step_s=statistics.median(times), step_times=times,
                   tokens_per_s=micro_batch * seq_len / statistics.median(times),
                   peak_allocated_gib=torch.cuda.max_memory_allocated() / GIB,
                   peak_reserved_gib=torch.cuda.max_memory_reserved() / GIB,
                   outside_allocator_gib=outside_allocator / GIB,
                   peak_device_gib=(outside_allocator + torch.cuda.max_memory_reserved()) / GIB,
                   gpu_total_gib=total / GIB)
    except torch.cuda.OutOfMemoryError as e:
        rec.update(fits=False, oom_stage=stage, error=str(e).splitlines()[0][:300],
                   peak_reserved_gib=torch.cuda.max_memory_reserved() / GIB,
                   gpu_total_gib=torch.cuda.mem_get_info()[1] / GIB)
    except Exception:  # a broken configuration is reported, never dropped silently
        rec.update(error=traceback.format_exc()[-2000:])
    finally:
        del model, opt, batch, loss
        gc.collect()
        torch.cuda.empty_cache()
    return rec


def run(out_path, grid):
    import torch
    import transformers
    env = dict(torch=torch.__version__, transformers=transformers.__version__, gpu=torch.cuda.get_device_name(0),
               cuda=torch.version.cuda)
    try:
        import peft
        env['peft'] = peft.__version__
    except ImportError:
        env['peft'] = None
    print(json.dumps(env), flush=True)
    start = time.time()
    with open(out_path, 'w') as out:
        out.write(json.dumps(dict(env=env)) + '\n')
        for cfg in GRIDS[grid]:
            if time.time() - start > TIME_BUDGET_S:
                out.write(json.dumps(dict(skipped=list(cfg), reason='time budget')) + '\n')
                continue
            t0 = time.time()
            rec = measure(torch, cfg)
            rec['wall_s'] = round(time.time() - t0, 1)
            out.write(json.dumps(rec) + '\n')
            out.flush()
            print('{:14s} {:4s} {:5s} ckpt={:d} {:5d}x{:<2d} fits={} tok/s={} device={} alloc={} ({} s){}'.format(
                rec['model'], rec['method'], rec['precision'], rec['checkpointing'], rec['seq_len'], rec['micro_batch'],
                rec.get('fits'), round(rec.get('tokens_per_s', 0)), round(rec.get('peak_device_gib', 0), 2),
                round(rec.get('peak_allocated_gib', 0), 2), rec['wall_s'],
                ' ERROR ' + rec['error'][-300:] if 'error' in rec and rec.get('fits') is None else ''), flush=True)


GPU_IDS = {'NVIDIA H200': 'h200', 'NVIDIA H100 80GB HBM3': 'h100-sxm'}
SOURCE = 'llmplan tests/calibration/measure_finetune.py, measured on the lent GPU machine'


def rows(in_path, date):
    """The measured configurations as rows of runs.csv (same columns, same meanings)."""
    lines = [json.loads(line) for line in open(in_path)]
    env = lines[0]['env']
    gpu = GPU_IDS.get(env['gpu'], env['gpu'])
    stack = 'PyTorch {} (CUDA {}), transformers {}, peft {}'.format(env['torch'], env['cuda'], env['transformers'],
                                                                     env['peft'])
    header = next(csv.reader(open(__file__.replace('measure_finetune.py', 'runs.csv'))))
    writer = csv.DictWriter(sys.stdout, fieldnames=header, lineterminator='\n')
    for rec in lines[1:]:
        if 'model' not in rec or rec.get('fits') is None:
            continue
        full = rec['method'] == 'full'
        # LoRA in bf16 ran without autocast: PEFT's 32-bit adapters cast each adapted input to 32
        # bits and keep that copy (fp32_adapter_inputs); under autocast (mixed) they do not.
        fp32_inputs = not full and rec['precision'] != 'mixed'
        optimizer = rec.get('optimizer', 'adamw')
        tag = '{} {} {}{} {}x{}{}{}'.format(rec['model'], 'full FT' if full else 'LoRA', rec['precision'],
                                            '' if rec['checkpointing'] else ' no-ckpt', rec['seq_len'], rec['micro_batch'],
                                            ' ' + rec['lora_targets'] if rec['lora_targets'] == 'qv' else '',
                                            ' fused AdamW' if optimizer == 'adamw-fused' else '')
        row = dict(name='measured {} 1x{}'.format(tag, gpu), strategy='full-finetune' if full else 'peft',
                   method=rec['method'], gpu=gpu, gpus=1, seq_len=rec['seq_len'], micro_batch=rec['micro_batch'],
                   model=rec['model'], precision=rec['precision'], optimizer=optimizer, offload='none', packing='packed',
                   chunked_loss='no', checkpointing='yes' if rec['checkpointing'] else 'no',
                   fp32_adapter_inputs='yes' if fp32_inputs else '', lora_rank=rec['lora_rank'] or '',
                   lora_targets=rec['lora_targets'],
                   gpu_memory_gib='{:.1f}'.format(rec['gpu_total_gib']), fits='yes' if rec['fits'] else 'no',
                   grad_accumulation='no', published=date, source=SOURCE)
        notes = [stack, 'random weights of the catalog shape, random token ids, every sequence full']
        if fp32_inputs:
            notes.append('16-bit base, 32-bit adapters (PEFT autocast_adapter_dtype), no autocast')
        elif not full:
            notes.append('16-bit base, 32-bit adapters (PEFT autocast_adapter_dtype), bf16 autocast')
        if rec['fits']:
            row.update(tokens=round(rec['tokens_per_s'] * 3600), gpu_hours=1,
                       peak_memory_gib='{:.2f}'.format(rec['peak_device_gib']), memory_measure='device')
            notes.append('tokens = one hour at the measured {:.0f} tokens/s (median of {} steps after {} warm-up); '
                         'peak = allocator peak reservation {:.2f} GiB + {:.2f} GiB outside it; peak allocated {:.2f} GiB'
                         .format(rec['tokens_per_s'], TIMED_STEPS, WARMUP_STEPS, rec['peak_reserved_gib'],
                                 rec['outside_allocator_gib'], rec['peak_allocated_gib']))
        else:
            notes.append('ran out of memory ({})'.format(rec['oom_stage']))
        row['notes'] = '; '.join(notes)
        writer.writerow(row)


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == '--rows':
        rows(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else time.strftime('%Y-%m-%d'))
    elif len(sys.argv) in (2, 3):
        run(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else '1')
    else:
        sys.exit(__doc__)
