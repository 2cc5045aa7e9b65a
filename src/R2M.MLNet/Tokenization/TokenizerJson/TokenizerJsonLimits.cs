namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Bounds on a <c>tokenizer.json</c> read from an untrusted model folder. The defaults hold every public model
/// file known to us (Qwen3's is 11 MB with 151,643 tokens; Gemma 3's about 33 MB with 262,144) with room to spare.
/// </summary>
public sealed record TokenizerJsonLimits
{
    /// <summary>Largest file accepted, in bytes (default 128 MB).</summary>
    public long MaxFileBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Most vocabulary entries (default 1,000,000).</summary>
    public int MaxVocabularySize { get; init; } = 1_000_000;

    /// <summary>Most merges (default 2,000,000).</summary>
    public int MaxMerges { get; init; } = 2_000_000;

    /// <summary>Most added tokens (default 100,000).</summary>
    public int MaxAddedTokens { get; init; } = 100_000;

    /// <summary>Longest token, regex pattern or replacement string, in characters (default 4,096).</summary>
    public int MaxStringLength { get; init; } = 4096;

    /// <summary>Deepest nesting of <c>Sequence</c> components (default 8).</summary>
    public int MaxSequenceDepth { get; init; } = 8;

    /// <summary>The defaults.</summary>
    public static TokenizerJsonLimits Default { get; } = new();
}
