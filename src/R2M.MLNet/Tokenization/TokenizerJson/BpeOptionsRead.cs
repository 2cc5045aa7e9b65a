namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>The settings of a <c>BPE</c> model as read from <c>tokenizer.json</c>'s <c>model</c> object.</summary>
internal sealed record BpeOptionsRead(
    string? UnkToken,
    string ContinuingSubwordPrefix,
    string EndOfWordSuffix,
    bool FuseUnk,
    bool ByteFallback,
    bool IgnoreMerges);
