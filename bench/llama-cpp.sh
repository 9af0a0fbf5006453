#!/usr/bin/env bash
# Batch-1 sampling speed against llama.cpp (node-llama-cpp 3.21.1) on the same weights: a random SmolLM2-135M-shaped
# Llama written by tools/gguf/make_smollm2_shape.py as an F32 Hugging Face folder (Rebel) and its F32 GGUF export
# (llama.cpp). 16 random prompt tokens, 128 sampled tokens (tau = 1, no truncation, no EOS stop), fresh cache each time.
# ROUNDS rounds alternate the two sides; llama.cpp runs with 1 and 2 threads, Rebel with THREADS (default 2).
# Usage: bash bench/llama-cpp.sh DIR [ROUNDS] [THREADS] [REPS]   (DIR holds smollm2-shape-f32/ and smollm2-shape.gguf;
#        `npm install` in tools/gguf first)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: bash bench/llama-cpp.sh DIR [ROUNDS] [THREADS] [REPS]}
rounds=${2:-2}
threads=${3:-2}
reps=${4:-5}
dotnet build -c Release bench/Rebel.Benchmarks -v q -nologo >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  dotnet bench/Rebel.Benchmarks/bin/Release/net10.0/Rebel.Benchmarks.dll generate --model "$dir/smollm2-shape-f32" --model-type llama \
    --batch 1 --threads "$threads" --reps "$reps" | tee -a "$out"
  node tools/gguf/bench-llama-cpp.mjs "$dir/smollm2-shape.gguf" 1,2 128 16 "$reps" | tee -a "$out"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
ours = statistics.median(r["tokens_per_s"] for r in rows if r["impl"] == "rebel")
cpp = {t: statistics.median(r["tokens_per_s"] for r in rows if r["impl"] == "llama.cpp" and r["threads"] == t) for t in (1, 2)}
best = max(cpp.values())
print(f"tokens/s at batch 1: rebel {ours:.1f}, llama.cpp 1 thread {cpp[1]:.1f}, 2 threads {cpp[2]:.1f}; rebel / best llama.cpp {ours / best:.2f}x")
PY
