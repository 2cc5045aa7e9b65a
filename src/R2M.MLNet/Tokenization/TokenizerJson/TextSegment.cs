namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>A stretch of input: plain text (<see cref="AddedId"/> = -1) or one added token, with its start in the input.</summary>
internal readonly record struct TextSegment(string Text, int Offset, int AddedId)
{
    public bool IsAdded => AddedId >= 0;
}
