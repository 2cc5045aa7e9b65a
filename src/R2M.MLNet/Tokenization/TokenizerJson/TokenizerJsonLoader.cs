using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Reads a HuggingFace <c>tokenizer.json</c> into a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>: a <c>BPE</c> model
/// becomes a <see cref="HuggingFaceBpeTokenizer"/>; a <c>Unigram</c> model goes to Microsoft.ML.Tokenizers'
/// <see cref="SentencePieceTokenizer.CreateFromTokenizerJson"/>. Any other model or component type is refused with a
/// <see cref="TokenizerJsonException"/> naming its JSON path. Sizes are bounded by <see cref="TokenizerJsonLimits"/>.
/// The sections <c>truncation</c> and <c>padding</c> are per-call settings and are ignored.
/// </summary>
public static class TokenizerJsonLoader
{
    /// <summary>The file name HuggingFace model folders use.</summary>
    public const string FileName = "tokenizer.json";

    /// <summary>Loads the tokenizer in the file at <paramref name="path"/>.</summary>
    /// <param name="path">A tokenizer.json file.</param>
    /// <param name="addSpecialTokens">Whether encoding adds the post-processor's special tokens (for Unigram: BOS).</param>
    /// <param name="limits">Size limits; <see cref="TokenizerJsonLimits.Default"/> when null.</param>
    public static Tokenizer Load(string path, bool addSpecialTokens = true, TokenizerJsonLimits? limits = null)
    {
        using FileStream stream = File.OpenRead(path);
        return Load(stream, addSpecialTokens, limits);
    }

    /// <summary>Loads the tokenizer in <paramref name="tokenizerJson"/>.</summary>
    /// <param name="tokenizerJson">The content of a tokenizer.json.</param>
    /// <param name="addSpecialTokens">Whether encoding adds the post-processor's special tokens (for Unigram: BOS).</param>
    /// <param name="limits">Size limits; <see cref="TokenizerJsonLimits.Default"/> when null.</param>
    public static Tokenizer Load(Stream tokenizerJson, bool addSpecialTokens = true, TokenizerJsonLimits? limits = null)
    {
        limits ??= TokenizerJsonLimits.Default;
        byte[] bytes = ReadBounded(tokenizerJson, limits);
        using JsonDocument document = Parse(bytes);
        if (ModelType(document.RootElement) == "Unigram")
        {
            var added = ReadAddedTokens(document.RootElement, limits).ToDictionary(t => t.Content, t => t.Id, StringComparer.Ordinal);
            using var again = new MemoryStream(bytes, writable: false);
            return SentencePieceTokenizer.CreateFromTokenizerJson(again, addSpecialTokens, addEndOfSentence: false, added.Count == 0 ? null : added);
        }
        return Build(document.RootElement, addSpecialTokens, limits);
    }

    /// <summary>Loads a tokenizer.json whose model is <c>BPE</c>.</summary>
    /// <param name="tokenizerJson">The content of a tokenizer.json.</param>
    /// <param name="addSpecialTokens">Whether the ML.NET encode methods add the post-processor's special tokens.</param>
    /// <param name="limits">Size limits; <see cref="TokenizerJsonLimits.Default"/> when null.</param>
    public static HuggingFaceBpeTokenizer LoadBpe(Stream tokenizerJson, bool addSpecialTokens = true, TokenizerJsonLimits? limits = null)
    {
        limits ??= TokenizerJsonLimits.Default;
        using JsonDocument document = Parse(ReadBounded(tokenizerJson, limits));
        return Build(document.RootElement, addSpecialTokens, limits);
    }

    private static HuggingFaceBpeTokenizer Build(JsonElement root, bool addSpecialTokens, TokenizerJsonLimits limits)
    {
        JsonRead.Object(root, "");
        string type = ModelType(root);
        if (type != "BPE")
            throw new TokenizerJsonException("model.type", $"= \"{type}\" is not supported (supported: BPE; Unigram through Microsoft.ML.Tokenizers)");
        BpeModel model = BpeModelReader.Read(root.GetProperty("model"), "model", limits);
        IReadOnlyList<AddedToken> added = ReadAddedTokens(root, limits);
        long maxId = Math.Max(model.Vocabulary.Count == 0 ? -1 : model.Vocabulary.Values.Max(), added.Count == 0 ? -1 : added.Max(t => t.Id));
        if (maxId >= (long)limits.MaxVocabularySize + limits.MaxAddedTokens)
            throw new TokenizerJsonException("model.vocab", $"the largest id, {maxId}, is beyond the vocabulary and added-token limits");
        return new HuggingFaceBpeTokenizer(
            NormalizerFactory.Create(JsonRead.Optional(root, "normalizer"), "normalizer", limits),
            PreTokenizerFactory.Create(JsonRead.Optional(root, "pre_tokenizer"), "pre_tokenizer", limits),
            model,
            added,
            PostProcessorFactory.Create(JsonRead.Optional(root, "post_processor"), "post_processor", limits),
            DecoderFactory.Create(JsonRead.Optional(root, "decoder"), "decoder", limits),
            addSpecialTokens);
    }

    private static string ModelType(JsonElement root)
    {
        JsonElement model = JsonRead.Object(JsonRead.Required(root, "", "model"), "model");
        // Older files omit the type of a BPE model.
        return JsonRead.OptionalString(model, "model", "type", 100) ?? (JsonRead.Optional(model, "merges") is not null ? "BPE" : "");
    }

    private static IReadOnlyList<AddedToken> ReadAddedTokens(JsonElement root, TokenizerJsonLimits limits)
    {
        var list = new List<AddedToken>();
        if (JsonRead.Optional(root, "added_tokens") is not { } json) return list;
        JsonRead.Array(json, "added_tokens");
        if (json.GetArrayLength() > limits.MaxAddedTokens)
            throw new TokenizerJsonException("added_tokens", $"has {json.GetArrayLength():N0} entries; the limit is {limits.MaxAddedTokens:N0} (TokenizerJsonLimits.MaxAddedTokens)");
        int i = 0;
        foreach (JsonElement entry in json.EnumerateArray())
        {
            string path = $"added_tokens[{i++}]";
            JsonRead.Object(entry, path);
            bool special = JsonRead.Bool(entry, path, "special", false);
            list.Add(new AddedToken(
                JsonRead.Int(JsonRead.Required(entry, path, "id"), path + ".id"),
                JsonRead.RequiredString(entry, path, "content", limits.MaxStringLength),
                special,
                JsonRead.Bool(entry, path, "normalized", !special),
                JsonRead.Bool(entry, path, "lstrip", false),
                JsonRead.Bool(entry, path, "rstrip", false),
                JsonRead.Bool(entry, path, "single_word", false)));
        }
        return list;
    }

    private static JsonDocument Parse(byte[] bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new TokenizerJsonException("", $"not valid JSON: {e.Message}", e);
        }
    }

    private static byte[] ReadBounded(Stream stream, TokenizerJsonLimits limits)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (stream.CanSeek && stream.Length - stream.Position > limits.MaxFileBytes)
            throw TooLarge(stream.Length - stream.Position, limits);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limits.MaxFileBytes) throw TooLarge(buffer.Length, limits);
        }
        return buffer.ToArray();
    }

    private static TokenizerJsonException TooLarge(long size, TokenizerJsonLimits limits) =>
        new("", $"is {size:N0} bytes or more; the limit is {limits.MaxFileBytes:N0} (TokenizerJsonLimits.MaxFileBytes)");
}
