namespace R2M.Estimators.Rl;

/// <summary>A caller's ground-truth judge of a response; its mean is logged as gold/score each step.</summary>
public delegate double GoldJudge(string prompt, string response);
