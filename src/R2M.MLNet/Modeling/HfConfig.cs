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
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new InvalidDataException($"{path}: the top level must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        return Parse(root, path);
    }

    /// <summary>Builds a config from a parsed config.json object; <paramref name="source"/> names it in errors.</summary>
    public static CausalLMConfig Parse(JsonObject root, string source)
    {
        var r = new FieldReader(root, source);
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
            "llama" or "qwen2" => new CausalLMConfig
            {
                Family = modelType == "llama" ? ModelFamily.Llama : ModelFamily.Qwen2,
                VocabSize = r.RequiredInt("vocab_size"),
                HiddenSize = r.RequiredInt("hidden_size"),
                NumLayers = r.RequiredInt("num_hidden_layers"),
                NumHeads = r.RequiredInt("num_attention_heads"),
                NumKeyValueHeads = r.OptionalInt("num_key_value_heads") ?? r.RequiredInt("num_attention_heads"),
                HeadDim = r.OptionalInt("head_dim") ?? 0,
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
            },
            _ => throw new NotSupportedException(
                $"{source}: model_type '{modelType}' is not supported; supported: {string.Join(", ", SupportedModelTypes)}."),
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        return config;
    }

    private static double ReadRopeTheta(FieldReader r)
    {
        // transformers 5.x: "rope_parameters": {"rope_theta": ..., "rope_type": "default"}; 4.x: top-level
        // "rope_theta" and optional "rope_scaling".
        JsonObject? parameters = r.OptionalObject("rope_parameters");
        JsonObject? scaling = r.OptionalObject("rope_scaling");
        foreach (var (obj, name) in new[] { (parameters, "rope_parameters"), (scaling, "rope_scaling") })
        {
            string? type = obj?["rope_type"]?.GetValue<string>() ?? obj?["type"]?.GetValue<string>();
            if (type is not null && type != "default")
                throw new NotSupportedException($"{r.Source}: {name}.rope_type '{type}' is not supported; only 'default' RoPE is.");
        }
        if (parameters?["rope_theta"] is JsonValue theta) return theta.GetValue<double>();
        return r.OptionalDouble("rope_theta") ?? 10000.0;
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

    /// <summary>Typed access to config.json fields with errors that name the file and the field.</summary>
    private sealed class FieldReader(JsonObject root, string source)
    {
        public string Source => source;

        public string RequiredString(string name) =>
            Get(name) is JsonValue v && v.TryGetValue(out string? s) ? s : throw Missing(name, "a string");

        public int RequiredInt(string name) => OptionalInt(name) ?? throw Missing(name, "an integer");

        public int? OptionalInt(string name) => Get(name) switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out int i) => i,
            JsonValue v when v.TryGetValue(out double d) && d == Math.Floor(d) => (int)d,
            _ => throw Wrong(name, "an integer"),
        };

        public double? OptionalDouble(string name) => Get(name) switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out double d) => d,
            _ => throw Wrong(name, "a number"),
        };

        public bool? OptionalBool(string name) => Get(name) switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out bool b) => b,
            _ => throw Wrong(name, "true or false"),
        };

        public JsonObject? OptionalObject(string name) => Get(name) switch
        {
            null => null,
            JsonObject o => o,
            _ => throw Wrong(name, "an object"),
        };

        /// <summary>A token id, or the first of a list of ids (eos_token_id may be a list).</summary>
        public int? OptionalTokenId(string name) => Get(name) switch
        {
            null => null,
            JsonArray a when a.Count > 0 && a[0] is JsonValue v && v.TryGetValue(out int first) => first,
            JsonArray => null,
            _ => OptionalInt(name),
        };

        private JsonNode? Get(string name) => root.TryGetPropertyValue(name, out JsonNode? node) ? node : null;

        private InvalidDataException Missing(string name, string kind) =>
            new($"{source}: missing field '{name}' ({kind}), required for model_type '{root["model_type"]}'.");

        private InvalidDataException Wrong(string name, string kind) =>
            new($"{source}: field '{name}' must be {kind}, got {Get(name)?.ToJsonString()}.");
    }
}
