using System.Text;

namespace R2M.MLNet.Tokenization;

/// <summary>
/// The tokenizer for models trained from scratch: every UTF-8 byte is its own token (ids 0..255), followed by
/// three explicit special tokens, <see cref="Pad"/> (256), <see cref="Bos"/> (257) and <see cref="Eos"/> (258).
/// Needs no vocabulary file, covers every string, and is stateless (safe to share between threads).
/// </summary>
public sealed class ByteLevelTokenizer : ITextTokenizer
{
    /// <summary>Padding id: the first id after the 256 byte values.</summary>
    public const int Pad = 256;

    /// <summary>Beginning-of-sequence id.</summary>
    public const int Bos = 257;

    /// <summary>End-of-sequence id.</summary>
    public const int Eos = 258;

    /// <summary>Number of ids: 256 bytes and 3 special tokens.</summary>
    public const int Size = 259;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <inheritdoc />
    public int VocabSize => Size;

    /// <inheritdoc />
    public int? BosId => Bos;

    /// <inheritdoc />
    public int EosId => Eos;

    /// <inheritdoc />
    public int PadId => Pad;

    /// <summary>
    /// Encodes <paramref name="text"/> to its UTF-8 bytes, one id per byte. A lone surrogate in the string is
    /// encoded as the UTF-8 bytes of U+FFFD, as .NET's UTF-8 encoder does.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes = Utf8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) ids[i] = bytes[i];
        return ids;
    }

    /// <summary>
    /// Decodes byte ids to text. PAD, BOS and EOS are dropped; byte sequences that are not valid UTF-8
    /// become U+FFFD (never an exception).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="Size"/>.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        int position = 0;
        foreach (int id in ids)
        {
            if ((uint)id < 256) bytes.Add((byte)id);
            else if (id >= Size || id < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"Token id {id} at position {position} is outside the byte-level vocabulary (0..{Size - 1}).");
            }
            position++;
        }
        return Utf8.GetString(bytes.ToArray());
    }
}
