using System.Security.Cryptography;

namespace R2M.MLNet.Persistence;

/// <summary>An entry's content while the zip is written: bytes in memory, or a file streamed from disk.</summary>
internal sealed class ArchiveEntrySource
{
    private readonly byte[]? bytes;
    private readonly string? file;

    private ArchiveEntrySource(byte[]? bytes, string? file) => (this.bytes, this.file) = (bytes, file);

    public static ArchiveEntrySource Of(byte[] bytes) => new(bytes, null);

    public static ArchiveEntrySource OfFile(string file) => new(null, file);

    public long Length => bytes?.LongLength ?? new FileInfo(file!).Length;

    public string Sha256()
    {
        if (bytes is not null) return Convert.ToHexStringLower(SHA256.HashData(bytes));
        using var stream = new FileStream(file!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void CopyTo(Stream target)
    {
        if (bytes is not null)
        {
            target.Write(bytes);
            return;
        }
        using var stream = new FileStream(file!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        stream.CopyTo(target, 1 << 20);
    }
}
