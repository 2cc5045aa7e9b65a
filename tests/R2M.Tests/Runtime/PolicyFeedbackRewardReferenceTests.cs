using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

/// <summary>
/// R2M's reward head at ω &lt; 1 against the cross-attention written out in plain doubles from the head's own
/// weights (state_dict), and the key-padding mask: padded feedback positions never reach the reward.
/// </summary>
public class PolicyFeedbackRewardReferenceTests
{
    private const int RewardWidth = 3; // D_rm
    private const int PolicyWidth = 4; // D_p
    private const int Width = 2;       // d
    private const int Positions = 3;   // S

    public PolicyFeedbackRewardReferenceTests() => TorchRuntime.EnsureLoaded();

    private static PolicyFeedbackRewardHead Head(ScalarType dtype)
    {
        manual_seed(17);
        using var rewardHead = nn.Linear(RewardWidth, 1, hasBias: false);
        var head = new PolicyFeedbackRewardHead(rewardHead, PolicyWidth, Width);
        head.to(dtype);
        return head;
    }

    /// <summary>Row-major (out, in) weight of a bias-free linear layer.</summary>
    private static double[,] Weight(PolicyFeedbackRewardHead head, string key)
    {
        var w = head.state_dict()[key];
        var flat = w.to_type(ScalarType.Float64).data<double>().ToArray();
        var result = new double[w.shape[0], w.shape[1]];
        for (int o = 0; o < w.shape[0]; o++)
            for (int i = 0; i < w.shape[1]; i++)
                result[o, i] = flat[o * w.shape[1] + i];
        return result;
    }

    /// <summary>y = W·x for W (out, in).</summary>
    private static double[] Apply(double[,] w, double[] x)
    {
        var y = new double[w.GetLength(0)];
        for (int o = 0; o < y.Length; o++)
            for (int i = 0; i < x.Length; i++)
                y[o] += w[o, i] * x[i];
        return y;
    }

    /// <summary>
    /// r = φ·((1 − ω)·Ĥ + ω·rte), Ĥ = Wo·Σ_s a_s·(Wv·h_s), a = softmax over unmasked s of (Wq·rte)·(Wk·h_s)/√d.
    /// </summary>
    private static double Reference(PolicyFeedbackRewardHead head, double[] rte, double[][] feedback, int[] keyMask, double omega)
    {
        var wq = Weight(head, "cross.wq.weight");
        var wk = Weight(head, "cross.wk.weight");
        var wv = Weight(head, "cross.wv.weight");
        var wo = Weight(head, "cross.wo.weight");
        var phi = Weight(head, "score.weight");
        var q = Apply(wq, rte);
        var real = Enumerable.Range(0, feedback.Length).Where(s => keyMask[s] == 1).ToArray();
        var scores = real.Select(s => Apply(wk, feedback[s]).Zip(q, (k, qj) => k * qj).Sum() / Math.Sqrt(Width)).ToArray();
        double top = scores.Max();
        var weights = scores.Select(x => Math.Exp(x - top)).ToArray();
        double norm = weights.Sum();
        var attended = new double[Width];
        for (int n = 0; n < real.Length; n++)
        {
            var v = Apply(wv, feedback[real[n]]);
            for (int j = 0; j < Width; j++) attended[j] += weights[n] / norm * v[j];
        }
        var hHat = Apply(wo, attended);
        var blended = hHat.Select((x, m) => (1 - omega) * x + omega * rte[m]).ToArray();
        return Apply(phi, blended)[0];
    }

    private static double[] Row(double[] flat, int index, int width) => flat.Skip(index * width).Take(width).ToArray();

    [Fact]
    public void Reward_at_omega_0_3_equals_the_blend_of_masked_cross_attention_and_rte_computed_by_hand()
    {
        using var scope = NewDisposeScope();
        using var head = Head(ScalarType.Float64);
        double[] rte = [0.5, -1.0, 2.0, 1.5, 0.25, -0.75];                                           // (2, 3)
        double[] feedback = Enumerable.Range(0, 2 * Positions * PolicyWidth).Select(i => Math.Sin(0.7 * i + 0.3) * 1.5).ToArray(); // (2, 3, 4)
        int[][] masks = [[1, 1, 1], [1, 1, 0]];                                                     // row 1: last position is padding

        var reward = head.Reward(
            tensor(rte).reshape(2, RewardWidth),
            tensor(feedback).reshape(2, Positions, PolicyWidth),
            tensor(masks.SelectMany(m => m).Select(m => (long)m).ToArray()).reshape(2, Positions),
            omega: 0.3).data<double>().ToArray();

        for (int b = 0; b < 2; b++)
        {
            var h = Enumerable.Range(0, Positions).Select(s => Row(feedback, b * Positions + s, PolicyWidth)).ToArray();
            reward[b].Should().BeApproximately(Reference(head, Row(rte, b, RewardWidth), h, masks[b], 0.3), 1e-12, $"row {b}");
        }
        // The reference is not blind to the mask: attending to row 1's padded position gives another value.
        var h1 = Enumerable.Range(0, Positions).Select(s => Row(feedback, Positions + s, PolicyWidth)).ToArray();
        Math.Abs(Reference(head, Row(rte, 1, RewardWidth), h1, [1, 1, 1], 0.3) - reward[1]).Should().BeGreaterThan(1e-6);
    }

    [Fact]
    public void Reward_at_omega_one_is_the_score_head_on_rte_alone()
    {
        using var scope = NewDisposeScope();
        using var head = Head(ScalarType.Float64);
        double[] rte = [0.5, -1.0, 2.0];
        var phi = Weight(head, "score.weight");

        var reward = head.Reward(tensor(rte).reshape(1, 3), randn(1, Positions, PolicyWidth, ScalarType.Float64), ones(1, Positions, ScalarType.Int64), omega: 1.0);

        reward.item<double>().Should().BeApproximately(phi[0, 0] * 0.5 - phi[0, 1] + phi[0, 2] * 2.0, 1e-12);
    }

    [Fact]
    public void Feedback_at_a_masked_position_leaves_the_reward_bit_identical()
    {
        using var scope = NewDisposeScope();
        using var head = Head(ScalarType.Float32);
        manual_seed(3);
        var rte = randn(2, RewardWidth);
        var feedback = randn(2, Positions, PolicyWidth);
        var keyMask = tensor(new long[] { 1, 1, 1, 1, 1, 0 }).reshape(2, Positions);

        var before = head.Reward(rte, feedback, keyMask, omega: 0.3);
        using var large = 1e4f.ToScalar();
        var changed = feedback.clone();
        changed[1, 2] = full(PolicyWidth, large);                      // row 1's padded position
        var after = head.Reward(rte, changed, keyMask, omega: 0.3);
        var real = feedback.clone();
        real[1, 1] = full(PolicyWidth, large);                         // a real position of the same row
        var afterReal = head.Reward(rte, real, keyMask, omega: 0.3);

        Tensors.BitEqual(after, before).Should().BeTrue();
        afterReal[1].item<float>().Should().NotBe(before[1].item<float>(), "a real position does reach the reward");
    }
}
