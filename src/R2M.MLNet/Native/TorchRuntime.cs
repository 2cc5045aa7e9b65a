using TorchSharp;

namespace R2M.MLNet.Native;

/// <summary>
/// The first use of R2M goes through <see cref="EnsureLoaded"/>: it finds TorchSharp's native bridge,
/// opens it with the platform loader (so a failure names the real cause), then lets TorchSharp initialise.
/// </summary>
public static class TorchRuntime
{
    /// <summary>File name of TorchSharp's native bridge on Linux.</summary>
    public const string BridgeFileName = "libLibTorchSharp.so";

    private static readonly object Gate = new();
    private static bool _loaded;

    /// <summary>
    /// Loads libtorch once per process. Throws <see cref="TorchNativeLoadException"/> with the loader's
    /// error text when it cannot load. Cheap after the first call.
    /// </summary>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded)) return;
        lock (Gate)
        {
            if (_loaded) return;
            string? bridge = null;
            if (OperatingSystem.IsLinux())
            {
                bridge = FindBridge();
                if (bridge is null)
                {
                    throw new TorchNativeLoadException(
                        $"R2M could not find {BridgeFileName}. Looked in: {string.Join(", ", SearchDirectories())}. " +
                        "Reference the R2M.MLNet package (it brings TorchSharp and libtorch-cpu-linux-x64) and build or publish for linux-x64.",
                        null, null);
                }
                if (!NativeLibraryProbe.TryLoad(bridge, out string? error))
                    throw new TorchNativeLoadException(DescribeFailure(bridge, error!), bridge, error);
            }
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is not TorchNativeLoadException)
            {
                throw new TorchNativeLoadException(
                    $"TorchSharp failed to initialise libtorch{(bridge is null ? "" : $" (bridge {bridge} loaded)")}: {e.Message}",
                    bridge, null, e);
            }
            Volatile.Write(ref _loaded, true);
        }
    }

    /// <summary>
    /// The message for a bridge that failed to load: the loader's text first, then what usually causes it.
    /// </summary>
    /// <param name="path">The library file.</param>
    /// <param name="loaderError">The dynamic loader's error text.</param>
    public static string DescribeFailure(string path, string loaderError)
    {
        string hint =
            loaderError.Contains("GLIBCXX_", StringComparison.Ordinal) && loaderError.Contains("not found", StringComparison.Ordinal)
                ? " The system libstdc++ is older than the one TorchSharp was built against. R2M's build target marks that " +
                  "requirement weak in build and publish output; this copy was not processed (copied by hand, or the target " +
                  "was switched off with R2MWeakenGlibcxxRequirement=false). Rebuild or republish the application."
            : loaderError.Contains("cannot open shared object file", StringComparison.Ordinal)
                ? " A file it needs is missing: check that libtorch-cpu-linux-x64 (or a PyTorch install on LD_LIBRARY_PATH) is present."
            : loaderError.Contains("undefined symbol", StringComparison.Ordinal)
                ? " The libtorch found does not match the one TorchSharp 0.107.0 was built for (libtorch 2.10)."
            : "";
        return $"R2M could not load libtorch: the dynamic loader failed to open {path}: {loaderError}.{hint}";
    }

    private static string? FindBridge()
    {
        foreach (string dir in SearchDirectories())
        {
            string candidate = Path.Combine(dir, BridgeFileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static IEnumerable<string> SearchDirectories()
    {
        string baseDir = AppContext.BaseDirectory;
        yield return baseDir;
        yield return Path.Combine(baseDir, "runtimes", "linux-x64", "native");
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string dirs)
        {
            foreach (string dir in dirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return dir;
        }
    }
}
