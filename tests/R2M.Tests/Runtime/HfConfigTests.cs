using R2M.MLNet.IO;
using System.Text.Json.Nodes;
using R2M.MLNet;
using R2M.MLNet.Modeling;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Runtime;

public class HfConfigTests
{
    private static JsonObject LlamaJson() => new()
    {
        ["model_type"] = "llama", ["vocab_size"] = 100, ["hidden_size"] = 32, ["num_hidden_layers"] = 2,
        ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["intermediate_size"] = 64,
    };

    [Fact]
    public void Rope_theta_is_read_from_the_transformers_4_top_level_field()
    {
        var json = LlamaJson();
        json["rope_theta"] = 500000.0;

        HfConfig.Parse(json, "config.json").RopeTheta.Should().Be(500000.0);
    }

    [Fact]
    public void Rope_theta_is_read_from_the_transformers_5_rope_parameters_object()
    {
        var json = LlamaJson();
        json["rope_parameters"] = new JsonObject { ["rope_theta"] = 1000000.0, ["rope_type"] = "default" };

        HfConfig.Parse(json, "config.json").RopeTheta.Should().Be(1000000.0);
    }

    [Fact]
    public void Scaled_rope_variants_are_refused_by_name()
    {
        var json = LlamaJson();
        json["rope_scaling"] = new JsonObject { ["rope_type"] = "llama3", ["factor"] = 8.0 };

        Action parse = () => HfConfig.Parse(json, "cfg/config.json");

        parse.Should().Throw<NotSupportedException>().WithMessage("cfg/config.json: rope_scaling.rope_type 'llama3' is not supported; only 'default' RoPE is.");
    }

    [Fact]
    public void Missing_required_field_is_named_with_the_file_and_model_type()
    {
        var json = LlamaJson();
        json.Remove("hidden_size");

        Action parse = () => HfConfig.Parse(json, "m/config.json");

        parse.Should().Throw<R2MModelFormatException>().WithMessage("m/config.json: missing field 'hidden_size' (an integer), required for model_type 'llama'.");
    }

    [Fact]
    public void Field_of_the_wrong_type_is_named()
    {
        var json = LlamaJson();
        json["num_hidden_layers"] = "two";

        Action parse = () => HfConfig.Parse(json, "m/config.json");

        parse.Should().Throw<R2MModelFormatException>().WithMessage("m/config.json: field 'num_hidden_layers' must be an integer, got \"two\".");
    }

    [Fact]
    public void Unsupported_model_type_is_named_with_the_supported_list()
    {
        var json = LlamaJson();
        json["model_type"] = "mamba";

        Action parse = () => HfConfig.Parse(json, "m/config.json");

        parse.Should().Throw<NotSupportedException>().WithMessage("m/config.json: model_type 'mamba' is not supported; supported: gpt2, llama, qwen2.");
    }

    [Fact]
    public void Qwen2_config_turns_on_q_k_v_bias_and_reads_a_list_eos()
    {
        var json = LlamaJson();
        json["model_type"] = "qwen2";
        json["tie_word_embeddings"] = true;
        json["eos_token_id"] = new JsonArray(151645, 151643);

        var config = HfConfig.Parse(json, "config.json");

        config.Family.Should().Be(ModelFamily.Qwen2);
        config.QkvBias.Should().BeTrue();
        config.OutputBias.Should().BeFalse();
        config.EosTokenId.Should().Be(151645);
    }

    [Fact]
    public void Written_config_reads_back_to_the_same_config()
    {
        using var dir = new TempDir();
        foreach (var config in new[] { TinyModels.Gpt2, TinyModels.Llama, TinyModels.Qwen2 with { EosTokenId = 2, PadTokenId = 0 } })
        {
            HfConfig.Write(config, dir.File("config.json"), "X");
            HfConfig.Read(dir.File("config.json")).Should().Be(config);
        }
    }

    [Fact]
    public void Malformed_config_json_is_refused_with_its_position()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), "{\n  \"model_type\": \"llama\",\n  \"vocab_size\": ,\n}");

        Action read = () => HfConfig.Read(dir.File("config.json"));

        read.Should().Throw<R2MModelFormatException>().WithMessage($"{dir.File("config.json")}: not valid JSON (line 3,*");
    }
}
