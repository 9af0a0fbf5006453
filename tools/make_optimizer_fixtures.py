#!/usr/bin/python3
"""Records PyTorch optimizer trajectories for Rebel.Tensors' optimizer tests.

Runs torch.optim.AdamW and torch.optim.SGD (single-tensor path, foreach=False) on fixed parameters with fixed
gradients, with torch.nn.utils.clip_grad_norm_ and torch.optim.lr_scheduler.LambdaLR driving the learning rate
through the schedules Rebel implements (linear warmup, then constant / linear decay / cosine decay). Writes
tests/Rebel.Tensors.Tests/fixtures/optim/trajectories.json with, per scenario: the options, the initial
parameters, each step's gradients (null where a parameter has no gradient that step), the learning rate used,
the gradient norm returned by clipping, and the parameters after every step.

Usage: /usr/bin/python3 tools/make_optimizer_fixtures.py   (from the repository root)
"""
import json
import math
import os

import torch

OUT = os.path.join("tests", "Rebel.Tensors.Tests", "fixtures", "optim")

# Shapes chosen so the vectorized kernels see full vectors and ragged tails (15, 4, 42, 9 elements).
SHAPES = {"w": [3, 5], "b": [4], "emb": [2, 3, 7], "sometimes": [9]}


def schedule(kind, peak, warmup, total, minimum):
    """The learning rate at 0-based step s, as Rebel's WarmupSchedule subclasses define it."""
    def lr(s):
        if s < warmup:
            return peak * (s + 1) / warmup
        if kind == "constant":
            return peak
        p = min(max((s - warmup) / (total - warmup), 0.0), 1.0) if total > warmup else 1.0
        shape = 1.0 - p if kind == "linear" else 0.5 * (1.0 + math.cos(math.pi * p))
        return minimum + (peak - minimum) * shape
    return lr


def floats(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def run(name, gen, make_optimizer, sched, steps, clip):
    params = {}
    for pname, shape in SHAPES.items():
        params[pname] = torch.nn.Parameter(torch.randn(*shape, generator=gen))
    initial = {k: floats(v) for k, v in params.items()}
    optimizer, options = make_optimizer(list(params.values()))
    peak = optimizer.param_groups[0]["lr"]
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: schedule(*sched)(s) / peak)

    records = []
    for step in range(steps):
        grads = {}
        for pname, p in params.items():
            if pname == "sometimes" and step % 2 == 1:
                p.grad = None  # no gradient this step: the optimizer must skip it
                grads[pname] = None
                continue
            scale = 3.0 if pname == "emb" else 0.5
            g = torch.randn(*p.shape, generator=gen) * scale
            if step == 2 and pname == "w":
                g[0, 0] = 0.0
            p.grad = g.clone()
            grads[pname] = floats(g)
        norm = None
        if clip is not None:
            norm = float(torch.nn.utils.clip_grad_norm_([p for p in params.values() if p.grad is not None], clip))
        lr = optimizer.param_groups[0]["lr"]
        optimizer.step()
        scheduler.step()
        records.append({"grads": grads, "lr": lr, "norm": norm, "params": {k: floats(v) for k, v in params.items()}})
    return {"name": name, "options": options, "schedule": {"kind": sched[0], "peak": sched[1], "warmup": sched[2],
            "total": sched[3], "min": sched[4]}, "clip": clip, "shapes": SHAPES, "initial": initial, "steps": records}


def adamw(lr, betas, eps, wd):
    def make(ps):
        opt = torch.optim.AdamW(ps, lr=lr, betas=betas, eps=eps, weight_decay=wd, foreach=False)
        return opt, {"optimizer": "adamw", "lr": lr, "beta1": betas[0], "beta2": betas[1], "eps": eps, "weight_decay": wd}
    return make


def sgd(lr, momentum, dampening, wd, nesterov):
    def make(ps):
        opt = torch.optim.SGD(ps, lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd, nesterov=nesterov,
                              foreach=False)
        return opt, {"optimizer": "sgd", "lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": wd,
                     "nesterov": nesterov}
    return make


def main():
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(1121)
    scenarios = [
        run("adamw_cosine_clip", gen, adamw(1e-2, (0.9, 0.95), 1e-8, 0.1), ("cosine", 1e-2, 2, 8, 1e-3), 9, 1.0),
        run("adamw_defaults_constant", gen, adamw(1e-3, (0.9, 0.999), 1e-8, 0.01), ("constant", 1e-3, 0, 0, 0.0), 5, None),
        run("adamw_linear_big_eps", gen, adamw(3e-2, (0.8, 0.99), 1e-3, 0.0), ("linear", 3e-2, 3, 7, 0.0), 8, 5.0),
        run("sgd_nesterov_linear_clip", gen, sgd(0.1, 0.9, 0.0, 1e-2, True), ("linear", 0.1, 1, 6, 0.0), 7, 0.5),
        run("sgd_dampening_constant", gen, sgd(0.05, 0.8, 0.3, 0.0, False), ("constant", 0.05, 3, 0, 0.0), 6, None),
        run("sgd_plain_cosine", gen, sgd(0.2, 0.0, 0.0, 0.0, False), ("cosine", 0.2, 0, 5, 0.02), 6, None),
    ]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "trajectories.json"), "w") as f:
        json.dump({"torch": torch.__version__, "scenarios": scenarios}, f)
        f.write("\n")
    print("wrote", len(scenarios), "scenarios to", OUT)


if __name__ == "__main__":
    main()
