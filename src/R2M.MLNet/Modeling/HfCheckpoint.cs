using R2M.MLNet.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Loads and saves HuggingFace model folders: <c>config.json</c> plus <c>model.safetensors</c> or a sharded
/// <c>model.safetensors.index.json</c>. Keys are checked strictly; the error lists missing and unexpected keys.
/// </summary>
public static class HfCheckpoint
{
    /// <summary>Weights file of an unsharded checkpoint.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>Index file of a sharded checkpoint.</summary>
    public const string IndexFile = "model.safetensors.index.json";
    /// <summary>Configuration file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>Loads a causal LM (GPT2LMHeadModel, LlamaForCausalLM, Qwen2ForCausalLM) in <paramref name="dtype"/>.</summary>
    public static CausalLM LoadCausalLM(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var config = HfConfig.Read(Path.Combine(folder, ConfigFile));
        CheckpointPreflight.Check(folder, config, Path.Combine(folder, ConfigFile));
        var model = new CausalLM(config);
        LoadInto(model, folder, config, dtype, device);
        return model;
    }

    /// <summary>Loads a sequence classifier / reward model (<c>*ForSequenceClassification</c>).</summary>
    public static SequenceScoreModel LoadSequenceScoreModel(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var config = HfConfig.Read(Path.Combine(folder, ConfigFile));
        CheckpointPreflight.Check(folder, config, Path.Combine(folder, ConfigFile));
        var weights = ReadWeights(folder, dtype);
        try
        {
            int labels = weights.TryGetValue("score.weight", out var head) ? (int)Math.Min(head.shape[0], 1 << 16) : 1;
            var model = new SequenceScoreModel(config, labels);
            CopyStrict(model, weights, config, folder);
            return (SequenceScoreModel)Place(model, dtype, device);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Saves config.json and model.safetensors so that transformers loads the folder. <paramref name="weights"/>, when
    /// given, are written instead of the model's own (for example the float32 masters of bf16 training:
    /// <see cref="Training.MasterWeightOptimizer.MasterWeights"/>); they must have the model's state-dict keys.
    /// </summary>
    public static void Save(CausalLM model, string folder, IReadOnlyDictionary<string, Tensor>? weights = null) =>
        SaveModule(model, model.Config, model.Architecture, folder, numLabels: null, weights);

    /// <summary>Saves a reward model so that transformers loads it as <c>*ForSequenceClassification</c>; <paramref name="weights"/> as above.</summary>
    public static void Save(SequenceScoreModel model, string folder, IReadOnlyDictionary<string, Tensor>? weights = null) =>
        SaveModule(model, model.Config, model.Architecture, folder, model.NumLabels, weights);

    private static void SaveModule(nn.Module module, CausalLMConfig config, string architecture, string folder, int? numLabels,
        IReadOnlyDictionary<string, Tensor>? weights)
    {
        Directory.CreateDirectory(folder);
        var state = module.state_dict();
        if (weights is not null)
        {
            if (!weights.Keys.ToHashSet().SetEquals(state.Keys))
                throw new ArgumentException($"The weights to save have other keys than {architecture}'s state dict.", nameof(weights));
            state = state.Keys.ToDictionary(k => k, k => weights[k]);
        }
        Safetensors.Save(Path.Combine(folder, WeightsFile), state);
        HfConfig.Write(config, Path.Combine(folder, ConfigFile), architecture, numLabels);
    }

    private static void LoadInto(nn.Module model, string folder, CausalLMConfig config, ScalarType dtype, Device? device)
    {
        var weights = ReadWeights(folder, dtype);
        try
        {
            CopyStrict(model, weights, config, folder);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        Place(model, dtype, device);
    }

    private static nn.Module Place(nn.Module model, ScalarType dtype, Device? device)
    {
        model.to(dtype);
        if (device is not null) model.to(device);
        model.eval();
        return model;
    }

    /// <summary>Names of the weights a folder holds (from the header or the index), without reading tensors.</summary>
    public static IReadOnlySet<string> WeightNames(string folder)
    {
        string single = Path.Combine(folder, WeightsFile);
        if (File.Exists(single)) return Safetensors.ReadHeader(single).Entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        string index = Path.Combine(folder, IndexFile);
        if (!File.Exists(index))
            throw new FileNotFoundException($"{folder}: no {WeightsFile} and no {IndexFile} (only safetensors checkpoints are read; pickle files are never loaded).");
        var map = ModelJson.ReadObject(index)["weight_map"] as JsonObject
            ?? throw new R2MModelFormatException(index, "weight_map", "missing or not an object");
        return map.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Reads all weights of a folder, from the single file or from every shard of the index.</summary>
    public static Dictionary<string, Tensor> ReadWeights(string folder, ScalarType dtype)
    {
        string single = Path.Combine(folder, WeightsFile);
        string index = Path.Combine(folder, IndexFile);
        if (File.Exists(single)) return Safetensors.Load(single, dtype);
        if (!File.Exists(index))
            throw new FileNotFoundException($"{folder}: no {WeightsFile} and no {IndexFile} (only safetensors checkpoints are read; pickle files are never loaded).");

        JsonObject map = ModelJson.ReadObject(index)["weight_map"] as JsonObject
            ?? throw new R2MModelFormatException(index, "weight_map", "missing or not an object");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var shard in map.GroupBy(kv => kv.Value is JsonValue v && v.TryGetValue(out string? n) ? n
                     : throw new R2MModelFormatException(index, $"weight_map.{kv.Key}", "must be a shard file name"), kv => kv.Key))
        {
            string shardPath = Path.Combine(folder, shard.Key);
            if (Path.GetDirectoryName(Path.GetFullPath(shardPath)) != Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))
                throw new R2MModelFormatException(index, "weight_map", $"shard name '{shard.Key}' points outside the folder");
            var tensors = Safetensors.Load(shardPath, dtype);
            foreach (string key in shard)
            {
                if (!tensors.Remove(key, out var t))
                    throw new R2MModelFormatException(index, $"weight_map.{key}", $"maps '{key}' to {shard.Key}, which does not hold it");
                result[key] = t;
            }
            foreach (var extra in tensors.Values) extra.Dispose();
        }
        return result;
    }

    /// <summary>
    /// Copies <paramref name="weights"/> into <paramref name="module"/>'s parameters with a strict key check.
    /// Tolerated: GPT-2 files saved from the bare body (keys without "transformer."), GPT-2's causal-mask
    /// buffers (<c>attn.bias</c>, <c>attn.masked_bias</c>), RoPE's <c>rotary_emb.inv_freq</c>, and
    /// <c>lm_head.weight</c> when the head is tied.
    /// </summary>
    public static void CopyStrict(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, CausalLMConfig config, string source)
    {
        var expected = module.state_dict();
        var byKey = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        foreach (var (key, tensor) in weights)
        {
            string name = key;
            if (!expected.ContainsKey(name) && expected.ContainsKey("transformer." + name)) name = "transformer." + name;
            if (expected.ContainsKey(name)) byKey[name] = tensor;
            else if (!IsTolerated(name, config)) unexpected.Add(key);
        }
        var missing = expected.Keys.Where(k => !byKey.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            throw new R2MModelFormatException(source, null,
                $"the checkpoint's keys do not match a {config.Family} model of this config. " +
                $"Missing ({missing.Count}): [{string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", ..." : "")}]. " +
                $"Unexpected ({unexpected.Count}): [{string.Join(", ", unexpected.Take(20))}{(unexpected.Count > 20 ? ", ..." : "")}]");
        }
        using (no_grad())
        {
            foreach (var (key, target) in expected)
            {
                var source_ = byKey[key];
                if (!source_.shape.SequenceEqual(target.shape))
                    throw new R2MModelFormatException(source, key, $"'{key}' has shape [{string.Join(", ", source_.shape)}] in the checkpoint; the config needs [{string.Join(", ", target.shape)}]");
                target.copy_(source_);
            }
        }
    }

    private static bool IsTolerated(string key, CausalLMConfig config) =>
        key.EndsWith(".attn.bias", StringComparison.Ordinal) && config.Family == ModelFamily.Gpt2
        || key.EndsWith(".attn.masked_bias", StringComparison.Ordinal)
        || key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
        || key == "lm_head.weight" && config.TieWordEmbeddings;
}
