namespace R2M.Estimators.Configuration;

/// <summary>One progress report of a configured run: a stage, how far it is, and a short line of metrics.</summary>
/// <param name="Stage">"load", "sft", "reward-model", "rl" or "save".</param>
/// <param name="Done">Units done (epochs or steps).</param>
/// <param name="Total">Units in the stage.</param>
/// <param name="Detail">Metrics in words, e.g. "loss 0.693".</param>
public sealed record R2MTrainingProgress(string Stage, int Done, int Total, string Detail);
