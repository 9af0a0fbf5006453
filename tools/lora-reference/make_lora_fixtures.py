#!/usr/bin/python3
"""Makes the LoRA parity fixtures for Rebel.Models.Tests, from a LoRA written here in plain PyTorch (no peft).

1. linear.safetensors + linear.json: one linear map y = x·Wᵀ + b with an adapter Δy = s·(x·Aᵀ)·Bᵀ, in float64 from
   float32-exact random values: the outputs with s = α/r and s = α/√r (rsLoRA), the merged weights W + s·B·A, and
   the gradients of L = Σ G ⊙ y with respect to x, A and B (s = α/r).
2. gpt2-tiny-adapter/: a PEFT-layout adapter (adapter_config.json + adapter_model.safetensors, PEFT's tensor names)
   for the committed tiny GPT-2 (fixtures/gpt2-tiny, base_model_name_or_path relative to the adapter folder), with
   random non-zero A and B on every Conv1D, and expected.jsonl: per-token log-probs of fixed sequences under the
   adapted model, computed by the float64 GPT-2 forward of tools/make_logprob_fixtures.py on the merged weights
   W + s·(B·A)ᵀ (GPT-2 stores W as [in, out]: PEFT's fan_in_fan_out).
3. llama-adapter/: the same for the llama-gqa-llama3 checkpoint of tools/llama-reference (GQA, biases, llama3 rope),
   rsLoRA scaling α/√r, adapters on all seven projections, log-probs from that tool's float64 Llama forward on the
   merged weights W + s·B·A (W stored [out, in]).

Run with Debian's torch:  /usr/bin/python3 tools/lora-reference/make_lora_fixtures.py
Output: tests/Rebel.Models.Tests/fixtures/lora/
"""
import json
import math
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import make_logprob_fixtures as gpt2  # noqa: E402  (the float64 GPT-2 reference and its safetensors writer)
sys.path.insert(0, os.path.join(HERE, "..", "llama-reference"))
import make_llama_fixtures as llama  # noqa: E402  (the float64 Llama-family reference)
sys.path.insert(0, os.path.join(HERE, "..", "gguf"))
import make_gguf_fixture as gguf  # noqa: E402  (its safetensors reader)

FIXTURES = os.path.join(HERE, "..", "..", "tests", "Rebel.Models.Tests", "fixtures")
OUT = os.path.join(FIXTURES, "lora")


def read_safetensors(path):
    """The F32 tensors of a safetensors file, as float64."""
    return {name: t.double() for name, t in gguf.read_safetensors(path).items()}


def f32(t):
    """Rounded to float32 once, kept as float64: what the fixture stores is exactly what the reference used."""
    return t.float().double()


def linear_case(gen):
    n, i, o, r, alpha = 7, 6, 5, 3, 4.0
    def normal(*shape, std=1.0):
        return f32(torch.randn(*shape, generator=gen, dtype=torch.float64) * std)
    x, w, b = normal(2, n, i), normal(o, i, std=0.5), normal(o, std=0.1)
    a, bb, g = normal(r, i, std=0.5), normal(o, r, std=0.5), normal(2, n, o)
    scalings = {"alpha_r": alpha / r, "rslora": alpha / math.sqrt(r)}
    t = {"x": x, "weight": w, "bias": b, "lora_A": a, "lora_B": bb, "upstream": g}
    for key, s in scalings.items():
        t["y_" + key] = x @ w.T + b + s * ((x @ a.T) @ bb.T)          # y = x·Wᵀ + b + s·(x·Aᵀ)·Bᵀ
        t["merged_" + key] = w + s * (bb @ a)                         # W′ = W + s·B·A
    xs, As, Bs = (v.clone().requires_grad_(True) for v in (x, a, bb))
    s = scalings["alpha_r"]
    y = xs @ w.T + b + s * ((xs @ As.T) @ Bs.T)
    (y * g).sum().backward()
    t["grad_x"], t["grad_A"], t["grad_B"] = xs.grad, As.grad, Bs.grad
    gpt2.write_safetensors(os.path.join(OUT, "linear.safetensors"), t)
    with open(os.path.join(OUT, "linear.json"), "w") as f:
        json.dump({"in": i, "out": o, "r": r, "lora_alpha": alpha}, f, indent=2)
        f.write("\n")


def gpt2_adapter_case(gen):
    base = read_safetensors(os.path.join(FIXTURES, "gpt2-tiny", "model.safetensors"))
    w = {k[len("transformer."):]: v for k, v in base.items() if k.startswith("transformer.") and not k.endswith(".attn.bias")}
    r, alpha = 4, 8.0
    s = alpha / r
    adapter = {}
    merged = dict(w)
    for layer in range(gpt2.CONFIG["n_layer"]):
        for module in ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"):
            key = f"h.{layer}.{module}"
            wi, wo = w[key + ".weight"].shape                              # Conv1D: [in, out]
            a = f32(torch.randn(r, wi, generator=gen, dtype=torch.float64) * 0.2)
            b = f32(torch.randn(wo, r, generator=gen, dtype=torch.float64) * 0.2)
            name = f"base_model.model.transformer.{key}"
            adapter[name + ".lora_A.weight"], adapter[name + ".lora_B.weight"] = a, b
            merged[key + ".weight"] = w[key + ".weight"] + s * (b @ a).T   # fan_in_fan_out: W′ = W + s·(B·A)ᵀ
    folder = os.path.join(OUT, "gpt2-tiny-adapter")
    os.makedirs(folder, exist_ok=True)
    gpt2.write_safetensors(os.path.join(folder, "adapter_model.safetensors"), adapter)
    config = {
        "base_model_name_or_path": "../../gpt2-tiny", "bias": "none", "fan_in_fan_out": True, "inference_mode": True,
        "lora_alpha": alpha, "lora_dropout": 0.05, "modules_to_save": None, "peft_type": "LORA", "r": r,
        "target_modules": ["c_attn", "c_proj", "c_fc"], "task_type": "CAUSAL_LM", "use_rslora": False, "use_dora": False,
    }
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")
    sequences = [([3, 17], [55, 9, 100]), ([47], [49, 47, 8, 51, 56, 100]), ([6, 87, 54, 2, 11], [47, 87, 94])]
    with open(os.path.join(OUT, "gpt2-tiny-adapter-expected.jsonl"), "w") as f:
        for prompt, completion in sequences:
            ids = prompt + completion
            logp = torch.log_softmax(gpt2.logits_of(merged, ids), dim=-1)
            tokens = [logp[len(prompt) - 1 + j, tok].item() for j, tok in enumerate(completion)]
            f.write(json.dumps({"prompt_ids": prompt, "completion_ids": completion, "token_logprobs": tokens}) + "\n")


def write_adapter(folder, tensors, config):
    os.makedirs(folder, exist_ok=True)
    gpt2.write_safetensors(os.path.join(folder, "adapter_model.safetensors"), tensors)
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
        f.write("\n")


def write_expected(path, logits_of, sequences):
    with open(path, "w") as f:
        for prompt, completion in sequences:
            logp = torch.log_softmax(logits_of(prompt + completion), dim=-1)
            tokens = [logp[len(prompt) - 1 + j, tok].item() for j, tok in enumerate(completion)]
            f.write(json.dumps({"prompt_ids": prompt, "completion_ids": completion, "token_logprobs": tokens}) + "\n")


def llama_adapter_case(gen):
    case = "llama-gqa-llama3"
    cfg = llama.CASES[case]["config"]
    w = read_safetensors(os.path.join(FIXTURES, "llama", case, "model", "model.safetensors"))
    r, alpha = 4, 6.0
    s = alpha / math.sqrt(r)                                                   # use_rslora
    adapter, merged = {}, dict(w)
    modules = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
    for layer in range(cfg["num_hidden_layers"]):
        for module in modules:
            key = f"model.layers.{layer}.{module}"
            wo, wi = w[key + ".weight"].shape                                  # nn.Linear: [out, in]
            a = f32(torch.randn(r, wi, generator=gen, dtype=torch.float64) * 0.2)
            b = f32(torch.randn(wo, r, generator=gen, dtype=torch.float64) * 0.2)
            adapter[f"base_model.model.{key}.lora_A.weight"], adapter[f"base_model.model.{key}.lora_B.weight"] = a, b
            merged[key + ".weight"] = w[key + ".weight"] + s * (b @ a)         # W′ = W + s·B·A
    write_adapter(os.path.join(OUT, "llama-adapter"), adapter, {
        "base_model_name_or_path": f"../../llama/{case}/model", "bias": "none", "fan_in_fan_out": False,
        "inference_mode": True, "lora_alpha": alpha, "lora_dropout": 0.0, "modules_to_save": None, "peft_type": "LORA",
        "r": r, "target_modules": [m.split(".")[1] for m in modules], "task_type": "CAUSAL_LM", "use_rslora": True,
        "use_dora": False})
    sequences = [([1, 17], [55, 9, 2]), ([47], [49, 47, 8, 51, 56, 2]), ([6, 87, 54, 3, 11], [47, 87, 94])]
    write_expected(os.path.join(OUT, "llama-adapter-expected.jsonl"), lambda ids: llama.logits_of(cfg, merged, ids), sequences)


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20261202)
    linear_case(gen)
    gpt2_adapter_case(gen)
    llama_adapter_case(gen)


if __name__ == "__main__":
    main()
