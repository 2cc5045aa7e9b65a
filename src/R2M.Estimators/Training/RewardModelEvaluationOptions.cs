using R2M.Estimators.Pipeline;

namespace R2M.Estimators.Training;

/// <summary>
/// The columns <c>mlContext.R2M().EvaluateRewardModel</c> reads from a scored view of preference pairs (the view
/// an R2M model's <c>Transform</c> returns for Prompt, Chosen and Rejected columns).
/// </summary>
public sealed record RewardModelEvaluationOptions
{
    /// <summary>The reward of prompt + chosen response (default ChosenReward).</summary>
    public string ChosenRewardColumnName { get; init; } = Columns.ChosenReward;
    /// <summary>The reward of prompt + rejected response (default RejectedReward).</summary>
    public string RejectedRewardColumnName { get; init; } = Columns.RejectedReward;
    /// <summary>
    /// The preference margin the loss subtracts, as in training, read when the view has it (default Margin;
    /// null: no margin). It changes <see cref="PreferenceMetrics.Loss"/> only.
    /// </summary>
    public string? MarginColumnName { get; init; } = Columns.Margin;

    /// <summary>Throws <see cref="ArgumentException"/> for an empty column name.</summary>
    public void Validate()
    {
        const string c = nameof(RewardModelEvaluationOptions) + ".";
        ArgumentException.ThrowIfNullOrWhiteSpace(ChosenRewardColumnName, c + nameof(ChosenRewardColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(RejectedRewardColumnName, c + nameof(RejectedRewardColumnName));
        if (MarginColumnName is not null) ArgumentException.ThrowIfNullOrWhiteSpace(MarginColumnName, c + nameof(MarginColumnName));
    }
}
