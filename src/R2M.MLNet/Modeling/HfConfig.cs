using R2M.MLNet.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Reads and writes HuggingFace <c>config.json</c> for the GPT-2, Llama and Qwen2 families. Both RoPE forms
/// are read: transformers 4.x's top-level <c>rope_theta</c> and 5.x's <c>rope_parameters</c> object.
/// </summary>
public static class HfConfig
{
    /// <summary>The <c>model_type</c> values this runtime loads.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } = ["gpt2", "llama", "qwen2"];

    /// <summary>Reads <c>config.json</c> from a file. Errors name the file and the field.</summary>
    public static CausalLMConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No config.json at {path}.", path);
        return Parse(ModelJson.ReadObject(path), path);
    }

    /// <summary>Builds a config from a parsed config.json object; <paramref name="source"/> names it in errors.</summary>
    public static CausalLMConfig Parse(JsonObject root, string source)
    {
        var r = new HfConfigFieldReader(root, source);
        string modelType = r.RequiredString("model_type");
        var config = modelType switch
        {
            "gpt2" => new CausalLMConfig
            {
                Family = ModelFamily.Gpt2,
                VocabSize = r.RequiredInt("vocab_size"),
                HiddenSize = r.RequiredInt("n_embd"),
                NumLayers = r.RequiredInt("n_layer"),
                NumHeads = r.RequiredInt("n_head"),
                NumKeyValueHeads = r.RequiredInt("n_head"),
                IntermediateSize = r.OptionalInt("n_inner") ?? 4 * r.RequiredInt("n_embd"),
                MaxPositions = r.RequiredInt("n_positions"),
                NormEps = r.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
                TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? true,
                BosTokenId = r.OptionalTokenId("bos_token_id"),
                EosTokenId = r.OptionalTokenId("eos_token_id"),
                PadTokenId = r.OptionalTokenId("pad_token_id"),
            },
            "llama" or "qwen2" => ReadLlama(r, modelType),
            _ => throw new NotSupportedException(
                $"{source}: model_type '{modelType}' is not supported; supported: {string.Join(", ", SupportedModelTypes)}."),
        };
        HfConfigBounds.Check(config, r);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new R2MModelFormatException(source, null, e.Message, e);
        }
        return config;
    }

    private static CausalLMConfig ReadLlama(HfConfigFieldReader r, string modelType)
    {
        int? headDim = r.OptionalInt("head_dim");
        if (headDim < 0) throw r.Bad("head_dim", $"must not be negative, got {headDim}");
        return new CausalLMConfig
            {
                Family = modelType == "llama" ? ModelFamily.Llama : ModelFamily.Qwen2,
                VocabSize = r.RequiredInt("vocab_size"),
                HiddenSize = r.RequiredInt("hidden_size"),
                NumLayers = r.RequiredInt("num_hidden_layers"),
                NumHeads = r.RequiredInt("num_attention_heads"),
                NumKeyValueHeads = r.OptionalInt("num_key_value_heads") ?? r.RequiredInt("num_attention_heads"),
                HeadDim = headDim ?? 0,
                IntermediateSize = r.RequiredInt("intermediate_size"),
                MaxPositions = r.OptionalInt("max_position_embeddings") ?? 2048,
                NormEps = r.OptionalDouble("rms_norm_eps") ?? 1e-6,
                RopeTheta = ReadRopeTheta(r),
                QkvBias = modelType == "qwen2" || (r.OptionalBool("attention_bias") ?? false),
                OutputBias = modelType == "llama" && (r.OptionalBool("attention_bias") ?? false),
                MlpBias = r.OptionalBool("mlp_bias") ?? false,
                TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? false,
                BosTokenId = r.OptionalTokenId("bos_token_id"),
                EosTokenId = r.OptionalTokenId("eos_token_id"),
                PadTokenId = r.OptionalTokenId("pad_token_id"),
            };
    }

    private static double ReadRopeTheta(HfConfigFieldReader r)
    {
        // transformers 5.x: "rope_parameters": {"rope_theta": ..., "rope_type": "default"}; 4.x: top-level
        // "rope_theta" and optional "rope_scaling".
        JsonObject? parameters = r.OptionalObject("rope_parameters");
        JsonObject? scaling = r.OptionalObject("rope_scaling");
        foreach (var (obj, name) in new[] { (parameters, "rope_parameters"), (scaling, "rope_scaling") })
        {
            if (obj is null) continue;
            string? type = r.StringIn(obj, name, "rope_type") ?? r.StringIn(obj, name, "type");
            if (type is null && name == "rope_scaling")
                throw r.Bad("rope_scaling", "has no 'rope_type' (or 'type'); without it the scaling cannot be applied");
            if (type is not null && type != "default")
                throw new NotSupportedException($"{r.Source}: {name}.rope_type '{type}' is not supported; only 'default' RoPE is.");
        }
        double theta = parameters?["rope_theta"] is not null ? r.DoubleIn(parameters, "rope_parameters", "rope_theta") : r.OptionalDouble("rope_theta") ?? 10000.0;
        string field = parameters?["rope_theta"] is not null ? "rope_parameters.rope_theta" : "rope_theta";
        if (!(theta > 0) || double.IsInfinity(theta)) throw r.Bad(field, $"must be a positive finite number, got {theta}");
        return theta;
    }

    /// <summary>
    /// Writes config.json for <paramref name="config"/> in transformers' form, atomically (temporary file,
    /// then move). <paramref name="architecture"/> is the transformers class, e.g. LlamaForCausalLM.
    /// </summary>
    public static void Write(CausalLMConfig config, string path, string architecture, int? numLabels = null)
    {
        var root = new JsonObject { ["architectures"] = new JsonArray(architecture) };
        if (config.Family == ModelFamily.Gpt2)
        {
            root["model_type"] = "gpt2";
            root["vocab_size"] = config.VocabSize;
            root["n_embd"] = config.HiddenSize;
            root["n_layer"] = config.NumLayers;
            root["n_head"] = config.NumHeads;
            root["n_inner"] = config.IntermediateSize;
            root["n_positions"] = config.MaxPositions;
            root["layer_norm_epsilon"] = config.NormEps;
            root["activation_function"] = "gelu_new";
        }
        else
        {
            root["model_type"] = config.Family == ModelFamily.Llama ? "llama" : "qwen2";
            root["vocab_size"] = config.VocabSize;
            root["hidden_size"] = config.HiddenSize;
            root["num_hidden_layers"] = config.NumLayers;
            root["num_attention_heads"] = config.NumHeads;
            root["num_key_value_heads"] = config.KvHeads;
            if (config.HeadDim > 0) root["head_dim"] = config.HeadDim;
            root["intermediate_size"] = config.IntermediateSize;
            root["max_position_embeddings"] = config.MaxPositions;
            root["rms_norm_eps"] = config.NormEps;
            root["hidden_act"] = "silu";
            root["rope_theta"] = config.RopeTheta;
            root["rope_parameters"] = new JsonObject { ["rope_theta"] = config.RopeTheta, ["rope_type"] = "default" };
            if (config.Family == ModelFamily.Llama) root["attention_bias"] = config.QkvBias;
            root["mlp_bias"] = config.MlpBias;
        }
        root["tie_word_embeddings"] = config.TieWordEmbeddings;
        if (config.BosTokenId is int bos) root["bos_token_id"] = bos;
        if (config.EosTokenId is int eos) root["eos_token_id"] = eos;
        if (config.PadTokenId is int pad) root["pad_token_id"] = pad;
        if (numLabels is int labels) root["num_labels"] = labels;
        root["torch_dtype"] = "float32";
        AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
