using System.Text;
using System.Text.RegularExpressions;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Finds added tokens in text, leftmost first and longest first at a position, honouring <c>lstrip</c>,
/// <c>rstrip</c> and <c>single_word</c>: one regex of the escaped contents, longest first. Tokens matched in normalized
/// text are looked for in their normalized form (as HuggingFace <c>tokenizers</c> does).
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Regex _regex;
    private readonly Dictionary<string, AddedToken> _byContent;

    private AddedTokenSplitter(IReadOnlyList<AddedToken> tokens, Func<string, string> form)
    {
        _byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (AddedToken token in tokens)
        {
            string key = form(token.Content);
            if (key.Length > 0) _byContent.TryAdd(key, token);
        }
        var sb = new StringBuilder();
        foreach (var (key, token) in _byContent.OrderByDescending(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (sb.Length > 0) sb.Append('|');
            if (token.LStrip) sb.Append(@"\s*");
            if (token.SingleWord) sb.Append(@"(?<!\w)");
            sb.Append(Regex.Escape(key));
            if (token.SingleWord) sb.Append(@"(?!\w)");
            if (token.RStrip) sb.Append(@"\s*");
        }
        _regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>A splitter for <paramref name="tokens"/>, looked for in the form <paramref name="form"/> gives; null when there are none.</summary>
    public static AddedTokenSplitter? Create(IEnumerable<AddedToken> tokens, Func<string, string>? form = null)
    {
        var list = tokens.Where(t => t.Content.Length > 0).ToList();
        return list.Count == 0 ? null : new AddedTokenSplitter(list, form ?? (s => s));
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
            output.Add(new TextSegment(text.Substring(m.Index, m.Length), offset + m.Index, token.Id));
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
