#!/usr/bin/python3
"""Writes the safetensors test fixtures for Rebel.Tensors with an independent writer.

Debian has no python3-safetensors package, so the format is written here by hand with struct/json, and the
16-bit values come from torch's own conversions (tensor.to(torch.float16 / torch.bfloat16)). Outputs, under
tests/Rebel.Tensors.Tests/fixtures/safetensors/:

  mixed.safetensors       F32, F16 and BF16 tensors (with infinities, NaN, signed zeros, subnormals, odd sizes),
                          a scalar, an empty tensor, an I64 tensor and metadata. Written unlike our writer on
                          purpose: JSON with spaces, keys not in data order, no padding (so the data section
                          starts at an unaligned offset).
  mixed.expected.json     per readable tensor: dtype, shape and the float32 bit patterns torch converts it to.
  canonical.safetensors   F32 tensors and metadata in the reference implementation's layout (compact JSON,
                          metadata first, names sorted, header padded with spaces to a multiple of 8).
  canonical.expected.json the same tensors' shapes and float32 bit patterns and the metadata, so a test can
                          write them with SafeTensorsWriter and compare bytes.

Usage: /usr/bin/python3 tools/make_safetensors_fixtures.py   (from the repository root)
"""
import json
import os
import struct

import numpy as np
import torch

OUT = os.path.join("tests", "Rebel.Tensors.Tests", "fixtures", "safetensors")


def f32_bits(t):
    """float32 tensor -> list of uint32 bit patterns (exact, and JSON-safe for NaN/inf)."""
    return t.contiguous().to(torch.float32).numpy().view(np.uint32).reshape(-1).tolist()


def raw_bytes(t, dtype_name):
    t = t.contiguous()
    if dtype_name == "BF16":  # numpy has no bfloat16: reinterpret the bits as int16
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_file(path, entries, metadata, key_order, separators, pad):
    """entries: list of (name, dtype_name, shape, bytes) in data order."""
    header = {}
    offsets = {}
    pos = 0
    for name, dtype, shape, data in entries:
        offsets[name] = (dtype, list(shape), [pos, pos + len(data)])
        pos += len(data)
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in key_order:
        dtype, shape, offs = offsets[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": offs}
    text = json.dumps(header, separators=separators, ensure_ascii=False).encode("utf-8")
    if pad:
        text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, _, data in entries:
            f.write(data)


def special_values():
    return torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 65504.0, 65520.0, 6e-8, 1e-7,
                         -3e-5, 1e-40, -1e-39, 3.0e38, 1.0, -2.5, 1.0 / 3.0], dtype=torch.float32)


def mixed(gen):
    # 17 x 59 = 1003 elements: several full vectors plus a ragged tail.
    base = torch.randn(17 * 59, generator=gen, dtype=torch.float32) * 10.0
    base[: special_values().numel()] = special_values()
    f16 = base.reshape(17, 59).to(torch.float16)
    bf16 = (base.reshape(17, 59) * 1e3).to(torch.bfloat16)
    f32 = torch.randn(3, 5, generator=gen, dtype=torch.float32)
    f32[0, 0] = float("nan")
    f32[0, 1] = -0.0
    odd_f16 = torch.randn(7, generator=gen).to(torch.float16)  # odd element count shifts later data by 2 bytes
    scalar = torch.tensor(2.718281828, dtype=torch.float32)
    empty = torch.zeros(0, 4, dtype=torch.bfloat16)
    ids = torch.arange(6, dtype=torch.int64).reshape(2, 3)

    readable = [
        ("h.odd_f16", "F16", odd_f16),
        ("blocks.0.w_bf16", "BF16", bf16),
        ("blocks.0.w_f16", "F16", f16),
        ("embed.weight", "F32", f32),
        ("scale", "F32", scalar),
        ("empty", "BF16", empty),
    ]
    entries = [(n, d, tuple(t.shape), raw_bytes(t, d)) for n, d, t in readable]
    entries.append(("position_ids", "I64", (2, 3), ids.numpy().tobytes()))
    key_order = ["scale", "position_ids", "embed.weight", "blocks.0.w_f16", "empty", "h.odd_f16", "blocks.0.w_bf16"]
    metadata = {"format": "pt", "note": "written by tools/make_safetensors_fixtures.py", "ünïcode": "välue"}
    write_file(os.path.join(OUT, "mixed.safetensors"), entries, metadata, key_order, separators=(", ", ": "), pad=False)

    expected = {
        "metadata": metadata,
        "order": [e[0] for e in entries],
        "tensors": {n: {"dtype": d, "shape": list(t.shape), "bits": f32_bits(t.to(torch.float32))}
                    for n, d, t in readable},
        "unreadable": {"position_ids": "I64"},
    }
    with open(os.path.join(OUT, "mixed.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def canonical(gen):
    tensors = {
        "wte": torch.randn(5, 4, generator=gen),
        "b": torch.randn(3, generator=gen),
        "a.bias": torch.tensor(-1.5),
        "ln.weight": torch.ones(0),
        "Z": torch.randn(2, 2, 2, generator=gen),
    }
    names = sorted(tensors)  # the reference sorts by dtype (all F32 here), then by name
    metadata = {"step": "12", "format": "pt", "a key": "x\"y\\z"}
    entries = [(n, "F32", tuple(tensors[n].shape), raw_bytes(tensors[n], "F32")) for n in names]
    write_file(os.path.join(OUT, "canonical.safetensors"), entries, dict(sorted(metadata.items())), names,
               separators=(",", ":"), pad=True)
    expected = {
        "metadata": metadata,
        "tensors": {n: {"shape": list(t.shape), "bits": f32_bits(t)} for n, t in tensors.items()},
    }
    with open(os.path.join(OUT, "canonical.expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20261121)
    mixed(gen)
    canonical(gen)
    print("wrote fixtures to", OUT)


if __name__ == "__main__":
    main()
