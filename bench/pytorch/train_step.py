"""The PyTorch side of `rebel bench train-step`: the same GPT-2 (tanh GELU, tied head, pre-LayerNorm blocks) on
random tokens, forward + cross-entropy + backward + AdamW, timed per step. Prints one JSON line with the same
fields as the C# benchmark. Run with Debian's python3-torch: /usr/bin/python3 bench/pytorch/train_step.py"""
import argparse, json, math, resource, time
import torch
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


def main():
    p = argparse.ArgumentParser()
    for name, default in [("steps", 10), ("batch", 16), ("context", 128), ("width", 256), ("layers", 4), ("heads", 4), ("vocab", 512), ("threads", 2)]:
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Gpt2(a.vocab, a.context, a.width, a.layers, a.heads)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
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
                      "loss": round(loss.item(), 4), "steps": a.steps, "threads": a.threads}))


if __name__ == "__main__":
    main()
