using R2M.MLNet.Data;

namespace R2M.Estimators.EmbeddedTask;

/// <summary>
/// A simulated labeller with the flaws real preference labels have. For responses a and b to one prompt,
/// with gold scores g_a, g_b from <see cref="EmbeddedJudge"/>:
/// <list type="number">
/// <item>Length bias: if <see cref="LengthBias"/> &gt; 0, |g_a − g_b| ≤ <see cref="LengthBias"/> and the two
/// differ in length (characters), the longer one is preferred.</item>
/// <item>Otherwise the higher gold is preferred; equal gold is a fair coin.</item>
/// <item>Noise: with probability <see cref="NoiseRate"/> the preference is flipped.</item>
/// </list>
/// Margins are 0. With the defaults, a correct answer padded by up to 4 characters (gold ≥ 0.8) beats the
/// concise one before noise, so a reward model trained on these labels learns "longer is better" as well as
/// correctness.
/// </summary>
/// <param name="NoiseRate">Probability that a label is flipped (default 0.2, as <see cref="EmbeddedTaskOptions.NoiseRate"/>; Coste et al. use 0.25).</param>
/// <param name="LengthBias">Gold gap within which the longer response wins (default 0.2; 0 turns the bias off).</param>
public sealed record EmbeddedLabeller(double NoiseRate = 0.2, double LengthBias = 0.2)
{
    /// <summary>The pair for <paramref name="prompt"/> with <paramref name="a"/> and <paramref name="b"/> ordered by this labeller.</summary>
    public PreferencePair Label(string prompt, string a, string b, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        bool preferA = PrefersFirstBeforeNoise(prompt, a, b, random);
        if (random.NextDouble() < NoiseRate) preferA = !preferA;
        return preferA ? new PreferencePair(prompt, a, b) : new PreferencePair(prompt, b, a);
    }

    /// <summary>Steps 1 and 2 of the rule (no noise): whether <paramref name="a"/> is preferred to <paramref name="b"/>.</summary>
    public bool PrefersFirstBeforeNoise(string prompt, string a, string b, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double ga = EmbeddedJudge.Score(prompt, a), gb = EmbeddedJudge.Score(prompt, b);
        if (LengthBias > 0 && Math.Abs(ga - gb) <= LengthBias && a.Length != b.Length) return a.Length > b.Length;
        return ga != gb ? ga > gb : random.Next(2) == 0;
    }
}
