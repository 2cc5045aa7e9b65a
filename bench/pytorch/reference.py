"""PyTorch eager reference for R2M's generation benchmark: the same GPT-2-shaped policy (learned positions,
LayerNorm, tanh GELU, fused q|k|v projection), the same work, timed the same way (median of repeats after a
warm-up). Prints a table and, as its last line, a JSON object with the keys R2M.Benchmarks prints:
tokens_per_s_cache, tokens_per_s_nocache, train_tokens_per_s, plus peak GPU memory.

usage: python3 reference.py --device cuda --layers 12 --d 768 --heads 12 --vocab 50257 --batch 16 \
                            --prompt 32 --new-tokens 128 --repeats 3 --dtype bf16
Needs only torch. Written for this project; it is not transformers' GPT-2 code.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(d)
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.c_fc = nn.Linear(d, 4 * d)
        self.c_out = nn.Linear(4 * d, d)

    def forward(self, x, mask, cache, past):
        b, t, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        if cache is not None:
            cache[0][:, :, past:past + t] = k
            cache[1][:, :, past:past + t] = v
            k, v = cache[0][:, :, :past + t], cache[1][:, :, :past + t]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        x = x + self.c_proj(y.transpose(1, 2).reshape(b, t, d))
        return x + self.c_out(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt2(nn.Module):
    def __init__(self, vocab, d, layers, heads, positions=1024):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.h = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)

    def hidden(self, ids, caches=None, past=0):
        b, t = ids.shape
        pos = torch.arange(past, past + t, device=ids.device)
        x = self.wte(ids) + self.wpe(pos)
        q = torch.arange(past, past + t, device=ids.device).unsqueeze(1)
        k = torch.arange(0, past + t, device=ids.device).unsqueeze(0)
        mask = k <= q
        for i, block in enumerate(self.h):
            x = block(x, mask, None if caches is None else caches[i], past)
        return self.ln_f(x)

    def logits(self, h):
        return F.linear(h, self.wte.weight)


@torch.no_grad()
def generate(model, prompts, new_tokens, use_cache, generator, heads, dtype):
    b, p = prompts.shape
    seq = prompts
    caches = None
    if use_cache:
        d = model.wte.weight.shape[1]
        caches = [(torch.zeros(b, heads, p + new_tokens, d // heads, device=prompts.device, dtype=dtype),
                   torch.zeros(b, heads, p + new_tokens, d // heads, device=prompts.device, dtype=dtype)) for _ in model.h]
    inp, past = prompts, 0
    for _ in range(new_tokens):
        h = model.hidden(inp, caches, past) if use_cache else model.hidden(seq)
        logits = model.logits(h[:, -1]).float()
        probs = torch.softmax(logits, dim=1)
        race = torch.rand(probs.shape, generator=generator, device=probs.device).log_().neg_()
        nxt = probs.div_(race).argmax(1, keepdim=True)
        if use_cache:
            past += inp.shape[1]
        seq = torch.cat([seq, nxt], 1)
        inp = nxt
    return seq


def median_seconds(fn, repeats, warmup, sync):
    warmup()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    a = argparse.ArgumentParser()
    for name, default in [("layers", 12), ("d", 768), ("heads", 12), ("vocab", 50257), ("batch", 16), ("prompt", 32), ("new-tokens", 128), ("repeats", 3)]:
        a.add_argument("--" + name, type=int, default=default)
    a.add_argument("--device", default="cuda")
    a.add_argument("--dtype", default="float32", choices=["float32", "bf16"])
    args = a.parse_args()
    device = torch.device(args.device)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    torch.manual_seed(1)
    model = Gpt2(args.vocab, args.d, args.layers, args.heads).to(device=device, dtype=dtype).eval()
    prompts = torch.randint(0, args.vocab, (args.batch, args.prompt), device=device)
    gen = torch.Generator(device=device)
    sync = (lambda: torch.cuda.synchronize()) if device.type == "cuda" else (lambda: None)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    cache_s = median_seconds(lambda: generate(model, prompts, args.new_tokens, True, gen.manual_seed(1), args.heads, dtype),
                             args.repeats, lambda: generate(model, prompts, args.new_tokens, True, gen.manual_seed(1), args.heads, dtype), sync)
    nocache_s = median_seconds(lambda: generate(model, prompts, args.new_tokens, False, gen.manual_seed(1), args.heads, dtype),
                               args.repeats, lambda: generate(model, prompts, 8, False, gen.manual_seed(1), args.heads, dtype), sync)
    length = args.prompt + args.new_tokens
    data = torch.randint(0, args.vocab, (args.batch, length), device=device)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def forward_backward():
        opt.zero_grad(set_to_none=False)
        logits = model.logits(model.hidden(data))
        F.cross_entropy(logits[:, :-1].reshape(-1, args.vocab).float(), data[:, 1:].reshape(-1)).backward()

    def step():
        forward_backward()
        opt.step()

    step_s = median_seconds(step, args.repeats, step, sync)

    # The step in two parts (forward + backward, then AdamW alone), and AdamW one parameter at a time as TorchSharp's.
    fwd_bwd_s = median_seconds(forward_backward, args.repeats, forward_backward, sync)
    opt_s = median_seconds(opt.step, args.repeats, opt.step, sync)
    single = torch.optim.AdamW(model.parameters(), lr=1e-4, foreach=False)
    single_s = median_seconds(single.step, args.repeats, single.step, sync)
    generated = args.batch * args.new_tokens
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else float("nan")
    print(f"PyTorch {torch.__version__} eager, GPT-2 {args.layers} layers d {args.d}, {args.dtype}, {device}")
    print(f"| sample {args.batch}x{args.new_tokens}, KV cache | {cache_s:.3f} s | {generated / cache_s:.0f} tokens/s |")
    print(f"| sample {args.batch}x{args.new_tokens}, no cache | {nocache_s:.3f} s | {generated / nocache_s:.0f} tokens/s |")
    print(f"| train step {args.batch}x{length} | {step_s:.3f} s | {args.batch * length / step_s:.0f} tokens/s |")
    print(json.dumps({"benchmark": "pytorch-reference", "torch": torch.__version__, "device": str(device), "dtype": args.dtype,
                      "tokens_per_s_cache": round(generated / cache_s, 1), "tokens_per_s_nocache": round(generated / nocache_s, 1),
                      "train_tokens_per_s": round(args.batch * length / step_s, 1), "peak_gpu_mib": round(peak, 1),
                      "train_step_s": round(step_s, 4), "train_forward_backward_s": round(fwd_bwd_s, 4),
                      "train_optimizer_s": round(opt_s, 4), "train_optimizer_s_foreach_false": round(single_s, 4),
                      "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"}))


if __name__ == "__main__":
    main()
