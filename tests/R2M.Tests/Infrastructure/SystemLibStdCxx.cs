using System.Text;

namespace R2M.Tests.Infrastructure;

/// <summary>Which GLIBCXX versions the system's libstdc++ defines (by its version-definition strings).</summary>
internal static class SystemLibStdCxx
{
    private static readonly string[] Candidates =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6",
        "/usr/lib/libstdc++.so.6",
    ];

    public static bool Provides(string version)
    {
        string? path = Candidates.FirstOrDefault(File.Exists);
        if (path is null) return false;
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }
}
