namespace R2M.Estimators.EmbeddedTask;

/// <summary>The tiny, fixed vocabulary every instruction and answer of the embedded task is made of.</summary>
public static class EmbeddedVocabulary
{
    /// <summary>Category names as they appear in "list n {category}:" prompts, with their members.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Categories { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["colors"] = ["red", "blue", "green", "black", "white", "pink", "gray", "brown"],
        ["animals"] = ["cat", "dog", "cow", "pig", "fox", "owl", "bee", "ant"],
        ["fruits"] = ["apple", "pear", "plum", "fig", "lime", "kiwi"],
    };

    /// <summary>Antonym pairs; "opposite of" works in both directions.</summary>
    public static IReadOnlyList<(string A, string B)> Antonyms { get; } =
    [
        ("hot", "cold"), ("big", "small"), ("up", "down"), ("day", "night"), ("fast", "slow"), ("old", "new"),
        ("wet", "dry"), ("open", "shut"), ("left", "right"), ("high", "low"), ("in", "out"), ("yes", "no"),
    ];

    /// <summary>Text that padded answers append: filler a length-biased labeller tends to reward.</summary>
    public static IReadOnlyList<string> Fillers { get; } = [" ok", " etc", " too", " yes", " and more", " done", " all", " so"];

    /// <summary>Every word that can be repeated or listed: the members of all categories.</summary>
    public static IReadOnlyList<string> ItemWords { get; } = Categories.Values.SelectMany(v => v).ToArray();

    /// <summary>The antonym of <paramref name="word"/>, or null when it has none here.</summary>
    public static string? AntonymOf(string word)
    {
        foreach (var (a, b) in Antonyms)
        {
            if (a == word) return b;
            if (b == word) return a;
        }
        return null;
    }
}
