using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>One GPT-2 block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class Gpt2Block : nn.Module
{
    private readonly LayerNorm ln_1;
    private readonly Gpt2Attention attn;
    private readonly LayerNorm ln_2;
    private readonly Gpt2Mlp mlp;

    /// <summary>Creates block <paramref name="layer"/>.</summary>
    public Gpt2Block(CausalLMConfig config, int layer) : base(nameof(Gpt2Block))
    {
        ln_1 = nn.LayerNorm(config.HiddenSize, config.NormEps);
        attn = new Gpt2Attention(config, layer);
        ln_2 = nn.LayerNorm(config.HiddenSize, config.NormEps);
        mlp = new Gpt2Mlp(config);
        RegisterComponents();
    }

    /// <summary>(B, T, D) -> (B, T, D).</summary>
    public Tensor Forward(Tensor x, AttentionContext context)
    {
        x = x.Plus(attn.Forward(ln_1.forward(x), context));
        return x.Plus(mlp.forward(ln_2.forward(x)));
    }
}
