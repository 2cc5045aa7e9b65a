using R2M.MLNet.IO;
using System.Text.Json.Nodes;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Compares what config.json implies with what the safetensors headers hold, reading only the headers, before a
/// module is built: a config that claims far more parameters than the files carry (say a million layers beside a
/// 2 MB file) is refused here instead of being allocated.
/// </summary>
internal static class CheckpointPreflight
{
    /// <summary>Checks <paramref name="folder"/>'s weights against <paramref name="config"/>; <paramref name="configName"/> names config.json in errors.</summary>
    public static void Check(string folder, CausalLMConfig config, string configName)
    {
        var entries = Headers(folder);
        long held = 0;
        foreach (var e in entries) held = checked(held + e.Shape.Aggregate(1L, (a, b) => checked(a * b)));
        long implied = LowerBound(config);
        // Some slack, so that a near miss reaches the strict copy, which names the tensor of the wrong shape;
        // what is allocated stays within 1.5 times what the files hold.
        if (implied > held + held / 2 + (1L << 20))
            throw new R2MModelFormatException(configName, null,
                $"the config implies at least {implied} parameters but the weights beside it hold {held}: config and weights do not belong together");
        foreach (var e in entries)
        {
            bool embedding = e.Name.EndsWith("embed_tokens.weight", StringComparison.Ordinal) || e.Name.EndsWith("wte.weight", StringComparison.Ordinal);
            if (embedding && (e.Shape.Length != 2 || e.Shape[0] != config.VocabSize || e.Shape[1] != config.HiddenSize))
                throw new R2MModelFormatException(configName, "vocab_size",
                    $"the config says a [{config.VocabSize}, {config.HiddenSize}] embedding but '{e.Name}' is [{string.Join(", ", e.Shape)}]");
        }
    }

    /// <summary>Parameters the config needs at the least (projections and embeddings; norms and biases left out).</summary>
    public static long LowerBound(CausalLMConfig c)
    {
        checked
        {
            long d = c.HiddenSize, v = c.VocabSize, l = c.NumLayers, i = c.IntermediateSize;
            long attention = 2L * d * c.NumHeads * c.HeadWidth + 2L * d * c.KvHeads * c.HeadWidth;
            long mlp = (c.Family == ModelFamily.Gpt2 ? 2L : 3L) * d * i;
            long positions = c.Family == ModelFamily.Gpt2 ? (long)c.MaxPositions * d : 0;
            return v * d + positions + l * (attention + mlp);
        }
    }

    private static List<Safetensors.Entry> Headers(string folder)
    {
        string single = Path.Combine(folder, HfCheckpoint.WeightsFile);
        if (File.Exists(single)) return [.. Safetensors.ReadHeader(single).Entries];
        string index = Path.Combine(folder, HfCheckpoint.IndexFile);
        if (!File.Exists(index))
            throw new FileNotFoundException($"{folder}: no {HfCheckpoint.WeightsFile} and no {HfCheckpoint.IndexFile} (only safetensors checkpoints are read; pickle files are never loaded).");
        var map = ModelJson.ReadObject(index)["weight_map"] as JsonObject
            ?? throw new R2MModelFormatException(index, "weight_map", "missing or not an object");
        var result = new List<Safetensors.Entry>();
        foreach (string shard in map.Select(kv => kv.Value is JsonValue s && s.TryGetValue(out string? n) ? n
                     : throw new R2MModelFormatException(index, $"weight_map.{kv.Key}", "must be a shard file name")).Distinct(StringComparer.Ordinal))
        {
            string shardPath = Path.Combine(folder, shard);
            if (Path.GetDirectoryName(Path.GetFullPath(shardPath)) != Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))
                throw new R2MModelFormatException(index, "weight_map", $"shard name '{shard}' points outside the folder");
            result.AddRange(Safetensors.ReadHeader(shardPath).Entries);
        }
        return result;
    }
}
