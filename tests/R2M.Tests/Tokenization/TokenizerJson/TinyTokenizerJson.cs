using System.Text;
using System.Text.Json;
using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.Tests.Tokenization.TokenizerJson;

/// <summary>Writes small tokenizer.json files from parts (each part raw JSON) and loads them.</summary>
internal static class TinyTokenizerJson
{
    public static string Json(IEnumerable<string> vocab, string merges = "[]", string? normalizer = null, string? preTokenizer = null,
        string? postProcessor = null, string? decoder = null, string addedTokens = "[]", string modelExtras = "")
    {
        var vocabJson = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string token in vocab) vocabJson.TryAdd(token, vocabJson.Count);
        return $$"""
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": {{addedTokens}},
             "normalizer": {{normalizer ?? "null"}},
             "pre_tokenizer": {{preTokenizer ?? "null"}},
             "post_processor": {{postProcessor ?? "null"}},
             "decoder": {{decoder ?? "null"}},
             "model": {"type": "BPE", "dropout": null, {{modelExtras}} "vocab": {{JsonSerializer.Serialize(vocabJson)}}, "merges": {{merges}} } }
            """;
    }

    public static HuggingFaceBpeTokenizer Load(string json, bool addSpecialTokens = false) =>
        TokenizerJsonLoader.LoadBpe(new MemoryStream(Encoding.UTF8.GetBytes(json)), addSpecialTokens);

    /// <summary>The token strings of <paramref name="text"/>'s encoding.</summary>
    public static string[] Tokens(this HuggingFaceBpeTokenizer tokenizer, string text, bool addSpecialTokens = false) =>
        tokenizer.Encode(text, addSpecialTokens).Select(id => tokenizer.IdToToken(id)!).ToArray();

    /// <summary>
    /// The pre-tokens <paramref name="preTokenizer"/> makes of <paramref name="text"/>, seen through a model that knows
    /// every expected piece whole (ignore_merges) and every single character: a wrong cut shows as characters.
    /// </summary>
    public static string[] PreTokens(string preTokenizer, string text, IEnumerable<string> expected)
    {
        var vocab = expected.Concat(text.Select(c => c.ToString())).Append("▁").Append("Ġ");
        return Load(Json(vocab, preTokenizer: preTokenizer, modelExtras: "\"ignore_merges\": true,")).Tokens(text);
    }
}
