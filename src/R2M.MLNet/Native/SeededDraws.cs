using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Native;

/// <summary>
/// Seeded random numbers on any device: the one place sampling and noise get theirs. On the CPU one TorchSharp
/// generator, seeded once, gives a single stream. TorchSharp 0.107 creates CPU generators only, and libtorch refuses
/// a CPU generator for a CUDA draw, so on CUDA each draw seeds the devices' default generators with a value mixed
/// from (seed, number of the draw) and draws at once, both under one process-wide lock: a draw's numbers depend only
/// on the seed and its place in the sequence, never on other threads' draws. Other devices draw on the CPU and copy.
/// The CUDA stream differs from the CPU's: the same seed gives other numbers on the two devices.
/// </summary>
public sealed class SeededDraws : IDisposable
{
    private static readonly Lock CudaSeeding = new();
    private readonly Generator? generator;
    private readonly ulong seed;
    private long count;
    private bool disposed;

    /// <summary>Draws for tensors on <paramref name="device"/>, from <paramref name="seed"/>.</summary>
    public SeededDraws(ulong seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        this.seed = seed;
        Device = device;
        if (device.type != DeviceType.CUDA) generator = new Generator(seed, CPU);
    }

    /// <summary>The device the draws are made on.</summary>
    public Device Device { get; }

    /// <summary>Uniform numbers in [0, 1), float32, of <paramref name="shape"/>, on <see cref="Device"/>.</summary>
    public Tensor Uniform(ReadOnlySpan<long> shape) => Draw(shape, normal: false);

    /// <summary>Standard normal numbers, float32, of <paramref name="shape"/>, on <see cref="Device"/>.</summary>
    public Tensor Normal(ReadOnlySpan<long> shape) => Draw(shape, normal: true);

    private Tensor Draw(ReadOnlySpan<long> shape, bool normal)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (generator is not null)
        {
            if (Device.type == DeviceType.CPU) return normal ? randn(shape, generator: generator, device: Device) : rand(shape, generator: generator, device: Device);
            using var host = normal ? randn(shape, generator: generator) : rand(shape, generator: generator);
            return host.to(Device);
        }
        ulong drawSeed = Mix(seed, (ulong)count++);
        lock (CudaSeeding)
        {
            torch.cuda.manual_seed_all(unchecked((long)drawSeed));
            return normal ? randn(shape, device: Device) : rand(shape, device: Device);
        }
    }

    /// <summary>SplitMix64's finaliser over seed and draw number: nearby inputs give unrelated seeds.</summary>
    internal static ulong Mix(ulong seed, ulong draw)
    {
        ulong z = unchecked(seed + 0x9E3779B97F4A7C15UL * (draw + 1));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        generator?.Dispose();
    }
}
