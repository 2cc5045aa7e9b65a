using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// GPT-2's projection: a linear layer whose weight is stored [in, out] (transposed relative to nn.Linear),
/// so the checkpoint's tensors load by name and shape, and save back in the form transformers reads.
/// </summary>
public sealed class Conv1D : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // (in, out)
    private readonly Parameter bias;   // (out)

    /// <summary>Creates the layer with GPT-2's initialisation (normal, std 0.02; zero bias).</summary>
    public Conv1D(long inFeatures, long outFeatures) : base(nameof(Conv1D))
    {
        weight = nn.Parameter(torch.empty(inFeatures, outFeatures).normal_(0, 0.02));
        bias = nn.Parameter(torch.zeros(outFeatures));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => torch.addmm(bias, x.reshape(-1, x.shape[^1]), weight, beta: 1, alpha: 1) // (N, in) -> (N, out)
        .reshape([.. x.shape[..^1], weight.shape[1]]);                                          // (.., out)
}
