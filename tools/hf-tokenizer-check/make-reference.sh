#!/usr/bin/env bash
# Checks that a tokenizer Rebel trained and saved loads in Hugging Face's JavaScript tokenizer with the same ids:
# fetches npm @huggingface/tokenizers and writes its ids for the GPT-2 reference texts into
# tests/Rebel.Models.Tests/fixtures/bpe-trained/hf-reference.jsonl. The tokenizer files in that folder are written by
# BpeTrainer (VocabSize 600, defaults otherwise) trained on the same texts; the test retrains and compares them.
# Needs node and npm (registry access).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../tests/Rebel.Models.Tests/fixtures"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent @huggingface/tokenizers@0.2.0 >/dev/null && tar xzf huggingface-tokenizers-0.2.0.tgz)
node "$here/make-reference.mjs" "$tmp/package" "$fixtures/bpe-trained" "$fixtures/gpt2/reference.jsonl" \
  "$fixtures/bpe-trained/hf-reference.jsonl"
