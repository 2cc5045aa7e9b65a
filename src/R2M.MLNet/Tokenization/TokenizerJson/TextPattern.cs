using System.Text.Json;
using System.Text.RegularExpressions;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// The <c>pattern</c> of a <c>Split</c> pre-tokenizer or a <c>Replace</c> normalizer/decoder: <c>{"String": "..."}</c>,
/// matched literally, or <c>{"Regex": "..."}</c>, translated to a .NET regex (see <see cref="RegexTranslator"/>)
/// and compiled once.
/// </summary>
internal sealed class TextPattern
{
    private readonly string? _literal;

    private TextPattern(string? literal, Regex? regex)
    {
        _literal = literal;
        Regex = regex;
    }

    /// <summary>The compiled regex; null for a literal pattern.</summary>
    public Regex? Regex { get; }

    public static TextPattern Literal(string text) => new(text, null);

    public static TextPattern FromRegex(string pattern, string path)
    {
        try
        {
            return new TextPattern(null, new Regex(RegexTranslator.ToDotNet(pattern, path),
                RegexOptions.Compiled | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10)));
        }
        catch (ArgumentException e)
        {
            throw new TokenizerJsonException(path, $"the regex cannot be compiled: {e.Message}", e);
        }
    }

    public static TextPattern Read(JsonElement json, string path, TokenizerJsonLimits limits)
    {
        JsonRead.Object(json, path);
        if (JsonRead.OptionalString(json, path, "String", limits.MaxStringLength) is string literal)
        {
            if (literal.Length == 0) throw new TokenizerJsonException(JsonRead.Path(path, "String"), "an empty pattern matches nothing useful");
            return Literal(literal);
        }
        if (JsonRead.OptionalString(json, path, "Regex", limits.MaxStringLength) is string regex)
            return FromRegex(regex, JsonRead.Path(path, "Regex"));
        throw new TokenizerJsonException(path, "expected {\"String\": ...} or {\"Regex\": ...}");
    }

    /// <summary>Adds the (start, length) of each non-empty match in <paramref name="text"/>, left to right.</summary>
    public void FindMatches(string text, List<(int Start, int Length)> matches)
    {
        if (_literal is not null)
        {
            int at = 0;
            while (at <= text.Length - _literal.Length && (at = text.IndexOf(_literal, at, StringComparison.Ordinal)) >= 0)
            {
                matches.Add((at, _literal.Length));
                at += _literal.Length;
            }
            return;
        }
        foreach (ValueMatch m in Regex!.EnumerateMatches(text))
        {
            if (m.Length > 0) matches.Add((m.Index, m.Length));
        }
    }

    /// <summary>Every match replaced by <paramref name="content"/>, taken literally.</summary>
    public string Replace(string text, string content) =>
        _literal is not null ? text.Replace(_literal, content, StringComparison.Ordinal) : Regex!.Replace(text, _ => content);
}
