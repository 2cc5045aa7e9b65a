using System.Text.Json;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>Builds the <c>decoder</c> of a <c>tokenizer.json</c>; an unknown type is refused by name and path.</summary>
internal static class DecoderFactory
{
    public const string Supported = "ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, Sequence";

    public static DecoderStep? Create(JsonElement? element, string path, TokenizerJsonLimits limits, int depth = 0)
    {
        if (element is not { } json) return null;
        string type = JsonRead.Type(json, path);
        switch (type)
        {
            case "ByteLevel": return new ByteLevelDecoder();
            case "Metaspace":
                return new MetaspaceDecoder(PreTokenizerFactory.ReadReplacement(json, path), PreTokenizerFactory.ReadPrependScheme(json, path));
            case "Replace":
                return new ReplaceDecoder(
                    TextPattern.Read(JsonRead.Required(json, path, "pattern"), JsonRead.Path(path, "pattern"), limits),
                    JsonRead.RequiredString(json, path, "content", limits.MaxStringLength));
            case "ByteFallback": return new ByteFallbackDecoder();
            case "Fuse": return new FuseDecoder();
            case "Strip":
                string content = JsonRead.RequiredString(json, path, "content", 8);
                if (content.Length != 1) throw new TokenizerJsonException(JsonRead.Path(path, "content"), "expected one character");
                return new StripDecoder(content[0], JsonRead.OptionalInt(json, path, "start", 0), JsonRead.OptionalInt(json, path, "stop", 0));
            case "Sequence":
                if (depth >= limits.MaxSequenceDepth)
                    throw new TokenizerJsonException(path, $"Sequence nested deeper than {limits.MaxSequenceDepth}");
                string listPath = JsonRead.Path(path, "decoders");
                var steps = new List<DecoderStep>();
                int i = 0;
                foreach (JsonElement child in JsonRead.Array(JsonRead.Required(json, path, "decoders"), listPath).EnumerateArray())
                    steps.Add(Create(child, $"{listPath}[{i++}]", limits, depth + 1)!);
                return new SequenceDecoder(steps);
            default:
                throw JsonRead.Unsupported(path, type, "decoder", Supported);
        }
    }
}
