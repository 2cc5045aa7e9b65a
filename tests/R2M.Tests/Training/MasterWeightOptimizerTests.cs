using R2M.MLNet.Native;
using R2M.MLNet.Training;
using R2M.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

public class MasterWeightOptimizerTests
{
    private const double Lr = 0.01, WeightDecay = 0.1, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;

    public MasterWeightOptimizerTests() => TorchRuntime.EnsureLoaded();

    /// <summary>A loss whose gradient with respect to the weight is exactly <paramref name="grad"/>: sum(w · g).</summary>
    private static Tensor LinearLoss(Linear layer, float[] grad) =>
        (layer.weight!.to_type(ScalarType.Float32) * tensor(grad).reshape(layer.weight.shape)).sum();

    private static Linear Layer(float[] weight)
    {
        var layer = nn.Linear(weight.Length, 1, hasBias: false);
        using (no_grad()) layer.weight!.copy_(tensor(weight).reshape(1, weight.Length));
        return layer;
    }

    /// <summary>AdamW as PyTorch defines it (decoupled decay, bias-corrected moments), in double, one coordinate.</summary>
    private static double[] AdamWByHand(double w, IReadOnlyList<double> grads)
    {
        double m = 0, v = 0;
        var path = new double[grads.Count];
        for (int t = 1; t <= grads.Count; t++)
        {
            double g = grads[t - 1];
            w *= 1 - Lr * WeightDecay;
            m = Beta1 * m + (1 - Beta1) * g;
            v = Beta2 * v + (1 - Beta2) * g * g;
            double mHat = m / (1 - Math.Pow(Beta1, t)), vHat = v / (1 - Math.Pow(Beta2, t));
            w -= Lr * mHat / (Math.Sqrt(vHat) + Eps);
            path[t - 1] = w;
        }
        return path;
    }

    [Fact]
    public void Bf16_steps_update_the_float32_master_as_float32_AdamW_and_round_it_into_the_bf16_weight()
    {
        using var scope = NewDisposeScope();
        // Weights that bf16 cannot hold exactly; gradients that it can (so the test sets them exactly).
        float[] start = [0.1234567f, -1.7654321f, 3.3333333f];
        float[][] grads = [[0.5f, -0.25f, 1.5f], [-3f, 0.125f, 0.75f]];
        var layer = Layer(start);
        using var optimizer = MasterWeightOptimizer.AdamW([layer], MixedPrecision.BFloat16, Lr, WeightDecay);
        layer.weight!.dtype.Should().Be(ScalarType.BFloat16, "forward and backward run in bf16");

        foreach (var g in grads)
        {
            optimizer.ZeroGrad();
            LinearLoss(layer, g).backward();
            optimizer.Step(maxGradNorm: 1e9);
        }

        var master = optimizer.MasterParameters.Single();
        master.dtype.Should().Be(ScalarType.Float32);
        float[] got = master.data<float>().ToArray();
        for (int i = 0; i < start.Length; i++)
            got[i].Should().BeApproximately((float)AdamWByHand(start[i], [grads[0][i], grads[1][i]])[^1], 1e-6f, $"coordinate {i}");
        Tensors.BitEqual(layer.weight!, master.to_type(ScalarType.BFloat16)).Should().BeTrue("the working weight is bf16(master)");
    }

    [Fact]
    public void An_update_below_bf16_resolution_accumulates_in_the_master_while_in_place_bf16_loses_it()
    {
        using var scope = NewDisposeScope();
        // Near 1, bf16 holds multiples of 2^-7 = 0.0078: AdamW's first steps move the weight by about lr = 0.001 each.
        const int steps = 10;
        const double lr = 1e-3;
        var mixed = Layer([1f]);
        var inPlace = Layer([1f]);
        inPlace.to(ScalarType.BFloat16);
        using var optimizer = MasterWeightOptimizer.AdamW([mixed], MixedPrecision.BFloat16, lr, weightDecay: 0);
        using var plain = new HeldScalarOptimizers.AdamW(inPlace.parameters(), lr: lr);

        for (int t = 0; t < steps; t++)
        {
            optimizer.ZeroGrad();
            LinearLoss(mixed, [1f]).backward();
            optimizer.Step(maxGradNorm: 1e9);
            plain.zero_grad();
            LinearLoss(inPlace, [1f]).backward();
            plain.step();
        }

        // A constant gradient makes every bias-corrected AdamW step lr · g / (|g| + eps).
        double expected = 1 - steps * lr / (1 + Eps);
        optimizer.MasterParameters.Single().item<float>().Should().BeApproximately((float)expected, 1e-6f);
        mixed.weight!.to_type(ScalarType.Float32).item<float>().Should().Be((float)Math.Round(expected * 256) / 256, "bf16(0.99) = 253/256");
        inPlace.weight!.to_type(ScalarType.Float32).item<float>().Should().Be(1f, "each 0.001 step rounds back to 1 in bf16");
    }

    [Fact]
    public void None_is_the_plain_optimizer_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var a = nn.Linear(4, 3);
        var b = nn.Linear(4, 3);
        b.load_state_dict(a.state_dict());
        var x = randn(5, 4);
        using var wrapped = MasterWeightOptimizer.AdamW([a], MixedPrecision.None, Lr, WeightDecay);
#pragma warning disable R2M0001 // the reference: TorchSharp's own AdamW
        using var plain = optim.AdamW(b.parameters(), lr: Lr, weight_decay: WeightDecay);
#pragma warning restore R2M0001

        for (int t = 0; t < 3; t++)
        {
            wrapped.ZeroGrad();
            a.forward(x).pow(TorchScalars.Two).sum().backward();
            wrapped.Step(maxGradNorm: 0.5);
            plain.zero_grad();
            b.forward(x).pow(TorchScalars.Two).sum().backward();
            nn.utils.clip_grad_norm_(b.parameters(), 0.5);
            plain.step();
        }

        wrapped.MasterParameters.Should().HaveCount(2).And.OnlyContain(p => p.dtype == ScalarType.Float32);
        Tensors.BitEqual(a.weight!, b.weight!).Should().BeTrue();
        Tensors.BitEqual(a.bias!, b.bias!).Should().BeTrue();
    }

    [Fact]
    public void Disposing_hands_back_float32_weights_holding_the_masters_and_frozen_weights_unrounded()
    {
        using var scope = NewDisposeScope();
        var layer = nn.Linear(2, 1);
        using (no_grad())
        {
            layer.weight!.copy_(tensor(new[] { 0.1f, 0.2f }).reshape(1, 2));
            using var bias = 0.3f.ToScalar();
        layer.bias!.fill_(bias);
        }
        layer.bias!.requires_grad = false;
        Tensor master;
        using (var optimizer = MasterWeightOptimizer.AdamW([layer], MixedPrecision.BFloat16, Lr, WeightDecay))
        {
            optimizer.MasterParameters.Should().ContainSingle("the frozen bias is not optimized");
            optimizer.ZeroGrad();
            LinearLoss(layer, [1f, -1f]).backward();
            optimizer.Step(maxGradNorm: 1e9);
            master = optimizer.MasterParameters.Single().detach().clone();
        }

        layer.weight!.dtype.Should().Be(ScalarType.Float32);
        Tensors.BitEqual(layer.weight!, master).Should().BeTrue();
        layer.bias!.dtype.Should().Be(ScalarType.Float32);
        layer.bias!.item<float>().Should().Be(0.3f, "a frozen weight goes back to its float32 value, not bf16(0.3)");
    }

    [Fact]
    public void A_snapshot_taken_in_bf16_restores_the_float32_master_values()
    {
        using var scope = NewDisposeScope();
        var layer = Layer([0.1234567f, 2.2222222f]);
        using var optimizer = MasterWeightOptimizer.AdamW([layer], MixedPrecision.BFloat16, Lr, WeightDecay);
        using var snapshot = optimizer.Snapshot();
        var before = optimizer.MasterParameters.Single().detach().clone();

        optimizer.ZeroGrad();
        LinearLoss(layer, [1f, 1f]).backward();
        optimizer.Step(maxGradNorm: 1e9);
        optimizer.Load(snapshot);

        Tensors.BitEqual(optimizer.MasterParameters.Single(), before).Should().BeTrue();
        Tensors.BitEqual(layer.weight!, before.to_type(ScalarType.BFloat16)).Should().BeTrue();
    }

    [Fact]
    public void A_checkpoint_saved_during_bf16_training_holds_the_float32_masters()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        manual_seed(6);
        var policy = new R2M.MLNet.Modeling.CausalLM(R2M.Tests.Runtime.TinyModels.Llama);
        using var optimizer = MasterWeightOptimizer.AdamW([policy], MixedPrecision.BFloat16, Lr, WeightDecay);
        var masters = optimizer.MasterWeights(policy);
        masters.Keys.Should().BeEquivalentTo(policy.state_dict().Keys);

        R2M.MLNet.Modeling.HfCheckpoint.Save(policy, dir.Path, masters);
        using var loaded = R2M.MLNet.Modeling.HfCheckpoint.LoadCausalLM(dir.Path);

        foreach (var (key, value) in loaded.state_dict())
            Tensors.BitEqual(value, masters[key]).Should().BeTrue($"{key} is the float32 master, not its bf16 copy");
    }
}
