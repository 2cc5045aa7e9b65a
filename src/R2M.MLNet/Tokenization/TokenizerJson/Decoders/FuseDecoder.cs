namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Fuse</c>: all tokens joined into one.</summary>
internal sealed class FuseDecoder : DecoderStep
{
    public override void Decode(List<string> tokens)
    {
        string joined = string.Concat(tokens);
        tokens.Clear();
        tokens.Add(joined);
    }
}
