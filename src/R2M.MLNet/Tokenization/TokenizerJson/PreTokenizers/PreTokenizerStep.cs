namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>A <c>tokenizer.json</c> pre-tokenizer: splits each piece into smaller ones, possibly rewriting them.</summary>
internal abstract class PreTokenizerStep
{
    /// <summary>Adds the pieces <paramref name="piece"/> splits into to <paramref name="output"/>; empty pieces are dropped.</summary>
    public abstract void Split(Piece piece, List<Piece> output);

    /// <summary>Splits every piece of <paramref name="input"/> into <paramref name="output"/>.</summary>
    public virtual void SplitAll(List<Piece> input, List<Piece> output)
    {
        foreach (Piece piece in input) Split(piece, output);
    }
}
