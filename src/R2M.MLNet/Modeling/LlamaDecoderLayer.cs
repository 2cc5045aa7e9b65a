using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>One Llama layer: x + self_attn(input_layernorm(x)), then x + mlp(post_attention_layernorm(x)).</summary>
public sealed class LlamaDecoderLayer : nn.Module
{
    private readonly RmsNorm input_layernorm;
    private readonly LlamaAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly LlamaMlp mlp;

    /// <summary>Creates layer <paramref name="layer"/>.</summary>
    public LlamaDecoderLayer(CausalLMConfig config, int layer) : base(nameof(LlamaDecoderLayer))
    {
        input_layernorm = new RmsNorm(config.HiddenSize, config.NormEps);
        self_attn = new LlamaAttention(config, layer);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.NormEps);
        mlp = new LlamaMlp(config);
        RegisterComponents();
    }

    /// <summary>(B, T, D) -> (B, T, D).</summary>
    public Tensor Forward(Tensor x, AttentionContext context, Tensor cos, Tensor sin)
    {
        x = x.Plus(self_attn.Forward(input_layernorm.forward(x), context, cos, sin));
        return x.Plus(mlp.forward(post_attention_layernorm.forward(x)));
    }
}
