using R2M.MLNet.Native;
using R2M.MLNet.Training;
using R2M.Tests.Infrastructure;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

/// <summary>
/// HeldScalarOptimizers.AdamW against TorchSharp's own AdamW (the reference): the same weights bit for bit after several steps,
/// in every mode, and optimizer state files that load into each other. The update itself is checked against AdamW
/// written out by hand in <see cref="MasterWeightOptimizerTests"/>, which trains through this class.
/// </summary>
public class HeldScalarOptimizersTests
{
    public HeldScalarOptimizersTests() => TorchRuntime.EnsureLoaded();

    private static Parameter Weights(long seed)
    {
        using var generator = new Generator((ulong)seed);
        return new Parameter(randn([3, 5], generator: generator));
    }

    /// <summary>Gives <paramref name="p"/> the gradient of a loss that depends on the step, so moments change every step.</summary>
    private static void Backward(Parameter p, int step)
    {
        using var scope = NewDisposeScope();
        p.grad = null;
        using var k = (0.3 * step + 1).ToScalar();
        p.pow(TorchScalars.Two).mul(k).sum().add(p.sin().sum(), TorchScalars.One).backward();
    }

    [Theory]
    [InlineData(0.0, false, false)]
    [InlineData(0.1, false, false)]
    [InlineData(0.01, true, false)]
    [InlineData(0.0, false, true)]
    public void Steps_give_the_same_weights_bit_for_bit_as_TorchSharps_AdamW(double weightDecay, bool amsgrad, bool maximize)
    {
        var ours = Weights(3);
        var theirs = Weights(3);
        using var held = new HeldScalarOptimizers.AdamW([ours], lr: 0.01, weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize);
#pragma warning disable R2M0001 // the reference: TorchSharp's own AdamW
        using var reference = optim.AdamW([theirs], lr: 0.01, weight_decay: weightDecay, amsgrad: amsgrad, maximize: maximize);
#pragma warning restore R2M0001
        for (int step = 0; step < 6; step++)
        {
            Backward(ours, step);
            Backward(theirs, step);
            held.step();
            reference.step();
        }
        ours.data<float>().ToArray().Should().Equal(theirs.data<float>().ToArray());
        ours.data<float>().ToArray().Should().NotEqual(Weights(3).data<float>().ToArray(), "the steps moved the weights");
    }

    [Fact]
    public void State_files_of_the_two_load_into_each_other_and_continue_identically()
    {
        var ours = Weights(5);
        var theirs = Weights(5);
#pragma warning disable R2M0001 // the reference: TorchSharp's own AdamW
        using var reference = optim.AdamW([theirs], lr: 0.02, weight_decay: 0.05);
#pragma warning restore R2M0001
        for (int step = 0; step < 3; step++)
        {
            Backward(theirs, step);
            reference.step();
        }
        using (no_grad()) ours.copy_(theirs);
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) reference.save_state_dict(writer);
        stream.Position = 0;
        using var held = new HeldScalarOptimizers.AdamW([ours], lr: 0.02, weightDecay: 0.05);
        using (var reader = new BinaryReader(stream)) held.load_state_dict(reader);

        Backward(ours, 3);
        Backward(theirs, 3);
        held.step();
        reference.step();
        ours.data<float>().ToArray().Should().Equal(theirs.data<float>().ToArray());

        // And back: the held optimizer's file loads into TorchSharp's.
        var back = new MemoryStream();
        using (var writer = new BinaryWriter(back, System.Text.Encoding.UTF8, leaveOpen: true)) held.save_state_dict(writer);
        back.Position = 0;
        var copy = new Parameter(ours.detach().clone());
#pragma warning disable R2M0001 // the reference: TorchSharp's own AdamW
        using var restored = optim.AdamW([copy], lr: 0.02, weight_decay: 0.05);
#pragma warning restore R2M0001
        using (var reader = new BinaryReader(back)) restored.load_state_dict(reader);
        ((TorchSharp.Modules.AdamW.State)restored.state_dict().State[0]).step.Should().Be(4);
    }
}
