using R2M.MLNet.Generation;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

/// <summary>
/// <see cref="TextGenerator.Sample"/> (the exponential race) against the softmax distribution: chi-square
/// goodness of fit for fixed seeds, with a negative control, and where top-p cuts the distribution.
/// </summary>
public class SamplerDistributionTests
{
    private const int Draws = 20_000;

    // Upper 0.1% points of the chi-square distribution (99.9% quantiles), by degrees of freedom
    // (standard tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
    private static readonly Dictionary<int, double> Critical999 = new()
    {
        [1] = 10.828, [2] = 13.816, [3] = 16.266, [4] = 18.467, [5] = 20.515, [6] = 22.458, [7] = 24.322,
    };

    private static readonly double[] Logits = [1.2, -0.3, 0.5, 2.0, -1.5, 0.0, 0.8, -0.7];

    public SamplerDistributionTests() => TorchRuntime.EnsureLoaded();

    private static GenerationOptions Options(double temperature = 1.0, int topK = 0, double topP = 1.0) =>
        new() { EosId = 0, PadId = 0, Temperature = temperature, TopK = topK, TopP = topP };

    /// <summary>Draws <see cref="Draws"/> tokens from one row of logits repeated; returns the count of each id.</summary>
    private static long[] Counts(double[] logits, GenerationOptions options, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new SeededDraws(seed, CPU);
        var batch = tensor(logits.Select(x => (float)x).ToArray()).unsqueeze(0).expand(Draws, -1).contiguous(); // (N, V)
        var (next, _) = TextGenerator.Sample(batch, options, generator);
        var counts = new long[logits.Length];
        foreach (long id in next.data<long>().ToArray()) counts[id]++;
        return counts;
    }

    /// <summary>softmax(logits/T) restricted to the k largest logits (k = 0: all), in doubles.</summary>
    private static double[] Expected(double[] logits, double temperature, int topK)
    {
        var kept = logits.Select((x, i) => (x, i)).OrderByDescending(p => p.x).Take(topK == 0 ? logits.Length : topK).Select(p => p.i).ToHashSet();
        double top = logits.Max() / temperature;
        var weights = logits.Select((x, i) => kept.Contains(i) ? Math.Exp(x / temperature - top) : 0).ToArray();
        double sum = weights.Sum();
        return weights.Select(w => w / sum).ToArray();
    }

    /// <summary>Pearson's statistic over the ids with positive expected probability; an observed id outside them gives +∞.</summary>
    private static (double Statistic, int DegreesOfFreedom) ChiSquare(long[] counts, double[] expected)
    {
        long total = counts.Sum();
        double statistic = 0;
        int cells = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (expected[i] == 0)
            {
                if (counts[i] > 0) return (double.PositiveInfinity, 0);
                continue;
            }
            double e = expected[i] * total;
            statistic += (counts[i] - e) * (counts[i] - e) / e;
            cells++;
        }
        return (statistic, cells - 1);
    }

    [Theory]
    [InlineData(1.0, 0, 11UL)]
    [InlineData(0.7, 0, 12UL)]
    [InlineData(1.0, 4, 13UL)]
    [InlineData(1.6, 3, 14UL)]
    public void Sampled_counts_fit_the_tempered_top_k_softmax_and_a_wrong_distribution_does_not(double temperature, int topK, ulong seed)
    {
        var counts = Counts(Logits, Options(temperature, topK), seed);

        var (fit, df) = ChiSquare(counts, Expected(Logits, temperature, topK));
        df.Should().Be((topK == 0 ? Logits.Length : topK) - 1);
        fit.Should().BeLessThan(Critical999[df], $"counts [{string.Join(", ", counts)}] should fit softmax(l/{temperature}) top-{topK}");

        // Negative control: the same counts against a 25% different temperature fail the same threshold.
        var (wrong, wrongDf) = ChiSquare(counts, Expected(Logits, temperature * 1.25, topK));
        wrong.Should().BeGreaterThan(Critical999[wrongDf], "the test can tell a wrong distribution apart");
    }

    [Fact]
    public void Top_k_never_draws_a_token_outside_the_k_largest_logits()
    {
        var counts = Counts(Logits, Options(topK: 3), seed: 21);

        // Largest logits: id 3 (2.0), id 0 (1.2), id 6 (0.8).
        counts.Select((c, i) => (c, i)).Where(p => p.c > 0).Select(p => p.i).Should().BeEquivalentTo([3, 0, 6]);
    }

    [Fact]
    public void Top_k_keeps_every_token_tied_with_the_kth_largest_logit()
    {
        // Like transformers' TopKLogitsWarper: tokens below the k-th logit are dropped, ties with it stay.
        var counts = Counts([1.0, 1.0, 1.0, 0.0], Options(topK: 2), seed: 51);

        counts[..3].Should().OnlyContain(c => c > 0, $"counts [{string.Join(", ", counts)}]");
        counts[3].Should().Be(0);
    }

    [Theory]
    [InlineData(0.5, 2)]        // 0.25 + 0.25 reaches 0.5 exactly: the third token is not needed
    [InlineData(0.75, 3)]
    [InlineData(0.5000001, 3)]  // just past the boundary the third token is needed
    public void Top_p_on_a_uniform_distribution_keeps_the_smallest_set_whose_mass_reaches_p_exactly(double topP, int kept)
    {
        // Four equal logits: each probability is exactly 0.25 in float32, so the cumulative mass hits 0.5 and
        // 0.75 exactly at token boundaries. Which of the tied tokens are kept is the sort's choice.
        var counts = Counts([0.0, 0.0, 0.0, 0.0], Options(topP: topP), seed: 31);

        counts.Count(c => c > 0).Should().Be(kept, $"counts [{string.Join(", ", counts)}]");
        var uniform = counts.Select(c => c > 0 ? 1.0 / kept : 0).ToArray();
        var (fit, df) = ChiSquare(counts, uniform);
        fit.Should().BeLessThan(Critical999[df], "the kept tokens are renormalised to equal shares");
    }

    [Theory]
    [InlineData(0.69, new[] { 3, 0 })]       // 0.40 + 0.30 = 0.70 ≥ 0.69
    [InlineData(0.71, new[] { 3, 0, 5 })]    // 0.70 < 0.71: id 5 (0.20) crosses p and is kept; id 1 is not
    public void Top_p_keeps_the_token_that_crosses_p_and_never_draws_the_next_one(double topP, int[] keptIds)
    {
        // Probabilities by id: 0.30, 0.05, 0.02, 0.40, 0.03, 0.20; sorted 3, 0, 5, 1, 4, 2 with mass before
        // each 0, 0.40, 0.70, 0.90, 0.95, 0.98.
        double[] p = [0.30, 0.05, 0.02, 0.40, 0.03, 0.20];
        var counts = Counts(p.Select(x => Math.Log(x)).ToArray(), Options(topP: topP), seed: 41);

        counts.Select((c, i) => (c, i)).Where(x => x.c > 0).Select(x => x.i).Should().BeEquivalentTo(keptIds);
        double mass = keptIds.Sum(i => p[i]);
        var renormalised = p.Select((x, i) => keptIds.Contains(i) ? x / mass : 0).ToArray();
        var (fit, df) = ChiSquare(counts, renormalised);
        fit.Should().BeLessThan(Critical999[df], $"counts [{string.Join(", ", counts)}] follow p renormalised over the kept ids");
        var (unrenormalised, fullDf) = ChiSquare(counts, p);
        unrenormalised.Should().BeGreaterThan(Critical999[fullDf], "the negative control: the full distribution expects the dropped ids");
    }

    [Fact]
    public void Same_seed_gives_the_same_draws_and_another_seed_other_draws()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(Logits.Select(x => (float)x).ToArray()).unsqueeze(0).expand(64, -1).contiguous();
        using var g1 = new SeededDraws(5, CPU);
        using var g2 = new SeededDraws(5, CPU);
        using var g3 = new SeededDraws(6, CPU);

        var a = TextGenerator.Sample(logits, Options(), g1).Next.data<long>().ToArray();
        var b = TextGenerator.Sample(logits, Options(), g2).Next.data<long>().ToArray();
        var c = TextGenerator.Sample(logits, Options(), g3).Next.data<long>().ToArray();

        a.Should().Equal(b);
        a.Should().NotEqual(c);
    }

    [Fact]
    public void Returned_log_probability_is_of_the_tempered_distribution_before_top_k_truncation()
    {
        using var scope = NewDisposeScope();
        using var generator = new SeededDraws(7, CPU);
        var logits = tensor(Logits.Select(x => (float)x).ToArray()).unsqueeze(0).expand(32, -1).contiguous();

        var (next, logProb) = TextGenerator.Sample(logits, Options(temperature: 0.7, topK: 3), generator);

        // log softmax(l/0.7) of the drawn id over all 8 ids (not renormalised over the 3 kept).
        var full = Expected(Logits, 0.7, 0);
        var ids = next.data<long>().ToArray();
        var lp = logProb.data<float>().ToArray();
        for (int i = 0; i < ids.Length; i++) ((double)lp[i]).Should().BeApproximately(Math.Log(full[ids[i]]), 1e-5);
    }
}
