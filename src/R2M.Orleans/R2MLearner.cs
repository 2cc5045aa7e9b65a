using R2M.Estimators.Rl;
using R2M.MLNet.Modeling;

namespace R2M.Orleans;

/// <summary>The learner's entry to the cluster: makes the rollout backend the RL trainer samples through.</summary>
public sealed class R2MLearner(IClusterClient client, OrleansRolloutOptions options)
{
    /// <summary>A backend that samples <paramref name="policy"/>'s rollouts on the cluster's workers; pass it to <see cref="RlTrainer"/>.</summary>
    public IRolloutBackend Backend(CausalLM policy, PolicyOptimizationOptions rl) => new OrleansRolloutBackend(client, policy, rl, options);
}
