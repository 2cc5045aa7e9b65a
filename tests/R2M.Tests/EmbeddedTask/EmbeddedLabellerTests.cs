using R2M.Estimators.EmbeddedTask;
using R2M.MLNet.Data;

namespace R2M.Tests.EmbeddedTask;

public class EmbeddedLabellerTests
{
    private static double Gold(PreferencePair p, bool chosen) => EmbeddedJudge.Score(p.Prompt, chosen ? p.Chosen : p.Rejected);

    private static IReadOnlyList<PreferencePair> Sample(double noise, double lengthBias, int count = 20_000) =>
        EmbeddedTaskData.Create(3, new EmbeddedTaskOptions
        {
            PreferencePairs = count, ValidationPreferencePairs = 0, SftPairs = 1, SftValidationPairs = 0, NoiseRate = noise, LengthBias = lengthBias,
        }).PreferenceTrain;

    [Fact]
    public void A_quarter_of_the_labels_contradict_a_clear_gold_gap()
    {
        var pairs = Sample(0.25, 0.2);

        // Where the gold gap exceeds the length tolerance, only noise can pick the lower-gold response.
        var clear = pairs.Where(p => Math.Abs(Gold(p, true) - Gold(p, false)) > 0.2).ToList();
        double flipped = clear.Count(p => Gold(p, true) < Gold(p, false)) / (double)clear.Count;

        clear.Count.Should().BeGreaterThan(3000);
        flipped.Should().BeInRange(0.22, 0.28);
    }

    [Fact]
    public void Without_noise_or_bias_the_labels_follow_gold()
    {
        var pairs = Sample(0, 0, 4000);

        pairs.Should().OnlyContain(p => Gold(p, true) >= Gold(p, false));
    }

    [Fact]
    public void Within_the_tolerance_the_longer_answer_wins_even_when_gold_says_otherwise()
    {
        // Pairs whose shorter answer has the (slightly) higher gold: the bias picks the longer one 75% of the time
        // (noise flips the other 25%); without bias the longer one wins only by noise.
        static double LongerWins(IReadOnlyList<PreferencePair> pairs)
        {
            var contested = pairs.Where(p =>
            {
                double gc = Gold(p, true), gr = Gold(p, false);
                var (longGold, shortGold) = p.Chosen.Length > p.Rejected.Length ? (gc, gr) : (gr, gc);
                return p.Chosen.Length != p.Rejected.Length && shortGold > longGold && shortGold - longGold <= 0.2;
            }).ToList();
            contested.Count.Should().BeGreaterThan(1000);
            return contested.Count(p => p.Chosen.Length > p.Rejected.Length) / (double)contested.Count;
        }

        LongerWins(Sample(0.25, 0.2)).Should().BeInRange(0.71, 0.79);
        LongerWins(Sample(0.25, 0)).Should().BeInRange(0.21, 0.29);
    }

    [Fact]
    public void Label_applies_the_documented_rule_to_a_hand_case()
    {
        var random = new Random(1);
        var labeller = new EmbeddedLabeller(NoiseRate: 0, LengthBias: 0.2);

        // " red blue green ok" (gold 0.875) is within 0.2 of " red blue green" (1) and longer: it wins.
        labeller.Label("list 3 colors:", " red blue green", " red blue green ok", random).Chosen.Should().Be(" red blue green ok");
        // " red blue green and more" (gold 0.625) is not within 0.2: gold wins.
        labeller.Label("list 3 colors:", " red blue green and more", " red blue green", random).Chosen.Should().Be(" red blue green");
    }
}
