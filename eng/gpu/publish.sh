#!/usr/bin/env bash
# Builds the GPU bundle here (a machine with the .NET SDK): self-contained linux-x64 publishes of the
# sample and the benchmarks, trimmed where safe, without libtorch's own libraries (the GPU machine's
# PyTorch provides them), plus the scripts the GPU machine runs. Output: artifacts/gpu-bundle.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/artifacts/gpu-bundle"
rm -rf "$out" && mkdir -p "$out"
# R2MLibTorch=none: libtorch comes from PyTorch on the GPU machine, so libtorch-cpu is not even restored.
common=(-c Release -r linux-x64 --self-contained true -p:R2MLibTorch=none -p:PublishTrimmed=true -p:TrimMode=partial
        -p:InvariantGlobalization=true -p:TreatWarningsAsErrors=false -p:SuppressTrimAnalysisWarnings=true
        -p:JsonSerializerIsReflectionEnabledByDefault=true -p:DebugType=none -p:R2MBenchWithoutScaleOut=true -nodeReuse:false)
# One trimmed publish: the benchmarks program references the sample and runs it as "sample" (two trimmed
# publishes into one folder would overwrite each other's trimmed framework assemblies).
dotnet publish "$root/bench/R2M.Benchmarks/R2M.Benchmarks.csproj" "${common[@]}" -o "$out/app"
printf '#!/bin/sh\nexec "$(dirname "$0")/R2M.Benchmarks" sample "$@"\n' > "$out/app/R2M.Sample"
chmod +x "$out/app/R2M.Sample"
# Nothing of libtorch may ship (it would load before PyTorch's): only TorchSharp's bridge.
if find "$out/app" -maxdepth 1 -name 'libtorch_cpu.so' | grep -q .; then echo "libtorch-cpu in the bundle" >&2; exit 1; fi
# Debugger and dump support and debug symbols are not needed to run (about 6 MiB).
find "$out/app" -maxdepth 1 -type f \( -name '*.dbg' -o -name 'libmscordaccore.so' -o -name 'libmscordbi.so' \
     -o -name 'libclrgcexp.so' -o -name 'createdump' \) -delete
cp "$root/eng/gpu/run.sh" "$root/eng/gpu/README.md" "$out/"
mkdir -p "$out/bench" && cp "$root/bench/pytorch/reference.py" "$out/bench/"
# The golden checkpoints for the self-check go beside the bundle (build output, never committed), when ../shared is there.
rm -rf "$root/artifacts/gpu-golden"
if [ -d "$root/../shared/golden" ]; then cp -r "$root/../shared/golden" "$root/artifacts/gpu-golden"; fi
size=$(du -sm "$out" | cut -f1)
echo "bundle: $out (${size} MiB)"
if [ "$size" -gt 50 ]; then echo "bundle exceeds 50 MiB" >&2; exit 1; fi
