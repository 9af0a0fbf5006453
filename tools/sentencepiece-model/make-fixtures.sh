#!/usr/bin/env bash
# Regenerates the fixtures of Rebel's tokenizer.model reader in tests/Rebel.Models.Tests/fixtures/tokenizers:
# trains the sentencepiece-bpe and sentencepiece-unigram models with the real SentencePiece library and writes what
# the library gives for them and for the mistral-sentencepiece model (make_model.py's). Needs a Python with the
# sentencepiece package (Debian: apt-get install python3-sentencepiece, 0.1.97); PYTHON picks the interpreter.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
tokenizers="$root/tests/Rebel.Models.Tests/fixtures/tokenizers"
python="${PYTHON:-python3}"
"$python" "$here/train_model.py" "$root/tools/gpt2-reference/corpus.txt" "$tokenizers"
"$python" "$here/make_oracle.py" "$root/tools/tokenizer-oracle/texts.json" "$root/tools/gpt2-reference/corpus.txt" "$tokenizers"
