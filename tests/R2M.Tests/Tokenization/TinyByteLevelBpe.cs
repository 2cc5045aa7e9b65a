using R2M.Tests.Infrastructure;

namespace R2M.Tests.Tokenization;

/// <summary>
/// A hand-made byte-level BPE vocabulary in HuggingFace's on-disk form (vocab.json + merges.txt). 'Ġ' is how
/// byte-level BPE writes the space byte. The merges, in rank order, are: l+o, lo+w, e+r, Ġ+low, 1+2.
/// </summary>
internal static class TinyByteLevelBpe
{
    public const int Low = 8, Er = 9, SpaceLow = 10, EndOfText = 11, One = 12, Two = 13, OneTwo = 14;

    public const string VocabJson = """
        {"l": 0, "o": 1, "w": 2, "e": 3, "r": 4, "Ġ": 5, "n": 6, "lo": 7, "low": 8, "er": 9, "Ġlow": 10,
         "<|endoftext|>": 11, "1": 12, "2": 13, "12": 14}
        """;

    public const string MergesTxt = "#version: 0.2\nl o\nlo w\ne r\nĠ low\n1 2\n";

    public static void WriteTo(TempDir dir)
    {
        File.WriteAllText(dir.File("vocab.json"), VocabJson);
        File.WriteAllText(dir.File("merges.txt"), MergesTxt);
    }
}
