using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>One disagreement between a tokenizer and a reference tokenization.</summary>
/// <param name="Case">Index of the case in the golden file.</param>
/// <param name="Text">The case's input text.</param>
/// <param name="Kind"><c>ids</c>, <c>ids_with_special_tokens</c> or <c>decoded</c>.</param>
/// <param name="Position">First differing position (id index, or character index for decoded text).</param>
/// <param name="Expected">The reference from that position on (a short run).</param>
/// <param name="Actual">This tokenizer's output from that position on (a short run).</param>
public sealed record GoldenMismatch(int Case, string Text, string Kind, int Position, string Expected, string Actual);

/// <summary>The outcome of <see cref="GoldenCheck.Run(string, string)"/>: counts of equal cases per kind, and the mismatches.</summary>
public sealed record GoldenCheckResult(int Cases, int IdsEqual, int SpecialEqual, int DecodedEqual, IReadOnlyList<GoldenMismatch> Mismatches)
{
    /// <summary>True when every case agrees on ids, ids with special tokens and decoded text.</summary>
    public bool AllEqual => IdsEqual == Cases && SpecialEqual == Cases && DecodedEqual == Cases;

    /// <summary>The summary line: <c>{"cases":N,"ids_equal":k,"special_equal":k,"decoded_equal":k}</c>.</summary>
    public string ToJson() => $"{{\"cases\":{Cases},\"ids_equal\":{IdsEqual},\"special_equal\":{SpecialEqual},\"decoded_equal\":{DecodedEqual}}}";
}

/// <summary>
/// Conformance of a tokenizer.json tokenizer against reference tokenizations in the golden format: a JSON object
/// whose <c>cases</c> each hold <c>text</c>, <c>ids</c> (no special tokens), <c>ids_with_special_tokens</c> (what the
/// post-processor adds) and <c>decoded</c> (the text <c>ids</c> decode to, special tokens kept).
/// </summary>
public static class GoldenCheck
{
    private const int RunLength = 8;

    /// <summary>Loads <c>tokenizer.json</c> from <paramref name="folder"/> and checks it against <paramref name="goldenPath"/>.</summary>
    public static GoldenCheckResult Run(string folder, string goldenPath)
    {
        using FileStream stream = File.OpenRead(Path.Combine(folder, TokenizerJsonLoader.FileName));
        return Run(TokenizerJsonLoader.LoadBpe(stream), goldenPath);
    }

    /// <summary>Checks <paramref name="tokenizer"/> against the cases of <paramref name="goldenPath"/>.</summary>
    public static GoldenCheckResult Run(HuggingFaceBpeTokenizer tokenizer, string goldenPath)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        using JsonDocument golden = JsonDocument.Parse(File.ReadAllBytes(goldenPath));
        var mismatches = new List<GoldenMismatch>();
        int cases = 0, idsEqual = 0, specialEqual = 0, decodedEqual = 0;
        foreach (JsonElement c in golden.RootElement.GetProperty("cases").EnumerateArray())
        {
            int index = cases++;
            string text = c.GetProperty("text").GetString()!;
            int[] expectedIds = ReadIds(c.GetProperty("ids"));
            int[] expectedSpecial = ReadIds(c.GetProperty("ids_with_special_tokens"));
            string expectedDecoded = c.GetProperty("decoded").GetString()!;

            int[] ids = tokenizer.Encode(text, addSpecialTokens: false).ToArray();
            int[] special = tokenizer.Encode(text, addSpecialTokens: true).ToArray();
            string decoded = tokenizer.Decode(expectedIds, skipSpecialTokens: false);

            if (Compare(index, text, "ids", expectedIds, ids, mismatches)) idsEqual++;
            if (Compare(index, text, "ids_with_special_tokens", expectedSpecial, special, mismatches)) specialEqual++;
            if (decoded == expectedDecoded) decodedEqual++;
            else
            {
                int at = 0;
                while (at < decoded.Length && at < expectedDecoded.Length && decoded[at] == expectedDecoded[at]) at++;
                mismatches.Add(new GoldenMismatch(index, text, "decoded", at, Snip(expectedDecoded, at), Snip(decoded, at)));
            }
        }
        return new GoldenCheckResult(cases, idsEqual, specialEqual, decodedEqual, mismatches);
    }

    private static bool Compare(int index, string text, string kind, int[] expected, int[] actual, List<GoldenMismatch> mismatches)
    {
        int at = 0;
        while (at < expected.Length && at < actual.Length && expected[at] == actual[at]) at++;
        if (at == expected.Length && at == actual.Length) return true;
        mismatches.Add(new GoldenMismatch(index, text, kind, at, Run(expected, at), Run(actual, at)));
        return false;
    }

    private static string Run(int[] ids, int at) =>
        "[" + string.Join(", ", ids.Skip(at).Take(RunLength)) + (ids.Length - at > RunLength ? ", …" : "") + "]";

    private static string Snip(string s, int at) => JsonSerializer.Serialize(s.Length - at > 24 ? s.Substring(at, 24) + "…" : s[at..]);

    private static int[] ReadIds(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
