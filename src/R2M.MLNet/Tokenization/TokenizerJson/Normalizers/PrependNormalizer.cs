namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Prepend</c>: puts <c>prepend</c> before a non-empty text (an empty text stays empty).</summary>
internal sealed class PrependNormalizer(string prepend) : TextNormalizer
{
    public override string Normalize(string original) => original.Length == 0 ? original : prepend + original;
}
