"""Writes a SentencePiece tokenizer.model (ModelProto protobuf, BPE) from a SentencePiece-style tokenizer.json.

The npm oracle packages ship tokenizer.json only, so the test model of Rebel's tokenizer.model reader is written from
Mistral-7B's tokenizer.json fixture: pieces in id order; <unk> UNKNOWN, <s> and </s> CONTROL, <0xNN> BYTE, the rest
NORMAL. The package holds no scores, so they are rebuilt from the merge order (a BPE piece's score falls with the
rank of the merge that makes it: -rank; a piece no merge makes, -(merges + id)); transformers' converter orders
merges by these scores, so the model reproduces the file's merges exactly. trainer_spec BPE with byte_fallback and
unk/bos/eos ids 0/1/2; normalizer_spec identity with add_dummy_prefix, escape_whitespaces and no
remove_extra_whitespaces. Standard library only; the protobuf is written by hand.

    python3 tools/sentencepiece-model/make_model.py IN/tokenizer.json.gz OUT/tokenizer.model.gz
"""
import gzip
import json
import re
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(number, wire, payload):
    key = varint((number << 3) | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def piece(text, score, kind):
    body = field(1, 2, text.encode("utf-8")) + field(2, 5, struct.pack("<f", score))
    if kind != 1:
        body += field(3, 0, varint(kind))
    return field(1, 2, body)


def main(source, target):
    with gzip.open(source, "rt", encoding="utf-8") as f:
        tok = json.load(f)
    vocab = tok["model"]["vocab"]
    by_id = sorted(vocab.items(), key=lambda kv: kv[1])
    assert [i for _, i in by_id] == list(range(len(by_id))), "ids must be dense"
    special = {a["content"] for a in tok.get("added_tokens", []) if a.get("special")}
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in tok["model"]["merges"]]
    first = {}
    for rank, (left, right) in enumerate(merges):
        first.setdefault(left + right, rank)
    out = bytearray()
    for text, i in by_id:
        if text == tok["model"].get("unk_token"):
            kind = 2
        elif text in special:
            kind = 3
        elif re.fullmatch(r"<0x[0-9A-F]{2}>", text):
            kind = 6
        else:
            kind = 1
        score = -float(first[text]) if text in first else -float(len(merges) + i)
        out += piece(text, 0.0 if kind != 1 else score, kind)
    trainer = field(3, 0, varint(2)) + field(35, 0, varint(1)) + field(40, 0, varint(0)) + field(41, 0, varint(1)) + field(42, 0, varint(2))
    normalizer = field(1, 2, b"identity") + field(3, 0, varint(1)) + field(4, 0, varint(0)) + field(5, 0, varint(1))
    out += field(2, 2, trainer) + field(3, 2, normalizer)
    with gzip.GzipFile(target, "wb", mtime=0) as f:
        f.write(bytes(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
