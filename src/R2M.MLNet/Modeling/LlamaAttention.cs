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
        var q = Heads(q_proj.forward(x), b, t, heads);                              // (B, H, T, Dh)
        var k = Heads(k_proj.forward(x), b, t, kvHeads);                            // (B, Hkv, T, Dh)
        var v = Heads(v_proj.forward(x), b, t, kvHeads);                            // (B, Hkv, T, Dh)
        q = Rope.Apply(q, cos, sin);
        k = Rope.Apply(k, cos, sin);
        return o_proj.forward(Attention.Attend(q, k, v, layer, context));
    }

    /// <summary>(B, T, N·Dh) -> (B, N, T, Dh); one view when T = 1 (a decode step), where no transpose is needed.</summary>
    private Tensor Heads(Tensor projected, long b, long t, int n) =>
        t == 1 ? projected.view(b, n, 1, headDim) : projected.reshape(b, t, n, headDim).transpose(1, 2);

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
