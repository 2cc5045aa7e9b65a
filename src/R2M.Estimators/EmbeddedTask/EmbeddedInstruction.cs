using System.Globalization;
using System.Text.RegularExpressions;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>
/// One instruction of the embedded task. What <see cref="Word"/>, <see cref="A"/> and <see cref="B"/> mean
/// depends on <see cref="Kind"/>: List — category, n; Repeat — word, k; Opposite — word; Count — from, to.
/// </summary>
/// <param name="Kind">The template.</param>
/// <param name="Word">Category (List), word to repeat (Repeat) or word to invert (Opposite); empty for Count.</param>
/// <param name="A">n (List), k (Repeat), the first integer (Count); 0 for Opposite.</param>
/// <param name="B">The last integer (Count); 0 otherwise.</param>
public sealed record EmbeddedInstruction(EmbeddedTaskKind Kind, string Word, int A, int B)
{
    private static readonly Regex ListPattern = new(@"^list ([2-4]) ([a-z]+):$", RegexOptions.CultureInvariant);
    private static readonly Regex RepeatPattern = new(@"^repeat ([a-z]+) (twice|[34] times):$", RegexOptions.CultureInvariant);
    private static readonly Regex OppositePattern = new(@"^opposite of ([a-z]+):$", RegexOptions.CultureInvariant);
    private static readonly Regex CountPattern = new(@"^count from ([1-9]) to ([1-9]):$", RegexOptions.CultureInvariant);

    /// <summary>The prompt text, e.g. "list 3 colors:" or "repeat cat twice:" (at most 24 characters).</summary>
    public string Prompt => Kind switch
    {
        EmbeddedTaskKind.List => $"list {A} {Word}:",
        EmbeddedTaskKind.Repeat => A == 2 ? $"repeat {Word} twice:" : $"repeat {Word} {A} times:",
        EmbeddedTaskKind.Opposite => $"opposite of {Word}:",
        _ => $"count from {A} to {B}:",
    };

    /// <summary>L: how many words a complete answer has (n, k, 1, or to − from + 1).</summary>
    public int AnswerLength => Kind switch
    {
        EmbeddedTaskKind.List or EmbeddedTaskKind.Repeat => A,
        EmbeddedTaskKind.Opposite => 1,
        _ => B - A + 1,
    };

    /// <summary>
    /// Whether <paramref name="word"/> is right in answer slot <paramref name="index"/> (0-based), given the
    /// words in the slots before it: List — a member of the category not already given; Repeat — the word;
    /// Opposite — the antonym; Count — the integer from + index, in decimal.
    /// </summary>
    public bool IsCorrectSlot(int index, string word, IReadOnlyList<string> earlier) => Kind switch
    {
        EmbeddedTaskKind.List => EmbeddedVocabulary.Categories[Word].Contains(word) && !earlier.Contains(word),
        EmbeddedTaskKind.Repeat => word == Word,
        EmbeddedTaskKind.Opposite => word == EmbeddedVocabulary.AntonymOf(Word),
        _ => word == (A + index).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The words of a perfect answer; for List, distinct members in an order drawn from <paramref name="random"/>.</summary>
    public IReadOnlyList<string> Answer(Random random) => Kind switch
    {
        EmbeddedTaskKind.List => EmbeddedVocabulary.Categories[Word].OrderBy(_ => random.Next()).Take(A).ToArray(),
        EmbeddedTaskKind.Repeat => Enumerable.Repeat(Word, A).ToArray(),
        EmbeddedTaskKind.Opposite => [EmbeddedVocabulary.AntonymOf(Word)!],
        _ => Enumerable.Range(A, B - A + 1).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(),
    };

    /// <summary>Every instruction of the task (about 120), in a fixed order.</summary>
    public static IReadOnlyList<EmbeddedInstruction> All()
    {
        var all = new List<EmbeddedInstruction>();
        foreach (string category in EmbeddedVocabulary.Categories.Keys)
            for (int n = 2; n <= 4; n++) all.Add(new(EmbeddedTaskKind.List, category, n, 0));
        foreach (string word in EmbeddedVocabulary.ItemWords)
            for (int k = 2; k <= 4; k++) all.Add(new(EmbeddedTaskKind.Repeat, word, k, 0));
        foreach (var (a, b) in EmbeddedVocabulary.Antonyms)
        {
            all.Add(new(EmbeddedTaskKind.Opposite, a, 0, 0));
            all.Add(new(EmbeddedTaskKind.Opposite, b, 0, 0));
        }
        for (int from = 1; from <= 6; from++)
            for (int to = from + 1; to <= Math.Min(9, from + 4); to++) all.Add(new(EmbeddedTaskKind.Count, "", from, to));
        return all;
    }

    /// <summary>The instruction <paramref name="prompt"/> renders, or null when it is not exactly one of the templates.</summary>
    public static EmbeddedInstruction? TryParse(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var m = ListPattern.Match(prompt);
        if (m.Success)
            return EmbeddedVocabulary.Categories.ContainsKey(m.Groups[2].Value) ? new(EmbeddedTaskKind.List, m.Groups[2].Value, Digit(m.Groups[1].Value), 0) : null;
        m = RepeatPattern.Match(prompt);
        if (m.Success)
        {
            int k = m.Groups[2].Value == "twice" ? 2 : Digit(m.Groups[2].Value[..1]);
            return EmbeddedVocabulary.ItemWords.Contains(m.Groups[1].Value) ? new(EmbeddedTaskKind.Repeat, m.Groups[1].Value, k, 0) : null;
        }
        m = OppositePattern.Match(prompt);
        if (m.Success)
            return EmbeddedVocabulary.AntonymOf(m.Groups[1].Value) is null ? null : new(EmbeddedTaskKind.Opposite, m.Groups[1].Value, 0, 0);
        m = CountPattern.Match(prompt);
        if (m.Success)
        {
            int from = Digit(m.Groups[1].Value), to = Digit(m.Groups[2].Value);
            return to > from ? new(EmbeddedTaskKind.Count, "", from, to) : null;
        }
        return null;
    }

    private static int Digit(string text) => text[0] - '0';
}
