namespace R2M.Tests.Infrastructure;

/// <summary>Locates the repository root and the read-only ../shared folder beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The ../shared folder, or null in a user's clone where it is absent.</summary>
    public static string? Shared
    {
        get
        {
            string path = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(path) ? path : null;
        }
    }

    public static string NuGetPackagesRoot =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>TorchSharp's bridge as the package ships it (never modified by the build).</summary>
    public static string CachedBridge =>
        Path.Combine(NuGetPackagesRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "R2M.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"R2M.sln not found above {AppContext.BaseDirectory}");
    }
}
