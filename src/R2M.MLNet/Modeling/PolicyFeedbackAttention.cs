using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// R2M's sequence-to-token cross-attention (single head, width d): the reward model's final-token embedding
/// (RTE) queries the policy's last-layer hidden states (the policy feedback).
/// q = RTE·Wq, k = h·Wk, v = h·Wv, Ĥ = softmax(q·kᵀ/√d, padding masked)·v·Wo.
/// Policy and reward model may differ in width and tokenizer: nothing aligns tokens.
/// </summary>
public sealed class PolicyFeedbackAttention : nn.Module
{
    private readonly Linear wq; // D_rm -> d
    private readonly Linear wk; // D_p  -> d
    private readonly Linear wv; // D_p  -> d
    private readonly Linear wo; // d    -> D_rm
    private readonly Scalar scale; // 1/√d, held for the module's life (TorchScalars says why)

    /// <summary>Creates the attention with nn.Linear's default initialisation and no biases.</summary>
    /// <param name="rewardWidth">D_rm, the reward model's hidden width.</param>
    /// <param name="policyWidth">D_p, the policy's hidden width.</param>
    /// <param name="width">d, the attention width.</param>
    public PolicyFeedbackAttention(int rewardWidth, int policyWidth, int width) : base(nameof(PolicyFeedbackAttention))
    {
        wq = nn.Linear(rewardWidth, width, hasBias: false);
        wk = nn.Linear(policyWidth, width, hasBias: false);
        wv = nn.Linear(policyWidth, width, hasBias: false);
        wo = nn.Linear(width, rewardWidth, hasBias: false);
        scale = (1.0 / Math.Sqrt(width)).ToScalar();
        RegisterComponents();
    }

    /// <summary>
    /// Ĥ (B, D_rm) from <paramref name="rte"/> (B, D_rm), <paramref name="feedback"/> (B, S, D_p) and
    /// <paramref name="keyMask"/> (B, S) with 1 on real positions (padding is never attended).
    /// </summary>
    public Tensor Forward(Tensor rte, Tensor feedback, Tensor keyMask)
    {
        var q = wq.forward(rte).unsqueeze(1);                                   // (B, 1, d)
        var k = wk.forward(feedback);                                           // (B, S, d)
        var v = wv.forward(feedback);                                           // (B, S, d)
        var scores = q.matmul(k.transpose(1, 2)).mul(scale);                    // (B, 1, S)
        scores = scores.masked_fill(keyMask.unsqueeze(1).eq(TorchScalars.Zero), TorchScalars.NegativeInfinity);
        var attended = nn.functional.softmax(scores, 2).matmul(v);               // (B, 1, d)
        return wo.forward(attended.squeeze(1));                                 // (B, D_rm)
    }

    /// <summary>Sets the output projection Wo to zero, so Ĥ = 0 until the first update moves it.</summary>
    public void ZeroOutput()
    {
        using var noGrad = no_grad();
        wo.weight!.zero_();
    }
}
