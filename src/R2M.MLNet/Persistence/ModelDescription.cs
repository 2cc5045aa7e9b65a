using R2M.MLNet.IO;
using System.Text.Json.Nodes;
using R2M.MLNet.Serving;

namespace R2M.MLNet.Persistence;

/// <summary>
/// <c>r2m/model.json</c>, read field by field: ω, the tokenizer kind, the aligner width and the generation
/// defaults. Every value is checked on load (a saved <c>MaxNewTokens</c> of 10^8 would otherwise surface as
/// gigabytes allocated by the first Generate); errors name the zip entry and the JSON path.
/// </summary>
internal sealed record ModelDescription(double Omega, string Tokenizer, int? AlignerWidth, R2MGenerationDefaults Generation)
{
    private static readonly string[] TokenizerKinds = ["byte-level", "gpt2-bpe", "huggingface"];

    /// <summary>Parses and checks <paramref name="root"/>; <paramref name="name"/> names the file in errors.</summary>
    public static ModelDescription Parse(JsonObject root, string name)
    {
        double omega = Number(root, "omega", name);
        if (!(omega >= 0 && omega <= 1)) throw new R2MModelFormatException(name, "omega", $"must be in [0, 1], got {omega}");
        string tokenizer = root["tokenizer"] is JsonValue t && t.TryGetValue(out string? kind) ? kind
            : throw new R2MModelFormatException(name, "tokenizer", $"must be a string, got {root["tokenizer"]?.ToJsonString() ?? "nothing"}");
        if (!TokenizerKinds.Contains(tokenizer))
            throw new R2MModelFormatException(name, "tokenizer", $"unknown kind '{tokenizer}'; known: {string.Join(", ", TokenizerKinds)}");
        int? width = root["aligner_width"] is null ? null : Int(root, "aligner_width", name, 1, ModelFileLimits.MaxWidth);
        var generation = new R2MGenerationDefaults();
        if (root["generation"] is JsonObject g)
        {
            generation = new R2MGenerationDefaults
            {
                MaxNewTokens = g["MaxNewTokens"] is null ? generation.MaxNewTokens : Int(g, "MaxNewTokens", name, 1, ModelFileLimits.MaxNewTokens, "generation."),
                Temperature = g["Temperature"] is null ? generation.Temperature : Number(g, "Temperature", name, "generation."),
                TopK = g["TopK"] is null ? generation.TopK : Int(g, "TopK", name, 0, ModelFileLimits.MaxVocab, "generation."),
                TopP = g["TopP"] is null ? generation.TopP : Number(g, "TopP", name, "generation."),
                Seed = g["Seed"] is null ? generation.Seed : g["Seed"] is JsonValue s && s.TryGetValue(out long seed) ? seed
                    : throw new R2MModelFormatException(name, "generation.Seed", "must be an integer"),
            };
            if (!(generation.Temperature >= 0 && generation.Temperature <= 100))
                throw new R2MModelFormatException(name, "generation.Temperature", $"must be in [0, 100], got {generation.Temperature}");
            if (!(generation.TopP > 0 && generation.TopP <= 1))
                throw new R2MModelFormatException(name, "generation.TopP", $"must be in (0, 1], got {generation.TopP}");
        }
        else if (root["generation"] is not null)
        {
            throw new R2MModelFormatException(name, "generation", "must be an object");
        }
        return new ModelDescription(omega, tokenizer, width, generation);
    }

    private static double Number(JsonObject obj, string field, string name, string prefix = "") =>
        obj[field] is JsonValue v && v.TryGetValue(out double d) && double.IsFinite(d) ? d
            : throw new R2MModelFormatException(name, prefix + field, $"must be a finite number, got {obj[field]?.ToJsonString() ?? "nothing"}");

    private static int Int(JsonObject obj, string field, string name, int min, int max, string prefix = "") =>
        obj[field] is JsonValue v && v.TryGetValue(out int i) && i >= min && i <= max ? i
            : throw new R2MModelFormatException(name, prefix + field, $"must be an integer in [{min}, {max}], got {obj[field]?.ToJsonString() ?? "nothing"}");
}
