using R2M.Estimators.Evaluation;
using System.Globalization;
using System.Text;
using R2M.Estimators.Rl;

namespace R2M.Sample;

/// <summary>Writes docs/results.md (and its plots) from a study's runs: instrument checks, paired differences, diagnostics.</summary>
internal static class StudyReport
{
    /// <summary>Fractions of the common √KL range at which gold is also read.</summary>
    private static readonly double[] Matched = [0.25, 0.5, 0.75, 1.0];

    public static void Write(SampleArgs args, RunSettings run, StudySettings study, IReadOnlyList<InstrumentCheck> checks, IReadOnlyList<StudyRun> runs, double seconds)
    {
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"# R2M study with controls on the embedded task");
        md.AppendLine();
        Line($"Machine: {Environment.ProcessorCount} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}), CPU, libtorch 2.10 via TorchSharp 0.107. Date: {DateTime.UtcNow:yyyy-MM-dd}. Wall time: {seconds / 60:F1} min.");
        md.AppendLine();
        string extra = (args.Steps is int s ? $" --steps {s}" : "") + (args.Variants is { } v ? $" --variants \"{string.Join(',', v)}\"" : "")
            + (args.AlignerLearningRate is double lr ? FormattableString.Invariant($" --aligner-lr {lr}") : "") + (args.AlignerUpdates is int u ? $" --aligner-updates {u}" : "")
            + (args.PolicyLearningRate is double plr ? FormattableString.Invariant($" --policy-lr {plr}") : "")
            + (args.AlignerAnchor is double c ? FormattableString.Invariant($" --aligner-anchor {c}") : "") + (args.AlignerReplay is int r ? $" --aligner-replay {r}" : "")
            + (args.PromptsPerStep is int p ? $" --prompts-per-step {p}" : "") + (args.SamplesPerPrompt is int k ? $" --samples-per-prompt {k}" : "");
        Line($"Command: `dotnet run --project samples/R2M.Sample -c Release -- study{(args.Quick ? " --quick" : "")} --seeds {study.Seeds} --seed {args.Seed}{extra}`");
        md.AppendLine();
        WriteInstrument(md, checks, runs);
        Line($"## Protocol");
        md.AppendLine();
        Line($"Per seed: one from-scratch {run.Policy} byte-level policy fine-tuned on the task's corpus ({run.SftPairs} answers, {new R2M.Estimators.EmbeddedTask.EmbeddedTaskOptions().MediocreFraction:P0} of them wrong or cut short); per label arm one proxy reward model (body from the policy) on {run.PreferencePairs} generated candidate pairs plus pairs of the SFT policy's own samples ({run.PolicySampleRounds} rounds), all labelled with 20% flipped labels and, in the length-biased arm, a preference for the longer answer within a gold gap of 0.2. Every variant then runs {study.Steps} RL steps from that policy and reward model ({study.PromptsPerStep} prompts × {study.SamplesPerPrompt} samples, {run.MaxNewTokens} new tokens, temperature 0.7, policy learning rate {study.LearningRate:G}, no KL penalty, rewards whitened over each step's batch so that R2M's ω-scaled reward does not by itself slow the policy) with the same prompt order and sampling seeds: the seeds pair the variants. Aligner (every R2M variant alike): width 64, α 0.3, Ω 0.6, learning rate {study.AlignerLearningRate:G}, {study.AlignerUpdatesPerStep} updates per step, anchor c = {study.AnchorCoefficient:G}, replay of {study.ReplaySteps} earlier steps, T_ω = {study.OmegaHorizon}, Wo zero-initialised; the warm start fits it for {study.WarmStartEpochs} epoch on the reward model's pairs first (learning rate {StudySettings.WarmStartLearningRate:G}). Gold per step is the mean over that step's rollouts on the RL prompts; \"final gold (eval)\" is greedy on the evaluation prompts (unseen combinations of the same words and kinds).");
        md.AppendLine();
        Line($"**Primary measure:** per run, gold is regressed on √KL (Gaussian kernel, width a tenth of the range); its mean over [0, X] is the run's score, X the √KL that both the variant's run and its vanilla's (same seed, arm and algorithm) reach (5-step running mean), so that no comparison depends on which other variants were run. The variant's score minus its vanilla's over that range is averaged over seeds, with a 95% percentile bootstrap interval over seeds ({PairedBootstrap.Resamples} resamples).");
        md.AppendLine();
        WriteMain(md, runs);
        WriteDiagnostics(md, runs);
        WritePlots(md, args, runs);
        WriteReading(md, runs);
        R2M.MLNet.IO.AtomicFile.WriteAllText(args.ResultsPath, md.ToString());
        Console.WriteLine(md.ToString());
        Console.WriteLine($"wrote {args.ResultsPath}");
    }

    /// <summary>
    /// One seed's comparison of a variant with its vanilla over the √KL range both reach: each run's score (mean
    /// smoothed gold over [0, X]) and smoothed gold at the matched points.
    /// </summary>
    internal sealed record PairScore(double Score, double VanillaScore, double[] AtMatched, double[] VanillaAtMatched, double Range);

    /// <summary>
    /// Per run of a non-baseline variant: its <see cref="PairScore"/> against its vanilla (same seed, arm and
    /// algorithm). X is the smaller of the two runs' reaches, so a comparison never depends on a third variant.
    /// </summary>
    internal static Dictionary<StudyRun, PairScore> Scores(IReadOnlyList<StudyRun> runs)
    {
        var result = new Dictionary<StudyRun, PairScore>();
        foreach (var r in runs.Where(r => !r.Variant.IsBaseline))
        {
            var b = Baseline(runs, r);
            double range = Math.Min(r.Curve.Reach, b.Curve.Reach), h = GoldCurve.Bandwidth(range);
            double[] At(GoldCurve c) => Matched.Select(f => c.At(f * range, h)).ToArray();
            result[r] = new PairScore(r.Curve.MeanOver(range), b.Curve.MeanOver(range), At(r.Curve), At(b.Curve), range);
        }
        return result;
    }

    private static StudyRun Baseline(IReadOnlyList<StudyRun> runs, StudyRun r) =>
        runs.Single(b => b.Seed == r.Seed && b.Variant.IsBaseline && b.Variant.Arm == r.Variant.Arm && b.Variant.Algorithm == r.Variant.Algorithm);

    /// <summary>Each variant's paired differences to its vanilla, per seed, of <paramref name="measure"/>.</summary>
    internal static List<double> Differences(IReadOnlyList<StudyRun> runs, StudyVariant variant, Func<StudyRun, double> measure) =>
        runs.Where(r => r.Variant == variant).Select(r => measure(r) - measure(Baseline(runs, r))).ToList();

    /// <summary>Each variant's paired differences to its vanilla of the pair measure <paramref name="measure"/> (variant's minus vanilla's).</summary>
    internal static List<double> PairDifferences(IReadOnlyDictionary<StudyRun, PairScore> scores, StudyVariant variant, Func<PairScore, (double Mine, double Vanilla)> measure) =>
        scores.Where(kv => kv.Key.Variant == variant).OrderBy(kv => kv.Key.Seed).Select(kv => measure(kv.Value)).Select(m => m.Mine - m.Vanilla).ToList();

    private static string Ci((double Mean, double Low, double High) i) =>
        double.IsNaN(i.Mean) ? "n/a" : $"{Signed(i.Mean)} [{Signed(i.Low)}, {Signed(i.High)}]";

    /// <summary>Three decimals with a sign; a value that rounds to zero prints as 0.000.</summary>
    private static string Signed(double value)
    {
        double rounded = Math.Round(value, 3);
        return rounded == 0 ? "0.000" : rounded.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
    }

    private static string Mean(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? "n/a" : v.Average().ToString("F3", CultureInfo.InvariantCulture);
    }

    private static string Range(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{v.Average():F3} [{v.Min():F3}, {v.Max():F3}]");
    }

    private static void WriteInstrument(StringBuilder md, IReadOnlyList<InstrumentCheck> checks, IReadOnlyList<StudyRun> runs)
    {
        md.AppendLine("## The instrument: (a), (b), (c)");
        md.AppendLine();
        md.AppendLine("| label arm | (a) SFT gold on the RL prompts, sampled (0.35–0.7) | (b) proxy accuracy on gold-labelled SFT samples (≥ 0.68) | proxy accuracy on generated candidate pairs | (c) vanilla RLOO: gold first 5 steps → best 5-step mean → last 5 | proxy first → last 5 steps | seeds where gold rose ≥ 0.02 then fell ≥ 0.05 while the proxy rose |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var arm in checks.Select(c => c.Arm).Distinct())
        {
            var c = checks.Where(x => x.Arm == arm).ToList();
            var vanilla = runs.Where(r => r.Variant.Arm == arm && r.Variant.IsBaseline && r.Variant.Algorithm == RlAlgorithm.Rloo).ToList();
            int overOptimised = vanilla.Count(r => r.BestGold - r.First("gold/score") >= 0.02 && r.BestGold - r.Last("gold/score") >= 0.05
                && r.Last("objective/vanilla_scores") > r.First("objective/vanilla_scores"));
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {arm} | {Range(c.Select(x => x.SftGold))} | {Range(c.Select(x => x.OnPolicyAccuracy))} ({c.Average(x => x.OnPolicyPairs):F0} pairs a seed) | {Range(c.Select(x => x.GeneratedPairAccuracy))} | " +
                $"{Mean(vanilla.Select(r => r.First("gold/score")))} → {Mean(vanilla.Select(r => r.BestGold))} → {Mean(vanilla.Select(r => r.Last("gold/score")))} | " +
                $"{Mean(vanilla.Select(r => r.First("objective/vanilla_scores")))} → {Mean(vanilla.Select(r => r.Last("objective/vanilla_scores")))} | {overOptimised} of {vanilla.Count} |"));
        }
        md.AppendLine();
        md.AppendLine("Mean [min, max] over seeds. (a) is one seed's SFT policy for both arms. (b) is `reward_model.on_policy_gold_accuracy` in the main job: pairs of two samples per RL prompt (four rounds), ordered by the gold judge, ties dropped.");
        md.AppendLine();
    }

    private static void WriteMain(StringBuilder md, IReadOnlyList<StudyRun> runs)
    {
        var scores = Scores(runs);
        md.AppendLine("## Results: each variant against its vanilla, paired by seed");
        md.AppendLine();
        md.AppendLine("| variant | seeds | score over the √KL range shared with its vanilla: variant (vanilla) | Δ score vs vanilla [95% CI] | gold at ¼ · ½ · ¾ · 1 of that range | Δ gold at the range's end [95% CI] | best gold (5-step mean) | last-5-step gold: Δ vs vanilla [95% CI] | final gold (eval, greedy) | final proxy (optimised reward) | RM accuracy on final-policy pairs: φ₀ → variant's reward |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var variant in StudyVariant.All)
        {
            var mine = runs.Where(r => r.Variant == variant).ToList();
            if (mine.Count == 0) continue;
            string delta = variant.IsBaseline ? "—" : Ci(PairedBootstrap.Interval(PairDifferences(scores, variant, p => (p.Score, p.VanillaScore))));
            string deltaEnd = variant.IsBaseline ? "—" : Ci(PairedBootstrap.Interval(PairDifferences(scores, variant, p => (p.AtMatched[^1], p.VanillaAtMatched[^1]))));
            string deltaLast = variant.IsBaseline ? "—" : Ci(PairedBootstrap.Interval(Differences(runs, variant, r => r.Last("gold/score"))));
            string matched = variant.IsBaseline ? "—" : string.Join(" · ", Matched.Select((_, i) => Mean(mine.Select(r => scores[r].AtMatched[i]))));
            string score = variant.IsBaseline ? "—" : $"{Mean(mine.Select(r => scores[r].Score))} ({Mean(mine.Select(r => scores[r].VanillaScore))})";
            md.AppendLine($"| {variant.Name} | {mine.Count} | {score} | {delta} | {matched} | {deltaEnd} | {Mean(mine.Select(r => r.BestGold))} | {Mean(mine.Select(r => r.Last("gold/score")))}: {deltaLast} | " +
                $"{Mean(mine.Select(r => r.FinalGold))} | {Mean(mine.Select(r => r.Last("objective/scores")))} | {Mean(mine.Select(r => r.AccuracyBefore))} → {Mean(mine.Select(r => r.AccuracyAfter))} |");
        }
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"The shared √KL range X is {Mean(scores.Values.Select(v => v.Range))} on average (per seed: the smaller of the variant's and its vanilla's reach). \"RM accuracy\": pairs of the final policy's samples on the RL prompts ordered by gold, scored by the frozen reward model (φ₀) and by the variant's reward function as it stands after RL."));
        md.AppendLine();
    }

    private static void WriteDiagnostics(StringBuilder md, IReadOnlyList<StudyRun> runs)
    {
        md.AppendLine("## Aligner diagnostics (last 5 steps, mean over seeds)");
        md.AppendLine();
        md.AppendLine("| variant | ω | ‖φ − φ₀‖ | share of within-group reward variance through the aligner | rank correlation with the frozen reward model | GREBT pairs agreeing with gold |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var variant in StudyVariant.All.Where(v => !v.IsBaseline))
        {
            var mine = runs.Where(r => r.Variant == variant).ToList();
            if (mine.Count == 0) continue;
            string Of(string key) => Mean(mine.Select(r => r.Steps.TakeLast(5).Select(m => m.Values.TryGetValue(key, out double v) ? v : double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average()));
            md.AppendLine($"| {variant.Name} | {Of("r2m/omega")} | {Of("r2m/phi_drift")} | {Of("r2m/feedback_variance_share")} | {Of("r2m/rank_correlation_vs_frozen")} | {Of("r2m/grebt_pair_gold_agreement")} |");
        }
        md.AppendLine();
    }

    private static void WritePlots(StringBuilder md, SampleArgs args, IReadOnlyList<StudyRun> runs)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(args.ResultsPath))!;
        foreach (var (file, title, key) in new[]
        {
            ("results-gold-vs-sqrt-kl.png", "Gold against sqrt(KL): RLOO, length-biased labels", "gold/score"),
            ("results-proxy-vs-sqrt-kl.png", "Frozen proxy's score against sqrt(KL): RLOO, length-biased labels", "objective/vanilla_scores"),
        })
        {
            var series = StudyVariant.All.Where(v => v.Arm == LabelArm.LengthBiased && v.Algorithm == RlAlgorithm.Rloo).Select(v =>
            {
                var mine = runs.Where(r => r.Variant == v).ToList();
                var x = mine.SelectMany(r => r.Steps.Select(m => Math.Sqrt(Math.Max(0, m["objective/kl"])))).ToArray();
                var y = mine.SelectMany(r => r.Steps.Select(m => m[key])).ToArray();
                return (v.Name, x, y);
            }).Where(s => s.x.Length > 0).ToList();
            Plots.PointsWithCurves(Path.Combine(folder, file), title, "sqrt(KL)", key, series);
            md.AppendLine($"![{title}]({file})");
            md.AppendLine();
        }
        md.AppendLine("Points: every step of every seed; lines: the kernel-smoothed curve of each variant's points.");
        md.AppendLine();
    }

    private static void WriteReading(StringBuilder md, IReadOnlyList<StudyRun> runs)
    {
        var scores = Scores(runs);
        md.AppendLine("## Reading (generated from the numbers above)");
        md.AppendLine();
        foreach (var variant in StudyVariant.All.Where(v => !v.IsBaseline))
        {
            if (!runs.Any(r => r.Variant == variant)) continue;
            var (mean, low, high) = PairedBootstrap.Interval(PairDifferences(scores, variant, p => (p.Score, p.VanillaScore)));
            string verdict = low > 0 ? "better than vanilla: the interval is above zero"
                : high < 0 ? "worse than vanilla: the interval is below zero"
                : "not distinguishable from vanilla: the interval covers zero";
            string role = variant.Mode switch
            {
                AlignerMode.Oracle => " (positive control: if this is not above zero, the instrument cannot detect an effect of the aligner path)",
                AlignerMode.OracleBeforePolicy => " (instrument check: the oracle's update runs on the step's rollouts before the policy update scores them; if this is not above zero, the measure cannot see a better reward at all)",
                _ => "",
            };
            var (lastMean, lastLow, lastHigh) = PairedBootstrap.Interval(Differences(runs, variant, r => r.Last("gold/score")));
            md.AppendLine($"- **{variant.Name}**{role}: Δ score {Signed(mean)} [{Signed(low)}, {Signed(high)}], {verdict}. Gold of the last 5 steps (same compute, any KL): Δ {Signed(lastMean)} [{Signed(lastLow)}, {Signed(lastHigh)}].");
        }
        md.AppendLine();
    }
}
