namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Replace</c>: in each token, every match of the pattern becomes <c>content</c>.</summary>
internal sealed class ReplaceDecoder(TextPattern pattern, string content) : DecoderStep
{
    public override void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++) tokens[i] = pattern.Replace(tokens[i], content);
    }
}
