using R2M.Estimators.Training;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>Stops the run when a loss or reward stops being finite, naming the step and the quantity.</summary>
internal static class RlChecks
{
    public static void Finite(Tensor value, int step, string quantity)
    {
        using var noGrad = no_grad();
        if (isfinite(value).all().item<bool>()) return;
        double bad = value.numel() == 1 ? value.item<float>() : value.masked_select(isfinite(value).logical_not())[0].item<float>();
        throw new NonFiniteValueException("RL", $"step {step}", quantity, bad);
    }
}
