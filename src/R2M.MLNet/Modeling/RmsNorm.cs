using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>Root-mean-square norm as Llama computes it: in float32, then scaled by a learned weight.</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // (D)
    private readonly Scalar eps; // held for the module's life (TorchScalars says why)

    /// <summary>Creates the norm with unit weight.</summary>
    public RmsNorm(long dim, double eps) : base(nameof(RmsNorm))
    {
        this.eps = eps.ToScalar();
        weight = nn.Parameter(torch.ones(dim));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        bool wide = x.dtype == ScalarType.Float32;
        var x32 = wide ? x : x.to_type(ScalarType.Float32);            // (.., D)
        var normed = x32 * (x32.pow(TorchScalars.Two).mean([-1], keepdim: true).Plus(eps)).rsqrt();
        return weight * (wide ? normed : normed.to_type(x.dtype));
    }
}
