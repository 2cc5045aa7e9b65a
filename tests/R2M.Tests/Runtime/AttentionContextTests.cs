using FluentAssertions;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using Xunit;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

public class AttentionContextTests
{
    public AttentionContextTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void A_decode_step_gets_the_general_paths_positions_and_mask()
    {
        using var scope = NewDisposeScope();
        var config = CausalLMConfig.Llama(259, 32, 2, 4, 2, 64, 64);
        using var cache = KvCache.Create(config, batch: 2, capacity: 8, ScalarType.Float32, CPU);
        cache.Advance(4);
        // Row 0: two left pads, then three real tokens (the new one last). Row 1: four real tokens and a finished
        // row's new position (mask 0). Positions count the real tokens before the new one: 2 and 3.
        var mask = tensor(new long[] { 0, 0, 1, 1, 1, 1, 1, 1, 1, 0 }).reshape(2, 5);
        var ids = tensor(new long[] { 7, 9 }).reshape(2, 1);

        var decode = AttentionContext.Create(ids, mask, null, cache, ScalarType.Float32);
        var general = AttentionContext.Create(ids, mask, tensor(new long[] { 2, 3 }).reshape(2, 1), cache, ScalarType.Float32); // position ids given: the general path

        decode.Positions.data<long>().ToArray().Should().Equal(2, 3);
        decode.Mask.shape.Should().Equal(general.Mask.shape);
        Tensors.BitEqual(decode.Mask.contiguous(), general.Mask.contiguous()).Should().BeTrue();
        decode.PositionBound.Should().Be(5);
    }
}
