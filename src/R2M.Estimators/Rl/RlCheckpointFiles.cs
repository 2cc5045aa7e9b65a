using R2M.MLNet.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using R2M.MLNet;

namespace R2M.Estimators.Rl;

/// <summary>
/// The integrity side of an RL checkpoint folder: <c>checksums.json</c> (SHA-256 of every other file, written last,
/// so its presence marks a complete copy), verification on resume, and recovery from the copies a kill between
/// <see cref="RlCheckpoint.Save"/>'s two moves leaves beside the target (<c>{folder}.tmp-*</c>, <c>{folder}.old-*</c>).
/// </summary>
internal static class RlCheckpointFiles
{
    public const string ChecksumsFile = "checksums.json";

    /// <summary>Writes checksums.json for every file under <paramref name="folder"/>.</summary>
    public static void WriteChecksums(string folder)
    {
        var sums = new JsonObject();
        foreach (string file in Files(folder)) sums[Relative(folder, file)] = Hash(file);
        AtomicFile.WriteAllText(Path.Combine(folder, ChecksumsFile), new JsonObject { ["sha256"] = sums }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Checks every file against checksums.json; a folder saved before checksums existed passes unchecked.</summary>
    /// <exception cref="R2MModelFormatException">A file is missing, extra or changed.</exception>
    public static void Verify(string folder)
    {
        string path = Path.Combine(folder, ChecksumsFile);
        if (!File.Exists(path)) return;
        var sums = ModelJson.ReadObject(path)["sha256"] as JsonObject ?? throw new R2MModelFormatException(path, "sha256", "missing or not an object");
        foreach (var (name, hash) in sums)
        {
            string file = Path.Combine(folder, name);
            if (!R2M.MLNet.Persistence.R2MModelArchive.IsSafeName(name)) throw new R2MModelFormatException(path, $"sha256.{name}", "the name leaves the folder");
            if (!File.Exists(file)) throw new R2MModelFormatException(file, null, "listed in checksums.json but missing");
            if (hash is not JsonValue v || !v.TryGetValue(out string? expected) || expected != Hash(file))
                throw new R2MModelFormatException(file, null, "failed its SHA-256 check: the checkpoint was modified or corrupted after saving");
        }
        foreach (string file in Files(folder))
        {
            if (!sums.ContainsKey(Relative(folder, file))) throw new R2MModelFormatException(file, null, "not listed in checksums.json: the checkpoint was modified after saving");
        }
    }

    /// <summary>
    /// When <paramref name="folder"/> is missing or incomplete but a complete copy sits beside it (a save killed
    /// between its moves), moves the newest complete copy into place. Returns whether it did.
    /// </summary>
    public static bool Recover(string folder)
    {
        string target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(Path.Combine(target, "trainer_state.json"))) return false;
        string parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent)) return false;
        string name = Path.GetFileName(target);
        // A .tmp copy is complete only once its checksums.json exists (written last); an .old copy was a whole checkpoint.
        var candidates = Directory.EnumerateDirectories(parent, name + ".tmp-*").Where(d => File.Exists(Path.Combine(d, ChecksumsFile)))
            .Concat(Directory.EnumerateDirectories(parent, name + ".old-*").Where(d => File.Exists(Path.Combine(d, "trainer_state.json"))))
            .OrderByDescending(d => d.Contains(".tmp-", StringComparison.Ordinal)).ThenByDescending(d => Directory.GetLastWriteTimeUtc(d));
        foreach (string copy in candidates)
        {
            try
            {
                Verify(copy);
            }
            catch (R2MModelFormatException)
            {
                continue;
            }
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(copy, target);
            return true;
        }
        return false;
    }

    private static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != ChecksumsFile && !Path.GetFileName(f).EndsWith(".tmp", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string Relative(string folder, string file) => Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');

    private static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
