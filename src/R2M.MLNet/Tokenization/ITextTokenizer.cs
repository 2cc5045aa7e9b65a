namespace R2M.MLNet.Tokenization;

/// <summary>
/// Text to token ids and back, with the special tokens a language model needs made explicit. Every
/// tokenizer R2M uses (GPT-2 BPE, byte-level, the one shipped with a HuggingFace model folder) has this shape.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Number of ids the model's embedding must cover (the largest id + 1, special tokens included).</summary>
    int VocabSize { get; }

    /// <summary>Beginning-of-sequence id, or null when the tokenizer has none (GPT-2 prepends nothing).</summary>
    int? BosId { get; }

    /// <summary>End-of-sequence id: generation stops here, and the reward model reads its score here.</summary>
    int EosId { get; }

    /// <summary>Padding id. Never scored, masked out of attention; may equal <see cref="EosId"/> (GPT-2).</summary>
    int PadId { get; }

    /// <summary>Encodes text to ids, without adding BOS or EOS.</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids to text. Special tokens (BOS, EOS, PAD) are dropped.</summary>
    string Decode(IEnumerable<int> ids);
}
