using System.Text;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Turns the matches found in a piece into pieces, following a <see cref="SplitBehavior"/>: the text is cut into
/// alternating match and non-match segments (matches flipped when inverted), then merged or dropped as the behaviour says.
/// </summary>
internal static class Segmenter
{
    [ThreadStatic] private static List<(int Start, int End, bool IsMatch)>? t_segments;

    public static void Apply(Piece piece, List<(int Start, int Length)> matches, SplitBehavior behavior, bool invert, List<Piece> output)
    {
        string text = piece.Text;
        if (matches.Count == 0)
        {
            // No delimiter: the whole text is one non-match (or one match when inverted).
            if (text.Length > 0 && !(invert && behavior == SplitBehavior.Removed)) output.Add(piece);
            return;
        }
        var segments = t_segments ??= new List<(int, int, bool)>();
        segments.Clear();
        int prev = 0;
        foreach (var (start, length) in matches)
        {
            if (start > prev) segments.Add((prev, start, invert));
            segments.Add((start, start + length, !invert));
            prev = start + length;
        }
        if (prev < text.Length) segments.Add((prev, text.Length, invert));

        var merged = new List<(int Start, int End)>(segments.Count);
        bool previousMatch = false;
        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var s in segments) merged.Add((s.Start, s.End));
                break;
            case SplitBehavior.Removed:
                foreach (var s in segments) if (!s.IsMatch) merged.Add((s.Start, s.End));
                break;
            case SplitBehavior.MergedWithPrevious:
                foreach (var s in segments)
                {
                    if (s.IsMatch && !previousMatch && merged.Count > 0) merged[^1] = (merged[^1].Start, s.End);
                    else merged.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                break;
            case SplitBehavior.MergedWithNext:
                for (int i = segments.Count - 1; i >= 0; i--)
                {
                    var s = segments[i];
                    if (s.IsMatch && !previousMatch && merged.Count > 0) merged[^1] = (s.Start, merged[^1].End);
                    else merged.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                merged.Reverse();
                break;
            case SplitBehavior.Contiguous:
                foreach (var s in segments)
                {
                    if (s.IsMatch == previousMatch && merged.Count > 0) merged[^1] = (merged[^1].Start, s.End);
                    else merged.Add((s.Start, s.End));
                    previousMatch = s.IsMatch;
                }
                break;
        }
        foreach (var (start, end) in merged)
        {
            if (end > start)
                output.Add(new Piece(start == 0 && end == text.Length ? text : text[start..end], piece.Offset + start));
        }
    }

    /// <summary>Each character (a surrogate pair counts as one) for which <paramref name="predicate"/> holds is a match.</summary>
    public static void CharMatches(string text, Func<Rune, bool> predicate, List<(int Start, int Length)> matches)
    {
        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int used);
            if (predicate(rune)) matches.Add((i, used));
            i += Math.Max(used, 1);
        }
    }
}
