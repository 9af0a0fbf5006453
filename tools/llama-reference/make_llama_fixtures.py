#!/usr/bin/python3
"""Makes the Llama-family parity fixtures for Rebel.Models.Tests (tests/Rebel.Models.Tests/fixtures/llama/).

For each case it writes a tiny random checkpoint in exact Hugging Face layout (config.json, generation_config.json,
model.safetensors or shards + model.safetensors.index.json; F32, BF16 or F16 weights; tied heads omitted as
save_pretrained omits them) and golden outputs from a forward pass written here, in float64, from the published
Llama / Qwen2 / Qwen3 modelling math (independent of Rebel's code):

  x = embed[ids]; per layer: h = rmsnorm(x)·γ; q, k, v = h·Wᵀ (+b); qwen3: per-head rmsnorm of q and k;
  q, k ← q·cos + rotate_half(q)·sin (θ = p·f_i, f_i = θ_base^(−2i/D) after rope_scaling, computed in float32 as HF does);
  query head j reads KV head j // G; softmax(q·kᵀ/√D + causal)·v; x += o_proj; x += down(silu(gate(h)) ⊙ up(h));
  logits = rmsnorm(x)·γ · Wᵀ (W = lm_head, or embed_tokens when tied).

Golden outputs (expected.json): per-token log-probs of fixed prompt/completion pairs, full logits of one sequence, and
greedy continuations that stop on any eos id of generation_config.json.

Run with Debian's torch:  /usr/bin/python3 tools/llama-reference/make_llama_fixtures.py
"""
import json
import math
import os
import struct

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "Rebel.Models.Tests", "fixtures", "llama")

CASES = {
    # GQA (4 query heads over 2 KV heads), head_dim 16 with hidden 48 (H·D ≠ C), attention_bias (q, k, v and o),
    # untied head, llama3 rope scaling whose bands all occur at D = 16, two eos ids.
    "llama-gqa-llama3": dict(
        config={"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 97, "hidden_size": 48,
                "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                "head_dim": 16, "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                 "original_max_position_embeddings": 32},
                "attention_bias": True, "mlp_bias": False, "tie_word_embeddings": False, "hidden_act": "silu",
                "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"},
        dtype="F32", shards=None),
    # Qwen2: q/k/v biases (no o bias), multi-query (1 KV head), tied head, linear rope scaling, BF16 weights.
    "qwen2-tied-bf16": dict(
        config={"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": 97, "hidden_size": 32,
                "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
                "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                "rope_scaling": {"type": "linear", "factor": 2.0}, "tie_word_embeddings": True, "hidden_act": "silu",
                "use_sliding_window": False, "sliding_window": 16, "bos_token_id": 95, "eos_token_id": 96,
                "torch_dtype": "bfloat16"},
        dtype="BF16", shards=None),
    # Qwen3: per-head q/k RMSNorm, head_dim 16 with hidden 32, GQA 4/2, untied, sharded into three files.
    "qwen3-sharded": dict(
        config={"model_type": "qwen3", "architectures": ["Qwen3ForCausalLM"], "vocab_size": 97, "hidden_size": 32,
                "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                "head_dim": 16, "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                "rope_scaling": None, "attention_bias": False, "tie_word_embeddings": False, "hidden_act": "silu",
                "use_sliding_window": False, "bos_token_id": 3, "eos_token_id": 4, "torch_dtype": "float32"},
        dtype="F32", shards=3),
    # Mistral: no biases, a sliding window larger than the context, F16 weights, tied head.
    "mistral-f16": dict(
        config={"model_type": "mistral", "architectures": ["MistralForCausalLM"], "vocab_size": 97, "hidden_size": 32,
                "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "sliding_window": 4096,
                "tie_word_embeddings": True, "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2,
                "torch_dtype": "float16"},
        dtype="F16", shards=None),
}


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def attention_biases(cfg):
    """(q/k/v bias, o bias) as each family's modelling code sets them."""
    if cfg["model_type"] == "qwen2":
        return True, False
    if cfg["model_type"] == "mistral":
        return False, False
    b = bool(cfg.get("attention_bias", False))
    return b, b


def random_weights(cfg, gen, dtype):
    """HF-named parameters, rounded to the stored dtype once (the float64 reference uses exactly those values)."""
    v, c, f, L = cfg["vocab_size"], cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"]
    h, hkv, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    qkv_bias, o_bias = attention_biases(cfg)

    def normal(*shape, std):
        return torch.randn(*shape, generator=gen, dtype=torch.float64) * std

    w = {"model.embed_tokens.weight": normal(v, c, std=0.6)}
    for i in range(L):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = 1.0 + normal(c, std=0.2)
        w[p + "post_attention_layernorm.weight"] = 1.0 + normal(c, std=0.2)
        w[p + "self_attn.q_proj.weight"] = normal(h * d, c, std=0.3)
        w[p + "self_attn.k_proj.weight"] = normal(hkv * d, c, std=0.3)
        w[p + "self_attn.v_proj.weight"] = normal(hkv * d, c, std=0.3)
        w[p + "self_attn.o_proj.weight"] = normal(c, h * d, std=0.2)
        if qkv_bias:
            for n, size in (("q", h * d), ("k", hkv * d), ("v", hkv * d)):
                w[p + f"self_attn.{n}_proj.bias"] = normal(size, std=0.2)
        if o_bias:
            w[p + "self_attn.o_proj.bias"] = normal(c, std=0.1)
        if cfg["model_type"] == "qwen3":
            w[p + "self_attn.q_norm.weight"] = 1.0 + normal(d, std=0.2)
            w[p + "self_attn.k_norm.weight"] = 1.0 + normal(d, std=0.2)
        w[p + "mlp.gate_proj.weight"] = normal(f, c, std=0.3)
        w[p + "mlp.up_proj.weight"] = normal(f, c, std=0.3)
        w[p + "mlp.down_proj.weight"] = normal(c, f, std=0.2)
    w["model.norm.weight"] = 1.0 + normal(c, std=0.2)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = normal(v, c, std=0.3)
    to = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[dtype]
    return {k: t.to(to).double() for k, t in w.items()}


def inverse_frequencies(cfg):
    """f_i = θ^(−2i/D) after rope_scaling, in float32 as Hugging Face computes them."""
    d = head_dim(cfg)
    base = float(cfg.get("rope_theta", 10000.0))
    inv = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    scaling = cfg.get("rope_scaling")
    if not scaling:
        return inv
    kind = scaling.get("rope_type", scaling.get("type"))
    factor = scaling["factor"]
    if kind == "linear":
        return inv / factor
    assert kind == "llama3"
    low, high, old = scaling["low_freq_factor"], scaling["high_freq_factor"], scaling["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    blended = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
    return torch.where(medium, blended, scaled)


def rmsnorm(x, g, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * g


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def logits_of(cfg, w, ids):
    """ids: list of ints (one sequence, positions 0..T−1) → logits [T, V], float64."""
    c, L, eps = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["rms_norm_eps"]
    h, hkv, d = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    groups = h // hkv
    t = len(ids)
    theta = torch.arange(t, dtype=torch.float32)[:, None] * inverse_frequencies(cfg)[None, :]   # float32, [T, D/2]
    emb = torch.cat((theta, theta), dim=-1).double()
    cos, sin = emb.cos()[:, None, :], emb.sin()[:, None, :]                                       # [T, 1, D]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]

    def linear(a, name):
        y = a @ w[name + ".weight"].T
        return y + w[name + ".bias"] if name + ".bias" in w else y

    for i in range(L):
        p = f"model.layers.{i}."
        a = rmsnorm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(a, p + "self_attn.q_proj").view(t, h, d)
        k = linear(a, p + "self_attn.k_proj").view(t, hkv, d)
        v = linear(a, p + "self_attn.v_proj").view(t, hkv, d)
        if cfg["model_type"] == "qwen3":
            q = rmsnorm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rmsnorm(k, w[p + "self_attn.k_norm.weight"], eps)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        heads = []
        for j in range(h):
            kj, vj = k[:, j // groups], v[:, j // groups]
            s = (q[:, j] @ kj.T) / math.sqrt(d)
            s = s.masked_fill(~causal, float("-inf"))
            heads.append(torch.softmax(s, dim=-1) @ vj)
        x = x + linear(torch.cat(heads, dim=-1), p + "self_attn.o_proj")
        m = rmsnorm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = linear(m, p + "mlp.gate_proj")
        x = x + linear(gate * torch.sigmoid(gate) * linear(m, p + "mlp.up_proj"), p + "mlp.down_proj")
    x = rmsnorm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def tensor_bytes(t, dtype):
    if dtype == "F32":
        return t.float().contiguous().numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.half().contiguous().numpy().astype("<f2").tobytes()
    return t.bfloat16().contiguous().view(torch.int16).numpy().astype("<i2").tobytes()


def write_safetensors(path, tensors, dtype):
    """safetensors: u64 header length, JSON header (names sorted), raw little-endian data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        data = tensor_bytes(tensors[name], dtype)
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    return offset


def write_checkpoint(folder, cfg, w, dtype, shards, eos_ids):
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(folder, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": cfg["bos_token_id"], "eos_token_id": eos_ids if len(eos_ids) > 1 else eos_ids[0]}, f, indent=2)
    if not shards:
        write_safetensors(os.path.join(folder, "model.safetensors"), w, dtype)
        return
    names = list(w)
    per = (len(names) + shards - 1) // shards
    weight_map, total = {}, 0
    for s in range(shards):
        file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: w[n] for n in names[s * per:(s + 1) * per]}
        total += write_safetensors(os.path.join(folder, file), part, dtype)
        weight_map.update({n: file for n in part})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)


def greedy(cfg, w, prompt, steps, eos_ids):
    """Greedy continuation stopping after any eos id; also the smallest top-1/top-2 logit margin seen."""
    seq, out, margin = list(prompt), [], float("inf")
    for _ in range(steps):
        z = logits_of(cfg, w, seq)[-1]
        top = torch.topk(z, 2).values
        margin = min(margin, (top[0] - top[1]).item())
        token = int(torch.argmax(z).item())
        out.append(token)
        seq.append(token)
        if token in eos_ids:
            break
    return out, margin


def main():
    gen = torch.Generator().manual_seed(20261202)
    for name, case in CASES.items():
        cfg, dtype = case["config"], case["dtype"]
        w = random_weights(cfg, gen, dtype)
        v = cfg["vocab_size"]
        lengths = [(1, 1), (1, 6), (3, 5), (7, 1), (2, 12), (11, 9), (5, 0), (16, 14), (20, 21)]
        pairs = []
        for prompt_len, completion_len in lengths:
            pairs.append((torch.randint(0, v, (prompt_len,), generator=gen).tolist(),
                          torch.randint(0, v, (completion_len,), generator=gen).tolist()))
        scored = []
        for prompt, completion in pairs:
            token_lp = []
            if completion:
                lp = torch.log_softmax(logits_of(cfg, w, (prompt + completion)[:-1]), dim=-1)
                token_lp = [lp[len(prompt) - 1 + j, tok].item() for j, tok in enumerate(completion)]
            scored.append({"prompt_ids": prompt, "completion_ids": completion, "token_logprobs": token_lp})

        # Greedy continuations. For the first case the eos list gets a second id: the first token greedy decoding emits
        # from step 4 on that it has not emitted before, so stopping on any eos id is exercised.
        eos_ids = [cfg["eos_token_id"]]
        prompts = [pairs[2][0], pairs[5][0], [cfg["bos_token_id"]]]
        if name == "llama-gqa-llama3":
            free, _ = greedy(cfg, w, prompts[0], 12, eos_ids)
            step = next(k for k in range(3, len(free)) if free[k] not in free[:k] and free[k] != eos_ids[0])
            eos_ids = [eos_ids[0], free[step]]
        continuations = []
        for prompt in prompts:
            out, margin = greedy(cfg, w, prompt, 12, eos_ids)
            assert margin > 1e-3, f"{name}: greedy margin {margin} too small for a float32 comparison"
            continuations.append({"prompt_ids": prompt, "greedy_ids": out, "min_margin": margin})

        folder = os.path.join(ROOT, name)
        write_checkpoint(os.path.join(folder, "model"), cfg, w, dtype, case["shards"], eos_ids)
        seq = pairs[7][0] + pairs[7][1]
        with open(os.path.join(folder, "expected.json"), "w") as f:
            json.dump({"eos_token_ids": eos_ids, "pairs": scored, "greedy": continuations,
                       "logits": {"ids": seq, "values": [[round(x, 7) for x in row] for row in logits_of(cfg, w, seq).tolist()]}},
                      f)
        print("wrote", folder)


if __name__ == "__main__":
    main()
