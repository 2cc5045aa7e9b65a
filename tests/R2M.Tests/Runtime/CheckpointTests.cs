using R2M.MLNet.IO;
using System.Text.Json.Nodes;
using R2M.MLNet;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

public class CheckpointTests
{
    public CheckpointTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [MemberData(nameof(TinyModels.All), MemberType = typeof(TinyModels))]
    public void Save_then_load_reproduces_outputs_bit_for_bit(string family)
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var model = new CausalLM(TinyModels.ByName(family));
        model.eval();
        var ids = randint(0, 50, [2, 9], dtype: ScalarType.Int64);

        HfCheckpoint.Save(model, dir.Path);
        var loaded = HfCheckpoint.LoadCausalLM(dir.Path);

        using var noGrad = no_grad();
        var (a, ha) = model.Forward(ids);
        var (b, hb) = loaded.Forward(ids);
        Tensors.BitEqual(a, b).Should().BeTrue();
        Tensors.BitEqual(ha, hb).Should().BeTrue();
        loaded.Config.Should().Be(model.Config);
    }

    [Fact]
    public void Reward_model_save_then_load_reproduces_scores_bit_for_bit()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new SequenceScoreModel(TinyModels.Gpt2);
        var ids = randint(0, 50, [3, 7], dtype: ScalarType.Int64);

        HfCheckpoint.Save(model, dir.Path);
        var loaded = HfCheckpoint.LoadSequenceScoreModel(dir.Path);

        using var noGrad = no_grad();
        Tensors.BitEqual(model.Score(ids).Scores, loaded.Score(ids).Scores).Should().BeTrue();
        JsonNode.Parse(File.ReadAllText(dir.File("config.json")))!["architectures"]![0]!.GetValue<string>()
            .Should().Be("GPT2ForSequenceClassification");
    }

    [Theory]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void Half_precision_files_load_into_float32_with_their_values_kept(ScalarType stored)
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = new CausalLM(TinyModels.Llama);
        model.to(stored);
        HfCheckpoint.Save(model, dir.Path);

        var loaded = HfCheckpoint.LoadCausalLM(dir.Path, ScalarType.Float32);

        var original = model.state_dict()["model.norm.weight"].to_type(ScalarType.Float32);
        var (entries, _) = Safetensors.ReadHeader(dir.File("model.safetensors"));
        entries.Should().OnlyContain(e => e.DType == stored);
        loaded.state_dict()["model.layers.1.mlp.up_proj.weight"].dtype.Should().Be(ScalarType.Float32);
        Tensors.BitEqual(loaded.state_dict()["model.layers.1.mlp.up_proj.weight"],
            model.state_dict()["model.layers.1.mlp.up_proj.weight"].to_type(ScalarType.Float32)).Should().BeTrue();
        Tensors.BitEqual(loaded.state_dict()["model.norm.weight"], original).Should().BeTrue();
    }

    [Fact]
    public void Sharded_checkpoint_with_an_index_loads_like_a_single_file()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = new CausalLM(TinyModels.Llama);
        var state = model.state_dict();
        var keys = state.Keys.OrderBy(k => k).ToList();
        var first = keys.Take(keys.Count / 2).ToDictionary(k => k, k => state[k]);
        var second = keys.Skip(keys.Count / 2).ToDictionary(k => k, k => state[k]);
        Safetensors.Save(dir.File("model-00001-of-00002.safetensors"), first);
        Safetensors.Save(dir.File("model-00002-of-00002.safetensors"), second);
        var map = new JsonObject();
        foreach (var k in first.Keys) map[k] = "model-00001-of-00002.safetensors";
        foreach (var k in second.Keys) map[k] = "model-00002-of-00002.safetensors";
        File.WriteAllText(dir.File("model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
        HfConfig.Write(model.Config, dir.File("config.json"), model.Architecture);

        var loaded = HfCheckpoint.LoadCausalLM(dir.Path);

        var ids = tensor(new long[] { 1, 2, 3, 4 }).unsqueeze(0);
        using var noGrad = no_grad();
        Tensors.BitEqual(loaded.Forward(ids).Logits, model.Forward(ids).Logits).Should().BeTrue();
    }

    [Fact]
    public void Truncated_safetensors_file_is_refused_naming_the_file_and_the_tensor()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = new CausalLM(TinyModels.Gpt2);
        HfCheckpoint.Save(model, dir.Path);
        string weights = dir.File("model.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length - 100)]);

        Action load = () => HfCheckpoint.LoadCausalLM(dir.Path);

        load.Should().Throw<R2MModelFormatException>()
            .WithMessage($"{weights}: invalid safetensors file: entry 'transformer.wte.weight' ends at byte * of the data section, which has * bytes: the file is truncated.");
    }

    [Fact]
    public void Safetensors_file_with_a_corrupted_header_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        var bytes = new byte[64];
        BitConverter.GetBytes(40L).CopyTo(bytes, 0);
        "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], ###".Select(c => (byte)c).ToArray().CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);

        Action read = () => Safetensors.ReadHeader(path);

        read.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: invalid safetensors file: the header is not valid JSON*");
        File.WriteAllBytes(path, [1, 2, 3]);
        read.Should().Throw<R2MModelFormatException>().WithMessage("*fewer than the 8-byte header length*");
        File.WriteAllBytes(path, BitConverter.GetBytes(1L << 40));
        read.Should().Throw<R2MModelFormatException>().WithMessage("*header length 1099511627776 does not fit in the file*");
    }

    [Fact]
    public void Checkpoint_with_wrong_keys_lists_missing_and_unexpected_keys()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = new CausalLM(TinyModels.Llama);
        var state = model.state_dict().ToDictionary(kv => kv.Key == "model.norm.weight" ? "model.final_norm.weight" : kv.Key, kv => kv.Value);
        state.Remove("lm_head.weight");
        Safetensors.Save(dir.File("model.safetensors"), state);
        HfConfig.Write(model.Config, dir.File("config.json"), model.Architecture);

        Action load = () => HfCheckpoint.LoadCausalLM(dir.Path);

        load.Should().Throw<R2MModelFormatException>().WithMessage(
            "*Missing (2): [model.norm.weight, lm_head.weight]. Unexpected (1): [model.final_norm.weight].");
    }

    [Fact]
    public void Weight_of_the_wrong_shape_is_named_with_both_shapes()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = new CausalLM(TinyModels.Llama);
        HfCheckpoint.Save(model, dir.Path);
        var bigger = TinyModels.Llama with { IntermediateSize = 48 };
        HfConfig.Write(bigger, dir.File("config.json"), "LlamaForCausalLM");

        Action load = () => HfCheckpoint.LoadCausalLM(dir.Path);

        load.Should().Throw<R2MModelFormatException>().WithMessage("*'model.layers.0.mlp.gate_proj.weight' has shape [32, 16] in the checkpoint; the config needs [48, 16].");
    }

    [Fact]
    public void Folder_without_safetensors_weights_says_pickle_is_never_read()
    {
        using var dir = new TempDir();
        HfConfig.Write(TinyModels.Llama, dir.File("config.json"), "LlamaForCausalLM");
        File.WriteAllBytes(dir.File("pytorch_model.bin"), [0x80, 0x02]);

        Action load = () => HfCheckpoint.LoadCausalLM(dir.Path);

        load.Should().Throw<FileNotFoundException>().WithMessage("*no model.safetensors and no model.safetensors.index.json (only safetensors checkpoints are read; pickle files are never loaded).");
    }

    [Fact]
    public void Saving_over_an_existing_checkpoint_leaves_no_temporary_files()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = new CausalLM(TinyModels.Gpt2);
        HfCheckpoint.Save(model, dir.Path);
        HfCheckpoint.Save(model, dir.Path);

        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().BeEquivalentTo("config.json", "model.safetensors");
    }

    [Fact]
    public void Qwen2_checkpoint_with_zero_qkv_bias_runs_exactly_like_the_llama_with_its_weights()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        manual_seed(5);
        var llama = new CausalLM(TinyModels.Llama);
        var qwenConfig = TinyModels.Llama with { Family = ModelFamily.Qwen2, QkvBias = true };
        var state = llama.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var key in state.Keys.Where(k => k.EndsWith("q_proj.weight") || k.EndsWith("k_proj.weight") || k.EndsWith("v_proj.weight")).ToList())
            state[key[..^"weight".Length] + "bias"] = zeros(state[key].shape[0]);
        Safetensors.Save(dir.File("model.safetensors"), state);
        HfConfig.Write(qwenConfig, dir.File("config.json"), "Qwen2ForCausalLM");

        var qwen = HfCheckpoint.LoadCausalLM(dir.Path);

        qwen.Config.Family.Should().Be(ModelFamily.Qwen2);
        var ids = tensor(new long[] { 3, 1, 4, 1, 5, 9, 2, 6 }).reshape(2, 4);
        using var noGrad = no_grad();
        Tensors.BitEqual(qwen.Forward(ids).Logits, llama.Forward(ids).Logits).Should().BeTrue();
        foreach (var (key, bias) in qwen.state_dict().Where(kv => kv.Key.EndsWith(".bias"))) bias.fill_(TorchScalars.Half);
        Tensors.BitEqual(qwen.Forward(ids).Logits, llama.Forward(ids).Logits).Should().BeFalse("the q/k/v biases take part");
    }
}
