using System.Diagnostics;
using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Rewards;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// Collects a step's rollouts: responses from the backend, the policy's old log-probs (and PPO values) and the
/// reference's log-probs in the first epoch's minibatches, then the rewards from the reward function.
/// </summary>
internal sealed class RolloutCollector(IRolloutBackend backend, CausalLM policy, CausalLM reference, ValueHead? valueHead,
    RewardFunction reward, PolicyOptimizationOptions options)
{
    public Rollout Collect(int step, double omega, IReadOnlyList<string> stepPrompts, Dictionary<string, double> metrics)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var watch = Stopwatch.StartNew();
        var chunks = RolloutChunk.Split(step, stepPrompts, options);
        var prompts = chunks.SelectMany(c => c.Prompts).ToArray();
        var parts = backend.Generate(step, chunks, metrics);
        if (parts.Count != chunks.Count || parts.Zip(chunks).Any(x => x.First.Responses.Length != x.Second.Prompts.Count))
            throw new InvalidOperationException($"The rollout backend returned {parts.Count} chunks for the {chunks.Count} of step {step}, or a chunk with the wrong number of rows.");
        var generated = GeneratedRollouts.Concat(parts, reward.PolicyCodec.Tokenizer.PadId);
        DeviceSync.Wait(generated.Sequences.device);
        metrics["time/generation_s"] = watch.Elapsed.TotalSeconds;

        var sequences = generated.Sequences;
        var attention = generated.AttentionMask;
        int p = generated.PromptLength;
        var responseMask = attention[.., p..].to_type(ScalarType.Float32);                   // (N, R)
        var lengths = responseMask.sum(1);
        var last = sequences[.., p..].gather(1, lengths.to_type(ScalarType.Int64).sub(TorchScalars.One).clamp_min(TorchScalars.Zero).unsqueeze(1)).squeeze(1);
        using var eos = reward.PolicyCodec.Tokenizer.EosId.ToScalar();
        var endedWithEos = last.eq(eos).logical_and(lengths.gt(TorchScalars.Zero));

        watch.Restart();
        var oldLogProbs = new List<Tensor>();
        var entropy = new List<Tensor>();
        var values = new List<Tensor>();
        var referenceLogProbs = new List<Tensor>();
        var batches = PolicyUpdater.Rows(Minibatches.Ordered(prompts.Length, Minibatches.SizeFor(prompts.Length, options.MiniBatches)), sequences.device);
        // A scope per minibatch: each forward's logits (N_mb, R, V) and per-layer intermediates are freed before the
        // next one instead of all living until the rollout is built (at 0.5B shapes, gigabytes per minibatch).
        foreach (var rows in batches)
        {
            using var minibatch = NewDisposeScope();
            var (lp, h, ent) = PolicyForward.Run(policy, sequences[rows], attention[rows], p, options.Temperature);
            oldLogProbs.Add(lp.MoveToOuterDisposeScope());
            entropy.Add(ent.MoveToOuterDisposeScope());
            if (valueHead is not null) values.Add(valueHead.forward(h[.., (p - 1)..^1]).to_type(ScalarType.Float32).MoveToOuterDisposeScope());
        }
        DeviceSync.Wait(sequences.device);
        var refWatch = Stopwatch.StartNew();
        foreach (var rows in batches)
        {
            using var minibatch = NewDisposeScope();
            referenceLogProbs.Add(PolicyForward.Run(reference, sequences[rows], attention[rows], p, options.Temperature).LogProbs.MoveToOuterDisposeScope());
        }
        DeviceSync.Wait(sequences.device);
        metrics["time/reference_s"] = refWatch.Elapsed.TotalSeconds;
        metrics["time/policy_forward_s"] = watch.Elapsed.TotalSeconds - refWatch.Elapsed.TotalSeconds;

        // Rewards: the frozen body's final-token embedding once per rollout, then the head at ω(step).
        watch.Restart();
        var rte = RewardTokenEmbeddings(chunks, generated);
        var feedback = reward.Feedback(prompts, generated.Responses, omega);
        var vanilla = reward.Vanilla(rte);
        var scores = reward.Rewards(rte, feedback, omega, RlSeeds.CollectSalt + step);
        DeviceSync.Wait(scores.device);
        metrics["time/reward_s"] = watch.Elapsed.TotalSeconds;
        RlChecks.Finite(scores, step, "reward");

        var gold = options.GoldJudge is GoldJudge judge ? prompts.Select((q, i) => judge(q, generated.Responses[i])).ToArray() : null;
        var rollout = new Rollout
        {
            Prompts = prompts, Responses = generated.Responses, Sequences = sequences, AttentionMask = attention, PromptLength = p,
            ResponseMask = responseMask, EndedWithEos = endedWithEos,
            OldLogProbs = cat(oldLogProbs, 0), ReferenceLogProbs = cat(referenceLogProbs, 0), Entropy = cat(entropy, 0),
            OldValues = values.Count > 0 ? cat(values, 0) : null, Feedback = feedback, RewardTokenEmbeddings = rte,
            VanillaScores = vanilla, Scores = scores, Omega = omega, GroupSize = options.SamplesPerPrompt, Gold = gold,
        }.Detach();

        var k1 = RewardShaping.K1(rollout.OldLogProbs, rollout.ReferenceLogProbs, responseMask);
        metrics["objective/scores"] = scores.mean().item<float>();
        metrics["objective/scores_std"] = scores.std().item<float>();
        metrics["objective/vanilla_scores"] = vanilla.mean().item<float>();
        metrics["objective/kl"] = k1.sum(1).mean().item<float>();
        metrics["objective/entropy"] = PolicyLoss.MaskedMean(rollout.Entropy, responseMask).item<float>();
        metrics["completions/mean_length"] = lengths.mean().item<float>();
        metrics["completions/eos_rate"] = endedWithEos.to_type(ScalarType.Float32).mean().item<float>();
        metrics["r2m/omega"] = omega;
        metrics["r2m/group_reward_std"] = scores.reshape(-1, options.SamplesPerPrompt).std(1, unbiased: false).mean().item<float>();
        metrics["episode"] = (double)(step + 1) * prompts.Length;
        if (gold is not null) metrics["gold/score"] = gold.Average();
        Diagnose(rollout, metrics);
        return rollout;
    }

    /// <summary>
    /// RTE (N, D_rm): the backend's when it computed them, else computed here chunk by chunk (one batch for the
    /// default single chunk), so both give the same padding widths and so the same numbers.
    /// </summary>
    private Tensor RewardTokenEmbeddings(IReadOnlyList<RolloutChunk> chunks, GeneratedRollouts generated)
    {
        var weight = reward.RewardModel.Body.TokenEmbeddingWeight;
        if (generated.RewardTokenEmbeddings is { } fromBackend) return fromBackend.to(weight.dtype, weight.device);
        if (chunks.Count == 1) return reward.Embed(chunks[0].Prompts, generated.Responses);
        var parts = new List<Tensor>();
        int row = 0;
        foreach (var chunk in chunks)
        {
            parts.Add(reward.Embed(chunk.Prompts, generated.Responses[row..(row + chunk.Prompts.Count)]));
            row += chunk.Prompts.Count;
        }
        return cat(parts, 0);
    }

    /// <summary>How much of the step's reward comes through the feedback, and whether it still ranks like the frozen model's.</summary>
    private void Diagnose(Rollout rollout, Dictionary<string, double> metrics)
    {
        int k = rollout.GroupSize;
        var scores = rollout.Scores.cpu().data<float>().ToArray();
        var vanilla = rollout.VanillaScores.cpu().data<float>().ToArray();
        metrics["r2m/rank_correlation_vs_frozen"] = R2MDiagnostics.WithinGroupRankCorrelation(scores, vanilla, k);
        using var part = reward.Head.FeedbackPart(rollout.RewardTokenEmbeddings, rollout.Feedback, rollout.Omega);
        metrics["r2m/feedback_variance_share"] = part is null ? (reward.Head.UsesFeedback(rollout.Omega) ? double.NaN : 0) : R2MDiagnostics.FeedbackVarianceShare(part.to_type(ScalarType.Float32).cpu().data<float>().ToArray(), scores, k);
    }
}
