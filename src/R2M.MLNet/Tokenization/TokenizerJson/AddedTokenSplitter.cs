using System.Text;
using System.Text.RegularExpressions;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Finds added tokens in text, leftmost first and longest first at a position, honouring <c>lstrip</c>,
/// <c>rstrip</c> and <c>single_word</c>: one compiled regex of the escaped contents, longest first.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Regex _regex;
    private readonly Dictionary<string, AddedToken> _byContent;

    private AddedTokenSplitter(IReadOnlyList<AddedToken> tokens)
    {
        _byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (AddedToken token in tokens) _byContent.TryAdd(token.Content, token);
        var sb = new StringBuilder();
        foreach (AddedToken token in _byContent.Values.OrderByDescending(t => t.Content.Length).ThenBy(t => t.Content, StringComparer.Ordinal))
        {
            if (sb.Length > 0) sb.Append('|');
            if (token.LStrip) sb.Append(@"\s*");
            if (token.SingleWord) sb.Append(@"(?<!\w)");
            sb.Append(Regex.Escape(token.Content));
            if (token.SingleWord) sb.Append(@"(?!\w)");
            if (token.RStrip) sb.Append(@"\s*");
        }
        _regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>A splitter for <paramref name="tokens"/>, or null when there are none.</summary>
    public static AddedTokenSplitter? Create(IEnumerable<AddedToken> tokens)
    {
        var list = tokens.Where(t => t.Content.Length > 0).ToList();
        return list.Count == 0 ? null : new AddedTokenSplitter(list);
    }

    /// <summary>Cuts <paramref name="text"/> (starting at <paramref name="offset"/> in the input) into text and added tokens.</summary>
    public void Split(string text, int offset, List<TextSegment> output)
    {
        int prev = 0;
        foreach (ValueMatch m in _regex.EnumerateMatches(text))
        {
            if (m.Length == 0) continue;
            AddedToken? token = Identify(text.AsSpan(m.Index, m.Length));
            if (token is null) continue;
            if (m.Index > prev) output.Add(new TextSegment(text[prev..m.Index], offset + prev, -1));
            output.Add(new TextSegment(token.Content, offset + m.Index, token.Id));
            prev = m.Index + m.Length;
        }
        if (prev == 0) output.Add(new TextSegment(text, offset, -1));
        else if (prev < text.Length) output.Add(new TextSegment(text[prev..], offset + prev, -1));
    }

    private AddedToken? Identify(ReadOnlySpan<char> matched)
    {
        var lookup = _byContent.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(matched, out AddedToken? exact)) return exact;
        if (lookup.TryGetValue(matched.Trim(), out AddedToken? stripped)) return stripped;
        if (lookup.TryGetValue(matched.TrimStart(), out stripped)) return stripped;
        return lookup.TryGetValue(matched.TrimEnd(), out stripped) ? stripped : null;
    }
}
