using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>GPT-2 feed-forward: Conv1D D -> I, GELU (tanh approximation), Conv1D I -> D.</summary>
public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Conv1D c_fc;
    private readonly Conv1D c_proj;

    /// <summary>Creates the feed-forward layer.</summary>
    public Gpt2Mlp(CausalLMConfig config) : base(nameof(Gpt2Mlp))
    {
        c_fc = new Conv1D(config.HiddenSize, config.IntermediateSize);
        c_proj = new Conv1D(config.IntermediateSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => c_proj.forward(c_fc.forward(x).gelu(GELU.Approximate.tanh));
}
