using R2M.MLNet.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace R2M.MLNet.Persistence;

/// <summary>
/// Verifies an R2M model zip and extracts its <c>r2m/</c> entries into a folder, in this order: names (safe,
/// unique, not too many), the manifest (read first, size-capped), every entry listed and nothing unlisted (by
/// name, before any entry is read), then each entry streamed to disk with its size capped by the manifest and its
/// SHA-256 computed on the way. Nothing is held whole in memory, so a zip bomb costs at most its cap.
/// </summary>
internal static class ArchiveExtractor
{
    /// <summary>Verifies <paramref name="path"/> and writes its r2m/ entries under <paramref name="folder"/>.</summary>
    public static void Extract(string path, string folder) => Verify(path, folder, graph: null);

    /// <summary>
    /// Verifies every entry of <paramref name="path"/> (the r2m/ ones hashed, not kept) and returns ML.NET's graph
    /// entries (those outside r2m/) by name, each at most <see cref="MaxGraphEntryBytes"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> ReadGraph(string path)
    {
        var graph = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Verify(path, folder: null, graph);
        return graph;
    }

    /// <summary>The most bytes one ML.NET graph entry may hold in memory (64 MiB).</summary>
    public const long MaxGraphEntryBytes = 64L << 20;

    private static void Verify(string path, string? folder, Dictionary<string, byte[]>? graph)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No R2M model zip at {path}.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            ExtractFrom(zip, path, folder, graph);
        }
        catch (InvalidDataException e)
        {
            throw new R2MModelFormatException(path, null, $"not a readable zip archive (truncated or corrupted): {e.Message}", e);
        }
    }

    private static void ExtractFrom(ZipArchive zip, string path, string? folder, Dictionary<string, byte[]>? graph)
    {
        if (zip.Entries.Count > ModelFileLimits.MaxEntries)
            throw Bad(path, $"{zip.Entries.Count} entries, more than the {ModelFileLimits.MaxEntries} a model zip may have");
        var byName = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var e in zip.Entries)
        {
            if (!R2MModelArchive.IsSafeName(e.FullName)) throw Bad(path, $"entry name '{e.FullName}' would escape the archive's folder; refused");
            if (!byName.TryAdd(e.FullName, e)) throw Bad(path, $"entry '{e.FullName}' appears twice");
        }
        if (!byName.TryGetValue(R2MModelArchive.ManifestEntry, out var manifestEntry))
            throw Bad(path, $"no {R2MModelArchive.ManifestEntry}: not an R2M model zip (save with mlContext.R2M().SaveModel, load with mlContext.R2M().LoadModel)");
        string manifestName = $"{path}!{R2MModelArchive.ManifestEntry}";
        var manifest = ModelJson.ParseObject(ReadSmall(manifestEntry, manifestName), manifestName);
        if (manifest["format"] is not JsonValue f || !f.TryGetValue(out string? format) || format != R2MModelArchive.FormatName)
            throw Bad(path, $"manifest format is '{manifest["format"]?.ToJsonString()}', expected '{R2MModelArchive.FormatName}'");
        if (manifest["version"] is not JsonValue v || !v.TryGetValue(out int version))
            throw new R2MModelFormatException(manifestName, "version", $"must be an integer, got {manifest["version"]?.ToJsonString() ?? "nothing"}");
        if (version != R2MModelArchive.FormatVersion)
            throw Bad(path, $"format version {version} is not supported; this build reads version {R2MModelArchive.FormatVersion}");
        var listed = manifest["entries"] as JsonObject ?? throw new R2MModelFormatException(manifestName, "entries", "missing or not an object");
        var sizes = manifest["sizes"] as JsonObject; // written since the reliability work; older zips have none
        foreach (string name in byName.Keys)
        {
            if (name != R2MModelArchive.ManifestEntry && !listed.ContainsKey(name)) throw Bad(path, $"entry '{name}' is not in the manifest: the archive was modified after saving");
        }
        foreach (var (name, _) in listed)
        {
            if (!byName.ContainsKey(name)) throw Bad(path, $"entry '{name}' listed in the manifest is missing");
        }
        foreach (string required in R2MModelArchive.RequiredEntries)
        {
            if (!byName.ContainsKey(required)) throw Bad(path, $"required entry '{required}' is missing");
        }
        foreach (var (name, hashNode) in listed)
        {
            string hash = hashNode is JsonValue h && h.TryGetValue(out string? s) ? s : throw new R2MModelFormatException(manifestName, $"entries.{name}", "must be a SHA-256 hex string");
            long cap = ModelFileLimits.MaxEntryBytes;
            if (sizes?[name] is JsonNode declared)
                cap = declared is JsonValue dv && dv.TryGetValue(out long size) && size >= 0 && size <= cap ? size
                    : throw new R2MModelFormatException(manifestName, $"sizes.{name}", $"must be a byte count in [0, {cap}]");
            var entry = byName[name];
            // Entries outside r2m/ (ML.NET's graph) are verified, and kept in memory only when asked for.
            bool isGraph = !name.StartsWith("r2m/", StringComparison.Ordinal);
            string? target = !isGraph && folder is not null ? Path.Combine(folder, name) : null;
            using var memory = isGraph && graph is not null ? new MemoryStream() : null;
            if (memory is not null) cap = Math.Min(cap, MaxGraphEntryBytes);
            if (entry.Length > cap) throw Bad(path, $"entry '{name}' declares {entry.Length} bytes, more than the {cap} allowed for it");
            string actual = CopyHashed(entry, target, memory, cap, path, name);
            if (!string.Equals(actual, hash, StringComparison.Ordinal))
                throw Bad(path, $"entry '{name}' failed its SHA-256 check: the archive was modified or corrupted after saving");
            if (memory is not null) graph![name] = memory.ToArray();
        }
    }

    /// <summary>A view of a stream whose Dispose leaves it open (the copy loop disposes its sink).</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    /// <summary>Streams an entry to <paramref name="target"/> (or nowhere), at most <paramref name="cap"/> bytes, returning its SHA-256.</summary>
    private static string CopyHashed(ZipArchiveEntry entry, string? target, MemoryStream? memory, long cap, string path, string name)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Stream sink = memory is null ? Stream.Null : new NonClosing(memory);
        if (target is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            sink = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        }
        using (sink)
        using (var source = entry.Open())
        {
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = source.Read(buffer)) > 0)
            {
                total += read;
                if (total > cap || total > entry.Length) throw Bad(path, $"entry '{name}' holds more bytes than the {Math.Min(cap, entry.Length)} it declares");
                hash.AppendData(buffer, 0, read);
                sink.Write(buffer, 0, read);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] ReadSmall(ZipArchiveEntry entry, string name)
    {
        if (entry.Length > ModelFileLimits.MaxJsonBytes)
            throw new R2MModelFormatException(name, null, $"declares {entry.Length} bytes, more than the {ModelFileLimits.MaxJsonBytes} allowed");
        using var source = entry.Open();
        using var copy = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            if (copy.Length + read > ModelFileLimits.MaxJsonBytes) throw new R2MModelFormatException(name, null, "holds more bytes than it declares");
            copy.Write(buffer, 0, read);
        }
        return copy.ToArray();
    }

    private static R2MModelFormatException Bad(string path, string what) => new(path, null, what);
}
