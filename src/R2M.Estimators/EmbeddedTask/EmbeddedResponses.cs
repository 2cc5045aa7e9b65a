using System.Globalization;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>
/// Writes candidate answers of a given <see cref="EmbeddedResponseStyle"/>. Every answer starts with one
/// space, so prompt + answer reads "list 3 colors: red blue green".
/// </summary>
public static class EmbeddedResponses
{
    /// <summary>An answer to <paramref name="instruction"/> in <paramref name="style"/>, drawn with <paramref name="random"/>.</summary>
    public static string Write(EmbeddedInstruction instruction, EmbeddedResponseStyle style, Random random)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        ArgumentNullException.ThrowIfNull(random);
        var words = instruction.Answer(random).ToList();
        switch (style)
        {
            case EmbeddedResponseStyle.Good:
                break;
            case EmbeddedResponseStyle.Wrong:
                int slot = random.Next(words.Count);
                words[slot] = WrongWord(instruction, slot, words, random);
                break;
            case EmbeddedResponseStyle.Padded:
                return " " + string.Join(' ', words) + Pad(words, random);
            case EmbeddedResponseStyle.Truncated:
                return Truncate(words, random);
            case EmbeddedResponseStyle.Rambling:
                string text = " " + string.Join(' ', words);
                int more = random.Next(2, 4);
                for (int i = 0; i < more; i++) text += Pad(words, random);
                return text;
            default:
                throw new ArgumentOutOfRangeException(nameof(style), style, "Unknown response style.");
        }
        return " " + string.Join(' ', words);
    }

    private static string Pad(IReadOnlyList<string> words, Random random) =>
        random.Next(3) == 0 ? " " + words[^1] : EmbeddedVocabulary.Fillers[random.Next(EmbeddedVocabulary.Fillers.Count)];

    private static string Truncate(List<string> words, Random random)
    {
        if (words.Count > 1 && random.Next(2) == 0)
            return " " + string.Join(' ', words.Take(random.Next(1, words.Count)));
        string last = words[^1];
        string cut = last.Length > 1 ? last[..random.Next(1, last.Length)] : "";
        words[^1] = cut;
        string joined = string.Join(' ', words).TrimEnd();
        return joined.Length == 0 ? "" : " " + joined;
    }

    private static string WrongWord(EmbeddedInstruction instruction, int slot, IReadOnlyList<string> words, Random random)
    {
        switch (instruction.Kind)
        {
            case EmbeddedTaskKind.List:
                if (slot > 0 && random.Next(2) == 0) return words[random.Next(slot)];        // a repeated item
                var others = EmbeddedVocabulary.Categories.Where(c => c.Key != instruction.Word).SelectMany(c => c.Value).ToArray();
                return others[random.Next(others.Length)];
            case EmbeddedTaskKind.Repeat:
                var items = EmbeddedVocabulary.ItemWords.Where(w => w != instruction.Word).ToArray();
                return items[random.Next(items.Length)];
            case EmbeddedTaskKind.Opposite:
                if (random.Next(3) == 0) return instruction.Word;                              // the word itself
                var antonyms = EmbeddedVocabulary.Antonyms.SelectMany(p => new[] { p.A, p.B }).Where(w => w != words[0]).ToArray();
                return antonyms[random.Next(antonyms.Length)];
            default:
                int right = instruction.A + slot, offset = random.Next(1, 3);
                int wrong = random.Next(2) == 0 && right - offset >= 0 ? right - offset : right + offset;
                return wrong.ToString(CultureInfo.InvariantCulture);
        }
    }
}
