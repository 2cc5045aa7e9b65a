using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>The device follows ML.NET's own knobs: <see cref="MLContext.GpuDeviceId"/> and <see cref="MLContext.FallbackToCpu"/>.</summary>
public static class R2MDevice
{
    /// <summary>
    /// CPU when no GPU is asked for; cuda:{id} when it is there; otherwise CPU if fallback is on, or
    /// <see cref="R2MDeviceException"/>.
    /// </summary>
    public static Device Resolve(MLContext context) => Resolve(context.GpuDeviceId, context.FallbackToCpu, cuda.is_available(), cuda.is_available() ? cuda.device_count() : 0);

    /// <summary>The decision, given what is installed (testable without a GPU).</summary>
    public static Device Resolve(int? gpuDeviceId, bool fallbackToCpu, bool cudaAvailable, int deviceCount)
    {
        if (gpuDeviceId is not int id) return CPU;
        if (cudaAvailable && id >= 0 && id < deviceCount) return new Device(DeviceType.CUDA, id);
        string why = cudaAvailable
            ? $"GPU {id} was asked for (MLContext.GpuDeviceId) but only {deviceCount} CUDA device(s) exist"
            : $"GPU {id} was asked for (MLContext.GpuDeviceId) but libtorch has no CUDA device here (the CPU libtorch package is loaded, or no GPU/driver is present)";
        if (fallbackToCpu) return CPU;
        throw new R2MDeviceException($"{why}. Set MLContext.FallbackToCpu = true to run on the CPU instead, or run against a CUDA libtorch (see eng/gpu).");
    }
}
