using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

/// <summary>
/// <see cref="SeededDraws"/>, the one source of the sampler's and the noise aligner's random numbers. On the CPU it
/// must be TorchSharp's seeded generator stream exactly (every CPU result recorded before it existed stays the same);
/// the CUDA path (per-draw seeds from <see cref="SeededDraws.Mix"/>) runs in the GPU bundle's self-check.
/// </summary>
public class SeededDrawsTests
{
    public SeededDrawsTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Cpu_draws_continue_one_generator_stream_exactly()
    {
        using var scope = NewDisposeScope();
        using var reference = new Generator(42, CPU);
        var expectedUniform = rand([3, 5], generator: reference);
        var expectedNormal = randn([4], generator: reference);
        var expectedSecond = rand([2], generator: reference);

        using var draws = new SeededDraws(42, CPU);
        draws.Uniform([3, 5]).eq(expectedUniform).all().item<bool>().Should().BeTrue();
        draws.Normal([4]).eq(expectedNormal).all().item<bool>().Should().BeTrue();
        draws.Uniform([2]).eq(expectedSecond).all().item<bool>().Should().BeTrue("the second uniform draw continues the stream, as the sampler's tokens do");
    }

    [Fact]
    public void Uniform_draws_lie_in_the_unit_interval_and_normal_draws_have_unit_scale()
    {
        using var scope = NewDisposeScope();
        using var draws = new SeededDraws(7, CPU);
        var u = draws.Uniform([1 << 16]);
        var z = draws.Normal([1 << 16]);

        u.min().item<float>().Should().BeGreaterThanOrEqualTo(0f);
        u.max().item<float>().Should().BeLessThan(1f);
        u.mean().item<float>().Should().BeApproximately(0.5f, 0.01f);    // sd of the mean 0.0011
        z.mean().item<float>().Should().BeApproximately(0f, 0.02f);      // sd of the mean 0.0039
        z.std().item<float>().Should().BeApproximately(1f, 0.02f);
    }

    [Fact]
    public void Per_draw_seeds_differ_for_neighbouring_draws_and_seeds()
    {
        var seeds = new HashSet<ulong>();
        for (ulong seed = 0; seed < 64; seed++)
            for (ulong draw = 0; draw < 64; draw++)
                seeds.Add(SeededDraws.Mix(seed, draw));
        seeds.Should().HaveCount(64 * 64, "every (seed, draw) pair seeds the device generator differently");
        SeededDraws.Mix(1, 0).Should().Be(SeededDraws.Mix(1, 0));
    }

    [Fact]
    public void A_disposed_source_refuses_to_draw()
    {
        var draws = new SeededDraws(1, CPU);
        draws.Dispose();
        draws.Invoking(d => d.Uniform([1])).Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Waiting_for_the_cpu_is_a_no_op_and_a_null_device_is_refused()
    {
        // DeviceSync.Wait guards the RL phase timers; on the CPU it must neither block nor start CUDA.
        DeviceSync.Wait(CPU);
        FluentActions.Invoking(() => DeviceSync.Wait(null!)).Should().Throw<ArgumentNullException>();
    }
}
