namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Lowercase</c>: culture-invariant lower case.</summary>
internal sealed class LowercaseNormalizer : TextNormalizer
{
    public override string Normalize(string original) => original.ToLowerInvariant();
}
