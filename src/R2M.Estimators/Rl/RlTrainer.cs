using System.Diagnostics;
using R2M.MLNet.Modeling;
using R2M.MLNet.Rewards;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using R2M.MLNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// RL fine-tuning of a policy against a reward model, with R2M's policy-feedback aligner. One step:
/// <see cref="CollectRollout"/> (sample K responses per prompt, old and reference log-probs, rewards from the
/// <see cref="RewardFunction"/>), <see cref="UpdatePolicy"/> (advantages, k epochs of clipped-ratio updates),
/// <see cref="UpdateAligner"/> (GREBT on the step's own rollouts). Everything random derives from the seed and
/// the step (<see cref="RlSeeds"/>), so a resumed run continues exactly.
/// </summary>
public sealed class RlTrainer : IDisposable
{
    private readonly PromptSchedule schedule;
    private readonly AlignerVariant variant;
    private readonly bool ownsAligner;
    private readonly RolloutCollector collector;
    private readonly PolicyUpdater policyUpdater;
    private readonly AlignerUpdater alignerUpdater;
    private readonly LastStepRecorder last = new();
    private readonly ITextTokenizer tokenizer;

    /// <summary>
    /// Creates a trainer at step 0. The reference and reward model are frozen here. <paramref name="aligner"/> is
    /// the module built by the PolicyFeedbackAligner stage (null: built here, and owned by the trainer);
    /// <paramref name="rollouts"/> samples the responses (null: in this process).
    /// </summary>
    public RlTrainer(CausalLM policy, CausalLM reference, SequenceScoreModel rewardModel, ITextTokenizer tokenizer,
        IReadOnlyList<string> prompts, PolicyOptimizationOptions options, PolicyFeedbackOptions feedback,
        ITextTokenizer? rewardTokenizer = null, PolicyFeedbackRewardHead? aligner = null, IRolloutBackend? rollouts = null)
    {
        options.Validate();
        feedback.Validate();
        (Policy, Reference, RewardModel, Options, Feedback) = (policy, reference, rewardModel, options, feedback);
        this.tokenizer = tokenizer;
        schedule = new PromptSchedule(prompts, options.PromptsPerStep, options.Seed);
        Kl = new KlController(options.KlCoefficient, options.KlTarget, options.KlHorizon);
        foreach (var p in reference.parameters()) p.requires_grad = false;
        foreach (var p in rewardModel.parameters()) p.requires_grad = false;
        reference.eval();
        rewardModel.eval();

        if (options.Algorithm == RlAlgorithm.Ppo)
        {
            manual_seed(RlSeeds.ValueHead(options.Seed));
            ValueHead = new ValueHead(policy.Config.HiddenSize);
            ValueHead.to(policy.Body.TokenEmbeddingWeight.device);
        }
        // With bf16 this converts the policy (and value head) and keeps float32 masters; Dispose hands them back.
        PolicyOptimizer = MasterWeightOptimizer.AdamW(ValueHead is null ? [policy] : [policy, ValueHead], options.MixedPrecision, options.LearningRate, weightDecay: 0);

        ownsAligner = aligner is null;
        variant = AlignerVariant.For(feedback, rewardModel, policy, aligner, RlSeeds.Aligner(options.Seed), options.Seed);
        if (variant.OrdersByGold && options.GoldJudge is null)
            throw new ArgumentException($"AlignerMode.{feedback.Mode} orders GREBT's pairs by gold: set PolicyOptimizationOptions.GoldJudge.", nameof(options));
        var trainable = variant.Head.Trainable;
        if (trainable.Count > 0) AlignerOptimizer = new HeldScalarOptimizers.AdamW(trainable, lr: feedback.LearningRate);

        var codec = new SequenceCodec(tokenizer);
        Reward = new RewardFunction(rewardModel, rewardTokenizer ?? tokenizer, policy, tokenizer, variant.Head);
        collector = new RolloutCollector(rollouts ?? new InProcessRolloutBackend(policy, codec, options), policy, reference, ValueHead, Reward, options);
        policyUpdater = new PolicyUpdater(policy, ValueHead, PolicyOptimizer, options);
        alignerUpdater = new AlignerUpdater(Reward, AlignerOptimizer, feedback, variant.OrdersByGold, variant.Aligner?.Score, rewardModel.Head);
    }

    /// <summary>The policy being trained.</summary>
    public CausalLM Policy { get; }
    /// <summary>The frozen reference policy.</summary>
    public CausalLM Reference { get; }
    /// <summary>The frozen reward model (body and original head φ₀).</summary>
    public SequenceScoreModel RewardModel { get; }
    /// <summary>The reward function the policy is trained against (and a saved model scores with).</summary>
    public RewardFunction Reward { get; }
    /// <summary>R2M's cross-attention and trained head (null in vanilla mode).</summary>
    public PolicyFeedbackRewardHead? Aligner => variant.Aligner;
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

    internal MasterWeightOptimizer PolicyOptimizer { get; }
    internal AlignerReplay AlignerReplay => alignerUpdater.Replay;
    internal OptimizerHelper? AlignerOptimizer { get; }

    /// <summary>ω the reward uses at <paramref name="step"/>: the cosine schedule for blending variants, else 1.</summary>
    public double OmegaAt(int step) => variant.Blends ? PolicyFeedbackRewardHead.Omega(step, Feedback.OmegaHorizon ?? Options.Steps, Feedback.Omega) : 1.0;

    /// <summary>ω of the last completed step (step 0's before any): the ω a saved model scores with.</summary>
    public double FinalOmega => OmegaAt(Math.Max(0, Step - 1));

    /// <summary>
    /// Runs <paramref name="steps"/> steps (default: until <see cref="PolicyOptimizationOptions.Steps"/>), sending each
    /// step's metrics to <see cref="PolicyOptimizationOptions.Progress"/> and appending them to
    /// <see cref="PolicyOptimizationOptions.MetricsLogPath"/> as they come; stops between steps when
    /// <see cref="PolicyOptimizationOptions.CancellationToken"/> is cancelled.
    /// </summary>
    public IReadOnlyList<RlStepMetrics> Train(int? steps = null)
    {
        int end = steps is int n ? Step + n : Options.Steps;
        var all = new List<RlStepMetrics>();
        using var writer = Options.MetricsLogPath is null ? null : new StreamWriter(Options.MetricsLogPath, append: true);
        while (Step < end)
        {
            Options.CancellationToken.ThrowIfCancellationRequested();
            var metrics = RunStep();
            writer?.WriteLine(metrics.ToJson());
            writer?.Flush();
            all.Add(metrics);
            Options.Progress?.Report(metrics);
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
        if (variant.TrainsBeforePolicy)
        {
            alignerUpdater.Update(rollout, Step, values, policyMoved: false);
            using var noGrad = no_grad();
            rollout.ReplaceScores(Reward.Rewards(rollout.RewardTokenEmbeddings, rollout.Feedback, rollout.Omega, RlSeeds.CollectSalt + Step));
            values["objective/scores_after_aligner"] = rollout.Scores.mean().item<float>();
        }
        UpdatePolicy(rollout, values);
        if (!variant.TrainsBeforePolicy) UpdateAligner(rollout, values);
        last.Remember(Step, rollout);
        values["time/step_s"] = total.Elapsed.TotalSeconds;
        if (Options.EvaluationPrompts is { } evaluation && ((Step + 1) % Options.EvaluationInterval == 0 || Step + 1 == Options.Steps)) Evaluate(evaluation, values);
        var metrics = new RlStepMetrics(Step, values);
        Step++;
        return metrics;
    }

    /// <summary>Greedy answers to the evaluation prompts: eval/mean_length (tokens) and, with a judge, eval/gold_greedy.</summary>
    private void Evaluate(IReadOnlyList<string> prompts, Dictionary<string, double> values)
    {
        var clock = Stopwatch.StartNew();
        var responses = PolicyEvaluation.Generate(Policy, tokenizer, prompts, Options.MaxNewTokens);
        values["eval/mean_length"] = responses.Average(r => tokenizer.Encode(r).Count);
        if (Options.GoldJudge is { } judge) values["eval/gold_greedy"] = prompts.Select((p, i) => judge(p, responses[i])).Average();
        values["time/evaluation_s"] = clock.Elapsed.TotalSeconds;
    }

    /// <summary>Samples this step's rollouts and scores them (no gradients).</summary>
    public Rollout CollectRollout(Dictionary<string, double>? metrics = null)
    {
        metrics ??= [];
        metrics["kl_coef"] = Kl.Value;
        return collector.Collect(Step, OmegaAt(Step), schedule.ForStep(Step), metrics);
    }

    /// <summary>Advantages, then k epochs of clipped-ratio updates of the policy (and value head); then β's update.</summary>
    public void UpdatePolicy(Rollout rollout, Dictionary<string, double>? metrics = null)
    {
        Kl.Update(policyUpdater.Update(rollout, Step, Kl.Value, metrics ?? []), rollout.Count);
    }

    /// <summary>R2M's reward-model update on the step's own rollouts (no-op when the head trains nothing).</summary>
    public void UpdateAligner(Rollout rollout, Dictionary<string, double>? metrics = null) => alignerUpdater.Update(rollout, Step, metrics ?? []);

    /// <summary>
    /// Ends training in reduced precision: the policy (and value head) hold the float32 master weights again.
    /// Nothing to do in float32; no step may follow.
    /// </summary>
    public void RestorePrecision() => PolicyOptimizer.Restore();

    /// <summary>
    /// The last completed step's pairs scored by the reward function as it stands now (after that step's updates,
    /// at that step's ω): what a model saved now scores them. Null before the first step.
    /// </summary>
    public RlStepRecord? LastStep() => last.Score(Reward);

    /// <summary>
    /// Rewards of (prompt, response) pairs from the current reward function at the current step's ω (or φ₀ when
    /// <paramref name="vanilla"/>), without gradients.
    /// </summary>
    public float[] ScoreWithCurrentReward(IReadOnlyList<string> prompts, IReadOnlyList<string> responses, bool vanilla = false)
    {
        if (!vanilla) return Reward.Score(prompts, responses, OmegaAt(Step), RlSeeds.ScoreSalt + Step);
        using var scope = NewDisposeScope();
        return Reward.Vanilla(Reward.Embed(prompts, responses)).cpu().data<float>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        PolicyOptimizer.Dispose();
        AlignerOptimizer?.Dispose();
        alignerUpdater.Dispose();
        if (ownsAligner) Aligner?.Dispose();
        ValueHead?.Dispose();
        last.Dispose();
    }
}
