using System.Text.Json;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>Builds the <c>post_processor</c> of a <c>tokenizer.json</c>; an unknown type is refused by name and path.</summary>
internal static class PostProcessorFactory
{
    public const string Supported = "TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence";

    public static PostProcessorStep? Create(JsonElement? element, string path, TokenizerJsonLimits limits, int depth = 0)
    {
        if (element is not { } json) return null;
        string type = JsonRead.Type(json, path);
        switch (type)
        {
            case "ByteLevel":
                return new WrapPostProcessor([], []);
            case "RobertaProcessing":
            case "BertProcessing":
                return new WrapPostProcessor([ReadPairId(json, path, "cls")], [ReadPairId(json, path, "sep")]);
            case "TemplateProcessing":
                return ReadTemplate(json, path, limits);
            case "Sequence":
                if (depth >= limits.MaxSequenceDepth)
                    throw new TokenizerJsonException(path, $"Sequence nested deeper than {limits.MaxSequenceDepth}");
                string listPath = JsonRead.Path(path, "processors");
                var steps = new List<PostProcessorStep>();
                int i = 0;
                foreach (JsonElement child in JsonRead.Array(JsonRead.Required(json, path, "processors"), listPath).EnumerateArray())
                    steps.Add(Create(child, $"{listPath}[{i++}]", limits, depth + 1)!);
                return new SequencePostProcessor(steps);
            default:
                throw JsonRead.Unsupported(path, type, "post-processor", Supported);
        }
    }

    /// <summary><c>["&lt;s&gt;", 0]</c>: the id of a Roberta/Bert special token.</summary>
    private static int ReadPairId(JsonElement json, string path, string name)
    {
        string p = JsonRead.Path(path, name);
        JsonElement pair = JsonRead.Array(JsonRead.Required(json, path, name), p);
        if (pair.GetArrayLength() != 2) throw new TokenizerJsonException(p, "expected [token, id]");
        return JsonRead.Int(pair[1], p + "[1]");
    }

    private static WrapPostProcessor ReadTemplate(JsonElement json, string path, TokenizerJsonLimits limits)
    {
        string specialsPath = JsonRead.Path(path, "special_tokens");
        var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (JsonRead.Optional(json, "special_tokens") is { } map)
        {
            foreach (JsonProperty p in JsonRead.Object(map, specialsPath).EnumerateObject())
            {
                string idsPath = $"{specialsPath}.{p.Name}.ids";
                var ids = new List<int>();
                int k = 0;
                foreach (JsonElement id in JsonRead.Array(JsonRead.Required(p.Value, $"{specialsPath}.{p.Name}", "ids"), idsPath).EnumerateArray())
                    ids.Add(JsonRead.Int(id, $"{idsPath}[{k++}]"));
                specials[p.Name] = ids.ToArray();
            }
        }

        string singlePath = JsonRead.Path(path, "single");
        var before = new List<int>();
        var after = new List<int>();
        bool seenSequence = false;
        int i = 0;
        foreach (JsonElement piece in JsonRead.Array(JsonRead.Required(json, path, "single"), singlePath).EnumerateArray())
        {
            string piecePath = $"{singlePath}[{i++}]";
            if (JsonRead.Optional(piece, "Sequence") is { } sequence)
            {
                string id = JsonRead.RequiredString(sequence, piecePath + ".Sequence", "id", 8);
                if (id != "A" || seenSequence)
                    throw new TokenizerJsonException(piecePath, $"a single-sequence template holds sequence A once; found \"{id}\"");
                seenSequence = true;
            }
            else if (JsonRead.Optional(piece, "SpecialToken") is { } special)
            {
                string id = JsonRead.RequiredString(special, piecePath + ".SpecialToken", "id", limits.MaxStringLength);
                if (!specials.TryGetValue(id, out int[]? ids))
                    throw new TokenizerJsonException(piecePath, $"special token \"{id}\" is not in {specialsPath}");
                (seenSequence ? after : before).AddRange(ids);
            }
            else
            {
                throw new TokenizerJsonException(piecePath, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}");
            }
        }
        if (!seenSequence) throw new TokenizerJsonException(singlePath, "the template has no sequence A");
        return new WrapPostProcessor(before, after);
    }
}
