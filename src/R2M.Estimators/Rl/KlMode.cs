namespace R2M.Estimators.Rl;

/// <summary>How the KL divergence to the reference policy enters training.</summary>
public enum KlMode
{
    /// <summary>No KL term (the standard over-optimisation protocol).</summary>
    None,
    /// <summary>
    /// In the reward: k1 = log π(a) − log π_ref(a) per token, −β·k1 added per token and the score added at the
    /// last response token (RLOO/GRPO use the sequence sum).
    /// </summary>
    InReward,
    /// <summary>In the loss: β·k3 with k3 = exp(ref − new) − (ref − new) − 1 per token (unbiased, non-negative).</summary>
    InLoss,
}
