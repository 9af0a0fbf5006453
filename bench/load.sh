#!/usr/bin/env bash
# Loading time and peak resident memory of a model folder (Rebel.Benchmarks load, one load per process), ROUNDS times;
# medians. For the issue's figure: the BF16 folder of tools/gguf/make_smollm2_shape.py (a random SmolLM2-135M shape).
# Usage: bash bench/load.sh MODEL_DIR [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: bash bench/load.sh MODEL_DIR [ROUNDS]}
rounds=${2:-5}
dotnet build -c Release bench/Rebel.Benchmarks -v q -nologo >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  dotnet bench/Rebel.Benchmarks/bin/Release/net10.0/Rebel.Benchmarks.dll load --model "$model" | tee -a "$out"
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
med = lambda key: statistics.median(r[key] for r in rows)
print(f"load {med('load_ms'):.0f} ms wall, {med('load_cpu_ms'):.0f} ms CPU; RSS before {med('rss_before_mb'):.0f} MB, peak {med('peak_rss_mb'):.0f} MB "
      f"(peak - before = {med('peak_rss_mb') - med('rss_before_mb'):.0f} MB for {rows[0]['f32_mb']:.0f} MB of float32 weights "
      f"from {rows[0]['file_mb']:.0f} MB of files)")
PY
