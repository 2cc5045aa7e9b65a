using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>Grouped-query attention with RoPE; q/k/v bias for Qwen2.</summary>
public sealed class LlamaAttention : nn.Module
{
    private readonly Linear q_proj;  // D -> H·Dh
    private readonly Linear k_proj;  // D -> Hkv·Dh
    private readonly Linear v_proj;  // D -> Hkv·Dh
    private readonly Linear o_proj;  // H·Dh -> D
    private readonly int heads, kvHeads, headDim, layer;

    /// <summary>Creates the attention of layer <paramref name="layer"/>.</summary>
    public LlamaAttention(CausalLMConfig config, int layer) : base(nameof(LlamaAttention))
    {
        (heads, kvHeads, headDim, this.layer) = (config.NumHeads, config.KvHeads, config.HeadWidth, layer);
        q_proj = Init(nn.Linear(config.HiddenSize, heads * headDim, hasBias: config.QkvBias));
        k_proj = Init(nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.QkvBias));
        v_proj = Init(nn.Linear(config.HiddenSize, kvHeads * headDim, hasBias: config.QkvBias));
        o_proj = Init(nn.Linear(heads * headDim, config.HiddenSize, hasBias: config.OutputBias));
        RegisterComponents();
    }

    /// <summary>(B, T, D) -> (B, T, D).</summary>
    public Tensor Forward(Tensor x, AttentionContext context, Tensor cos, Tensor sin)
    {
        long b = x.shape[0], t = x.shape[1];
        var q = q_proj.forward(x).reshape(b, t, heads, headDim).transpose(1, 2);    // (B, H, T, Dh)
        var k = k_proj.forward(x).reshape(b, t, kvHeads, headDim).transpose(1, 2);  // (B, Hkv, T, Dh)
        var v = v_proj.forward(x).reshape(b, t, kvHeads, headDim).transpose(1, 2);  // (B, Hkv, T, Dh)
        q = Rope.Apply(q, cos, sin);
        k = Rope.Apply(k, cos, sin);
        return o_proj.forward(Attention.Attend(q, k, v, layer, context));
    }

    internal static Linear Init(Linear linear)
    {
        using (no_grad())
        {
            linear.weight!.normal_(0, 0.02);
            linear.bias?.zero_();
        }
        return linear;
    }
}
