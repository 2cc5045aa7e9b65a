using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Estimators.Training;

/// <summary>The Bradley–Terry preference loss and its probability.</summary>
public static class BradleyTerry
{
    /// <summary>
    /// Mean of −log σ(r_c − r_r − m) = softplus(−(r_c − r_r − m)) over the batch (numerically stable).
    /// <paramref name="margin"/> (B) is optional; absent means 0.
    /// </summary>
    public static Tensor Loss(Tensor chosen, Tensor rejected, Tensor? margin = null)
    {
        var delta = chosen - rejected;
        if (margin is not null) delta = delta - margin;
        return NegativeLogSigmoid(delta).mean();
    }

    /// <summary>−log σ(x) = softplus(−x) element-wise: every Bradley–Terry term (reward model, GREBT) takes it here.</summary>
    public static Tensor NegativeLogSigmoid(Tensor x) => TorchScalars.Softplus(x.neg());

    /// <summary>σ(r_c − r_r): the modelled probability that chosen is preferred.</summary>
    public static double Probability(double chosen, double rejected) => 1.0 / (1.0 + Math.Exp(-(chosen - rejected)));
}
