using System.Text.Json;

namespace R2M.Estimators.Rl;

/// <summary>
/// Metrics of one RL step. Names follow TRL where it has one: objective/scores, objective/kl,
/// objective/entropy, objective/rlhf_reward, policy/clipfrac_avg, policy/approxkl_avg, loss/policy_avg,
/// loss/value_avg, val/clipfrac_avg; R2M's own under r2m/ (omega, aligner_loss, group_reward_std,
/// groups_used); the caller's judge under gold/score; phase times under time/.
/// </summary>
/// <param name="Step">0-based index of the step these metrics describe.</param>
/// <param name="Values">Metric name to value.</param>
public sealed record RlStepMetrics(int Step, IReadOnlyDictionary<string, double> Values)
{
    /// <summary>A metric's value, or NaN when the step did not record it.</summary>
    public double this[string name] => Values.TryGetValue(name, out double v) ? v : double.NaN;

    /// <summary>One JSON object: {"step": t, "name": value, ...}.</summary>
    public string ToJson()
    {
        var obj = new Dictionary<string, object> { ["step"] = Step };
        foreach (var (k, v) in Values) obj[k] = double.IsFinite(v) ? v : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(obj);
    }
}
