using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using R2M.MLNet.Persistence;

namespace R2M.Tests.Hostile;

/// <summary>
/// Writes hostile variants of a valid model zip: an entry changed and the manifest re-signed (so the integrity
/// check passes and the semantic checks are what must refuse it), or an entry whose header lies about its size.
/// </summary>
internal static class HostileZip
{
    /// <summary>Rewrites <paramref name="entry"/>'s JSON through <paramref name="change"/> and re-signs the manifest.</summary>
    public static void EditJson(string path, string entry, Action<JsonObject> change) => Edit(path, entry, bytes =>
    {
        var json = JsonNode.Parse(bytes)!.AsObject();
        change(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    });

    /// <summary>Replaces <paramref name="entry"/>'s bytes and re-signs the manifest (hash and size).</summary>
    public static void Edit(string path, string entry, Func<byte[], byte[]> change)
    {
        var entries = ReadAll(path);
        entries[entry] = change(entries[entry]);
        var manifest = JsonNode.Parse(entries[R2MModelArchive.ManifestEntry])!.AsObject();
        if (entry != R2MModelArchive.ManifestEntry)
        {
            manifest["entries"]![entry] = Convert.ToHexStringLower(SHA256.HashData(entries[entry]));
            manifest["sizes"]![entry] = entries[entry].LongLength;
            entries[R2MModelArchive.ManifestEntry] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        }
        Write(path, entries);
    }

    /// <summary>Adds a small entry whose zip headers declare <paramref name="declaredBytes"/> (a bomb that costs nothing to write).</summary>
    public static void AddLyingEntry(string path, string name, uint declaredBytes, bool listInManifest)
    {
        var entries = ReadAll(path);
        entries[name] = new byte[1024];
        if (listInManifest)
        {
            var manifest = JsonNode.Parse(entries[R2MModelArchive.ManifestEntry])!.AsObject();
            manifest["entries"]![name] = Convert.ToHexStringLower(SHA256.HashData(entries[name]));
            manifest["sizes"]![name] = 1024;
            entries[R2MModelArchive.ManifestEntry] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        }
        Write(path, entries);
        // Patch the uncompressed size in the entry's local header and its central-directory record.
        byte[] zip = File.ReadAllBytes(path);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        for (int i = 0; i + 46 < zip.Length; i++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature == 0x04034b50 && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), declaredBytes);
            if (signature == 0x02014b50 && zip.AsSpan(i + 46, Math.Min(nameBytes.Length, zip.Length - i - 46)).SequenceEqual(nameBytes))
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), declaredBytes);
        }
        File.WriteAllBytes(path, zip);
    }

    private static SortedDictionary<string, byte[]> ReadAll(string path)
    {
        var entries = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        using var zip = ZipFile.OpenRead(path);
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            entries[e.FullName] = m.ToArray();
        }
        return entries;
    }

    private static void Write(string path, SortedDictionary<string, byte[]> entries)
    {
        File.Delete(path);
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var s = output.CreateEntry(name, CompressionLevel.Fastest).Open();
            s.Write(bytes);
        }
    }
}
