using System.Diagnostics;
using R2M.Estimators.EmbeddedTask;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Sample;

/// <summary>
/// The over-optimisation study with controls (docs/results.md). Per seed: one SFT policy; per label arm one proxy
/// reward model; every variant then runs RL from that policy and reward model with the same prompt order and
/// sampling seeds (paired), no KL penalty. Uses the trainers directly (the ML.NET pipeline runs the same code).
/// </summary>
internal static class Study
{
    public static int Run(SampleArgs args)
    {
        TorchRuntime.EnsureLoaded();
        if (args.KlCoefficient is not null) throw new ArgumentException("--kl sets the main job's KL penalty; the study runs every variant without one.");
        if (args.NoLengthBias) throw new ArgumentException("--labels sets the main job's labels; the study runs both label arms.");
        var run = args.Quick ? RunSettings.Smoke : RunSettings.Study;
        var study = args.Quick ? StudySettings.Quick : StudySettings.Full;
        if (args.Steps is int steps) study = study with { Steps = steps, OmegaHorizon = Math.Max(1, steps / 4) };
        if (args.Seeds is int seeds) study = study with { Seeds = seeds };
        if (args.AlignerLearningRate is double lr) study = study with { AlignerLearningRate = lr };
        if (args.AlignerUpdates is int updates) study = study with { AlignerUpdatesPerStep = updates };
        if (args.PolicyLearningRate is double policyLr) study = study with { LearningRate = policyLr };
        if (args.AlignerAnchor is double anchor) study = study with { AnchorCoefficient = anchor };
        if (args.AlignerReplay is int replay) study = study with { ReplaySteps = replay };
        if (args.PromptsPerStep is int prompts) study = study with { PromptsPerStep = prompts };
        if (args.SamplesPerPrompt is int samples) study = study with { SamplesPerPrompt = samples };
        var variants = StudyVariant.Select(args.Variants);
        var total = Stopwatch.StartNew();
        var runs = new List<StudyRun>();
        var checks = new List<InstrumentCheck>();
        string logs = Path.Combine(args.Out, "study");
        Directory.CreateDirectory(logs);
        var tokenizer = new ByteLevelTokenizer();
        for (int seed = args.Seed; seed < args.Seed + study.Seeds; seed++)
        {
            var tasks = new Dictionary<LabelArm, EmbeddedTaskData>
            {
                [LabelArm.LengthBiased] = EmbeddedTaskData.Create(seed, run.Task()),
                [LabelArm.NoiseOnly] = EmbeddedTaskData.Create(seed, run.Task(noLengthBias: true)),
            };
            var task = tasks[LabelArm.LengthBiased];
            Console.WriteLine($"seed {seed}: SFT policy");
            using var sft = PolicyFactory.FromScratch(tokenizer, run.Policy, seed);
            SupervisedFineTuner.Train(sft, tokenizer, task.SftTrain, task.SftValidation, run.Sft(seed));
            double sftGold = Enumerable.Range(0, 3).Average(r => EmbeddedEvaluation.Generate(sft, tokenizer, task.TrainPrompts, run.MaxNewTokens, 0.7, seed * 100L + r).MeanGold);
            double sftEvalGold = EmbeddedEvaluation.Generate(sft, tokenizer, task.EvalPrompts, run.MaxNewTokens).MeanGold;
            var onPolicy = EmbeddedEvaluation.SampleGoldPairs(sft, tokenizer, task.TrainPrompts, task.Judge, rounds: 4, run.MaxNewTokens, 0.7, seed + 50_000L);
            foreach (var arm in new[] { LabelArm.LengthBiased, LabelArm.NoiseOnly })
            {
                if (!variants.Any(v => v.Arm == arm)) continue;
                var armTask = tasks[arm];
                var pairs = armTask.PreferenceTrain.Concat(armTask.LabelPolicySamples(sft, tokenizer, run.MaxNewTokens)).ToList();
                Console.WriteLine($"seed {seed}, {arm}: proxy reward model on {pairs.Count} pairs");
                using var proxy = RewardModelFactory.FromPolicy(sft);
                RewardModelTrainer.Train(proxy, tokenizer, pairs, armTask.PreferenceValidation, run.RewardModel(seed));
                var check = new InstrumentCheck(seed, arm, sftGold, RewardModelTrainer.Evaluate(proxy, tokenizer, onPolicy, run.MaxLength).Accuracy, onPolicy.Count,
                    RewardModelTrainer.Evaluate(proxy, tokenizer, armTask.GoldValidation, run.MaxLength).Accuracy, sftEvalGold);
                checks.Add(check);
                Console.WriteLine(FormattableString.Invariant($"  (a) SFT gold on RL prompts {check.SftGold:F3}; (b) on-policy gold accuracy {check.OnPolicyAccuracy:F3} ({check.OnPolicyPairs} pairs)"));
                foreach (var variant in variants.Where(v => v.Arm == arm))
                    runs.Add(RunVariant(variant, seed, sft, proxy, tokenizer, task, pairs, run, study, logs));
            }
        }
        StudyReport.Write(args, run, study, checks, runs, total.Elapsed.TotalSeconds);
        return 0;
    }

    private static StudyRun RunVariant(StudyVariant variant, int seed, CausalLM sft, SequenceScoreModel proxy, ITextTokenizer tokenizer,
        EmbeddedTaskData task, IReadOnlyList<PreferencePair> pairs, RunSettings run, StudySettings study, string logs)
    {
        var watch = Stopwatch.StartNew();
        using var policy = PolicyFactory.Clone(sft);
        using var reference = PolicyFactory.Clone(sft);
        using var rewardModel = RewardModelFactory.FromPolicy(sft);
        using (no_grad()) foreach (var (key, t) in rewardModel.state_dict()) t.copy_(proxy.state_dict()[key]);
        var feedback = new PolicyFeedbackOptions
        {
            Mode = variant.Mode, Width = 64, LearningRate = study.AlignerLearningRate, UpdatesPerStep = study.AlignerUpdatesPerStep, AnchorCoefficient = study.AnchorCoefficient, ReplaySteps = study.ReplaySteps,
            OmegaHorizon = study.OmegaHorizon, WarmStartEpochs = variant.WarmStart ? study.WarmStartEpochs : 0, Seed = seed,
        };
        PolicyFeedbackRewardHead? aligner = null;
        if (variant.WarmStart)
        {
            aligner = AlignerVariant.Build(feedback, rewardModel, policy, RlSeeds.Aligner(seed));
            AlignerWarmStart.Fit(aligner, rewardModel, policy, tokenizer, pairs, feedback with { LearningRate = StudySettings.WarmStartLearningRate });
        }
        var bar = new ProgressBar($"s{seed} {variant.Name}", study.Steps);
        var options = new PolicyOptimizationOptions
        {
            Algorithm = variant.Algorithm, Steps = study.Steps, PromptsPerStep = study.PromptsPerStep, SamplesPerPrompt = study.SamplesPerPrompt,
            MaxNewTokens = run.MaxNewTokens, LearningRate = study.LearningRate, KlMode = KlMode.None, Seed = seed, GoldJudge = task.Judge,
            // Whitened rewards: R2M's blend scales the reward by ω, which with raw RLOO rewards would only slow the policy.
            RewardNormalization = RewardNormalization.Batch,
            MetricsLogPath = Path.Combine(logs, $"seed{seed}-{Slug(variant.Name)}.jsonl"),
            Progress = new Inline<RlStepMetrics>(m => bar.Report(m.Step + 1, FormattableString.Invariant($"proxy {m["objective/scores"]:F2} gold {m["gold/score"]:F3} kl {m["objective/kl"]:F2}"))),
        };
        File.Delete(options.MetricsLogPath);
        try
        {
            using var trainer = new RlTrainer(policy, reference, rewardModel, tokenizer, task.TrainPrompts, options, feedback, aligner: aligner);
            var metrics = trainer.Train();
            double finalGold = EmbeddedEvaluation.Generate(policy, tokenizer, task.EvalPrompts, run.MaxNewTokens).MeanGold;
            var finalPairs = EmbeddedEvaluation.SampleGoldPairs(policy, tokenizer, task.TrainPrompts, task.Judge, study.AccuracyRounds, run.MaxNewTokens, 0.7, seed + 70_000L);
            double Accuracy(bool vanilla)
            {
                if (finalPairs.Count == 0) return double.NaN;
                var prompts = finalPairs.Select(p => p.Prompt).ToList();
                var chosen = trainer.ScoreWithCurrentReward(prompts, finalPairs.Select(p => p.Chosen).ToList(), vanilla);
                var rejected = trainer.ScoreWithCurrentReward(prompts, finalPairs.Select(p => p.Rejected).ToList(), vanilla);
                return Enumerable.Range(0, finalPairs.Count).Count(i => chosen[i] > rejected[i]) / (double)finalPairs.Count;
            }
            return new StudyRun(variant, seed, metrics, finalGold, Accuracy(vanilla: true), Accuracy(vanilla: false), watch.Elapsed.TotalSeconds);
        }
        finally
        {
            aligner?.Dispose();
        }
    }

    private static string Slug(string name) => new(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
