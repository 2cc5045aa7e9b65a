namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>A <c>tokenizer.json</c> decoder: rewrites the list of token strings; the result is joined without separator.</summary>
internal abstract class DecoderStep
{
    /// <summary>Rewrites <paramref name="tokens"/> in place.</summary>
    public abstract void Decode(List<string> tokens);
}
