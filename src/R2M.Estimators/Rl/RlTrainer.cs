using System.Diagnostics;
using R2M.Estimators.Training;
using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// RL fine-tuning of a policy against a reward model, with R2M's policy-feedback aligner. One step:
/// <see cref="CollectRollout"/> (sample K responses per prompt, old and reference log-probs, policy feedback,
/// rewards), <see cref="UpdatePolicy"/> (k epochs of clipped-ratio updates), <see cref="UpdateAligner"/>
/// (GREBT on the step's own rollouts, cross-attention and score head only). Everything random derives from
/// the seed and the step, so a run resumed from a checkpoint continues exactly.
/// </summary>
public sealed class RlTrainer : IDisposable
{
    private readonly ITextTokenizer tokenizer;
    private readonly ITextTokenizer rewardTokenizer;
    private readonly PromptSchedule schedule;
    private readonly GoldJudge? judge;
    private readonly OptimizerHelper policyOptimizer;
    private readonly OptimizerHelper? alignerOptimizer;
    private readonly List<Parameter> policyParameters;
    private readonly List<Parameter> alignerParameters;

    /// <summary>Creates a trainer at step 0. The reward model is frozen here; the aligner's φ starts as its head.</summary>
    public RlTrainer(CausalLM policy, CausalLM reference, SequenceScoreModel rewardModel, ITextTokenizer tokenizer,
        IReadOnlyList<string> prompts, PolicyOptimizationOptions options, PolicyFeedbackOptions feedback,
        GoldJudge? judge = null, ITextTokenizer? rewardTokenizer = null)
    {
        options.Validate();
        feedback.Validate();
        Policy = policy;
        Reference = reference;
        RewardModel = rewardModel;
        Options = options;
        Feedback = feedback;
        this.tokenizer = tokenizer;
        this.rewardTokenizer = rewardTokenizer ?? tokenizer;
        this.judge = judge;
        schedule = new PromptSchedule(prompts, options.PromptsPerStep, options.Seed);
        Kl = new KlController(options.KlCoefficient, options.KlTarget, options.KlHorizon);

        foreach (var p in reference.parameters()) p.requires_grad = false;
        foreach (var p in rewardModel.parameters()) p.requires_grad = false;
        reference.eval();
        rewardModel.eval();

        Device device = policy.Body.TokenEmbeddingWeight.device;
        if (options.Algorithm == RlAlgorithm.Ppo)
        {
            manual_seed(options.Seed);
            ValueHead = new ValueHead(policy.Config.HiddenSize);
            ValueHead.to(device);
        }
        policyParameters = [.. policy.parameters(), .. ValueHead?.parameters() ?? []];
        policyOptimizer = optim.AdamW(policyParameters, lr: options.LearningRate, weight_decay: 0);

        if (feedback.Mode != AlignerMode.Vanilla)
        {
            manual_seed(options.Seed + 1);
            Aligner = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, feedback.Width);
            alignerParameters = feedback.Mode switch
            {
                AlignerMode.HeadOnlyIterative => [.. Aligner.Score.parameters()],
                AlignerMode.WithoutTrain => [],
                _ => [.. Aligner.parameters()],
            };
            if (alignerParameters.Count > 0) alignerOptimizer = optim.AdamW(alignerParameters, lr: feedback.LearningRate, weight_decay: 0);
        }
        else
        {
            alignerParameters = [];
        }
    }

    /// <summary>The policy being trained.</summary>
    public CausalLM Policy { get; }
    /// <summary>The frozen reference policy.</summary>
    public CausalLM Reference { get; }
    /// <summary>The frozen reward model (body and original head φ₀).</summary>
    public SequenceScoreModel RewardModel { get; }
    /// <summary>R2M's cross-attention and trained head (null in vanilla mode).</summary>
    public PolicyFeedbackRewardHead? Aligner { get; }
    /// <summary>PPO's critic (null for RLOO and GRPO).</summary>
    public ValueHead? ValueHead { get; }
    /// <summary>RL settings.</summary>
    public PolicyOptimizationOptions Options { get; }
    /// <summary>Aligner settings.</summary>
    public PolicyFeedbackOptions Feedback { get; }
    /// <summary>The KL coefficient controller.</summary>
    public KlController Kl { get; }
    /// <summary>Steps completed (the next step's index).</summary>
    public int Step { get; internal set; }
    /// <summary>Index of the next prompt in the seeded prompt stream.</summary>
    public long DataCursor => schedule.Cursor(Step);

    internal OptimizerHelper PolicyOptimizer => policyOptimizer;
    internal OptimizerHelper? AlignerOptimizer => alignerOptimizer;

    /// <summary>ω at step <paramref name="step"/>.</summary>
    public double OmegaAt(int step) => PolicyFeedbackRewardHead.Omega(step, Options.Steps, Feedback.Omega);

    /// <summary>
    /// Runs <paramref name="steps"/> steps (default: until <see cref="PolicyOptimizationOptions.Steps"/>), reporting
    /// each step's metrics and appending them to <paramref name="metricsJsonl"/> as they come.
    /// </summary>
    public IReadOnlyList<RlStepMetrics> Train(int? steps = null, IProgress<RlStepMetrics>? progress = null, string? metricsJsonl = null,
        CancellationToken cancellationToken = default)
    {
        int end = steps is int n ? Step + n : Options.Steps;
        var all = new List<RlStepMetrics>();
        using var writer = metricsJsonl is null ? null : new StreamWriter(metricsJsonl, append: true);
        while (Step < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var metrics = RunStep();
            writer?.WriteLine(metrics.ToJson());
            writer?.Flush();
            all.Add(metrics);
            progress?.Report(metrics);
        }
        return all;
    }

    /// <summary>One full RL step; returns its metrics. A NaN or infinite loss or reward throws and changes nothing saved.</summary>
    public RlStepMetrics RunStep()
    {
        var values = new Dictionary<string, double>();
        var total = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var rollout = CollectRollout(values);
        UpdatePolicy(rollout, values);
        UpdateAligner(rollout, values);
        values["time/step_s"] = total.Elapsed.TotalSeconds;
        var metrics = new RlStepMetrics(Step, values);
        Step++;
        return metrics;
    }

    /// <summary>Samples this step's rollouts and scores them (no gradients).</summary>
    public Rollout CollectRollout(Dictionary<string, double>? metrics = null)
    {
        metrics ??= [];
        int step = Step, k = Options.SamplesPerPrompt;
        Device device = Policy.Body.TokenEmbeddingWeight.device;
        using var noGrad = no_grad();
        var watch = Stopwatch.StartNew();

        var prompts = schedule.ForStep(step).SelectMany(p => Enumerable.Repeat(p, k)).ToArray();
        int maxPrompt = Math.Max(1, Policy.Config.MaxPositions - Options.MaxNewTokens);
        var encoded = prompts.Select(p => PromptIds(p, maxPrompt)).ToList();
        var (ids, mask) = PromptBatch.LeftPad(encoded, tokenizer.PadId, device);
        using var generated = TextGenerator.Generate(Policy, ids, mask, new GenerationOptions
        {
            MaxNewTokens = Options.MaxNewTokens, Temperature = Options.Temperature, TopK = Options.TopK, TopP = Options.TopP,
            EosId = tokenizer.EosId, PadId = tokenizer.PadId, Seed = (long)Options.Seed * 1_000_003 + step,
        });
        metrics["time/generation_s"] = watch.Elapsed.TotalSeconds;

        var sequences = generated.Sequences.clone();
        var attention = generated.AttentionMask.clone();
        int p = generated.PromptLength;
        var responseMask = generated.ResponseMask.to_type(ScalarType.Float32);
        var lengths = responseMask.sum(1);
        var lastTokens = generated.ResponseTokens.gather(1, (lengths.to_type(ScalarType.Int64) - 1).clamp_min(0).unsqueeze(1)).squeeze(1);
        var stopIds = tensor(new long[] { tokenizer.EosId }, device: device);
        var endedWithEos = isin(lastTokens, stopIds).logical_and(lengths.gt(0));

        // Old log-probs, hidden states (policy feedback) and values, in the minibatches of the first epoch.
        watch.Restart();
        var oldLogProbs = new List<Tensor>();
        var hidden = new List<Tensor>();
        var entropy = new List<Tensor>();
        var values = new List<Tensor>();
        foreach (var rows in FirstEpochMinibatches(prompts.Length))
        {
            var (lp, h, ent) = PolicyForward.Run(Policy, sequences[rows], attention[rows], p, Options.Temperature);
            oldLogProbs.Add(lp);
            hidden.Add(h);
            entropy.Add(ent);
            if (ValueHead is not null) values.Add(ValueHead.forward(h[.., (p - 1)..^1]));
        }
        var referenceLogProbs = new List<Tensor>();
        var refWatch = Stopwatch.StartNew();
        foreach (var rows in FirstEpochMinibatches(prompts.Length))
            referenceLogProbs.Add(PolicyForward.Run(Reference, sequences[rows], attention[rows], p, Options.Temperature).LogProbs);
        metrics["time/reference_s"] = refWatch.Elapsed.TotalSeconds;
        metrics["time/policy_forward_s"] = watch.Elapsed.TotalSeconds - refWatch.Elapsed.TotalSeconds;

        // Rewards: the frozen body's final-token embedding once per rollout, then φ₀ or the aligner.
        watch.Restart();
        var responses = Enumerable.Range(0, prompts.Length)
            .Select(i => tokenizer.Decode(generated.ResponseTokens[i].data<long>().ToArray().Select(t => (int)t))).ToArray();
        var rte = RewardTokenEmbeddings(prompts, responses, device);
        var vanilla = RewardModel.Head.forward(rte)[.., 0].to_type(ScalarType.Float32);
        var feedback = cat(hidden, dim: 0);
        var scores = Feedback.Mode switch
        {
            AlignerMode.Vanilla => vanilla,
            AlignerMode.HeadOnlyIterative => Aligner!.Reward(rte, null, null, 1.0),
            AlignerMode.WithNoise => Aligner!.Reward(rte, Noise(feedback, attention, step), attention, OmegaAt(step)),
            _ => Aligner!.Reward(rte, feedback, attention, OmegaAt(step)),
        };
        metrics["time/reward_s"] = watch.Elapsed.TotalSeconds;
        CheckFinite(scores, step, "reward");

        var rollout = new Rollout
        {
            Prompts = prompts, Responses = responses, Sequences = sequences, AttentionMask = attention, PromptLength = p,
            ResponseMask = responseMask, EndedWithEos = endedWithEos,
            OldLogProbs = cat(oldLogProbs, 0), ReferenceLogProbs = cat(referenceLogProbs, 0), Entropy = cat(entropy, 0),
            OldValues = values.Count > 0 ? cat(values, 0) : null, Feedback = feedback, RewardTokenEmbeddings = rte,
            VanillaScores = vanilla, Scores = scores.to_type(ScalarType.Float32), GroupSize = k,
        };
        foreach (var t in new[] { rollout.Sequences, rollout.AttentionMask, rollout.ResponseMask, rollout.EndedWithEos, rollout.OldLogProbs,
                     rollout.ReferenceLogProbs, rollout.Entropy, rollout.OldValues, rollout.Feedback, rollout.RewardTokenEmbeddings, rollout.VanillaScores, rollout.Scores })
            t?.DetachFromDisposeScope();

        var k1 = (rollout.OldLogProbs - rollout.ReferenceLogProbs) * responseMask;
        metrics["objective/scores"] = rollout.Scores.mean().item<float>();
        metrics["objective/scores_std"] = rollout.Scores.std().item<float>();
        metrics["objective/vanilla_scores"] = vanilla.mean().item<float>();
        metrics["objective/kl"] = k1.sum(1).mean().item<float>();
        metrics["objective/entropy"] = PolicyForward.MaskedMean(rollout.Entropy, responseMask).item<float>();
        metrics["completions/mean_length"] = lengths.mean().item<float>();
        metrics["completions/eos_rate"] = endedWithEos.to_type(ScalarType.Float32).mean().item<float>();
        metrics["r2m/omega"] = Feedback.Mode is AlignerMode.Vanilla or AlignerMode.HeadOnlyIterative ? 1.0 : OmegaAt(step);
        metrics["r2m/group_reward_std"] = rollout.Scores.reshape(-1, k).std(1, unbiased: false).mean().item<float>();
        metrics["kl_coef"] = Kl.Value;
        metrics["episode"] = (double)(step + 1) * prompts.Length;
        if (judge is not null) metrics["gold/score"] = Enumerable.Range(0, prompts.Length).Average(i => judge(prompts[i], responses[i]));
        return rollout;
    }

    /// <summary>k epochs of clipped-ratio updates of the policy (and value head) on <paramref name="rollout"/>.</summary>
    public void UpdatePolicy(Rollout rollout, Dictionary<string, double>? metrics = null)
    {
        metrics ??= [];
        int step = Step;
        var watch = Stopwatch.StartNew();
        var mask = rollout.ResponseMask;
        double beta = Kl.Value;
        Tensor advantages, returns = empty(0);
        using (no_grad())
        {
            var scores = rollout.Scores;
            if (Options.MissingEosPenalty is double penalty) scores = where(rollout.EndedWithEos, scores, scores + penalty);
            if (Options.RewardNormalization == RewardNormalization.Batch) scores = (scores - scores.mean()) / (scores.std() + 1e-8);
            var k1 = (rollout.OldLogProbs - rollout.ReferenceLogProbs) * mask;                      // (N, R)
            double klTerm = Options.KlMode == KlMode.InReward ? beta : 0;
            metrics["objective/non_score_reward"] = (-klTerm * k1.sum(1)).mean().item<float>();
            metrics["objective/rlhf_reward"] = (scores - klTerm * k1.sum(1)).mean().item<float>();
            if (Options.Algorithm == RlAlgorithm.Ppo)
            {
                var lengths = mask.sum(1).to_type(ScalarType.Int64);
                var tokenRewards = (-klTerm * k1).scatter_add(1, (lengths - 1).clamp_min(0).unsqueeze(1), scores.unsqueeze(1)) * mask;
                (advantages, returns) = Advantages.Gae(tokenRewards, rollout.OldValues!, mask, Options.Gamma, Options.Lambda);
                advantages = Advantages.MaskedWhiten(advantages, mask);
            }
            else
            {
                var sequenceReward = scores - klTerm * k1.sum(1);
                var a = Options.Algorithm == RlAlgorithm.Rloo
                    ? Advantages.Rloo(sequenceReward, rollout.GroupSize)
                    : Advantages.Grpo(sequenceReward, rollout.GroupSize);
                advantages = a.unsqueeze(1) * mask;                                                  // (N, R)
            }
        }

        double clipSum = 0, approxKlSum = 0, policyLossSum = 0, valueLossSum = 0, valueClipSum = 0;
        int updates = 0;
        double firstRatioDeviation = double.NaN;
        var refreshed = new Tensor[rollout.Count];
        for (int epoch = 1; epoch <= Options.PolicyEpochs; epoch++)
        {
            var batches = epoch == 1 ? FirstEpochMinibatches(rollout.Count) : ShuffledMinibatches(rollout.Count, step, epoch);
            foreach (var rows in batches)
            {
                using var mb = NewDisposeScope();
                policyOptimizer.zero_grad();
                var m = mask[rows];
                var (logp, hidden, entropy) = PolicyForward.Run(Policy, rollout.Sequences[rows], rollout.AttentionMask[rows], rollout.PromptLength, Options.Temperature);
                var logRatio = (logp - rollout.OldLogProbs[rows]) * m;
                var ratio = logRatio.exp();
                var adv = advantages[rows];
                var surrogate = maximum(-adv * ratio, -adv * ratio.clamp(1 - Options.ClipRange, 1 + Options.ClipRange));
                var policyLoss = PolicyForward.MaskedMean(surrogate, m);
                var loss = policyLoss;
                if (Options.KlMode == KlMode.InLoss)
                {
                    var d = rollout.ReferenceLogProbs[rows] - logp;
                    loss = loss + beta * PolicyForward.MaskedMean(d.exp() - d - 1, m);
                }
                if (ValueHead is not null)
                {
                    var v = ValueHead.forward(hidden[.., (rollout.PromptLength - 1)..^1]);          // (n, R)
                    var oldV = rollout.OldValues![rows];
                    var clipped = oldV + (v - oldV).clamp(-Options.ValueClipRange, Options.ValueClipRange);
                    var ret = returns[rows];
                    var valueLoss = 0.5 * PolicyForward.MaskedMean(maximum((v - ret).pow(2), (clipped - ret).pow(2)), m);
                    loss = loss + Options.ValueCoefficient * valueLoss;
                    valueLossSum += valueLoss.item<float>();
                    valueClipSum += PolicyForward.MaskedMean((v - oldV).abs().gt(Options.ValueClipRange).to_type(ScalarType.Float32), m).item<float>();
                }
                if (Options.EntropyCoefficient > 0)
                {
                    var logits = Policy.Logits(hidden[.., (rollout.PromptLength - 1)..^1]).to_type(ScalarType.Float32) / Options.Temperature;
                    var all = nn.functional.log_softmax(logits, 2);
                    loss = loss - Options.EntropyCoefficient * PolicyForward.MaskedMean(-(all.exp() * all).sum(2), m);
                }
                CheckFinite(loss, step, "policy loss");
                loss.backward();
                nn.utils.clip_grad_norm_(policyParameters, Options.MaxGradNorm);
                policyOptimizer.step();

                using (no_grad())
                {
                    if (updates == 0) firstRatioDeviation = ((ratio - 1).abs() * m).max().item<float>();
                    clipSum += PolicyForward.MaskedMean((ratio - 1).abs().gt(Options.ClipRange).to_type(ScalarType.Float32), m).item<float>();
                    approxKlSum += PolicyForward.MaskedMean(0.5 * logRatio.pow(2), m).item<float>();
                    policyLossSum += policyLoss.item<float>();
                    if (epoch == Options.PolicyEpochs)
                    {
                        // R2M: the last epoch's forward refreshes the policy feedback, no extra pass.
                        var rowIndex = rows.data<long>().ToArray();
                        for (int i = 0; i < rowIndex.Length; i++) refreshed[rowIndex[i]] = hidden[i].detach().clone().DetachFromDisposeScope();
                    }
                }
                updates++;
            }
        }
        var old = rollout.Feedback;
        rollout.Feedback = stack(refreshed, 0).DetachFromDisposeScope();
        old.Dispose();
        foreach (var t in refreshed) t.Dispose();

        metrics["policy/clipfrac_avg"] = clipSum / updates;
        metrics["policy/approxkl_avg"] = approxKlSum / updates;
        metrics["loss/policy_avg"] = policyLossSum / updates;
        if (ValueHead is not null)
        {
            metrics["loss/value_avg"] = valueLossSum / updates;
            metrics["val/clipfrac_avg"] = valueClipSum / updates;
        }
        metrics["val/first_minibatch_ratio_max_dev"] = firstRatioDeviation;
        metrics["time/policy_update_s"] = watch.Elapsed.TotalSeconds;
        if (!metrics.TryGetValue("objective/kl", out double measuredKl))
        {
            using var noGrad = no_grad();
            measuredKl = (rollout.OldLogProbs - rollout.ReferenceLogProbs).mul(mask).sum(1).mean().item<float>();
        }
        Kl.Update(measuredKl, rollout.Count);
    }

    /// <summary>
    /// R2M's reward-model update on the step's own rollouts: rewards recomputed with the refreshed feedback,
    /// GREBT per group, one optimizer step of the cross-attention and φ only. No-op for Vanilla and WithoutTrain.
    /// </summary>
    public void UpdateAligner(Rollout rollout, Dictionary<string, double>? metrics = null)
    {
        metrics ??= [];
        if (Aligner is null || alignerOptimizer is null)
        {
            metrics["time/aligner_update_s"] = 0;
            return;
        }
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        alignerOptimizer.zero_grad();
        double omega = OmegaAt(Step);
        var rewards = Feedback.Mode switch
        {
            AlignerMode.HeadOnlyIterative => Aligner.Reward(rollout.RewardTokenEmbeddings, null, null, 1.0),
            AlignerMode.WithNoise => Aligner.Reward(rollout.RewardTokenEmbeddings, Noise(rollout.Feedback, rollout.AttentionMask, Step + 1_000_000), rollout.AttentionMask, omega),
            _ => Aligner.Reward(rollout.RewardTokenEmbeddings, rollout.Feedback, rollout.AttentionMask, omega),
        };
        var (loss, used) = GroupRewardLoss.Compute(rewards.to_type(ScalarType.Float32), rollout.GroupSize, Feedback.Alpha, Feedback.Epsilon);
        CheckFinite(loss, Step, "aligner loss");
        if (used > 0)
        {
            loss.backward();
            alignerOptimizer.step();
        }
        metrics["r2m/aligner_loss"] = loss.item<float>();
        metrics["r2m/groups_used"] = used;
        metrics["time/aligner_update_s"] = watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Rewards of given (prompt, response) pairs as this step's reward function gives them: φ₀ for vanilla, else
    /// the aligner with feedback from the current policy (noise in w/ noise mode) at ω of the current step.
    /// </summary>
    /// <param name="prompts">The prompts.</param>
    /// <param name="responses">One response per prompt.</param>
    /// <param name="vanilla">Score with the original head φ₀ instead, whatever the mode.</param>
    public float[] ScoreWithCurrentReward(IReadOnlyList<string> prompts, IReadOnlyList<string> responses, bool vanilla = false)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Device device = Policy.Body.TokenEmbeddingWeight.device;
        int maxPrompt = Math.Max(1, Policy.Config.MaxPositions - Options.MaxNewTokens);
        var rows = Enumerable.Range(0, prompts.Count).Select(i =>
        {
            var ids = PromptIds(prompts[i], maxPrompt).ToList();
            ids.AddRange(tokenizer.Encode(responses[i]).Take(Options.MaxNewTokens - 1));
            ids.Add(tokenizer.EosId);
            return new EncodedSequence([.. ids], 0);
        }).ToList();
        var batch = SequenceBatch.RightPad(rows, tokenizer.PadId, device);
        var rte = RewardTokenEmbeddings(prompts, responses, device);
        Tensor rewards;
        if (vanilla || Aligner is null) rewards = RewardModel.Head.forward(rte)[.., 0];
        else if (Feedback.Mode == AlignerMode.HeadOnlyIterative) rewards = Aligner.Reward(rte, null, null, 1.0);
        else
        {
            var feedback = Policy.ForwardHidden(batch.Ids, batch.Mask);
            if (Feedback.Mode == AlignerMode.WithNoise) feedback = Noise(feedback, batch.Mask, Step + 2_000_000);
            rewards = Aligner.Reward(rte, feedback, batch.Mask, OmegaAt(Step));
        }
        return rewards.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    /// <summary>Final-token embeddings (N, D_rm) of the frozen reward model for prompt + response + EOS.</summary>
    private Tensor RewardTokenEmbeddings(IReadOnlyList<string> prompts, IReadOnlyList<string> responses, Device device)
    {
        int maxLength = RewardModel.Config.MaxPositions;
        var seqs = Enumerable.Range(0, prompts.Count).Select(i => EncodedSequence.Encode(rewardTokenizer, prompts[i], responses[i], maxLength)).ToList();
        var batch = SequenceBatch.RightPad(seqs, rewardTokenizer.PadId, device);
        var hidden = RewardModel.Body.Forward(batch.Ids, batch.Mask);
        return SequenceScoreModel.FinalTokenEmbedding(hidden, batch.Mask);
    }

    /// <summary>Gaussian noise shaped like <paramref name="feedback"/> with its mean and variance over real positions.</summary>
    private Tensor Noise(Tensor feedback, Tensor attention, int salt)
    {
        var real = attention.to_type(ScalarType.Float32).unsqueeze(2);
        var count = real.sum() * feedback.shape[2];
        var mean = (feedback * real).sum() / count;
        var std = (((feedback - mean) * real).pow(2).sum() / count).sqrt();
        using var generator = new Generator((ulong)(Options.Seed * 7_919L + salt), feedback.device);
        return randn(feedback.shape, generator: generator, device: feedback.device) * std + mean;
    }

    private IReadOnlyList<int> PromptIds(string prompt, int maxPrompt)
    {
        var ids = tokenizer.Encode(prompt);
        var list = new List<int>(ids.Count + 1);
        if (tokenizer.BosId is int bos) list.Add(bos);
        list.AddRange(ids.Skip(Math.Max(0, ids.Count + list.Count - maxPrompt)));
        return list;
    }

    private List<Tensor> FirstEpochMinibatches(int rows)
    {
        var result = new List<Tensor>();
        int size = (rows + Options.MiniBatches - 1) / Options.MiniBatches;
        for (int start = 0; start < rows; start += size)
            result.Add(arange(start, Math.Min(rows, start + size), dtype: ScalarType.Int64, device: Policy.Body.TokenEmbeddingWeight.device));
        return result;
    }

    private List<Tensor> ShuffledMinibatches(int rows, int step, int epoch)
    {
        var order = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
        new Random(StableSeed.Mix(Options.Seed, step, epoch)).Shuffle(order);
        var result = new List<Tensor>();
        int size = (rows + Options.MiniBatches - 1) / Options.MiniBatches;
        for (int start = 0; start < rows; start += size)
            result.Add(tensor(order[start..Math.Min(rows, start + size)], device: Policy.Body.TokenEmbeddingWeight.device));
        return result;
    }

    private static void CheckFinite(Tensor value, int step, string quantity)
    {
        using var noGrad = no_grad();
        if (!isfinite(value).all().item<bool>())
        {
            double bad = value.numel() == 1 ? value.item<float>() : value.masked_select(isfinite(value).logical_not())[0].item<float>();
            throw new NonFiniteValueException("RL", $"step {step}", quantity, bad);
        }
    }

    private bool alignerReleased;

    /// <summary>Hands the trained aligner to the caller, who then owns it (the trainer no longer disposes it).</summary>
    public PolicyFeedbackRewardHead? ReleaseAligner()
    {
        alignerReleased = true;
        return Aligner;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        policyOptimizer.Dispose();
        alignerOptimizer?.Dispose();
        if (!alignerReleased) Aligner?.Dispose();
        ValueHead?.Dispose();
    }
}
