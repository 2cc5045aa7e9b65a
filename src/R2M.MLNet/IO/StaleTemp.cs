using System.Globalization;

namespace R2M.MLNet.IO;

/// <summary>
/// Names temporary files and folders after the process that owns them (<c>{prefix}{pid}-{guid}</c>) and removes
/// the ones a killed process left behind: a later save or load deletes leftovers whose process is gone.
/// </summary>
public static class StaleTemp
{
    /// <summary>A fresh name <c>{prefix}{pid}-{guid}{suffix}</c> owned by this process.</summary>
    public static string Name(string prefix, string suffix = "") =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{Environment.ProcessId}-{Guid.NewGuid():N}{suffix}");

    /// <summary>Deletes files and folders in <paramref name="folder"/> named <c>{prefix}{pid}-…{suffix}</c> whose process has ended. Never throws.</summary>
    public static void Sweep(string folder, string prefix, string suffix = "")
    {
        try
        {
            if (!Directory.Exists(folder)) return;
            foreach (string entry in Directory.EnumerateFileSystemEntries(folder, prefix + "*" + suffix))
            {
                string name = Path.GetFileName(entry)[prefix.Length..];
                int dash = name.IndexOf('-', StringComparison.Ordinal);
                if (dash <= 0 || !int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
                if (IsAlive(pid)) continue;
                try
                {
                    if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                    else File.Delete(entry);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another sweeper got there first, or it is not ours to delete: leave it.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Sweeping is best effort; it never fails a save or a load.
        }
    }

    private static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
