using System.Globalization;
using R2M.Estimators.Rl;

namespace R2M.Sample;

/// <summary>Command-line settings of the main job.</summary>
internal sealed record SampleArgs
{
    public string Command { get; init; } = "run";
    public string? Data { get; init; }
    public string? Model { get; init; }
    public string? RewardModel { get; init; }
    public RlAlgorithm Algorithm { get; init; } = RlAlgorithm.Rloo;
    public int? Steps { get; init; }
    public string Device { get; init; } = "cpu";
    public string Out { get; init; } = "out";
    public int Seed { get; init; } = 1;
    public bool Quick { get; init; }
    public int? Seeds { get; init; }
    public string ResultsPath { get; init; } = Path.Combine("docs", "results.md");
    public IReadOnlyList<string>? Variants { get; init; }
    public double? AlignerLearningRate { get; init; }
    public int? AlignerUpdates { get; init; }
    public double? AlignerAnchor { get; init; }
    public int? AlignerReplay { get; init; }
    public double? PolicyLearningRate { get; init; }
    public double? KlCoefficient { get; init; }
    public int? PromptsPerStep { get; init; }
    public int? SamplesPerPrompt { get; init; }
    public bool NoLengthBias { get; init; }

    /// <summary>The --help text; every default in it is read from the settings that run.</summary>
    public static string Usage => $"""
        R2M for .NET: the main job. With no arguments it builds the embedded task, fine-tunes a small policy,
        trains a proxy reward model on noisy, length-biased labels, then runs RLOO twice from the same policy
        and reward model through the ML.NET pipeline, vanilla and with R2M, evaluates both with the gold judge,
        prints them side by side, saves the R2M model zip and reloads it.

        usage: R2M.Sample [study] [options]

          study                  the R2M study with controls: 13 variants (vanilla, R2M, oracle R2M, ablations,
                                 warm start; RLOO and GRPO; length-biased and noise-only labels), paired seeds,
                                 no KL penalty; writes docs/results.md (about an hour on 2 cores)
        options:
          --data <file>          real preference data (any loader format: JSONL, JSON, CSV/TSV, conversational,
                                 PandaLM, FineGrainedRLHF) instead of the embedded task (no gold judge then)
          --model <hf-folder>    start from this HuggingFace causal LM instead of a from-scratch policy (its
                                 tokenizer.json, vocab.json + merges.txt or tokenizer.model; prompts in its chat format)
          --reward-model <hf-folder>  start the reward model from this checkpoint
          --algorithm <rloo|grpo|ppo> (default rloo)
          --steps <n>            RL steps (default {RunSettings.Full.RlSteps}; {RunSettings.Quick.RlSteps} with --quick; study: {StudySettings.Full.Steps}, {StudySettings.Quick.Steps} with --quick)
          --device <cpu|cuda|cuda:N> (default cpu)
          --out <folder>         output folder (default out)
          --seed <n>             seed (default 1)
          --seeds <n>            study: seeds, each shared by every variant (default {StudySettings.Full.Seeds}; {StudySettings.Quick.Seeds} with --quick)
          --results <file>       study: where to write the results (default docs/results.md)
          --variants <a,b,...>   study: only these variants, by name (default all; each needs its vanilla)
          --aligner-lr <x>       study: the aligner's learning rate (default {StudySettings.Full.AlignerLearningRate})
          --aligner-updates <n>  study: the aligner's updates per step (default {StudySettings.Full.AlignerUpdatesPerStep})
          --policy-lr <x>        the policy's RL learning rate (default {RunSettings.Full.RlLearningRate}; study: {StudySettings.Full.LearningRate})
          --kl <c>               the main job's KL penalty coefficient (default {RunSettings.Full.KlCoefficient}; the study runs without)
          --aligner-anchor <c>   study: the aligner's L2 anchor of φ to φ₀ (default {StudySettings.Full.AnchorCoefficient})
          --aligner-replay <n>   study: earlier steps' rollouts the aligner also trains on (default {StudySettings.Full.ReplaySteps})
          --prompts-per-step <n> prompts per RL step (default {RunSettings.Full.PromptsPerStep}; {RunSettings.Quick.PromptsPerStep} with --quick; study: {StudySettings.Full.PromptsPerStep})
          --samples-per-prompt <n> samples per prompt, the group size (default {RunSettings.Full.SamplesPerPrompt}; study: {StudySettings.Full.SamplesPerPrompt})
          --labels <length-biased|noise-only>  the main job's preference labels: flipped at random and favouring the
                                 longer answer within a small gold gap (default), or flipped at random only
          --quick                a short run (main job: about a minute on 2 cores; study: a smoke run of every variant)
          --help                 this text
        """;


    public static SampleArgs Parse(string[] args)
    {
        var result = new SampleArgs();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            result = arg switch
            {
                "study" when i == 0 => result with { Command = "study" },
                "--help" or "-h" => result with { Command = "help" },
                "--data" => result with { Data = Value() },
                "--model" => result with { Model = Value() },
                "--reward-model" => result with { RewardModel = Value() },
                "--algorithm" => result with { Algorithm = Enum.TryParse<RlAlgorithm>(Value(), ignoreCase: true, out var a) ? a : throw new ArgumentException($"--algorithm must be rloo, grpo or ppo, got '{args[i]}'.") },
                "--steps" => result with { Steps = PositiveInt(arg, Value()) },
                "--device" => result with { Device = Value() },
                "--out" => result with { Out = Value() },
                "--seed" => result with { Seed = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? seed : throw new ArgumentException($"--seed must be an integer, got '{args[i]}'.") },
                "--seeds" => result with { Seeds = PositiveInt(arg, Value()) },
                "--results" => result with { ResultsPath = Value() },
                "--variants" => result with { Variants = Value().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) },
                "--aligner-lr" => result with { AlignerLearningRate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double lr) && lr > 0 ? lr : throw new ArgumentException($"--aligner-lr must be a positive number, got '{args[i]}'.") },
                "--aligner-updates" => result with { AlignerUpdates = PositiveInt(arg, Value()) },
                "--policy-lr" => result with { PolicyLearningRate = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double plr) && plr > 0 ? plr : throw new ArgumentException($"--policy-lr must be a positive number, got '{args[i]}'.") },
                "--kl" => result with { KlCoefficient = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double kl) && kl >= 0 && double.IsFinite(kl) ? kl : throw new ArgumentException($"--kl must be a number ≥ 0, got '{args[i]}'.") },
                "--aligner-anchor" => result with { AlignerAnchor = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double c) && c >= 0 ? c : throw new ArgumentException($"--aligner-anchor must be a number ≥ 0, got '{args[i]}'.") },
                "--aligner-replay" => result with { AlignerReplay = int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int replay) && replay is >= 0 and <= 64 ? replay : throw new ArgumentException($"--aligner-replay must be an integer from 0 to 64, got '{args[i]}'.") },
                "--prompts-per-step" => result with { PromptsPerStep = PositiveInt(arg, Value()) },
                "--samples-per-prompt" => result with { SamplesPerPrompt = PositiveInt(arg, Value()) },
                "--labels" => result with { NoLengthBias = Value() switch { "length-biased" => false, "noise-only" => true, var v => throw new ArgumentException($"--labels must be length-biased or noise-only, got '{v}'.") } },
                "--quick" => result with { Quick = true },
                _ => throw new ArgumentException($"Unknown argument '{arg}'. Run with --help for the options."),
            };
        }
        result.CheckFiles();
        return result;
    }

    /// <summary>Refuses, with one line each, the files a run would otherwise fail on minutes later.</summary>
    private void CheckFiles()
    {
        if (Data is not null)
        {
            if (Directory.Exists(Data)) throw new ArgumentException($"--data '{Data}' is a folder; give a preference data file.");
            if (!File.Exists(Data)) throw new ArgumentException($"--data '{Data}' does not exist.");
            if (new FileInfo(Data).Length == 0) throw new ArgumentException($"--data '{Data}' is empty: it holds no preference pairs.");
        }
        foreach (var (option, folder) in new[] { ("--model", Model), ("--reward-model", RewardModel) })
        {
            if (folder is null) continue;
            if (!Directory.Exists(folder)) throw new ArgumentException($"{option} '{folder}' is not a folder (give a HuggingFace model folder).");
            if (!File.Exists(Path.Combine(folder, "config.json"))) throw new ArgumentException($"{option} '{folder}' has no config.json: not a HuggingFace model folder.");
            bool tokenizer = new[] { "tokenizer.json", "vocab.json", "tokenizer.model" }.Any(f => File.Exists(Path.Combine(folder, f)));
            if (option == "--model" && !tokenizer)
                throw new ArgumentException($"--model '{folder}' has no tokenizer files (tokenizer.json, vocab.json + merges.txt, or tokenizer.model).");
        }
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive integer, got '{value}'.");
}
