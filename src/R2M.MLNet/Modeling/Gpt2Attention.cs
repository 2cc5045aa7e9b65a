using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>GPT-2 attention: one fused q|k|v projection (Conv1D D -> 3D) and an output projection.</summary>
public sealed class Gpt2Attention : nn.Module
{
    private readonly Conv1D c_attn;
    private readonly Conv1D c_proj;
    private readonly int heads;
    private readonly int layer;

    /// <summary>Creates the attention of block <paramref name="layer"/>.</summary>
    public Gpt2Attention(CausalLMConfig config, int layer) : base(nameof(Gpt2Attention))
    {
        heads = config.NumHeads;
        this.layer = layer;
        c_attn = new Conv1D(config.HiddenSize, 3 * config.HiddenSize);
        c_proj = new Conv1D(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>(B, T, D) -> (B, T, D).</summary>
    public Tensor Forward(Tensor x, AttentionContext context)
    {
        long b = x.shape[0], t = x.shape[1], d = x.shape[2];
        var qkv = c_attn.forward(x).reshape(b, t, 3, heads, d / heads).permute(2, 0, 3, 1, 4); // (3, B, H, T, Dh)
        return c_proj.forward(Attention.Attend(qkv[0], qkv[1], qkv[2], layer, context));
    }
}
