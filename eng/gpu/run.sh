#!/usr/bin/env bash
# Runs on the GPU machine, from the unpacked bundle (no .NET SDK needed there): the CUDA self-check, the
# generation/training benchmark on CUDA at a GPT-2-small shape beside the PyTorch eager reference of the same
# work, one RL step (RLOO and RLOO + R2M) on CUDA, and the main job on CUDA; then a table of TorchSharp / PyTorch
# ratios. Every step has its own time limit, so one that hangs costs only its own minutes. Logs are written to a
# work folder and packed into $OUT/gpu-logs.tgz after each step (the archive survives a run stopped at its limit);
# the summary is $OUT/summary.txt. Needs: an NVIDIA GPU, nvidia-smi, python3 with torch (CUDA build).
# Settings through the environment: GOLDEN (golden checkpoints, default ../gpu-golden), SEED (main job, default 1),
# DEVICE (default cuda), LIBTORCH (a libtorch folder instead of python3's torch), STEPS (a comma list of steps to run, default all: gpu,selfcheck,bench,rlstep,mainjob).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/out}"
work="$(mktemp -d)"
mkdir -p "$out"
device="${DEVICE:-cuda}"
if [ -n "${LIBTORCH:-}" ]; then
  export LD_LIBRARY_PATH="$LIBTORCH:${LD_LIBRARY_PATH:-}"   # the CPU check here: LIBTORCH=<libtorch-cpu package>/runtimes/linux-x64/native DEVICE=cpu
else
  torchlib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))') || { echo "python3 with torch is required" >&2; exit 2; }
  nvlibs=$(python3 -c 'import glob, os, torch; base = os.path.dirname(os.path.dirname(torch.__file__)); print(":".join(sorted(glob.glob(os.path.join(base, "nvidia", "*", "lib")) + glob.glob(os.path.join(base, "nvidia", "cu*", "lib")))))')
  export LD_LIBRARY_PATH="$torchlib:$nvlibs:${LD_LIBRARY_PATH:-}"
fi
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
app="$here/app"
steps=",${STEPS:-gpu,selfcheck,bench,rlstep,mainjob},"
shape=(--layers 12 --d 768 --heads 12 --vocab 50257 --batch 16 --prompt 32 --new-tokens 128 --repeats 3)

pack() { tar czf "$out/gpu-logs.tgz.tmp" --exclude="*.zip" --exclude="*.png" -C "$work" . && mv "$out/gpu-logs.tgz.tmp" "$out/gpu-logs.tgz"; }
# Runs "$@" under a time limit (first argument, seconds) with its output in $work/<name>.log (second argument),
# sampling the card's used memory every 0.2 s into <name>.gpumem; prints the step's wall time and exit code.
step() {
  local limit=$1 name=$2; shift 2
  ( while true; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -1; sleep 0.2; done ) > "$work/$name.gpumem" &
  local sampler=$! start=$SECONDS
  timeout --kill-after=10 "$limit" "$@" > "$work/$name.log" 2>&1
  local rc=$?
  kill $sampler 2>/dev/null; wait $sampler 2>/dev/null
  local peak; peak=$(sort -n "$work/$name.gpumem" | tail -1)
  echo "step $name: exit $rc, $((SECONDS - start)) s, card memory used at most ${peak:-?} MiB" | tee -a "$work/steps.txt"
  tail -25 "$work/$name.log"
  pack
}

if [[ $steps == *,gpu,* ]]; then
  { nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
    python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
    nproc; } 2>&1 | tee "$work/gpu.txt"
  pack
fi
[[ $steps == *,selfcheck,* ]] && step 90 selfcheck "$app/R2M.Benchmarks" selfcheck --device "$device" --golden "${GOLDEN:-$here/../gpu-golden}"
if [[ $steps == *,bench,* ]]; then
  for dtype in float32 bf16; do
    step 100 "dotnet_$dtype" "$app/R2M.Benchmarks" generation --device "$device" --family gpt2 --dtype "$dtype" "${shape[@]}"
    step 100 "pytorch_$dtype" python3 "$here/bench/reference.py" --device "$device" --dtype "$dtype" "${shape[@]}"
  done
fi
[[ $steps == *,rlstep,* ]] && step 150 rlstep "$app/R2M.Benchmarks" rlstep --device "$device" --size Small --prompts 8 --k 4 --new-tokens 32 --steps 10 --warmup 5 --rounds 2
[[ $steps == *,mainjob,* ]] && step 240 mainjob "$app/R2M.Sample" --device "$device" --seed "${SEED:-1}" --out "$work/mainjob"

python3 - "$work" <<'PY' | tee "$work/summary.txt"
import json, sys, os
work = sys.argv[1]
def last_json(name):
    path = os.path.join(work, name)
    if not os.path.exists(path): return None
    lines = [l for l in open(path).read().splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None
def peak(name):
    path = os.path.join(work, name + ".gpumem")
    vals = [int(v) for v in open(path).read().split() if v.isdigit()] if os.path.exists(path) else []
    return max(vals) if vals else None
gpu = open(os.path.join(work, "gpu.txt")).read().strip().splitlines()[0] if os.path.exists(os.path.join(work, "gpu.txt")) else "?"
print(f"\nTorchSharp / PyTorch eager on {gpu}")
print("| dtype | measure | TorchSharp | PyTorch | ratio |")
print("|---|---|---|---|---|")
for dtype in ("float32", "bf16"):
    d, p = last_json(f"dotnet_{dtype}.log"), last_json(f"pytorch_{dtype}.log")
    if d is None or p is None:
        print(f"| {dtype} | (missing: {'TorchSharp' if d is None else 'PyTorch'}) | | | |"); continue
    for key in ("tokens_per_s_cache", "tokens_per_s_nocache", "train_tokens_per_s"):
        print(f"| {dtype} | {key} | {d[key]:.0f} | {p[key]:.0f} | {d[key] / p[key]:.2f} |")
    if d.get("train_tokens_per_s_master"):
        print(f"| {dtype} | train_tokens_per_s_master (float32 masters) | {d['train_tokens_per_s_master']:.0f} | | |")
    print(f"| {dtype} | card memory used at most (MiB, nvidia-smi) | {peak(f'dotnet_{dtype}')} | {peak(f'pytorch_{dtype}')} | |")
    print(f"| {dtype} | PyTorch max_memory_allocated (MiB) | | {p.get('peak_gpu_mib')} | |")
    for key in ("train_step_s", "train_forward_backward_s", "train_optimizer_s"):
        if key in d and key in p:
            print(f"| {dtype} | {key} (seconds) | {d[key]} | {p[key]} | {d[key] / p[key]:.2f} |")
    if "train_optimizer_s_foreach_false" in p:
        print(f"| {dtype} | PyTorch AdamW one parameter at a time (foreach=False, seconds) | | {p['train_optimizer_s_foreach_false']} | |")
r = last_json("rlstep.log")
if r: print("\nrlstep on CUDA:", json.dumps(r))
m = os.path.join(work, "mainjob", "metrics.json")
if os.path.exists(m):
    mj = json.load(open(m))
    keys = ["policy.sft_val_loss", "reward_model.val_accuracy", "reward_model.on_policy_gold_accuracy", "rl.initial_gold", "rl.final_gold",
            "rl.vanilla.final_gold", "rl.final_gold_rl_prompts", "rl.vanilla.final_gold_rl_prompts", "rl.kl", "timing.total_seconds"]
    def get(d, k):
        for part in k.split("."):
            if not isinstance(d, dict) or part not in d: return None
            d = d[part]
        return d
    print("\nmain job:", json.dumps({k: get(mj, k) for k in keys}))
PY
pack
cp "$work/summary.txt" "$out/summary.txt" 2>/dev/null
cat "$work/steps.txt" 2>/dev/null
