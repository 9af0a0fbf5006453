"""Trains small SentencePiece models with the real library, as fixtures for Rebel's tokenizer.model reader.

    python3 tools/sentencepiece-model/train_model.py CORPUS.txt OUT_DIR

Needs the sentencepiece Python package (Debian: apt-get install python3-sentencepiece, 0.1.97). Writes, gzip-compressed
with mtime 0:

- OUT_DIR/sentencepiece-bpe/tokenizer.model.gz: a BPE model trained as Llama 2 and Mistral were (byte fallback, digits split, the
  dummy "▁" prefix, whitespace kept as it is, identity normalizer, whitespace-only pieces allowed, <unk>/<s>/</s> at
  ids 0/1/2, no padding piece), with 2,000 pieces. character_coverage is 0.995 rather than Llama's 0.99995 so that
  the corpus's rarest characters are left to byte fallback, which the fixtures then exercise;
- OUT_DIR/sentencepiece-unigram/tokenizer.model.gz: a Unigram model (the trainer's default type) of the same corpus, which Rebel
  refuses.

Each line of the corpus is one sentence. The sentences are passed in memory and the model comes back in memory, so
the file records no path of the machine it was trained on. Training is deterministic: one thread, every sentence,
no shuffling, and the library's random generator seeded; running the script twice writes identical files.
"""
import gzip
import io
import os
import sys

import sentencepiece as spm

SEED = 13

SHARED = dict(
    unk_id=0,
    bos_id=1,
    eos_id=2,
    pad_id=-1,
    normalization_rule_name="identity",
    add_dummy_prefix=True,
    remove_extra_whitespaces=False,
    num_threads=1,
    input_sentence_size=0,
    shuffle_input_sentence=False,
    minloglevel=2,
)

BPE = dict(
    model_type="bpe",
    vocab_size=2000,
    character_coverage=0.995,
    byte_fallback=True,
    split_digits=True,
    allow_whitespace_only_pieces=True,
)

UNIGRAM = dict(model_type="unigram", vocab_size=800, character_coverage=0.995)


def train(sentences, settings):
    spm.set_random_generator_seed(SEED)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(sentences), model_writer=model, **SHARED, **settings)
    return model.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temp = path + ".tmp"
    with open(temp, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data)
    os.replace(temp, path)


def main(corpus, out_dir):
    with open(corpus, encoding="utf-8") as f:
        sentences = [line.rstrip("\n") for line in f if line.strip()]
    for name, settings in (("bpe", BPE), ("unigram", UNIGRAM)):
        data = train(sentences, settings)
        if train(sentences, settings) != data:
            sys.exit(f"training the {name} model twice gave two different files")
        write(os.path.join(out_dir, "sentencepiece-" + name, "tokenizer.model.gz"), data)
        print(f"{name}: {len(sentences)} sentences, {spm.SentencePieceProcessor(model_proto=data).vocab_size()} pieces, {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
