#!/usr/bin/env bash
# Side-by-side sampling benchmark with a KV cache: Rebel (the `generate` benchmark of bench/Rebel.Benchmarks) vs
# PyTorch 1.13 (Debian's python3-torch, bench/pytorch/generate.py) on the same GPT-2 (V=512, C=256, 4 layers, 4 heads), batch 16, 16 random
# prompt tokens, 128 new tokens, tau = 1. The two alternate, ROUNDS rounds of 5 timed generations each; the summary is
# the median of the per-round medians, with the load average before and after.
# Usage: bash bench/generate.sh [ROUNDS] [THREADS] [extra options for both, e.g. --context-cost --new-tokens 512, or
#        --model-type llama --layers 6 --batch 1]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
threads=${2:-2}
shift $(( $# < 2 ? $# : 2 ))
export OPENBLAS_NUM_THREADS="$threads"
dotnet build -c Release bench/Rebel.Benchmarks -v q -nologo >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  dotnet bench/Rebel.Benchmarks/bin/Release/net10.0/Rebel.Benchmarks.dll generate --threads "$threads" "$@" | tee -a "$out"
  /usr/bin/python3 bench/pytorch/generate.py --threads "$threads" "$@" | tee -a "$out"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def med(impl, key, **match):
    return statistics.median(r[key] for r in rows if r["impl"] == impl and all(r[k] == v for k, v in match.items()))
if rows[0]["mode"] == "throughput":
    ours, torch = med("rebel", "tokens_per_s"), med("pytorch", "tokens_per_s")
    print(f"tokens/s: rebel {ours:.0f}, pytorch {torch:.0f}, ratio rebel/pytorch {ours / torch:.2f}x")
    print("per round, tokens/s (rebel, pytorch):", list(zip([r["tokens_per_s"] for r in rows if r["impl"] == "rebel"],
                                                        [r["tokens_per_s"] for r in rows if r["impl"] == "pytorch"])))
else:
    print("| new tokens L | rebel ms/step | rebel ratio to L=64 | rebel marginal ms/step | pytorch ms/step | pytorch ratio to L=64 | pytorch marginal ms/step |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted({r["new_tokens"] for r in rows}):
        cells = [med(i, k, new_tokens=n) for i in ("rebel", "pytorch") for k in ("per_token_ms", "per_token_ratio", "marginal_per_token_ms")]
        print(f"| {n} | {cells[0]:.3f} | {cells[1]:.2f} | {cells[2]:.3f} | {cells[3]:.3f} | {cells[4]:.2f} | {cells[5]:.3f} |")
PY
