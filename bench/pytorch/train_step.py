"""The PyTorch side of `Rebel.Benchmarks train-step`: the same GPT-2 (tanh GELU, tied head, pre-LayerNorm blocks) on
random tokens, forward + cross-entropy + backward + AdamW, timed per step. Prints one JSON line with the same
fields as the C# benchmark. With --model-type llama the model is a Llama decoder shaped like SmolLM2-135M (RMSNorm,
rotary embeddings, grouped-query attention, SwiGLU MLP, tied head); --layers still applies. Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch/train_step.py"""
import argparse, json, math, resource, sys, time
import torch
import torch.utils.checkpoint
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.h = h
        self.ln_1, self.ln_2 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.c_attn, self.c_proj = nn.Linear(c, 3 * c), nn.Linear(c, c)
        self.c_fc, self.mlp_proj = nn.Linear(c, 4 * c), nn.Linear(4 * c, c)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.h, c // self.h).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.h)
        mask = torch.ones(t, t, dtype=torch.bool).tril()
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class Gpt2(nn.Module):
    def __init__(self, v, t, c, layers, heads):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(v, c), nn.Embedding(t, c)
        self.blocks = nn.ModuleList(Block(c, heads) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c)
        for name, p in self.named_parameters():  # GPT-2 initialization, as Rebel's Gpt2Model
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * layers) if name.endswith("c_proj.weight") or name.endswith("mlp_proj.weight") else 0.02)
            elif "ln" not in name:
                nn.init.zeros_(p)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.T


def rms_norm(x, weight, eps=1e-5):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaLayer(nn.Module):
    def __init__(self, c, f, h, hkv):
        super().__init__()
        self.h, self.hkv, self.d = h, hkv, c // h
        self.input_norm, self.post_norm = nn.Parameter(torch.ones(c)), nn.Parameter(torch.ones(c))
        self.q, self.k, self.v = nn.Linear(c, h * self.d, bias=False), nn.Linear(c, hkv * self.d, bias=False), nn.Linear(c, hkv * self.d, bias=False)
        self.o = nn.Linear(h * self.d, c, bias=False)
        self.gate, self.up, self.down = nn.Linear(c, f, bias=False), nn.Linear(c, f, bias=False), nn.Linear(f, c, bias=False)

    def qkv(self, x, cos, sin):
        """x (B, N, C) -> q (B, H, N, D), k and v (B, Hkv, N, D), q and k rotated at the positions of cos/sin (N, D)."""
        b, n, _ = x.shape
        y = rms_norm(x, self.input_norm)
        q = self.q(y).view(b, n, self.h, self.d).transpose(1, 2)
        k = self.k(y).view(b, n, self.hkv, self.d).transpose(1, 2)
        v = self.v(y).view(b, n, self.hkv, self.d).transpose(1, 2)
        return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin, v

    def attend(self, x, q, keys, values, mask):
        """Grouped-query attention of q (B, H, N, D) over keys/values (B, Hkv, S, D), then the SwiGLU MLP."""
        b, _, n, _ = q.shape
        g = self.h // self.hkv
        keys, values = keys.repeat_interleave(g, dim=1), values.repeat_interleave(g, dim=1)
        att = (q @ keys.transpose(-2, -1)) / math.sqrt(self.d)
        if mask is not None:
            att = att.masked_fill(~mask, float("-inf"))
        x = x + self.o((att.softmax(dim=-1) @ values).transpose(1, 2).reshape(b, n, -1))
        y = rms_norm(x, self.post_norm)
        return x + self.down(F.silu(self.gate(y)) * self.up(y))

    def forward(self, x, cos, sin):
        t = x.shape[1]
        q, k, v = self.qkv(x, cos, sin)
        return self.attend(x, q, k, v, torch.ones(t, t, dtype=torch.bool).tril())


class Llama(nn.Module):
    """SmolLM2-135M's shape by default: V 49152, C 576, F 1536, 9 heads, 3 KV heads, theta 10000, tied head."""
    def __init__(self, layers, v=49152, c=576, f=1536, h=9, hkv=3, theta=10000.0, checkpoint=False):
        super().__init__()
        self.vocab, self.heads, self.kv_heads, self.head_dim, self.checkpoint = v, h, hkv, c // h, checkpoint
        self.embed = nn.Embedding(v, c)
        self.layers = nn.ModuleList(LlamaLayer(c, f, h, hkv) for _ in range(layers))
        self.norm = nn.Parameter(torch.ones(c))
        self.register_buffer("inv_freq", 1.0 / theta ** (torch.arange(0, self.head_dim, 2, dtype=torch.float64) / self.head_dim), persistent=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def rotary(self, start, n):
        angles = torch.arange(start, start + n, dtype=torch.float64)[:, None] * self.inv_freq[None, :]  # (N, D/2)
        angles = torch.cat((angles, angles), dim=-1)
        return angles.cos().float(), angles.sin().float()

    def forward(self, ids):
        x = self.embed(ids)
        cos, sin = self.rotary(0, ids.shape[1])
        for layer in self.layers:
            x = torch.utils.checkpoint.checkpoint(layer, x, cos, sin, use_reentrant=False) if self.checkpoint else layer(x, cos, sin)
        return rms_norm(x, self.norm) @ self.embed.weight.T


class LoraLinear(nn.Module):
    """PEFT's LoRA on a frozen nn.Linear: y = x W^T + s (x A^T) B^T, A (r, in) ~ U(-1/sqrt(in), 1/sqrt(in)), B (out, r) = 0, s = alpha/r."""
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base, self.scale = base, alpha / r
        bound = 1 / math.sqrt(base.in_features)
        self.a = nn.Parameter(torch.empty(r, base.in_features).uniform_(-bound, bound))
        self.b = nn.Parameter(torch.zeros(base.out_features, r))

    def forward(self, x):
        return self.base(x) + (x @ self.a.T) @ self.b.T * self.scale


def add_lora(model, r):
    """Freezes the Llama model and puts rank-r adapters (alpha = 2r) on all seven projections of every layer, as Rebel's --lora-rank."""
    for p in model.parameters():
        p.requires_grad_(False)
    for layer in model.layers:
        for name in ("q", "k", "v", "o", "gate", "up", "down"):
            setattr(layer, name, LoraLinear(getattr(layer, name), r, 2 * r))


def main():
    p = argparse.ArgumentParser()
    for name, default in [("steps", 10), ("batch", 16), ("context", 128), ("width", 256), ("layers", 4), ("heads", 4), ("vocab", 512), ("threads", 2)]:
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--model-type", choices=["gpt2", "llama"], default="gpt2")
    p.add_argument("--checkpoint", action="store_true")
    p.add_argument("--lora-rank", type=int, default=0, help="train rank-r LoRA adapters on every projection of a frozen llama model")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.model_type == "llama":
        model = Llama(a.layers if "--layers" in sys.argv else 30, checkpoint=a.checkpoint)
        a.vocab = model.vocab
    else:
        model = Gpt2(a.vocab, a.context, a.width, a.layers, a.heads)
    if a.lora_rank > 0:
        if a.model_type != "llama":
            raise SystemExit("--lora-rank is implemented for --model-type llama only")
        add_lora(model, a.lora_rank)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    ids = torch.randint(0, a.vocab, (a.batch, a.context))
    targets = torch.roll(ids, -1, dims=1)
    times = []
    for s in range(a.steps + 2):
        start = time.perf_counter()
        loss = F.cross_entropy(model(ids).view(-1, a.vocab), targets.view(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if s >= 2:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "pytorch", "median_ms": round(times[len(times) // 2], 1), "peak_rss_mb": round(peak_mb, 1),
                      "loss": round(loss.item(), 4), "steps": a.steps, "threads": a.threads,
                      "model_type": a.model_type, "checkpoint": a.checkpoint, "lora_rank": a.lora_rank}))


if __name__ == "__main__":
    main()
