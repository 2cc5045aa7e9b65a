namespace R2M.Estimators.Rl;

/// <summary>The policy-optimisation algorithm.</summary>
public enum RlAlgorithm
{
    /// <summary>REINFORCE leave-one-out: A_i = r_i − mean of the other K−1 rewards of the group.</summary>
    Rloo,
    /// <summary>Group-relative: A_i = (r_i − mean_group) / std_group.</summary>
    Grpo,
    /// <summary>PPO with a value head and generalised advantage estimation.</summary>
    Ppo,
}
