using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.Estimators.Training;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Reads the chosen and rejected rewards of a scored view of preference pairs and hands them to
/// <see cref="PreferenceMetrics.From"/>, the computation the reward-model trainer's validation uses too.
/// </summary>
internal static class RewardModelEvaluation
{
    public static PreferenceMetrics Evaluate(IDataView data, RewardModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var chosen = Read(data, "chosen reward", options.ChosenRewardColumnName);
        var rejected = Read(data, "rejected reward", options.RejectedRewardColumnName);
        var margins = options.MarginColumnName is string margin && data.Schema.GetColumnOrNull(margin) is not null
            ? Read(data, "margin", margin)
            : null;
        if (chosen.Length == 0) throw new ArgumentException("EvaluateRewardModel needs at least one preference pair; the view has no rows.", nameof(data));
        return PreferenceMetrics.From(chosen, rejected, margins);
    }

    private static double[] Read(IDataView data, string role, string name)
    {
        var column = data.Schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(data),
            $"Could not find {role} column '{name}'" + (Columns.HasText(data.Schema, Columns.Chosen)
                ? ". Score the pairs first: r2m.EvaluateRewardModel(model.Transform(pairs))."
                : ""));
        if (column.Type != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(data), $"Schema mismatch for {role} column '{name}': expected Single, got {column.Type}");
        var values = data.GetColumn<float>(column).Select(v => (double)v).ToArray();
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        if (bad >= 0) throw new ArgumentException($"The {role} column '{name}' holds {values[bad]} at row {bad}; metrics need finite values.", nameof(data));
        return values;
    }
}
