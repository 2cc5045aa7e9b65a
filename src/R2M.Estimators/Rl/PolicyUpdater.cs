using System.Diagnostics;
using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// k epochs of clipped-ratio updates of the policy (and PPO's value head) on a rollout: advantages once, then
/// per minibatch the clipped surrogate, the k3 KL term when the KL is in the loss, PPO's clipped value loss and
/// the entropy bonus. The first epoch's minibatches are the collector's, in order, so its first ratio is 1.
/// </summary>
internal sealed class PolicyUpdater(CausalLM policy, ValueHead? valueHead, MasterWeightOptimizer optimizer, PolicyOptimizationOptions options)
{
    /// <summary>Updates the policy on <paramref name="rollout"/>; returns the step's KL to the reference (Σk1, mean over rows) for β's controller.</summary>
    public double Update(Rollout rollout, int step, double beta, Dictionary<string, double> metrics)
    {
        var watch = Stopwatch.StartNew();
        var mask = rollout.ResponseMask;
        using var klWeight = beta.ToScalar();
        using var clipRange = options.ClipRange.ToScalar();
        using var temperature = options.Temperature.ToScalar();
        using var valueWeight = options.ValueCoefficient.ToScalar();
        using var entropyWeight = options.EntropyCoefficient.ToScalar();
        Tensor advantages;
        Tensor? returns;
        using (no_grad())
        {
            var scores = RewardShaping.Scores(rollout.Scores, rollout.EndedWithEos, options.MissingEosPenalty, options.RewardNormalization);
            var k1 = RewardShaping.K1(rollout.OldLogProbs, rollout.ReferenceLogProbs, mask);     // (N, R)
            double klInReward = options.KlMode == KlMode.InReward ? beta : 0;
            metrics["objective/kl"] = metrics.TryGetValue("objective/kl", out double measured) ? measured : k1.sum(1).mean().item<float>();
            using var negativeKlInReward = (-klInReward).ToScalar();
            metrics["objective/non_score_reward"] = k1.sum(1).mul(negativeKlInReward).mean().item<float>();
            metrics["objective/rlhf_reward"] = RewardShaping.SequenceRewards(scores, k1, klInReward).mean().item<float>();
            (advantages, returns) = Advantages.For(options.Algorithm, scores, k1, mask, klInReward, rollout.GroupSize, rollout.OldValues, options.Gamma, options.Lambda);
        }

        double clipSum = 0, approxKlSum = 0, policyLossSum = 0, valueLossSum = 0, valueClipSum = 0, firstRatioDeviation = double.NaN;
        int updates = 0, size = Minibatches.SizeFor(rollout.Count, options.MiniBatches);
        for (int epoch = 1; epoch <= options.PolicyEpochs; epoch++)
        {
            var order = epoch == 1 ? Minibatches.Ordered(rollout.Count, size) : Minibatches.Shuffled(rollout.Count, size, RlSeeds.Shuffle(options.Seed, step, epoch));
            foreach (var rows in Rows(order, mask.device))
            {
                using var minibatch = NewDisposeScope();
                optimizer.ZeroGrad();
                var m = mask[rows];
                var (logp, hidden, _) = PolicyForward.Run(policy, rollout.Sequences[rows], rollout.AttentionMask[rows], rollout.PromptLength, options.Temperature);
                var (policyLoss, ratio) = PolicyLoss.ClippedSurrogate(logp, rollout.OldLogProbs[rows], advantages[rows], m, options.ClipRange);
                var loss = policyLoss;
                if (options.KlMode == KlMode.InLoss) loss = loss.Plus(PolicyLoss.K3(logp, rollout.ReferenceLogProbs[rows], m).mul(klWeight));
                if (valueHead is not null)
                {
                    var v = valueHead.forward(hidden[.., (rollout.PromptLength - 1)..^1]).to_type(ScalarType.Float32); // (n, R)
                    var (valueLoss, clipFraction) = PolicyLoss.ClippedValue(v, rollout.OldValues![rows], returns![rows], m, options.ValueClipRange);
                    loss = loss.Plus(valueLoss.mul(valueWeight));
                    valueLossSum += valueLoss.item<float>();
                    valueClipSum += clipFraction.item<float>();
                }
                if (options.EntropyCoefficient > 0)
                {
                    var logits = policy.Logits(hidden[.., (rollout.PromptLength - 1)..^1]).to_type(ScalarType.Float32).div(temperature);
                    var all = nn.functional.log_softmax(logits, 2);
                    loss = loss - PolicyLoss.MaskedMean(-(all.exp() * all).sum(2), m).mul(entropyWeight);
                }
                RlChecks.Finite(loss, step, "policy loss");
                loss.backward();
                optimizer.Step(options.MaxGradNorm);

                using (no_grad())
                {
                    var deviation = ratio.sub(TorchScalars.One).abs();
                    if (updates == 0) firstRatioDeviation = (deviation * m).max().item<float>();
                    clipSum += PolicyLoss.MaskedMean(deviation.gt(clipRange).to_type(ScalarType.Float32), m).item<float>();
                    var logRatio = (logp - rollout.OldLogProbs[rows]) * m;
                    approxKlSum += PolicyLoss.MaskedMean(logRatio.pow(TorchScalars.Two).mul(TorchScalars.Half), m).item<float>();
                    policyLossSum += policyLoss.item<float>();
                }
                updates++;
            }
        }
        advantages.Dispose();
        returns?.Dispose();

        metrics["policy/clipfrac_avg"] = clipSum / updates;
        metrics["policy/approxkl_avg"] = approxKlSum / updates;
        metrics["loss/policy_avg"] = policyLossSum / updates;
        if (valueHead is not null)
        {
            metrics["loss/value_avg"] = valueLossSum / updates;
            metrics["val/clipfrac_avg"] = valueClipSum / updates;
        }
        metrics["val/first_minibatch_ratio_max_dev"] = firstRatioDeviation;
        DeviceSync.Wait(rollout.Scores.device);
        metrics["time/policy_update_s"] = watch.Elapsed.TotalSeconds;
        return metrics["objective/kl"];
    }

    /// <summary>Index tensors of minibatch rows on <paramref name="device"/>.</summary>
    public static List<Tensor> Rows(IEnumerable<int[]> batches, Device device) =>
        [.. batches.Select(b => tensor(b.Select(i => (long)i).ToArray(), device: device))];
}
