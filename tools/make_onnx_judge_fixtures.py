#!/usr/bin/python3
"""Builds three tiny ONNX judges with fixed random weights, and what PyTorch says they output.

Each judge folder is laid out as `rebel` reads an `onnx:DIR` judge: `model.onnx`, `judge.json` and tokenizer files.
The tokenizer is byte-level BPE with no merges (one token per UTF-8 byte, id = byte value) plus special tokens, so
this script can compute the ids itself without a tokenizer library. Outputs, under
tests/Rebel.Judges.Tests/fixtures/onnx/:

  reward/          a reward head: a one-block transformer over `{prompt}{completion}`, the last real token's state
                   through a linear head, output "score" of shape [batch, 1]. judge.json is the issue's minimal one.
  pairwise/        a pairwise ranker over `{prompt}<|sep|>{a}<|sep|>{b}`, output "logit" of shape [batch].
  chat/            a reward head whose input is a conversation rendered with the folder's ChatML chat template
                   (tokenizer_config.json), output "reward" of shape [batch]; max_length 48, so long prompts are
                   cut from the left.
  nan/             a reward "model" whose score is NaN for every row, to check that a judge raises on it.
  expected.json    per judge: the texts (already rendered), their ids, and PyTorch's float outputs.

Usage: /usr/bin/python3 tools/make_onnx_judge_fixtures.py   (from the repository root; needs Debian's
python3-torch and python3-onnx). With `--bench DIR` it writes instead a larger reward judge (C = 256, 4 blocks) into
DIR for `Rebel.Benchmarks judge --onnx DIR` (bench/onnx-judge.sh).
"""
import json
import math
import os
import sys

import torch

OUT = os.path.join("tests", "Rebel.Judges.Tests", "fixtures", "onnx")
SPECIALS = ["<|endoftext|>", "<|sep|>", "<|im_start|>", "<|im_end|>"]
VOCAB = 256 + len(SPECIALS)


def byte_to_unicode():
    """GPT-2's reversible map from bytes to printable characters (the byte-level alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars = printable[:]
    n = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(printable, chars)}


def encode(text):
    """Special-token text becomes its id; everything else one id per UTF-8 byte."""
    ids = []
    i = 0
    while i < len(text):
        for k, s in enumerate(SPECIALS):
            if text.startswith(s, i):
                ids.append(256 + k)
                i += len(s)
                break
        else:
            ids.extend(text[i].encode("utf-8"))
            i += 1
    return ids


def write_tokenizer(folder, chat_template=None):
    alphabet = byte_to_unicode()
    vocab = {alphabet[b]: b for b in range(256)}
    for k, s in enumerate(SPECIALS):
        vocab[s] = 256 + k
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
    config = {
        "added_tokens_decoder": {str(256 + k): {"content": s, "special": True} for k, s in enumerate(SPECIALS)},
        "eos_token": "<|endoftext|>",
    }
    if chat_template is not None:
        config["chat_template"] = chat_template
        config["eos_token"] = "<|im_end|>"
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=1)


class Block(torch.nn.Module):
    """A pre-norm causal attention block with a GELU MLP; padded keys are masked out."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = torch.nn.LayerNorm(d)
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.up = torch.nn.Linear(d, 4 * d)
        self.down = torch.nn.Linear(4 * d, d)

    def forward(self, x, attention_mask):
        b, t, d = x.shape                                                   # (B, T, C)
        hd = d // self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q = q.view(b, t, self.heads, hd).transpose(1, 2)                    # (B, H, T, D)
        k = k.view(b, t, self.heads, hd).transpose(1, 2)
        v = v.view(b, t, self.heads, hd).transpose(1, 2)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd)                    # (B, H, T, T)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        keep = causal.view(1, 1, t, t) & attention_mask.bool().view(b, 1, 1, t)
        scores = scores.masked_fill(~keep, -1e9)
        y = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.down(torch.nn.functional.gelu(self.up(self.ln2(x))))


class TinyScorer(torch.nn.Module):
    """Embedding + positions, pre-norm attention blocks, the last real token's state through a linear head."""

    def __init__(self, d=32, heads=2, blocks=1, max_len=256, squeeze=False):
        super().__init__()
        self.squeeze = squeeze
        self.tok = torch.nn.Embedding(VOCAB, d)
        self.pos = torch.nn.Embedding(max_len, d)
        self.blocks = torch.nn.ModuleList(Block(d, heads) for _ in range(blocks))
        self.lnf = torch.nn.LayerNorm(d)
        self.head = torch.nn.Linear(d, 1)

    def forward(self, input_ids, attention_mask):
        b, t = input_ids.shape
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.tok(input_ids) + self.pos(positions)                       # (B, T, C)
        for block in self.blocks:
            x = block(x, attention_mask)
        h = self.lnf(x)
        last = attention_mask.long().sum(-1) - 1                            # index of the last real token
        pooled = h[torch.arange(b), last]                                   # (B, C)
        out = self.head(pooled)                                             # (B, 1)
        return out.squeeze(-1) if self.squeeze else out


class NotANumber(torch.nn.Module):
    """Returns NaN per row (whatever the ids), as a model with broken weights would."""

    def forward(self, input_ids, attention_mask):
        return (input_ids * attention_mask).sum(-1).float() * float("nan")


def export(model, folder, output_name):
    ids = torch.tensor([[1, 2, 3, 4], [5, 6, 0, 0]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=torch.long)
    torch.onnx.export(
        model, (ids, mask), os.path.join(folder, "model.onnx"),
        input_names=["input_ids", "attention_mask"], output_names=[output_name],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      output_name: {0: "batch"}},
        opset_version=14)


def run(model, sequences):
    """PyTorch's outputs for id sequences, right-padded with 0 into one batch."""
    t = max(len(s) for s in sequences)
    ids = torch.zeros(len(sequences), t, dtype=torch.long)
    mask = torch.zeros(len(sequences), t, dtype=torch.long)
    for i, s in enumerate(sequences):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    with torch.no_grad():
        return model(ids, mask).reshape(-1).double().tolist()


CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def render_chatml(prompt, completion):
    """The ChatML template above, applied to [user: prompt, assistant: completion] (no generation prompt)."""
    return f"<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n{completion}<|im_end|>\n"


def truncated(render, prompt, completion, max_length):
    """Drops the fewest code points from the left of the prompt that bring the rendered ids within max_length."""
    for j in range(len(prompt) + 1):
        text = render(prompt[j:], completion)
        if len(encode(text)) <= max_length:
            return text, j > 0
    raise ValueError("the completion alone is longer than max_length")


def main():
    torch.manual_seed(20261202)
    prompts = ["Write about apple and wagon.", "Name three colours.", "¿Qué es un río? 川 🌊"]
    completions = [
        ["apple, wagon.", "a red apple on a big wagon", ""],
        ["red, blue, green", "colours", "blue"],
        ["Un río es agua que corre.", "🌊🌊", "agua"],
    ]
    expected = {}

    # 1. reward head, the minimal judge.json of the issue.
    folder = os.path.join(OUT, "reward")
    os.makedirs(folder, exist_ok=True)
    reward = TinyScorer(squeeze=False).eval()
    export(reward, folder, "score")
    write_tokenizer(folder)
    judge = {"kind": "reward", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "score",
             "template": "{prompt}{completion}", "max_length": 256}
    with open(os.path.join(folder, "judge.json"), "w") as f:
        json.dump(judge, f)
    items = [(p, c) for p, cs in zip(prompts, completions) for c in cs]
    texts = [p + c for p, c in items]
    expected["reward"] = {"items": [{"prompt": p, "completion": c, "text": t, "ids": encode(t)}
                                    for (p, c), t in zip(items, texts)],
                          "scores": run(reward, [encode(t) for t in texts])}

    # 2. pairwise ranker: one logit per (prompt, a, b).
    folder = os.path.join(OUT, "pairwise")
    os.makedirs(folder, exist_ok=True)
    ranker = TinyScorer(squeeze=True).eval()
    export(ranker, folder, "logit")
    write_tokenizer(folder)
    judge = {"kind": "pairwise", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "logit",
             "template": "{prompt}<|sep|>{a}<|sep|>{b}", "max_length": 256}
    with open(os.path.join(folder, "judge.json"), "w") as f:
        json.dump(judge, f)
    pairs = [(p, cs[i], cs[j]) for p, cs in zip(prompts, completions) for i in range(3) for j in range(3) if i != j]
    texts = [f"{p}<|sep|>{a}<|sep|>{b}" for p, a, b in pairs]
    expected["pairwise"] = {"items": [{"prompt": p, "a": a, "b": b, "text": t, "ids": encode(t)}
                                      for (p, a, b), t in zip(pairs, texts)],
                            "logits": run(ranker, [encode(t) for t in texts])}

    # 3. a conversational reward model with a chat template and a short maximum length.
    folder = os.path.join(OUT, "chat")
    os.makedirs(folder, exist_ok=True)
    chat = TinyScorer(squeeze=True).eval()
    export(chat, folder, "reward")
    write_tokenizer(folder, chat_template=CHATML)
    judge = {"kind": "reward", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "reward",
             "template": "{prompt}{completion}", "max_length": 48, "chat_template": True}
    with open(os.path.join(folder, "judge.json"), "w") as f:
        json.dump(judge, f)
    items = [(p, c) for p, cs in zip(prompts, completions) for c in cs]
    rendered = [truncated(render_chatml, p, c, judge["max_length"]) for p, c in items]
    texts = [t for t, _ in rendered]
    expected["chat"] = {"items": [{"prompt": p, "completion": c, "text": t, "ids": encode(t), "truncated": cut}
                                  for (p, c), (t, cut) in zip(items, rendered)],
                        "scores": run(chat, [encode(t) for t in texts])}

    # 4. a broken model: NaN for every row.
    folder = os.path.join(OUT, "nan")
    os.makedirs(folder, exist_ok=True)
    export(NotANumber().eval(), folder, "score")
    write_tokenizer(folder)
    judge = {"kind": "reward", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "score",
             "template": "{prompt}{completion}", "max_length": 256}
    with open(os.path.join(folder, "judge.json"), "w") as f:
        json.dump(judge, f)

    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)


def bench_model(folder):
    """A larger reward judge for `Rebel.Benchmarks judge --onnx` (C = 256, 4 blocks, 1024 positions)."""
    torch.manual_seed(1)
    os.makedirs(folder, exist_ok=True)
    export(TinyScorer(d=256, heads=4, blocks=4, max_len=1024).eval(), folder, "score")
    write_tokenizer(folder)
    judge = {"kind": "reward", "input_ids": "input_ids", "attention_mask": "attention_mask", "output": "score",
             "template": "{prompt}{completion}", "max_length": 1024}
    with open(os.path.join(folder, "judge.json"), "w") as f:
        json.dump(judge, f)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--bench":
        bench_model(sys.argv[2])
    else:
        main()
