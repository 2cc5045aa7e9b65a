namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Replace</c>: every match of a string or regex pattern becomes <c>content</c>.</summary>
internal sealed class ReplaceNormalizer(TextPattern pattern, string content) : TextNormalizer
{
    public override string Normalize(string original) => pattern.Replace(original, content);
}
