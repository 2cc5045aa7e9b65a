namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Sequence</c>: the normalizers applied in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<TextNormalizer> steps) : TextNormalizer
{
    public override string Normalize(string original)
    {
        string text = original;
        foreach (TextNormalizer step in steps) text = step.Normalize(text);
        return text;
    }
}
