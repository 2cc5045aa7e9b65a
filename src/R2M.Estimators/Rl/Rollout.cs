using R2M.MLNet.Rewards;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// One RL step's samples: N = prompts × K rows, grouped by prompt (rows g·K … g·K + K − 1). Left-padded
/// prompts of length P, then R response positions. Disposing releases every tensor.
/// </summary>
public sealed class Rollout : IDisposable
{
    /// <summary>Prompt text of each row.</summary>
    public required string[] Prompts { get; init; }
    /// <summary>Decoded response of each row.</summary>
    public required string[] Responses { get; init; }
    /// <summary>(N, P + R) int64 token ids.</summary>
    public required Tensor Sequences { get; init; }
    /// <summary>(N, P + R) int64: 1 on real prompt and response tokens.</summary>
    public required Tensor AttentionMask { get; init; }
    /// <summary>P, the padded prompt length.</summary>
    public required int PromptLength { get; init; }
    /// <summary>(N, R) float32: 1 on response tokens up to and including EOS.</summary>
    public required Tensor ResponseMask { get; init; }
    /// <summary>(N) bool: whether the response ended with EOS.</summary>
    public required Tensor EndedWithEos { get; init; }
    /// <summary>(N, R) float32 log-probabilities under the policy before the update (the PPO "old" policy).</summary>
    public required Tensor OldLogProbs { get; init; }
    /// <summary>(N, R) float32 log-probabilities under the reference policy.</summary>
    public required Tensor ReferenceLogProbs { get; init; }
    /// <summary>(N, R) float32 token entropies of the policy before the update.</summary>
    public required Tensor Entropy { get; init; }
    /// <summary>(N, R) float32 values before the update (PPO only).</summary>
    public Tensor? OldValues { get; init; }
    /// <summary>The pre-update policy's feedback over the scored sequences (null when the reward did not read it).</summary>
    public PolicyFeedback? Feedback { get; init; }
    /// <summary>(N, D_rm) the frozen reward model's final-token embeddings, computed once per rollout.</summary>
    public required Tensor RewardTokenEmbeddings { get; init; }
    /// <summary>(N) float32 the vanilla reward φ₀(RTE).</summary>
    public required Tensor VanillaScores { get; init; }
    /// <summary>(N) float32 the reward used for this step (the aligner's when on), before penalties.</summary>
    public required Tensor Scores { get => scores; init => scores = value; }
    private Tensor scores = null!;
    /// <summary>ω the step's reward used.</summary>
    public required double Omega { get; init; }
    /// <summary>Gold score of each row when a judge is given (null otherwise).</summary>
    public double[]? Gold { get; init; }
    /// <summary>K, samples per prompt.</summary>
    public required int GroupSize { get; init; }

    /// <summary>N, the number of rows.</summary>
    public int Count => Prompts.Length;

    /// <summary>Moves every tensor out of the current dispose scope; <see cref="Dispose"/> releases them.</summary>
    internal Rollout Detach()
    {
        foreach (var t in Tensors()) t?.DetachFromDisposeScope();
        Feedback?.Detach();
        return this;
    }

    /// <summary>Replaces <see cref="Scores"/> (same shape) with <paramref name="scores"/>, which the rollout then owns.</summary>
    internal void ReplaceScores(Tensor scores)
    {
        if (!scores.shape.SequenceEqual(Scores.shape))
            throw new ArgumentException($"New scores of shape [{string.Join(", ", scores.shape)}] for a rollout of shape [{string.Join(", ", Scores.shape)}].", nameof(scores));
        scores.DetachFromDisposeScope();
        this.scores.Dispose();
        this.scores = scores;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in Tensors()) t?.Dispose();
        Feedback?.Dispose();
    }

    private Tensor?[] Tensors() =>
        [Sequences, AttentionMask, ResponseMask, EndedWithEos, OldLogProbs, ReferenceLogProbs, Entropy, OldValues, RewardTokenEmbeddings, VanillaScores, Scores];
}
