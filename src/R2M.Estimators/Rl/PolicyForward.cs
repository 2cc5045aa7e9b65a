using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>The training forward of a policy over prompt + response: what PPO-style updates need.</summary>
public static class PolicyForward
{
    /// <summary>
    /// Log-probabilities (N, R) of the response tokens under softmax(logits / temperature) (the sampling
    /// distribution), the last-layer hidden states (N, P + R, D), and the token entropies (N, R, detached).
    /// </summary>
    public static (Tensor LogProbs, Tensor Hidden, Tensor Entropy) Run(CausalLM model, Tensor sequences, Tensor attentionMask, int promptLength, double temperature)
    {
        var hidden = model.ForwardHidden(sequences, attentionMask);                           // (N, S, D)
        using var divisor = temperature.ToScalar();
        var logits = model.Logits(hidden[.., (promptLength - 1)..^1]).to_type(ScalarType.Float32).div(divisor); // (N, R, V)
        var all = nn.functional.log_softmax(logits, 2);                                       // (N, R, V)
        var logProbs = all.gather(2, sequences[.., promptLength..].unsqueeze(2)).squeeze(2);  // (N, R)
        Tensor entropy;
        using (no_grad()) entropy = -(all.exp() * all).sum(2);                                // (N, R)
        return (logProbs, hidden, entropy);
    }

    /// <summary>Mean of <paramref name="x"/> over positions where <paramref name="mask"/> is 1.</summary>
    public static Tensor MaskedMean(Tensor x, Tensor mask) => (x * mask).sum() / mask.sum().clamp_min(TorchScalars.One);
}
