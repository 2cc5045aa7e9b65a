using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>A <c>tokenizer.json</c> normalizer: one string in, one string out (offsets are not tracked).</summary>
internal abstract class TextNormalizer : Normalizer
{
    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
