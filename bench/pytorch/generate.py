"""The PyTorch side of `Rebel.Benchmarks generate`: batched sampling (tau = 1, no truncation, no EOS) from the same GPT-2
(bench/pytorch/train_step.py's model, GPT-2 initialization) with a KV cache: the prompt is fed once (prefill), then one
token per sequence per step, keys and values written into preallocated [B, H, T, D] buffers. Prints JSON lines with
the same fields as the C# benchmark. With --model-type llama the model is train_step.py's SmolLM2-135M-shaped Llama
(keys and values cached per KV head, [B, Hkv, T, D]). Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch/generate.py"""
import argparse, json, math, os, sys, time
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_step import Gpt2, Llama, rms_norm  # noqa: E402  (same architecture and initialization as the training-step benchmark)


class KvCache:
    def __init__(self, layers, batch, heads, capacity, head_size):
        self.k = [torch.zeros(batch, heads, capacity, head_size) for _ in range(layers)]
        self.v = [torch.zeros(batch, heads, capacity, head_size) for _ in range(layers)]
        self.length = 0


def cached_forward(model, ids, cache):
    """ids [B, N] appended at positions cache.length..+N; returns the logits of the last position, [B, V]."""
    b, n = ids.shape
    start = cache.length
    x = model.wte(ids) + model.wpe(torch.arange(start, start + n))                # (B, N, C)
    c = x.shape[-1]
    for layer, block in enumerate(model.blocks):
        h = block.h
        q, k, v = block.c_attn(block.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, n, h, c // h).transpose(1, 2) for z in (q, k, v))  # (B, H, N, D)
        cache.k[layer][:, :, start:start + n] = k
        cache.v[layer][:, :, start:start + n] = v
        keys, values = cache.k[layer][:, :, :start + n], cache.v[layer][:, :, :start + n]
        att = (q @ keys.transpose(-2, -1)) / math.sqrt(c // h)                   # (B, H, N, start+N)
        if n > 1:  # causal mask inside the new block; earlier positions are all visible
            mask = torch.ones(n, start + n, dtype=torch.bool).tril(diagonal=start)
            att = att.masked_fill(~mask, float("-inf"))
        y = (att.softmax(dim=-1) @ values).transpose(1, 2).reshape(b, n, c)
        x = x + block.c_proj(y)
        x = x + block.mlp_proj(F.gelu(block.c_fc(block.ln_2(x)), approximate="tanh"))
    cache.length = start + n
    return model.ln_f(x[:, -1]) @ model.wte.weight.T                            # (B, V)


def llama_cached_forward(model, ids, cache):
    """The Llama version of cached_forward: rotary positions start at cache.length; returns the last logits, [B, V]."""
    b, n = ids.shape
    start = cache.length
    x = model.embed(ids)                                                          # (B, N, C)
    cos, sin = model.rotary(start, n)
    mask = torch.ones(n, start + n, dtype=torch.bool).tril(diagonal=start) if n > 1 else None
    for i, layer in enumerate(model.layers):
        q, k, v = layer.qkv(x, cos, sin)                                          # q (B, H, N, D), k/v (B, Hkv, N, D)
        cache.k[i][:, :, start:start + n] = k
        cache.v[i][:, :, start:start + n] = v
        x = layer.attend(x, q, cache.k[i][:, :, :start + n], cache.v[i][:, :, :start + n], mask)
    cache.length = start + n
    return rms_norm(x[:, -1], model.norm) @ model.embed.weight.T                 # (B, V)


def generate(model, prompts, new_tokens, generator, a):
    if isinstance(model, Llama):
        cache = KvCache(len(model.layers), prompts.shape[0], model.kv_heads, prompts.shape[1] + new_tokens, model.head_dim)
        forward = llama_cached_forward
    else:
        cache = KvCache(a.layers, prompts.shape[0], a.heads, prompts.shape[1] + new_tokens, a.width // a.heads)
        forward = cached_forward
    logits = forward(model, prompts, cache)
    out = []
    for step in range(new_tokens):
        token = torch.multinomial(logits.softmax(dim=-1), 1, generator=generator)  # (B, 1)
        out.append(token)
        if step + 1 < new_tokens:
            logits = forward(model, token, cache)
    return torch.cat(out, dim=1)


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def timed(model, prompts, n, rep, a):
    g = torch.Generator().manual_seed(100 + rep)
    start = time.perf_counter()
    out = generate(model, prompts, n, g, a)
    ms = (time.perf_counter() - start) * 1000
    assert out.shape == (prompts.shape[0], n)
    return ms


def main():
    p = argparse.ArgumentParser()
    for name, default in [("batch", 16), ("prompt-tokens", 16), ("new-tokens", 128), ("width", 256), ("layers", 4), ("heads", 4),
                          ("vocab", 512), ("reps", 5), ("threads", 2)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--context-cost", action="store_true")
    p.add_argument("--model-type", choices=["gpt2", "llama"], default="gpt2")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.model_type == "llama":
        a.layers = a.layers if "--layers" in sys.argv else 30
        model = Llama(a.layers).eval()
        a.vocab, a.width = model.vocab, model.embed.weight.shape[1]
    else:
        model = Gpt2(a.vocab, a.prompt_tokens + a.new_tokens, a.width, a.layers, a.heads).eval()
    prompts = torch.randint(0, a.vocab, (a.batch, a.prompt_tokens))
    common = {"model_type": a.model_type, "batch": a.batch, "prompt_tokens": a.prompt_tokens, "width": a.width, "layers": a.layers, "vocab": a.vocab,
              "reps": a.reps, "threads": a.threads}
    with torch.inference_mode():
        timed(model, prompts, min(a.new_tokens, 8), 0, a)  # warm-up
        if not a.context_cost:
            ms = median([timed(model, prompts, a.new_tokens, r, a) for r in range(a.reps)])
            print(json.dumps({"impl": "pytorch", "mode": "throughput", "tokens_per_s": round(a.batch * a.new_tokens / (ms / 1000), 1),
                              "median_ms": round(ms, 1), "new_tokens": a.new_tokens, **common}))
            return
        lengths = [64]
        while lengths[-1] * 2 < a.new_tokens:
            lengths.append(lengths[-1] * 2)
        if lengths[-1] != a.new_tokens:
            lengths.append(a.new_tokens)
        samples = [[] for _ in lengths]
        for r in range(a.reps):  # interleave the lengths, as the C# side does
            for i, n in enumerate(lengths):
                samples[i].append(timed(model, prompts, n, r, a))
        times = [median(s) for s in samples]
        for i, n in enumerate(lengths):
            per_token = times[i] / n
            marginal = per_token if i == 0 else (times[i] - times[i - 1]) / (n - lengths[i - 1])
            print(json.dumps({"impl": "pytorch", "mode": "context", "median_ms": round(times[i], 1), "per_token_ms": round(per_token, 4),
                              "per_token_ratio": round(per_token / (times[0] / lengths[0]), 3),
                              "marginal_per_token_ms": round(marginal, 4), "new_tokens": n, **common}))


if __name__ == "__main__":
    main()
