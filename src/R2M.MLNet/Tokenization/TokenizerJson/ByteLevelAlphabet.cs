using System.Buffers;
using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// The byte-level BPE alphabet (GPT-2's): each of the 256 byte values is shown as one printable character. The
/// printable bytes <c>!</c>..<c>~</c>, <c>¡</c>..<c>¬</c>, <c>®</c>..<c>ÿ</c> stand for themselves; the other 68, in
/// increasing order, take U+0100, U+0101, ... (so a space is <c>Ġ</c>, U+0120, and a newline <c>Ċ</c>).
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that shows each byte.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    /// <summary>The byte each alphabet character stands for, by character code; -1 for a character outside it.</summary>
    public static readonly short[] CharToByte = BuildCharToByte();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var map = new short[324];
        Array.Fill(map, (short)-1);
        for (int b = 0; b < 256; b++) map[ByteToChar[b]] = (short)b;
        return map;
    }

    /// <summary>The UTF-8 bytes of <paramref name="text"/>, each shown as its alphabet character.</summary>
    public static string Encode(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        int count = Encoding.UTF8.GetBytes(text, bytes);
        string result = string.Create(count, bytes[..count], static (chars, source) =>
        {
            for (int i = 0; i < chars.Length; i++) chars[i] = ByteToChar[source[i]];
        });
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return result;
    }

    /// <summary>
    /// Appends the bytes <paramref name="token"/> stands for; a token with a character outside the alphabet (an added
    /// token such as <c>&lt;|im_start|&gt;</c> written plainly) contributes its own UTF-8 bytes.
    /// </summary>
    public static void AppendBytes(string token, List<byte> bytes)
    {
        foreach (char c in token)
        {
            if (c >= CharToByte.Length || CharToByte[c] < 0)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
                return;
            }
        }
        foreach (char c in token) bytes.Add((byte)CharToByte[c]);
    }
}
