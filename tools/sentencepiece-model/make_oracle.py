"""Writes what the real SentencePiece library gives for Rebel's tokenizer.model fixtures.

    python3 tools/sentencepiece-model/make_oracle.py TEXTS.json CORPUS.txt TOKENIZERS_DIR

Needs the sentencepiece Python package (Debian: python3-sentencepiece, 0.1.97). TOKENIZERS_DIR is
tests/Rebel.Models.Tests/fixtures/tokenizers. Writes:

- sentencepiece-bpe/expected.jsonl: for each text (the tokenizer oracle's texts, the lines of the GPT-2 reference
  corpus the model was trained on, and a few of SentencePiece's own edge cases), the library's ids of encode(text)
  without and with BOS (add_bos) and with BOS and EOS, its pieces, and its decodes of the plain and the BOS+EOS ids;
- sentencepiece-bpe/pieces.json: every piece of the model in id order, and the type of each piece that is not
  NORMAL (unknown, control, byte, ...);
- mistral-sentencepiece/sentencepiece.jsonl: the library's ids and decode for the oracle's texts on the model that
  make_model.py writes from Mistral-7B's tokenizer.json, and whether they equal the transformers.js oracle's ids
  of that text with special tokens as plain text (the library never reads special-token text as a control token).
  The script stops if any differ.
"""
import gzip
import json
import os
import sys

import sentencepiece as spm

# SentencePiece's own edge cases: its space symbol in the input, whitespace alone, control characters.
EXTRA_TEXTS = [
    "\u2581",
    "\u2581already\u2581escaped",
    " \u2581 mixed",
    "\n",
    "\t\t",
    "a\u0000b",
    "x\u200by",
    "The  library  keeps   every   space.",
    "     ",
]

def load(path):
    with gzip.open(path, "rb") as f:
        return spm.SentencePieceProcessor(model_proto=f.read())


def piece_type(sp, i):
    if sp.is_unknown(i):
        return "unknown"
    if sp.is_control(i):
        return "control"
    if sp.is_byte(i):
        return "byte"
    if sp.is_unused(i):
        return "unused"
    return "normal"  # NORMAL or USER_DEFINED: the trainer here makes no user-defined pieces


def write_lines(path, rows):
    temp = path + ".tmp"
    with open(temp, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(temp, path)


def bpe_rows(sp, texts):
    for text in texts:
        ids = sp.encode(text)
        ids_bos = sp.encode(text, add_bos=True)
        ids_bos_eos = sp.encode(text, add_bos=True, add_eos=True)
        yield {
            "text": text,
            "ids": ids,
            "ids_bos": ids_bos,
            "ids_bos_eos": ids_bos_eos,
            "pieces": sp.encode(text, out_type=str),
            "decode": sp.decode(ids),
            "decode_bos_eos": sp.decode(ids_bos_eos),
        }


def main(texts_path, corpus_path, tokenizers):
    with open(texts_path, encoding="utf-8") as f:
        oracle_texts = json.load(f)
    with open(corpus_path, encoding="utf-8") as f:
        corpus = [line.rstrip("\n") for line in f if line.strip()]
    texts = list(dict.fromkeys(oracle_texts + EXTRA_TEXTS + corpus))

    bpe = load(os.path.join(tokenizers, "sentencepiece-bpe", "tokenizer.model.gz"))
    write_lines(os.path.join(tokenizers, "sentencepiece-bpe", "expected.jsonl"), bpe_rows(bpe, texts))
    pieces = {
        "pieces": [bpe.id_to_piece(i) for i in range(bpe.vocab_size())],
        "types": {str(i): piece_type(bpe, i) for i in range(bpe.vocab_size()) if piece_type(bpe, i) != "normal"},
    }
    write_lines(os.path.join(tokenizers, "sentencepiece-bpe", "pieces.json"), [pieces])
    print(f"sentencepiece-bpe: {len(texts)} texts, {bpe.vocab_size()} pieces")

    mistral = load(os.path.join(tokenizers, "mistral-sentencepiece", "tokenizer.model.gz"))
    with open(os.path.join(tokenizers, "mistral", "expected.jsonl"), encoding="utf-8") as f:
        oracle = [json.loads(line) for line in f if line.strip()]
    rows = []
    for e in oracle:
        ids = mistral.encode(e["text"])
        rows.append({"text": e["text"], "ids": ids, "decode": mistral.decode(ids), "equals_oracle_ids_plain": ids == e["ids_plain"]})
    write_lines(os.path.join(tokenizers, "mistral-sentencepiece", "sentencepiece.jsonl"), rows)
    differ = [r["text"] for r in rows if not r["equals_oracle_ids_plain"]]
    print(f"mistral-sentencepiece: {len(rows) - len(differ)} of {len(rows)} texts give the transformers.js oracle's ids")
    if differ:
        sys.exit("the real library and the oracle differ on: " + json.dumps(differ, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
