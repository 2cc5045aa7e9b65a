using R2M.Estimators.Rl;
using R2M.MLNet.Modeling;
using R2M.MLNet.Serving;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// What the fitted stages have produced so far, handed from one stage to the next through the data view the
/// previous stage's transformer returns: tokenizer, policy and reference, reward model, the aligner built by
/// the PolicyFeedbackAligner stage (trained by the RL stage) and its ω. Immutable: a stage hands on a copy made
/// with <c>with</c>.
/// </summary>
public sealed record R2MArtifacts
{
    /// <summary>The tokenizer's description (saved with the model).</summary>
    public required TokenizerSpec TokenizerSpec { get; init; }
    /// <summary>The tokenizer.</summary>
    public required ITextTokenizer Tokenizer { get; init; }
    /// <summary>The device every model lives on.</summary>
    public required Device Device { get; init; }
    /// <summary>The policy (after SFT; after RL once the RL stage ran).</summary>
    public CausalLM? Policy { get; init; }
    /// <summary>The frozen reference policy.</summary>
    public CausalLM? Reference { get; init; }
    /// <summary>The reward model.</summary>
    public SequenceScoreModel? RewardModel { get; init; }
    /// <summary>Aligner settings from the PolicyFeedbackAligner stage (null: vanilla RL).</summary>
    public PolicyFeedbackOptions? Feedback { get; init; }
    /// <summary>R2M's cross-attention and φ: built by the aligner stage, trained by the RL stage (null: vanilla).</summary>
    public PolicyFeedbackRewardHead? Aligner { get; init; }
    /// <summary>ω the aligner scores with (1 before RL; the last RL step's ω after it).</summary>
    public double Omega { get; init; } = 1.0;
    /// <summary>Metrics of every RL step (after RL).</summary>
    public IReadOnlyList<RlStepMetrics> RlMetrics { get; init; } = [];
    /// <summary>The last RL step's pairs and their rewards as the trained reward function gives them (after RL).</summary>
    public RlStepRecord? LastStep { get; init; }

    /// <summary>A servable model from these artifacts (the policy and reward model are shared, not copied).</summary>
    internal R2MModel ToServingModel(R2MGenerationDefaults? generation = null)
    {
        if (Policy is null || RewardModel is null)
            throw new InvalidOperationException("This pipeline has no policy or no reward model yet; fit it through the RewardModel stage before generating or saving.");
        return new R2MModel(Policy, TokenizerSpec, RewardModel, Aligner, Aligner is null ? 1.0 : Omega, generation);
    }
}
