namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>What a split does with the delimiters it finds (the <c>behavior</c> field of <c>Split</c>).</summary>
internal enum SplitBehavior
{
    /// <summary>Each delimiter is a piece of its own.</summary>
    Isolated,

    /// <summary>Delimiters are dropped.</summary>
    Removed,

    /// <summary>A delimiter is appended to the piece before it.</summary>
    MergedWithPrevious,

    /// <summary>A delimiter is prepended to the piece after it.</summary>
    MergedWithNext,

    /// <summary>Consecutive delimiters form one piece.</summary>
    Contiguous,
}
