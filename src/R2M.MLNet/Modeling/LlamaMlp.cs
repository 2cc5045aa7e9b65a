using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) · up(x)).</summary>
public sealed class LlamaMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear gate_proj; // D -> I
    private readonly Linear up_proj;   // D -> I
    private readonly Linear down_proj; // I -> D

    /// <summary>Creates the feed-forward layer.</summary>
    public LlamaMlp(CausalLMConfig config) : base(nameof(LlamaMlp))
    {
        gate_proj = LlamaAttention.Init(nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias));
        up_proj = LlamaAttention.Init(nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: config.MlpBias));
        down_proj = LlamaAttention.Init(nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.MlpBias));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => down_proj.forward(nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x));
}
