#!/usr/bin/python3
"""Exports a Hugging Face Llama checkpoint (safetensors, F32) to GGUF (F32), for llama.cpp as a third implementation.

With no arguments it first writes its own tiny random Llama checkpoint in Hugging Face layout (GQA 4/2, untied head,
no biases, plain rope, a vocabulary with SentencePiece-style byte tokens so llama.cpp accepts it) into
tests/Rebel.Models.Tests/fixtures/gguf/llama-tiny/, then exports it to tools/gguf/out/llama-tiny.gguf, and writes
the fixed token sequences that run-llama-cpp.mjs evaluates (tools/gguf/sequences.json).

    /usr/bin/python3 tools/gguf/make_gguf_fixture.py                 # tiny checkpoint + export
    /usr/bin/python3 tools/gguf/make_gguf_fixture.py HF_DIR OUT.gguf # export any F32 Llama folder

GGUF (version 3): magic, version, tensor count, metadata count; metadata as typed key/value pairs; tensor infos
(name, dims innermost first, type, offset); then the data, each tensor aligned to 32 bytes.

Rotary embeddings: Hugging Face's Llama rotates pairs (i, i + D/2) of each head ("rotate_half"), llama.cpp's llama
architecture rotates adjacent pairs (2i, 2i + 1). The rows of q_proj and k_proj are therefore reordered within each
head, row 2i + a of the new head = row a·D/2 + i of the old one, which leaves q·k unchanged.
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "llama-reference"))
import make_llama_fixtures as llama  # noqa: E402  (random HF-layout weights and the checkpoint writer)

FIXTURE = os.path.join(HERE, "..", "..", "tests", "Rebel.Models.Tests", "fixtures", "gguf")
ALIGNMENT = 32

# GGUF value types
U32, I32, F32, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9
# token types
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6

TINY = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 300, "hidden_size": 32,
        "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "rope_scaling": None,
        "attention_bias": False, "mlp_bias": False, "tie_word_embeddings": False, "hidden_act": "silu",
        "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}; this exporter reads F32 checkpoints only")
        begin, end = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(info["shape"])
    return out


def rotary_rows(w, heads):
    """Reorders each head's rows from rotate_half pairs (i, i + D/2) to adjacent pairs (2i, 2i + 1)."""
    d = w.shape[0] // heads
    return w.reshape(heads, 2, d // 2, *w.shape[1:]).transpose(1, 2).reshape(w.shape).contiguous()


def vocabulary(size):
    """<unk>, <s>, </s>, the 256 byte tokens, then plain pieces: what llama.cpp's SentencePiece vocab expects."""
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [UNKNOWN, CONTROL, CONTROL] + [BYTE] * 256
    if size < len(tokens):
        raise SystemExit(f"vocab_size {size} is below the {len(tokens)} tokens a byte-fallback vocabulary needs")
    extra = size - len(tokens)
    tokens += [f"\u2581w{i}" for i in range(extra)]
    types += [NORMAL] * extra
    return tokens, [0.0] * 259 + [-float(i) for i in range(extra)], types


class Writer:
    def __init__(self):
        self.kv = []

    @staticmethod
    def string(s):
        b = s.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    def add(self, key, kind, value):
        body = self.string(key) + struct.pack("<I", kind)
        if kind == U32:
            body += struct.pack("<I", value)
        elif kind == I32:
            body += struct.pack("<i", value)
        elif kind == F32:
            body += struct.pack("<f", value)
        elif kind == BOOL:
            body += struct.pack("<B", 1 if value else 0)
        elif kind == STRING:
            body += self.string(value)
        else:
            raise ValueError(kind)
        self.kv.append(body)

    def add_array(self, key, kind, values):
        body = self.string(key) + struct.pack("<IIQ", ARRAY, kind, len(values))
        for v in values:
            body += self.string(v) if kind == STRING else struct.pack({F32: "<f", I32: "<i"}[kind], v)
        self.kv.append(body)


def export(hf_dir, out_path):
    with open(os.path.join(hf_dir, "config.json")) as f:
        cfg = json.load(f)
    if cfg.get("model_type") != "llama" or cfg.get("rope_scaling") or cfg.get("attention_bias") or cfg.get("mlp_bias"):
        raise SystemExit(f"{hf_dir}: this exporter handles plain llama checkpoints (no rope_scaling, no biases)")
    w = read_safetensors(os.path.join(hf_dir, "model.safetensors"))
    h, hkv, c = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["hidden_size"]
    d = cfg.get("head_dim") or c // h

    tensors = [("token_embd.weight", w["model.embed_tokens.weight"]), ("output_norm.weight", w["model.norm.weight"]),
               ("output.weight", w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"])]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        tensors += [
            (f"blk.{i}.attn_norm.weight", w[p + "input_layernorm.weight"]),
            (f"blk.{i}.attn_q.weight", rotary_rows(w[p + "self_attn.q_proj.weight"], h)),
            (f"blk.{i}.attn_k.weight", rotary_rows(w[p + "self_attn.k_proj.weight"], hkv)),
            (f"blk.{i}.attn_v.weight", w[p + "self_attn.v_proj.weight"]),
            (f"blk.{i}.attn_output.weight", w[p + "self_attn.o_proj.weight"]),
            (f"blk.{i}.ffn_norm.weight", w[p + "post_attention_layernorm.weight"]),
            (f"blk.{i}.ffn_gate.weight", w[p + "mlp.gate_proj.weight"]),
            (f"blk.{i}.ffn_up.weight", w[p + "mlp.up_proj.weight"]),
            (f"blk.{i}.ffn_down.weight", w[p + "mlp.down_proj.weight"]),
        ]

    meta = Writer()
    meta.add("general.architecture", STRING, "llama")
    meta.add("general.name", STRING, os.path.basename(os.path.normpath(hf_dir)))
    meta.add("general.alignment", U32, ALIGNMENT)
    meta.add("general.file_type", U32, 0)                                        # all F32
    meta.add("llama.context_length", U32, cfg["max_position_embeddings"])
    meta.add("llama.embedding_length", U32, c)
    meta.add("llama.block_count", U32, cfg["num_hidden_layers"])
    meta.add("llama.feed_forward_length", U32, cfg["intermediate_size"])
    meta.add("llama.attention.head_count", U32, h)
    meta.add("llama.attention.head_count_kv", U32, hkv)
    meta.add("llama.attention.key_length", U32, d)
    meta.add("llama.attention.value_length", U32, d)
    meta.add("llama.rope.dimension_count", U32, d)
    meta.add("llama.rope.freq_base", F32, float(cfg.get("rope_theta", 10000.0)))
    meta.add("llama.attention.layer_norm_rms_epsilon", F32, float(cfg["rms_norm_eps"]))
    meta.add("llama.vocab_size", U32, cfg["vocab_size"])
    tokens, scores, types = vocabulary(cfg["vocab_size"])
    meta.add("tokenizer.ggml.model", STRING, "llama")
    meta.add_array("tokenizer.ggml.tokens", STRING, tokens)
    meta.add_array("tokenizer.ggml.scores", F32, scores)
    meta.add_array("tokenizer.ggml.token_type", I32, types)
    meta.add("tokenizer.ggml.unknown_token_id", U32, 0)
    meta.add("tokenizer.ggml.bos_token_id", U32, cfg["bos_token_id"])
    meta.add("tokenizer.ggml.eos_token_id", U32, cfg["eos_token_id"])
    meta.add("tokenizer.ggml.add_bos_token", BOOL, False)

    infos, blobs, offset = b"", [], 0
    for name, t in tensors:
        data = t.float().contiguous().numpy().astype("<f4").tobytes()
        dims = list(reversed(t.shape))                                           # GGUF lists the innermost axis first
        infos += Writer.string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", n) for n in dims)
        infos += struct.pack("<IQ", 0, offset)                                   # type F32, offset in the data section
        pad = (-len(data)) % ALIGNMENT
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    head = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(meta.kv)) + b"".join(meta.kv) + infos
    head += b"\0" * ((-len(head)) % ALIGNMENT)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(tmp, out_path)
    print("wrote", out_path, f"({len(tensors)} tensors)")


def make_tiny():
    gen = torch.Generator().manual_seed(20261203)
    folder = os.path.join(FIXTURE, "llama-tiny")
    w = llama.random_weights(TINY, gen, "F32")
    llama.write_checkpoint(folder, TINY, w, "F32", None, [TINY["eos_token_id"]])
    v = TINY["vocab_size"]
    sequences = {
        "logits": [[1] + torch.randint(3, v, (7,), generator=gen).tolist(), torch.randint(3, v, (12,), generator=gen).tolist()],
        "greedy": [[1, 260, 270], torch.randint(3, v, (5,), generator=gen).tolist(), [1]],
        "greedy_steps": 12,
    }
    with open(os.path.join(HERE, "sequences.json"), "w") as f:
        json.dump(sequences, f)
        f.write("\n")
    return folder


def main():
    if len(sys.argv) == 3:
        export(sys.argv[1], sys.argv[2])
    elif len(sys.argv) == 1:
        export(make_tiny(), os.path.join(HERE, "out", "llama-tiny.gguf"))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
