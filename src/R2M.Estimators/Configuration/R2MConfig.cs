using System.Text.Json.Serialization;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;

namespace R2M.Estimators.Configuration;

/// <summary>
/// One training run, as written in an <c>r2m.json</c> file: the data, the tokenizer and the options of every
/// stage. Each stage section is the stage's own Options class, so its defaults are the only defaults; a section
/// left out runs the stage with those defaults (<see cref="Sft"/> alone is optional: left out, the stage does
/// not run). Relative paths are relative to the folder of the configuration file.
/// Read with <see cref="R2MConfigReader"/>; run with <see cref="R2MConfigTraining"/>.
/// </summary>
public sealed record R2MConfig
{
    /// <summary>The schema's address, for editors (ignored when training).</summary>
    [JsonPropertyName("$schema")]
    public string? Schema { get; init; }

    /// <summary>The preference files and how to read them.</summary>
    public R2MDataConfig Data { get; init; } = new();

    /// <summary>
    /// Tokenizer of a policy trained from scratch: <c>byte-level</c>, <c>gpt2-bpe</c>, or a HuggingFace model
    /// folder holding tokenizer files. Null: the stage's default (byte-level). A loaded policy uses its own.
    /// </summary>
    public string? Tokenizer { get; init; }

    /// <summary>Seed of the ML.NET context (default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>CUDA device to train on (null: the CPU).</summary>
    public int? GpuDeviceId { get; init; }

    /// <summary>Supervised fine-tuning of the policy on prompt → chosen; null (left out) skips the stage.</summary>
    public SupervisedFineTuneOptions? Sft { get; init; }

    /// <summary>The reward model stage.</summary>
    public RewardModelOptions RewardModel { get; init; } = new();

    /// <summary>R2M's policy-feedback aligner (mode Vanilla turns it off).</summary>
    public PolicyFeedbackOptions Aligner { get; init; } = new();

    /// <summary>RL fine-tuning (PPO, RLOO or GRPO).</summary>
    public PolicyOptimizationOptions Rl { get; init; } = new();
}
