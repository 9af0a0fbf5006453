#!/usr/bin/python3
"""Writes a random Llama checkpoint shaped like SmolLM2-135M for the benchmarks (never committed: ~270 MB in BF16).

    /usr/bin/python3 tools/gguf/make_smollm2_shape.py OUT_DIR [LAYERS]

OUT_DIR/smollm2-shape-bf16/  Hugging Face layout, BF16 weights (Rebel.Benchmarks load: loading time and peak memory)
OUT_DIR/smollm2-shape-f32/   the same weights in F32 (Rebel.Benchmarks generate --model: Rebel's side of the llama.cpp anchor)
OUT_DIR/smollm2-shape.gguf   the same weights exported to an F32 GGUF (bench/llama-cpp.sh: llama.cpp's side)

Shape: hidden 576, 30 layers (or LAYERS), 9 query heads, 3 KV heads, MLP 1536, vocabulary 49152, tied embeddings,
θ = 10000, ε = 1e-5. Weights ~ N(0, 0.02²) (Hugging Face's initializer_range), norms 1, drawn from a fixed seed and
rounded to BF16 once, so all three files hold exactly the same model. The vocabulary is the byte-fallback one of
make_gguf_fixture.py (no tokenizer files: the benchmarks feed token ids).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "llama-reference"))
import make_gguf_fixture as gguf  # noqa: E402  (the GGUF exporter)
import make_llama_fixtures as llama  # noqa: E402  (the checkpoint writer)


def config(layers):
    return {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 49152, "hidden_size": 576,
            "intermediate_size": 1536, "num_hidden_layers": layers, "num_attention_heads": 9, "num_key_value_heads": 3,
            "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None,
            "attention_bias": False, "mlp_bias": False, "tie_word_embeddings": True, "hidden_act": "silu",
            "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}


def weights(cfg, gen):
    v, c, f = cfg["vocab_size"], cfg["hidden_size"], cfg["intermediate_size"]
    d = c // cfg["num_attention_heads"]
    q, kv = cfg["num_attention_heads"] * d, cfg["num_key_value_heads"] * d

    def normal(*shape):
        return (torch.randn(*shape, generator=gen) * 0.02).bfloat16().float()

    w = {"model.embed_tokens.weight": normal(v, c), "model.norm.weight": torch.ones(c)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = torch.ones(c)
        w[p + "post_attention_layernorm.weight"] = torch.ones(c)
        w[p + "self_attn.q_proj.weight"] = normal(q, c)
        w[p + "self_attn.k_proj.weight"] = normal(kv, c)
        w[p + "self_attn.v_proj.weight"] = normal(kv, c)
        w[p + "self_attn.o_proj.weight"] = normal(c, q)
        w[p + "mlp.gate_proj.weight"] = normal(f, c)
        w[p + "mlp.up_proj.weight"] = normal(f, c)
        w[p + "mlp.down_proj.weight"] = normal(c, f)
    return w


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    out = sys.argv[1]
    cfg = config(int(sys.argv[2]) if len(sys.argv) == 3 else 30)
    w = weights(cfg, torch.Generator().manual_seed(135))
    eos = [cfg["eos_token_id"]]
    llama.write_checkpoint(os.path.join(out, "smollm2-shape-bf16"), cfg, w, "BF16", None, eos)
    f32 = os.path.join(out, "smollm2-shape-f32")
    llama.write_checkpoint(f32, dict(cfg, torch_dtype="float32"), w, "F32", None, eos)
    gguf.export(f32, os.path.join(out, "smollm2-shape.gguf"))
    print("wrote", out, f"({sum(t.numel() for t in w.values())} parameters)")


if __name__ == "__main__":
    main()
