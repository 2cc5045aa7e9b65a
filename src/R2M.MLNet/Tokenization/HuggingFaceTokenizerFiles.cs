using System.Text.Json;

namespace R2M.MLNet.Tokenization;

/// <summary>
/// The JSON side files of a HuggingFace model folder that describe special and added tokens:
/// <c>tokenizer_config.json</c>, <c>special_tokens_map.json</c>, <c>config.json</c>, <c>added_tokens.json</c> and,
/// for its added tokens and pre-tokenizer pattern only, <c>tokenizer.json</c>. Absent files read as empty.
/// </summary>
internal sealed class HuggingFaceTokenizerFiles
{
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string SpecialTokensMap = "special_tokens_map.json";
    public const string ModelConfig = "config.json";
    public const string AddedTokensFile = "added_tokens.json";
    public const string TokenizerJson = "tokenizer.json";

    /// <summary>Largest side file (tokenizer_config.json, config.json, ...) read: 16 MB. Llama 3's config is 51 KB.</summary>
    public const long MaxSideFileBytes = 16L * 1024 * 1024;

    private readonly JsonElement? _tokenizerConfig;
    private readonly JsonElement? _specialTokensMap;
    private readonly JsonElement? _modelConfig;

    private HuggingFaceTokenizerFiles(string folder, JsonElement? tokenizerConfig, JsonElement? specialTokensMap,
        JsonElement? modelConfig, Dictionary<string, int> addedTokens, string? preTokenizerPattern, bool tokenizerJsonHasModel)
    {
        Folder = folder;
        _tokenizerConfig = tokenizerConfig;
        _specialTokensMap = specialTokensMap;
        _modelConfig = modelConfig;
        AddedTokens = addedTokens;
        PreTokenizerPattern = preTokenizerPattern;
        TokenizerJsonHasModel = tokenizerJsonHasModel;
    }

    /// <summary>True when tokenizer.json exists and has a "model" object: the whole tokenizer is in that file.</summary>
    public bool TokenizerJsonHasModel { get; }

    /// <summary>tokenizer_config.json, or null when the folder has none.</summary>
    public System.Text.Json.JsonElement? TokenizerConfigJson => _tokenizerConfig;

    public string Folder { get; }

    /// <summary>Added tokens (content to id) from every file that lists them; encoded as single units.</summary>
    public Dictionary<string, int> AddedTokens { get; }

    /// <summary>The Split pre-tokenizer regex of tokenizer.json, or null when there is none.</summary>
    public string? PreTokenizerPattern { get; }

    /// <summary>The files that exist in the folder, among those this class reads, by name.</summary>
    public IReadOnlyList<string> Present =>
        new[] { TokenizerConfig, SpecialTokensMap, ModelConfig, AddedTokensFile, TokenizerJson }
            .Where(name => File.Exists(Path.Combine(Folder, name))).ToArray();

    public static HuggingFaceTokenizerFiles Read(string folder)
    {
        JsonElement? tokenizerConfig = ReadJson(folder, TokenizerConfig);
        JsonElement? specialTokensMap = ReadJson(folder, SpecialTokensMap);
        JsonElement? modelConfig = ReadJson(folder, ModelConfig);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);

        if (ReadJson(folder, AddedTokensFile) is { ValueKind: JsonValueKind.Object } addedFile)
        {
            foreach (JsonProperty p in addedFile.EnumerateObject())
                added[p.Name] = ReadInt(p.Value, folder, AddedTokensFile, p.Name);
        }
        if (tokenizerConfig is { } tc && tc.TryGetProperty("added_tokens_decoder", out JsonElement decoder)
            && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in decoder.EnumerateObject())
            {
                string field = $"added_tokens_decoder.{p.Name}";
                if (!int.TryParse(p.Name, out int id))
                    throw Malformed(folder, TokenizerConfig, field, "the key is not an integer token id");
                added[ReadContent(p.Value, folder, TokenizerConfig, field)] = id;
            }
        }

        string? pattern = null;
        bool hasModel = false;
        // tokenizer.json can be tens of MB: read what is needed here without keeping a copy of the document.
        using JsonDocument? tokenizerDocument = ParseJson(folder, TokenizerJson);
        if (tokenizerDocument?.RootElement is { ValueKind: JsonValueKind.Object } tokenizerJson)
        {
            if (tokenizerJson.TryGetProperty("added_tokens", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
            {
                int index = 0;
                foreach (JsonElement entry in list.EnumerateArray())
                {
                    string field = $"added_tokens[{index++}]";
                    if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("id", out JsonElement idElement))
                        throw Malformed(folder, TokenizerJson, field, "expected an object with \"id\" and \"content\"");
                    added[ReadContent(entry, folder, TokenizerJson, field)] = ReadInt(idElement, folder, TokenizerJson, field + ".id");
                }
            }
            if (tokenizerJson.TryGetProperty("pre_tokenizer", out JsonElement pre)) pattern = FindSplitPattern(pre);
            hasModel = tokenizerJson.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.Object;
        }

        return new HuggingFaceTokenizerFiles(folder, tokenizerConfig, specialTokensMap, modelConfig, added, pattern, hasModel);
    }

    /// <summary>The boolean <paramref name="field"/> of tokenizer_config.json, or null when absent or null.</summary>
    public bool? TokenizerConfigFlag(string field)
    {
        if (_tokenizerConfig is not { } tc || !tc.TryGetProperty(field, out JsonElement value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw Malformed(Folder, TokenizerConfig, field, $"expected true or false, found {value.ValueKind}"),
        };
    }

    /// <summary>
    /// The text of a special token (<paramref name="role"/> is "bos", "eos" or "pad") from tokenizer_config.json,
    /// else special_tokens_map.json, with the file and field it came from; null when neither names it.
    /// </summary>
    public (string Token, string File, string Field)? TokenText(string role)
    {
        string field = role + "_token";
        foreach ((JsonElement? json, string file) in new[] { (_tokenizerConfig, TokenizerConfig), (_specialTokensMap, SpecialTokensMap) })
        {
            if (json is { } root && root.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
                return (ReadContent(value, Folder, file, field), file, field);
        }
        return null;
    }

    /// <summary>
    /// The id of a special token from config.json's <c>{role}_token_id</c> (the first, when it is a list);
    /// null when absent, null or an empty list.
    /// </summary>
    public int? ConfigTokenId(string role)
    {
        string field = role + "_token_id";
        if (_modelConfig is not { } root || !root.TryGetProperty(field, out JsonElement value)) return null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Array:
                foreach (JsonElement first in value.EnumerateArray()) return ReadInt(first, Folder, ModelConfig, field + "[0]");
                return null;
            default:
                return ReadInt(value, Folder, ModelConfig, field);
        }
    }

    private static string? FindSplitPattern(JsonElement pre)
    {
        if (pre.ValueKind != JsonValueKind.Object || !pre.TryGetProperty("type", out JsonElement type)) return null;
        if (type.ValueKind == JsonValueKind.String && type.GetString() == "Split"
            && pre.TryGetProperty("pattern", out JsonElement pattern) && pattern.ValueKind == JsonValueKind.Object
            && pattern.TryGetProperty("Regex", out JsonElement regex) && regex.ValueKind == JsonValueKind.String)
        {
            return regex.GetString();
        }
        if (pre.TryGetProperty("pretokenizers", out JsonElement children) && children.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement child in children.EnumerateArray())
            {
                if (FindSplitPattern(child) is string found) return found;
            }
        }
        return null;
    }

    private static JsonElement? ReadJson(string folder, string name)
    {
        using JsonDocument? document = ParseJson(folder, name);
        return document?.RootElement.Clone();
    }

    private static JsonDocument? ParseJson(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        if (!File.Exists(path)) return null;
        long limit = name == TokenizerJson ? R2M.MLNet.Tokenization.TokenizerJson.TokenizerJsonLimits.Default.MaxFileBytes : MaxSideFileBytes;
        if (new FileInfo(path).Length > limit)
            throw new TokenizerLoadException($"{path} is {new FileInfo(path).Length:N0} bytes; the limit is {limit:N0}.", folder);
        try
        {
            using FileStream stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"Could not read {path}: {e.Message}", folder, e);
        }
    }

    private static string ReadContent(JsonElement value, string folder, string file, string field)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out JsonElement content)
            && content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }
        throw Malformed(folder, file, field, "expected a string or an object with a string \"content\"");
    }

    private static int ReadInt(JsonElement value, string folder, string file, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int id) && id >= 0
            ? id
            : throw Malformed(folder, file, field, $"expected a non-negative integer token id, found {value.GetRawText()}");

    private static TokenizerLoadException Malformed(string folder, string file, string field, string problem) =>
        new($"{Path.Combine(folder, file)}: field \"{field}\": {problem}.", folder);
}
