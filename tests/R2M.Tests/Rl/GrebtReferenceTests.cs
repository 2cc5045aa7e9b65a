using R2M.Estimators.Rl;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

/// <summary>GREBT at group size 4 against the formula of docs/r2m-choices.md in plain doubles, and its gradient against finite differences.</summary>
public class GrebtReferenceTests
{
    private const int GroupSize = 4;
    private const double Alpha = 0.3;
    private const double Epsilon = 1e-6;

    // Two groups of four, all rewards distinct so argmax/argmin do not change under a small perturbation.
    private static readonly double[] Rewards = [0.2, -0.5, 1.1, 0.4, 2.0, 1.5, -1.0, 0.3];

    public GrebtReferenceTests() => TorchRuntime.EnsureLoaded();

    /// <summary>
    /// Mean over groups of (1 − α)·BT + α·GRE; BT = −log σ(max − min) = log(1 + e^−(max − min));
    /// GRE = −Σ p ln p, p = softmax((r − mean)/(population std + ε)).
    /// </summary>
    private static double Reference(double[] rewards)
    {
        double total = 0;
        int groups = rewards.Length / GroupSize;
        for (int g = 0; g < groups; g++)
        {
            var r = rewards.Skip(g * GroupSize).Take(GroupSize).ToArray();
            double mean = r.Average();
            double std = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / GroupSize);
            double bt = Math.Log(1 + Math.Exp(-(r.Max() - r.Min())));
            var z = r.Select(x => (x - mean) / (std + Epsilon)).ToArray();
            double zMax = z.Max();
            double norm = z.Sum(v => Math.Exp(v - zMax));
            double gre = -z.Select(v => Math.Exp(v - zMax) / norm).Sum(p => p * Math.Log(p));
            total += (1 - Alpha) * bt + Alpha * gre;
        }
        return total / groups;
    }

    [Fact]
    public void Grebt_of_two_groups_of_four_equals_the_formula_in_doubles()
    {
        using var scope = NewDisposeScope();

        var (loss, used) = GroupRewardLoss.Compute(tensor(Rewards), GroupSize, Alpha, Epsilon);

        used.Should().Be(2);
        // Spot check of group 0 by hand: max − min = 1.1 − (−0.5) = 1.6, BT = ln(1 + e^−1.6) = ln(1.201897) ≈ 0.183901.
        Math.Log(1 + Math.Exp(-1.6)).Should().BeApproximately(0.183901, 1e-6);
        loss.item<double>().Should().BeApproximately(Reference(Rewards), 1e-12);
    }

    [Fact]
    public void Grebt_gradient_matches_a_central_finite_difference_in_float64()
    {
        using var scope = NewDisposeScope();
        var rewards = tensor(Rewards, requires_grad: true);

        GroupRewardLoss.Compute(rewards, GroupSize, Alpha, Epsilon).Loss.backward();
        var grad = rewards.grad!.data<double>().ToArray();

        const double h = 1e-6;
        for (int i = 0; i < Rewards.Length; i++)
        {
            var plus = (double[])Rewards.Clone();
            var minus = (double[])Rewards.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (Reference(plus) - Reference(minus)) / (2 * h);
            grad[i].Should().BeApproximately(fd, 1e-7, $"∂loss/∂r[{i}]");
        }
        grad.Should().Contain(g => Math.Abs(g) > 1e-3, "the check is not vacuous");
    }
}
