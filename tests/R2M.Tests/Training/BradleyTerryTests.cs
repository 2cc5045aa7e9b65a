using R2M.Estimators.Training;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

public class BradleyTerryTests
{
    public BradleyTerryTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Loss_equals_the_hand_computed_value()
    {
        using var scope = NewDisposeScope();
        // −log σ(1 − 0 − 0) = log(1 + e^−1); −log σ(0.5 − 2 − (−1)) = log(1 + e^0.5)
        var loss = BradleyTerry.Loss(tensor(new[] { 1.0, 0.5 }), tensor(new[] { 0.0, 2.0 }), tensor(new[] { 0.0, -1.0 }));

        loss.item<double>().Should().BeApproximately((Math.Log(1 + Math.Exp(-1)) + Math.Log(1 + Math.Exp(0.5))) / 2, 1e-12);
    }

    [Fact]
    public void Gradient_matches_central_finite_differences()
    {
        using var scope = NewDisposeScope();
        double[] c = [0.3, -1.2, 2.5, 0.0], r = [0.1, 0.4, -0.7, 3.0], m = [0.0, 0.5, -0.25, 1.0];
        var chosen = tensor(c, requires_grad: true);
        var rejected = tensor(r, requires_grad: true);
        BradleyTerry.Loss(chosen, rejected, tensor(m)).backward();
        double[] gc = chosen.grad!.data<double>().ToArray(), gr = rejected.grad!.data<double>().ToArray();

        const double h = 1e-6;
        double F(double[] cc, double[] rr)
        {
            using var s = NewDisposeScope();
            return BradleyTerry.Loss(tensor(cc), tensor(rr), tensor(m)).item<double>();
        }
        for (int i = 0; i < c.Length; i++)
        {
            double[] cp = (double[])c.Clone(), cm = (double[])c.Clone(), rp = (double[])r.Clone(), rm = (double[])r.Clone();
            cp[i] += h; cm[i] -= h; rp[i] += h; rm[i] -= h;
            gc[i].Should().BeApproximately((F(cp, r) - F(cm, r)) / (2 * h), 1e-8);
            gr[i].Should().BeApproximately((F(c, rp) - F(c, rm)) / (2 * h), 1e-8);
            gc[i].Should().BeApproximately(-gr[i], 1e-15, "the loss depends on r_c − r_r only");
        }
    }

    [Fact]
    public void Loss_is_finite_for_huge_reward_gaps()
    {
        using var scope = NewDisposeScope();
        BradleyTerry.Loss(tensor(new[] { -1000f }), tensor(new[] { 1000f })).item<float>().Should().Be(2000f);
        BradleyTerry.Loss(tensor(new[] { 1000f }), tensor(new[] { -1000f })).item<float>().Should().Be(0f);
    }
}
