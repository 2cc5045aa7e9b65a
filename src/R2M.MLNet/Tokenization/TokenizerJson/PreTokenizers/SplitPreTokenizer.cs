namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary><c>Split</c>: cuts at the matches of a string or regex pattern; <c>invert</c> makes the matches the pieces.</summary>
internal sealed class SplitPreTokenizer(TextPattern pattern, SplitBehavior behavior, bool invert) : PreTokenizerStep
{
    [ThreadStatic] private static List<(int, int)>? t_matches;

    /// <summary>The regex when this split keeps every match and the text between as pieces (the common case); else null.</summary>
    public System.Text.RegularExpressions.Regex? IsolatedRegex => behavior == SplitBehavior.Isolated && !invert ? pattern.Regex : null;

    public override void Split(Piece piece, List<Piece> output)
    {
        var matches = t_matches ??= new List<(int, int)>();
        matches.Clear();
        pattern.FindMatches(piece.Text, matches);
        Segmenter.Apply(piece, matches, behavior, invert, output);
    }
}
