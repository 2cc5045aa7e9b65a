using System.Text.Json;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>Builds the <c>pre_tokenizer</c> of a <c>tokenizer.json</c>; an unknown type is refused by name and path.</summary>
internal static class PreTokenizerFactory
{
    public const string Supported = "Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit, Punctuation, Sequence";

    public static PreTokenizerStep? Create(JsonElement? element, string path, TokenizerJsonLimits limits, int depth = 0)
    {
        if (element is not { } json) return null;
        string type = JsonRead.Type(json, path);
        switch (type)
        {
            case "Split":
                return new SplitPreTokenizer(
                    TextPattern.Read(JsonRead.Required(json, path, "pattern"), JsonRead.Path(path, "pattern"), limits),
                    ReadBehavior(json, path, SplitBehavior.Isolated, required: true),
                    JsonRead.Bool(json, path, "invert", false));
            case "ByteLevel":
                return new ByteLevelPreTokenizer(JsonRead.Bool(json, path, "add_prefix_space", true), JsonRead.Bool(json, path, "use_regex", true));
            case "Metaspace":
                return new MetaspacePreTokenizer(ReadReplacement(json, path), ReadPrependScheme(json, path), JsonRead.Bool(json, path, "split", true));
            case "Digits":
                return new DigitsPreTokenizer(JsonRead.Bool(json, path, "individual_digits", false));
            case "Whitespace":
                return new WhitespacePreTokenizer();
            case "WhitespaceSplit":
                return new WhitespaceSplitPreTokenizer();
            case "Punctuation":
                return new PunctuationPreTokenizer(ReadBehavior(json, path, SplitBehavior.Isolated, required: false));
            case "Sequence":
                if (depth >= limits.MaxSequenceDepth)
                    throw new TokenizerJsonException(path, $"Sequence nested deeper than {limits.MaxSequenceDepth}");
                string listPath = JsonRead.Path(path, "pretokenizers");
                var steps = new List<PreTokenizerStep>();
                int i = 0;
                foreach (JsonElement child in JsonRead.Array(JsonRead.Required(json, path, "pretokenizers"), listPath).EnumerateArray())
                    steps.Add(Create(child, $"{listPath}[{i++}]", limits, depth + 1)!);
                return new SequencePreTokenizer(steps);
            default:
                throw JsonRead.Unsupported(path, type, "pre-tokenizer", Supported);
        }
    }

    /// <summary>The <c>replacement</c> character of a Metaspace component (one character).</summary>
    public static char ReadReplacement(JsonElement json, string path)
    {
        string replacement = JsonRead.OptionalString(json, path, "replacement", 8) ?? "\u2581";
        return replacement.Length == 1 ? replacement[0]
            : throw new TokenizerJsonException(JsonRead.Path(path, "replacement"), $"expected one character, found \"{replacement}\"");
    }

    /// <summary><c>prepend_scheme</c>, or the older <c>add_prefix_space</c> (true = always).</summary>
    public static PrependScheme ReadPrependScheme(JsonElement json, string path) =>
        JsonRead.OptionalString(json, path, "prepend_scheme", 16) switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            null => JsonRead.Bool(json, path, "add_prefix_space", true) ? PrependScheme.Always : PrependScheme.Never,
            var other => throw new TokenizerJsonException(JsonRead.Path(path, "prepend_scheme"),
                $"= \"{other}\" is not supported (expected always, first or never)"),
        };

    private static SplitBehavior ReadBehavior(JsonElement json, string path, SplitBehavior fallback, bool required)
    {
        string? name = required ? JsonRead.RequiredString(json, path, "behavior", 32) : JsonRead.OptionalString(json, path, "behavior", 32);
        if (name is null) return fallback;
        return name switch
        {
            "Isolated" => SplitBehavior.Isolated,
            "Removed" => SplitBehavior.Removed,
            "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
            "MergedWithNext" => SplitBehavior.MergedWithNext,
            "Contiguous" => SplitBehavior.Contiguous,
            _ => throw new TokenizerJsonException(JsonRead.Path(path, "behavior"),
                $"= \"{name}\" is not supported (expected Isolated, Removed, MergedWithPrevious, MergedWithNext or Contiguous)"),
        };
    }
}
