namespace R2M.Estimators.Rl;

/// <summary>
/// A completed step's (prompt, response) pairs and their rewards as the reward function stands after the step:
/// the updated policy's feedback, the updated head, the step's ω. This is what a saved model scores.
/// </summary>
/// <param name="Step">The step's index.</param>
/// <param name="Omega">ω of the step.</param>
/// <param name="Prompts">Prompt of each row.</param>
/// <param name="Responses">Response of each row.</param>
/// <param name="Rewards">Reward of each row.</param>
/// <param name="EndedWithEos">Whether each response ended with EOS (false: it hit the length limit).</param>
public sealed record RlStepRecord(int Step, double Omega, IReadOnlyList<string> Prompts, IReadOnlyList<string> Responses, IReadOnlyList<float> Rewards,
    IReadOnlyList<bool> EndedWithEos);
