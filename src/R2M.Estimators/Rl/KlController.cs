namespace R2M.Estimators.Rl;

/// <summary>
/// The KL coefficient β: fixed, or adaptive (Ziegler et al. 2019): after each step,
/// β ← β·(1 + clip(KL/target − 1, −0.2, 0.2)·n/horizon), with n the step's sample count.
/// </summary>
public sealed class KlController
{
    private readonly double? target;
    private readonly double horizon;

    /// <summary>Creates the controller.</summary>
    public KlController(double initial, double? target, double horizon)
    {
        Value = initial;
        this.target = target;
        this.horizon = horizon;
    }

    /// <summary>The current β.</summary>
    public double Value { get; set; }

    /// <summary>Updates β from the step's measured KL and sample count (no-op when fixed).</summary>
    public void Update(double kl, int samples)
    {
        if (target is not double t) return;
        double error = Math.Clamp(kl / t - 1, -0.2, 0.2);
        Value *= 1 + error * samples / horizon;
    }
}
