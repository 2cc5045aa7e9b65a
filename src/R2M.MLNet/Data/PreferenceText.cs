using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace R2M.MLNet.Data;

/// <summary>
/// Reads a preference file as strict UTF-8: bytes that are not UTF-8 are refused with their line and column
/// instead of silently becoming U+FFFD (a mis-encoded file would otherwise train on replacement characters).
/// </summary>
internal static class PreferenceText
{
    public static string Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("\uFEFF"u8)) span = span[3..];
        var chars = new char[span.Length];
        var status = Utf8.ToUtf16(span, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done) return new string(chars, 0, written);
        var before = span[..read];
        int line = before.Count((byte)'\n') + 1;
        int column = read - (before.LastIndexOf((byte)'\n') + 1) + 1;
        throw new PreferenceDataException(new PreferenceDataError(path, null, line, column, null,
            $"byte 0x{span[read]:X2} is not UTF-8 (save the file as UTF-8)"));
    }
}
