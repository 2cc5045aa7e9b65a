using System.Text;
using System.Text.Json;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>Builds the <c>normalizer</c> of a <c>tokenizer.json</c>; an unknown type is refused by name and path.</summary>
internal static class NormalizerFactory
{
    public const string Supported = "NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence";

    public static TextNormalizer? Create(JsonElement? element, string path, TokenizerJsonLimits limits, int depth = 0)
    {
        if (element is not { } json) return null;
        string type = JsonRead.Type(json, path);
        switch (type)
        {
            case "NFC": return new UnicodeFormNormalizer(NormalizationForm.FormC);
            case "NFD": return new UnicodeFormNormalizer(NormalizationForm.FormD);
            case "NFKC": return new UnicodeFormNormalizer(NormalizationForm.FormKC);
            case "NFKD": return new UnicodeFormNormalizer(NormalizationForm.FormKD);
            case "Lowercase": return new LowercaseNormalizer();
            case "Prepend": return new PrependNormalizer(JsonRead.RequiredString(json, path, "prepend", limits.MaxStringLength));
            case "Replace":
                return new ReplaceNormalizer(
                    TextPattern.Read(JsonRead.Required(json, path, "pattern"), JsonRead.Path(path, "pattern"), limits),
                    JsonRead.RequiredString(json, path, "content", limits.MaxStringLength));
            case "Strip":
                return new StripNormalizer(JsonRead.Bool(json, path, "strip_left", true), JsonRead.Bool(json, path, "strip_right", true));
            case "Sequence":
                if (depth >= limits.MaxSequenceDepth)
                    throw new TokenizerJsonException(path, $"Sequence nested deeper than {limits.MaxSequenceDepth}");
                string listPath = JsonRead.Path(path, "normalizers");
                var steps = new List<TextNormalizer>();
                int i = 0;
                foreach (JsonElement child in JsonRead.Array(JsonRead.Required(json, path, "normalizers"), listPath).EnumerateArray())
                    steps.Add(Create(child, $"{listPath}[{i++}]", limits, depth + 1)!);
                return new SequenceNormalizer(steps);
            default:
                throw JsonRead.Unsupported(path, type, "normalizer", Supported);
        }
    }
}
