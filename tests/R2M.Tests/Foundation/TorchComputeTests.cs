using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Foundation;

public class TorchComputeTests
{
    [Fact]
    public void Linear_forward_and_backward_match_hand_computed_values()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var linear = nn.Linear(2, 1);
        using (no_grad())
        {
            linear.weight!.copy_(tensor(new float[] { 0.5f, -1f }).reshape(1, 2));
            linear.bias!.copy_(tensor(new float[] { 0.25f }));
        }
        var x = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);   // (B=2, in=2)

        var y = linear.forward(x);                                  // (2, 1): [-1.25, -2.25]
        var loss = y.pow(TorchScalars.Two).mean();                  // (1.5625 + 5.0625) / 2
        loss.backward();

        y.data<float>().ToArray().Should().Equal(-1.25f, -2.25f);
        loss.item<float>().Should().Be(3.3125f);
        // dL/dw = mean(2·y·x) = ([-2.5, -5] + [-13.5, -18]) / 2; dL/db = mean(2·y)
        linear.weight.grad!.data<float>().ToArray().Should().Equal(-8f, -11.5f);
        linear.bias.grad!.item<float>().Should().Be(-3.5f);
    }
}
