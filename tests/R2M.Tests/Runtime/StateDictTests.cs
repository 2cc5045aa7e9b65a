using R2M.MLNet.Modeling;
using R2M.MLNet.Native;

namespace R2M.Tests.Runtime;

public class StateDictTests
{
    public StateDictTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Gpt2_state_dict_keys_are_exactly_transformers_keys_with_a_tied_head()
    {
        using var model = new CausalLM(TinyModels.Gpt2 with { NumLayers = 1 });

        model.state_dict().Keys.Should().BeEquivalentTo(
            "transformer.wte.weight", "transformer.wpe.weight",
            "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias",
            "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.bias",
            "transformer.h.0.attn.c_proj.weight", "transformer.h.0.attn.c_proj.bias",
            "transformer.h.0.ln_2.weight", "transformer.h.0.ln_2.bias",
            "transformer.h.0.mlp.c_fc.weight", "transformer.h.0.mlp.c_fc.bias",
            "transformer.h.0.mlp.c_proj.weight", "transformer.h.0.mlp.c_proj.bias",
            "transformer.ln_f.weight", "transformer.ln_f.bias");
        model.state_dict()["transformer.h.0.attn.c_attn.weight"].shape.Should().Equal(new long[] { 16, 48 }, "Conv1D stores [in, out]");
    }

    [Fact]
    public void Llama_state_dict_keys_are_exactly_transformers_keys_and_hold_no_cache_or_rope_tensors()
    {
        using var model = new CausalLM(TinyModels.Llama with { NumLayers = 1 });

        model.state_dict().Keys.Should().BeEquivalentTo(
            "model.embed_tokens.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
            "model.layers.0.self_attn.v_proj.weight", "model.layers.0.self_attn.o_proj.weight",
            "model.layers.0.post_attention_layernorm.weight",
            "model.layers.0.mlp.gate_proj.weight", "model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
            "model.norm.weight", "lm_head.weight");
        model.state_dict()["model.layers.0.self_attn.k_proj.weight"].shape.Should().Equal(new long[] { 8, 16 }, "2 key/value heads of width 4");
    }

    [Fact]
    public void Qwen2_adds_q_k_v_biases_but_no_output_bias()
    {
        using var model = new CausalLM(TinyModels.Qwen2 with { NumLayers = 1 });

        var keys = model.state_dict().Keys.Where(k => k.EndsWith(".bias", StringComparison.Ordinal));
        keys.Should().BeEquivalentTo(
            "model.layers.0.self_attn.q_proj.bias", "model.layers.0.self_attn.k_proj.bias", "model.layers.0.self_attn.v_proj.bias");
        model.state_dict().Keys.Should().NotContain("lm_head.weight", "this Qwen2 config ties the head");
    }

    [Fact]
    public void Reward_model_state_dict_is_the_body_plus_a_bias_free_score_head()
    {
        using var model = new SequenceScoreModel(TinyModels.Llama with { NumLayers = 1 });

        model.state_dict().Keys.Where(k => !k.StartsWith("model.", StringComparison.Ordinal)).Should().Equal("score.weight");
        model.state_dict()["score.weight"].shape.Should().Equal(1, 16);
    }
}
