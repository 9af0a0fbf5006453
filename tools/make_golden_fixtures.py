#!/usr/bin/python3
"""Writes the PyTorch golden fixtures that Rebel.Tensors' golden tests rebuild with Rebel ops.

Two small models with fixed weights (seeded), each computed by PyTorch in float64 from float32-rounded inputs so
the reference is as exact as float32 inputs allow:

  gpt.safetensors  a 2-layer GPT-2-like stack: token + position embeddings; per block LayerNorm -> fused qkv
                   linear -> causal self-attention (3 heads) -> projection -> residual, LayerNorm -> MLP with
                   GELU (tanh form) -> residual; final LayerNorm; LM head tied to the token embedding;
                   cross-entropy on shifted targets. Sequence 1 is right-padded: its padding is hidden from
                   attention by a key mask and its targets are ignore_index (-100).
  mlp.safetensors  Linear -> GELU(tanh) -> Linear -> ReLU -> Linear -> Tanh, with loss
                   mean((o - target)^2) - mean(logsigmoid(o[:, 0] - o[:, 1])).

Linear weights are stored [in, out] (GPT-2's Conv1D layout): y = x @ W + b. Each file holds the inputs (integer
ids as exact float32), every parameter under its name, "logits"/"output", "loss" (a scalar) and the gradient of
the loss with respect to every parameter under "grad.<name>". All tensors are F32, little-endian.

Usage: /usr/bin/python3 tools/make_golden_fixtures.py   (from the repository root)
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

OUT = os.path.join("tests", "Rebel.Tensors.Tests", "fixtures", "golden")

# GPT dimensions: B batch, T time, V vocabulary, C channels, H heads, L layers, P positions in the table.
B, T, V, C, H, L, P = 2, 7, 19, 12, 3, 2, 8
LENGTHS = [7, 5]  # real tokens per sequence; the rest is padding


def write_safetensors(path, tensors, metadata):
    """tensors: dict name -> float32 tensor, written in insertion order with an 8-byte aligned header."""
    header = {"__metadata__": metadata}
    blobs, pos = [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [pos, pos + len(data)]}
        blobs.append(data)
        pos += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def param(gen, *shape, std=0.2, mean=0.0):
    """A float32-rounded parameter, held in float64 for the reference computation."""
    w = (torch.randn(*shape, generator=gen) * std + mean).to(torch.float32)
    return w.to(torch.float64).requires_grad_(True)


def gpt_params(gen):
    p = {"wte": param(gen, V, C, std=0.5), "wpe": param(gen, P, C, std=0.3)}
    for l in range(L):
        h = f"h.{l}."
        p[h + "ln_1.weight"] = param(gen, C, std=0.1, mean=1.0)
        p[h + "ln_1.bias"] = param(gen, C, std=0.1)
        p[h + "attn.c_attn.weight"] = param(gen, C, 3 * C, std=0.3)
        p[h + "attn.c_attn.bias"] = param(gen, 3 * C, std=0.1)
        p[h + "attn.c_proj.weight"] = param(gen, C, C, std=0.2)
        p[h + "attn.c_proj.bias"] = param(gen, C, std=0.1)
        p[h + "ln_2.weight"] = param(gen, C, std=0.1, mean=1.0)
        p[h + "ln_2.bias"] = param(gen, C, std=0.1)
        p[h + "mlp.c_fc.weight"] = param(gen, C, 4 * C, std=0.2)
        p[h + "mlp.c_fc.bias"] = param(gen, 4 * C, std=0.1)
        p[h + "mlp.c_proj.weight"] = param(gen, 4 * C, C, std=0.1)
        p[h + "mlp.c_proj.bias"] = param(gen, C, std=0.1)
    p["ln_f.weight"] = param(gen, C, std=0.1, mean=1.0)
    p["ln_f.bias"] = param(gen, C, std=0.1)
    return p


def attention(qkv, key_mask):
    """Causal multi-head self-attention with a key-padding mask; a query that sees no key gives zeros."""
    q, k, v = qkv.split(C, dim=2)
    d = C // H
    q, k, v = (x.view(B, T, H, d).transpose(1, 2) for x in (q, k, v))       # (B, H, T, D)
    scores = q @ k.transpose(-2, -1) / math.sqrt(d)                          # (B, H, T, T)
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    visible = causal[None, None] & (key_mask[:, None, None, :] != 0)         # (B, 1, T, T)
    scores = scores.masked_fill(~visible, float("-inf"))
    probs = torch.where(visible.any(-1, keepdim=True), F.softmax(scores, dim=-1), torch.zeros_like(scores))
    y = probs @ v                                                            # (B, H, T, D)
    return y.transpose(1, 2).reshape(B, T, C)


def gpt_forward(p, ids, key_mask, targets):
    x = p["wte"][ids] + p["wpe"][:T]                                         # (B, T, C)
    for l in range(L):
        h = f"h.{l}."
        a = F.layer_norm(x, (C,), p[h + "ln_1.weight"], p[h + "ln_1.bias"], eps=1e-5)
        qkv = a @ p[h + "attn.c_attn.weight"] + p[h + "attn.c_attn.bias"]   # (B, T, 3C)
        x = x + attention(qkv, key_mask) @ p[h + "attn.c_proj.weight"] + p[h + "attn.c_proj.bias"]
        m = F.layer_norm(x, (C,), p[h + "ln_2.weight"], p[h + "ln_2.bias"], eps=1e-5)
        m = F.gelu(m @ p[h + "mlp.c_fc.weight"] + p[h + "mlp.c_fc.bias"], approximate="tanh")
        x = x + m @ p[h + "mlp.c_proj.weight"] + p[h + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (C,), p["ln_f.weight"], p["ln_f.bias"], eps=1e-5)
    logits = x @ p["wte"].t()                                                # (B, T, V), tied head
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, V), targets.reshape(-1), ignore_index=-100)
    return logits, loss


def gpt(gen):
    p = gpt_params(gen)
    ids = torch.randint(0, V, (B, T), generator=gen)
    key_mask = torch.zeros(B, T, dtype=torch.float64)
    for b, n in enumerate(LENGTHS):
        key_mask[b, :n] = 1
        ids[b, n:] = 0                                                       # pad token id
    targets = ids[:, 1:].clone()                                             # (B, T-1): next token
    for b, n in enumerate(LENGTHS):
        targets[b, n - 1:] = -100                                            # no target past the last real token
    logits, loss = gpt_forward(p, ids, key_mask, targets)
    loss.backward()
    out = {"input_ids": ids.float(), "key_mask": key_mask, "targets": targets.float()}
    out.update({n: t for n, t in p.items()})
    out["logits"] = logits
    out["loss"] = loss
    out.update({"grad." + n: t.grad for n, t in p.items()})
    meta = {"B": str(B), "T": str(T), "V": str(V), "C": str(C), "H": str(H), "L": str(L), "eps": "1e-5",
            "torch": torch.__version__}
    write_safetensors(os.path.join(OUT, "gpt.safetensors"), out, meta)
    print(f"gpt: loss {loss.item():.6f}, {sum(t.numel() for t in out.values())} floats")


def mlp(gen):
    n, din, hidden, dout = 6, 5, 16, 3
    p = {
        "fc1.weight": param(gen, din, hidden, std=0.5), "fc1.bias": param(gen, hidden, std=0.1),
        "fc2.weight": param(gen, hidden, hidden, std=0.3), "fc2.bias": param(gen, hidden, std=0.1),
        "fc3.weight": param(gen, hidden, dout, std=0.3), "fc3.bias": param(gen, dout, std=0.1),
    }
    x = torch.randn(n, din, generator=gen).to(torch.float32).to(torch.float64)
    target = torch.randn(n, dout, generator=gen).to(torch.float32).to(torch.float64)
    h = F.gelu(x @ p["fc1.weight"] + p["fc1.bias"], approximate="tanh")
    h = F.relu(h @ p["fc2.weight"] + p["fc2.bias"])
    o = torch.tanh(h @ p["fc3.weight"] + p["fc3.bias"])                      # (N, 3)
    loss = ((o - target) ** 2).mean() - F.logsigmoid(o[:, 0] - o[:, 1]).mean()
    loss.backward()
    out = {"x": x, "target": target}
    out.update(p)
    out["output"] = o
    out["loss"] = loss
    out.update({"grad." + k: t.grad for k, t in p.items()})
    write_safetensors(os.path.join(OUT, "mlp.safetensors"), out, {"torch": torch.__version__})
    print(f"mlp: loss {loss.item():.6f}")


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20261121)
    gpt(gen)
    mlp(gen)
    print("wrote fixtures to", OUT)


if __name__ == "__main__":
    main()
