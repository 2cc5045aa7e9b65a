namespace R2M.MLNet.Data;

/// <summary>
/// One human (or judge) preference: for <see cref="Prompt"/>, <see cref="Chosen"/> is preferred to
/// <see cref="Rejected"/>. The reward model's Bradley–Terry loss is −log σ(r(chosen) − r(rejected) − margin).
/// </summary>
/// <param name="Prompt">The prompt, already flattened to text.</param>
/// <param name="Chosen">The preferred response.</param>
/// <param name="Rejected">The other response.</param>
/// <param name="Margin">How strongly chosen is preferred (0 when the data gives none).</param>
/// <param name="Origin">Where the pair came from, for messages: "file:record" (null for generated data).</param>
public sealed record PreferencePair(string Prompt, string Chosen, string Rejected, float Margin = 0f, string? Origin = null);
