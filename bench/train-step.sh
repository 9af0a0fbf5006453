#!/usr/bin/env bash
# Side-by-side training-step benchmark: Rebel vs PyTorch 1.13 (Debian's python3-torch) on the same GPT-2
# (V=512, T=128, C=256, 4 layers, 4 heads, batch 16 unless the extra options say otherwise, e.g.
# --model-type llama --layers 6 --batch 4 --context 256 --checkpoint), alternating runs, medians of the per-run medians.
# Usage: bash bench/train-step.sh [ROUNDS] [STEPS] [extra options for both]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
steps=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
export OPENBLAS_NUM_THREADS=2
dotnet build -c Release bench/Rebel.Benchmarks -v q -nologo >/dev/null
out=$(mktemp)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  dotnet bench/Rebel.Benchmarks/bin/Release/net10.0/Rebel.Benchmarks.dll train-step --steps "$steps" "$@" | tee -a "$out"
  /usr/bin/python3 bench/pytorch/train_step.py --steps "$steps" --threads 2 "$@" | tee -a "$out"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
med = lambda impl, key: statistics.median(r[key] for r in rows if r["impl"] == impl)
ours, torch = med("rebel", "median_ms"), med("pytorch", "median_ms")
mo, mt = med("rebel", "peak_rss_mb"), med("pytorch", "peak_rss_mb")
print(f"step time: rebel {ours:.1f} ms, pytorch {torch:.1f} ms, ratio {ours / torch:.2f}x")
print(f"peak RSS:  rebel {mo:.0f} MB, pytorch {mt:.0f} MB, ratio {mo / mt:.2f}x")
PY
rm -f "$out"
