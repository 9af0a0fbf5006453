#!/usr/bin/python3
"""Makes the GPT-2 log-prob parity fixture for Rebel.Models.Tests.

Writes a random tiny GPT-2 checkpoint in Hugging Face layout (config.json + model.safetensors, with the
`transformer.` prefix, a tied `lm_head.weight` and legacy `attn.bias` buffers, as real checkpoints have them) and
reference log-probs computed in float64 by a GPT-2 forward pass written here from the paper's equations
(independent of Rebel's code and of Hugging Face's).

Run with Debian's torch:  /usr/bin/python3 tools/make_logprob_fixtures.py
Output: tests/Rebel.Models.Tests/fixtures/gpt2-tiny/ and tests/Rebel.Models.Tests/fixtures/logprobs/
"""
import json
import math
import os
import struct

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "Rebel.Models.Tests", "fixtures")
MODEL_DIR = os.path.join(ROOT, "gpt2-tiny")
CASE_DIR = os.path.join(ROOT, "logprobs")

CONFIG = {
    "architectures": ["GPT2LMHeadModel"],
    "model_type": "gpt2",
    "vocab_size": 101,
    "n_positions": 40,
    "n_ctx": 40,
    "n_embd": 48,
    "n_layer": 2,
    "n_head": 4,
    "n_inner": None,
    "layer_norm_epsilon": 1e-5,
    "activation_function": "gelu_new",
    "bos_token_id": 100,
    "eos_token_id": 100,
}
TEMPERATURES = [1.0, 0.7]


def random_weights(gen):
    """GPT-2 parameter dict with Hugging Face names; larger than GPT-2's init so log-probs are far from uniform."""
    v, p, c, L = CONFIG["vocab_size"], CONFIG["n_positions"], CONFIG["n_embd"], CONFIG["n_layer"]
    def normal(*shape, std):
        return torch.randn(*shape, generator=gen, dtype=torch.float64) * std
    w = {"wte.weight": normal(v, c, std=0.5), "wpe.weight": normal(p, c, std=0.3)}
    for i in range(L):
        h = f"h.{i}."
        w[h + "ln_1.weight"] = 1.0 + normal(c, std=0.2)
        w[h + "ln_1.bias"] = normal(c, std=0.1)
        w[h + "attn.c_attn.weight"] = normal(c, 3 * c, std=0.25)
        w[h + "attn.c_attn.bias"] = normal(3 * c, std=0.1)
        w[h + "attn.c_proj.weight"] = normal(c, c, std=0.2)
        w[h + "attn.c_proj.bias"] = normal(c, std=0.1)
        w[h + "ln_2.weight"] = 1.0 + normal(c, std=0.2)
        w[h + "ln_2.bias"] = normal(c, std=0.1)
        w[h + "mlp.c_fc.weight"] = normal(c, 4 * c, std=0.2)
        w[h + "mlp.c_fc.bias"] = normal(4 * c, std=0.1)
        w[h + "mlp.c_proj.weight"] = normal(4 * c, c, std=0.1)
        w[h + "mlp.c_proj.bias"] = normal(c, std=0.1)
    w["ln_f.weight"] = 1.0 + normal(c, std=0.2)
    w["ln_f.bias"] = normal(c, std=0.1)
    # Round to float32 once: the checkpoint stores float32, and the float64 reference uses exactly those values.
    return {k: t.float().double() for k, t in w.items()}


def layer_norm(x, g, b):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + CONFIG["layer_norm_epsilon"]) * g + b


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def logits_of(w, ids):
    """ids: list of ints (one sequence) -> logits [T, V], float64."""
    c, nh = CONFIG["n_embd"], CONFIG["n_head"]
    d = c // nh
    t = len(ids)
    x = w["wte.weight"][torch.tensor(ids)] + w["wpe.weight"][:t]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(CONFIG["n_layer"]):
        h = f"h.{i}."
        a = layer_norm(x, w[h + "ln_1.weight"], w[h + "ln_1.bias"])
        qkv = a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]
        q, k, v = qkv.split(c, dim=-1)
        heads = []
        for j in range(nh):
            qj, kj, vj = (m[:, j * d:(j + 1) * d] for m in (q, k, v))
            s = (qj @ kj.T) / math.sqrt(d)
            s = s.masked_fill(~causal, float("-inf"))
            heads.append(torch.softmax(s, dim=-1) @ vj)
        y = torch.cat(heads, dim=-1)
        x = x + y @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        m = layer_norm(x, w[h + "ln_2.weight"], w[h + "ln_2.bias"])
        m = gelu_tanh(m @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"])
        x = x + m @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"])
    return x @ w["wte.weight"].T


def write_safetensors(path, tensors):
    """Minimal safetensors writer: u64 header length, JSON header, raw little-endian F32 data."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].float().contiguous()
        data = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    gen = torch.Generator().manual_seed(20241121)
    w = random_weights(gen)
    os.makedirs(MODEL_DIR, exist_ok=True)
    os.makedirs(CASE_DIR, exist_ok=True)
    with open(os.path.join(MODEL_DIR, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
    stored = {"transformer." + k: t for k, t in w.items()}
    stored["lm_head.weight"] = w["wte.weight"]
    p = CONFIG["n_positions"]
    for i in range(CONFIG["n_layer"]):
        stored[f"transformer.h.{i}.attn.bias"] = torch.tril(torch.ones(p, p)).view(1, 1, p, p)
    write_safetensors(os.path.join(MODEL_DIR, "model.safetensors"), stored)

    # Pairs of varied lengths; some completions end with EOS, one is empty, one fills the context.
    v, eos = CONFIG["vocab_size"], CONFIG["eos_token_id"]
    lengths = [(1, 1), (1, 6), (3, 5), (7, 1), (2, 12), (11, 9), (5, 0), (4, 4), (16, 14), (9, 3), (20, 21), (6, 8)]
    pairs = []
    for n, (lp, lc) in enumerate(lengths):
        prompt = torch.randint(0, v - 1, (lp,), generator=gen).tolist()
        completion = torch.randint(0, v - 1, (lc,), generator=gen).tolist()
        if lc > 0 and n % 3 == 1:
            completion[-1] = eos
        pairs.append((prompt, completion))
    with open(os.path.join(CASE_DIR, "input.jsonl"), "w") as f:
        for prompt, completion in pairs:
            f.write(json.dumps({"prompt_ids": prompt, "completion_ids": completion}) + "\n")

    for temperature in TEMPERATURES:
        name = "expected_t%s.jsonl" % str(temperature).replace(".", "_")
        with open(os.path.join(CASE_DIR, name), "w") as f:
            for prompt, completion in pairs:
                seq = prompt + completion
                token_lp = []
                if completion:
                    z = logits_of(w, seq[:-1]) / temperature
                    lp = torch.log_softmax(z, dim=-1)
                    token_lp = [lp[len(prompt) - 1 + j, tok].item() for j, tok in enumerate(completion)]
                f.write(json.dumps({"prompt_ids": prompt, "completion_ids": completion,
                                    "logprob": sum(token_lp), "token_logprobs": token_lp}) + "\n")

    # Full logits of one sequence, for forward-pass and KV-cache parity tests.
    seq = pairs[8][0] + pairs[8][1]
    z = logits_of(w, seq)
    with open(os.path.join(CASE_DIR, "logits.json"), "w") as f:
        json.dump({"ids": seq, "logits": [[round(x, 7) for x in row] for row in z.tolist()]}, f)
    print("wrote", MODEL_DIR, "and", CASE_DIR)


if __name__ == "__main__":
    main()
