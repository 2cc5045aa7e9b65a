using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>PPO's critic: a linear map from the policy's last-layer hidden state to a value per token.</summary>
public sealed class ValueHead : nn.Module<Tensor, Tensor>
{
    private readonly Linear v_head; // D -> 1

    /// <summary>Creates the head with a zero output (values start at 0).</summary>
    public ValueHead(int width) : base(nameof(ValueHead))
    {
        v_head = nn.Linear(width, 1);
        using (no_grad())
        {
            v_head.weight!.normal_(0, 1.0 / Math.Sqrt(width + 1));
            v_head.bias!.zero_();
        }
        RegisterComponents();
    }

    /// <summary>(B, T, D) -> (B, T).</summary>
    public override Tensor forward(Tensor hidden) => v_head.forward(hidden).squeeze(-1);
}
