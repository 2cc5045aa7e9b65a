using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

/// <summary>Small preference-data files written into a temporary folder, and the real files in ../shared/data.</summary>
internal static class DataFile
{
    public static string Write(TempDir dir, string name, string content)
    {
        string path = dir.File(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>../shared/data/{name}, or a skip where ../shared is absent.</summary>
    public static string Shared(string name)
    {
        string path = Path.Combine(Requires.Shared(), "data", name);
        Skip.IfNot(File.Exists(path), $"{path} is absent: the real-data test is skipped.");
        return path;
    }
}
