#!/usr/bin/env bash
# Pairs/s of an onnx: judge: tools/make_onnx_judge_fixtures.py --bench exports a reward model (C = 256, 4 blocks,
# byte-level tokenizer, 1024 positions) with fixed random weights, then the `judge --onnx` benchmark
# (bench/Rebel.Benchmarks) times it on synthetic prompts and completions, distinct pairs and K-way per prompt, medians of REPS repetitions.
# Usage: bash bench/onnx-judge.sh [REPS] [extra options for the judge benchmark, e.g. --pairs 512]
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-3}
shift $(( $# < 1 ? $# : 1 ))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
/usr/bin/python3 tools/make_onnx_judge_fixtures.py --bench "$dir/judge" 2>/dev/null
dotnet build -c Release bench/Rebel.Benchmarks -v q -nologo >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Rebel.Benchmarks/bin/Release/net10.0/Rebel.Benchmarks.dll judge --onnx "$dir/judge" --reps "$reps" "$@"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
