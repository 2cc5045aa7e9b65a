namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>When <c>Metaspace</c> puts its replacement character before a piece (<c>prepend_scheme</c>).</summary>
internal enum PrependScheme
{
    /// <summary>Before every piece that does not start with it.</summary>
    Always,

    /// <summary>Only before the piece at the very start of the input.</summary>
    First,

    /// <summary>Never.</summary>
    Never,
}

/// <summary>
/// <c>Metaspace</c>: spaces become the replacement character (<c>▁</c>), which is prepended as
/// <c>prepend_scheme</c> says; with <c>split</c> (default true) each replacement character starts a new piece.
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split) : PreTokenizerStep
{
    public override void Split(Piece piece, List<Piece> output)
    {
        string text = piece.Text.Replace(' ', replacement);
        bool prepend = scheme switch
        {
            PrependScheme.Always => !text.StartsWith(replacement),
            PrependScheme.First => !text.StartsWith(replacement) && piece.Offset == 0,
            _ => false,
        };
        if (prepend) text = replacement + text;
        if (!split)
        {
            if (text.Length > 0) output.Add(piece with { Text = text });
            return;
        }
        var matches = new List<(int, int)>();
        for (int i = 0; i < text.Length; i++) if (text[i] == replacement) matches.Add((i, 1));
        Segmenter.Apply(piece with { Text = text }, matches, SplitBehavior.MergedWithNext, invert: false, output);
    }
}
