namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// <c>Metaspace</c>: the replacement character back to a space; in the first token it is dropped instead, unless
/// <c>prepend_scheme</c> is never.
/// </summary>
internal sealed class MetaspaceDecoder(char replacement, PrependScheme scheme) : DecoderStep
{
    public override void Decode(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            tokens[i] = i == 0 && scheme != PrependScheme.Never
                ? tokens[i].Replace(replacement.ToString(), "", StringComparison.Ordinal)
                : tokens[i].Replace(replacement, ' ');
        }
    }
}
