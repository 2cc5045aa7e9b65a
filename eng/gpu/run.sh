#!/usr/bin/env bash
# Runs on the GPU machine, from the unpacked bundle (no .NET SDK needed there): the CUDA self-check, the
# sample's quick run on CUDA, the generation/training benchmark on CUDA at a GPT-2-small shape, and the
# PyTorch eager reference of the same work; then a table of TorchSharp / PyTorch ratios. Logs go to $OUT
# (or ./out). Needs: an NVIDIA GPU, python3 with torch (CUDA build).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/out}"
mkdir -p "$out"
torchlib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))') || { echo "python3 with torch is required" >&2; exit 2; }
nvlibs=$(python3 -c 'import glob, os, torch; base = os.path.dirname(os.path.dirname(torch.__file__)); print(":".join(sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib")))))')
export LD_LIBRARY_PATH="$torchlib:$nvlibs:${LD_LIBRARY_PATH:-}"
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
app="$here/app"
shape=(--family gpt2 --layers 12 --d 768 --heads 12 --vocab 50257 --batch 16 --prompt 32 --new-tokens 128 --repeats 3)

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu.txt"
"$app/R2M.Benchmarks" selfcheck --device cuda --golden "${GOLDEN:-$here/../gpu-golden}" 2>&1 | tee "$out/selfcheck.log"
"$app/R2M.Sample" --quick --device cuda --out "$out/sample" 2>&1 | tee "$out/sample.log"
for dtype in float32 bf16; do
  "$app/R2M.Benchmarks" generation --device cuda --dtype "$dtype" "${shape[@]}" 2>&1 | tee "$out/dotnet_$dtype.log"
  python3 "$here/bench/reference.py" --device cuda --dtype "$dtype" --layers 12 --d 768 --heads 12 --vocab 50257 \
    --batch 16 --prompt 32 --new-tokens 128 --repeats 3 2>&1 | tee "$out/pytorch_$dtype.log"
done
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def last_json(path):
    with open(path) as f:
        return json.loads([l for l in f.read().splitlines() if l.startswith("{")][-1])
gpu = open(os.path.join(out, "gpu.txt")).read().strip()
print(f"\nTorchSharp / PyTorch eager on {gpu}")
print("| dtype | measure | TorchSharp | PyTorch | ratio |")
print("|---|---|---|---|---|")
for dtype in ("float32", "bf16"):
    d, p = last_json(os.path.join(out, f"dotnet_{dtype}.log")), last_json(os.path.join(out, f"pytorch_{dtype}.log"))
    for key in ("tokens_per_s_cache", "train_tokens_per_s"):
        print(f"| {dtype} | {key} | {d[key]:.0f} | {p[key]:.0f} | {d[key] / p[key]:.2f} |")
    print(f"| {dtype} | peak memory (MiB) | {d.get('peak_rss_mib')} RSS | {p.get('peak_gpu_mib')} GPU | |")
PY
