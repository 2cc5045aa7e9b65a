using System.Runtime.InteropServices;

namespace R2M.MLNet.Native;

/// <summary>
/// How freed tensor memory goes back to the C heap. libtorch allocates CPU tensors with malloc; glibc serves
/// anything over its mmap threshold (at most 32 MiB) with a fresh mmap and unmaps it on free, so at 0.5B shapes
/// every logits, activation and gradient buffer is faulted in page by page on each use: a third of the
/// process's CPU time went to the kernel in the roofline benchmark. <see cref="RetainFreedMemory"/> switches
/// glibc to serving large blocks from its heap and keeping freed memory for reuse (the process's resident size
/// then stays near its peak). Opt-in: call it once at start-up, before the first tensor (the benchmarks do). At
/// Qwen2.5-0.5B shapes it cut page faults 8.6 M → 4.8 M and a training step by 10% for 1.6 GB more peak RSS
/// (docs/benchmarks.md). It was taken out of the default while a hang of the CLI's Ctrl+C test was diagnosed (the
/// cause proved unrelated: SIGINT inherited as ignored) and has not been measured as a default since, so it stays
/// opt-in for now. R2M_SYSTEM_MALLOC=1 makes it a no-op.
/// </summary>
public static class NativeHeap
{
    /// <summary>The environment variable that keeps glibc's own malloc settings when set to 1.</summary>
    public const string OptOutVariable = "R2M_SYSTEM_MALLOC";

    private const int TrimThreshold = -1;  // M_TRIM_THRESHOLD: free top memory above this goes back to the OS
    private const int MmapMax = -4;        // M_MMAP_MAX: how many blocks may be served by mmap at once

    /// <summary>Whether the retain policy is in force in this process.</summary>
    public static bool Retaining { get; private set; }

    /// <summary>
    /// On Linux with glibc: no mmap-served blocks (M_MMAP_MAX 0) and no trimming of the heap's top (M_TRIM_THRESHOLD
    /// at its largest). Returns whether it was applied: false on other platforms or C libraries, or when opted out.
    /// </summary>
    public static bool RetainFreedMemory()
    {
        if (Retaining) return true;
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(OptOutVariable) == "1") return false;
        try
        {
            Retaining = mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            Retaining = false; // not glibc (musl has no mallopt): nothing to configure
        }
        return Retaining;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
