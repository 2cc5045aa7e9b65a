using R2M.Build;

namespace R2M.Build.Tasks;

/// <summary>
/// Lays the r2m tool out in a folder of the project's obj/: the tool's own files (from the package, copied when
/// changed) and the libtorch natives the project resolved from its package references, linked (symbolic links,
/// so the NuGet cache is never written and nothing is duplicated; a copy where links are not allowed). The
/// native bridge is copied and its GLIBCXX requirement marked weak, as the runtime package's target does for bin/.
/// </summary>
internal static class R2MToolLayout
{
    /// <summary>File name of TorchSharp's native bridge on Linux.</summary>
    public const string BridgeFileName = "libLibTorchSharp.so";

    /// <summary>Prepares <paramref name="layout"/>; returns the path of R2M.Cli.dll in it.</summary>
    /// <param name="toolDirectory">The package's tools/net10.0 folder.</param>
    /// <param name="layout">The folder to fill.</param>
    /// <param name="natives">(source file, path relative to the layout) for each native file.</param>
    /// <param name="weakVersion">The symbol version to mark weak in the bridge (null: leave it).</param>
    /// <param name="log">Receives one line per step worth telling.</param>
    public static string Prepare(string toolDirectory, string layout, IEnumerable<(string Source, string RelativePath)> natives, string? weakVersion, Action<string> log)
    {
        Directory.CreateDirectory(layout);
        foreach (string file in Directory.EnumerateFiles(toolDirectory, "*", SearchOption.AllDirectories))
            CopyIfChanged(file, Path.Combine(layout, Path.GetRelativePath(toolDirectory, file)));
        foreach (var (source, relative) in natives)
        {
            string target = Path.Combine(layout, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Path.GetFileName(source) == BridgeFileName)
            {
                if (CopyIfChanged(source, target) && weakVersion is not null && OperatingSystem.IsLinux())
                {
                    log($"{target}: {weakVersion} requirement {ElfVersionPatcher.MarkWeak(target, weakVersion)}");
                    File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(source)); // so the next check sees it unchanged
                }
                continue;
            }
            Link(source, target);
        }
        return Path.Combine(layout, "R2M.Cli.dll");
    }

    private static void Link(string source, string target)
    {
        var existing = new FileInfo(target);
        if (existing.LinkTarget == source) return;
        if (existing.Exists || existing.LinkTarget is not null) File.Delete(target);
        try
        {
            File.CreateSymbolicLink(target, source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(source, target, overwrite: true);
        }
    }

    /// <summary>Copies when the target is missing or differs in size or time; true when it copied.</summary>
    private static bool CopyIfChanged(string source, string target)
    {
        var from = new FileInfo(source);
        var to = new FileInfo(target);
        if (to.Exists && to.LinkTarget is null && to.Length == from.Length && to.LastWriteTimeUtc == from.LastWriteTimeUtc) return false;
        Directory.CreateDirectory(to.DirectoryName!);
        if (to.LinkTarget is not null) File.Delete(target);
        File.Copy(source, target, overwrite: true);
        File.SetLastWriteTimeUtc(target, from.LastWriteTimeUtc);
        return true;
    }
}
