namespace R2M.Estimators.Rl;

/// <summary>How sequence scores are normalised before advantages are computed.</summary>
public enum RewardNormalization
{
    /// <summary>Scores as the reward model gives them.</summary>
    None,
    /// <summary>Scores whitened over the whole batch (zero mean, unit std).</summary>
    Batch,
}
