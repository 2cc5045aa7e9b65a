namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Sequence</c>: the decoders applied in order.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<DecoderStep> steps) : DecoderStep
{
    public override void Decode(List<string> tokens)
    {
        foreach (DecoderStep step in steps) step.Decode(tokens);
    }
}
