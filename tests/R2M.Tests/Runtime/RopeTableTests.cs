using FluentAssertions;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

public class RopeTableTests
{
    public RopeTableTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void A_lookup_is_bit_identical_to_computing_the_tables_for_those_positions(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var table = RopeTable.Build(1024, headDim: 8, theta: 10000, dtype, CPU);
        var positions = tensor(new long[] { 0, 1, 7, 300, 1023, 5, 999, 512 }).reshape(2, 4); // (B 2, T 4)
        var (cos, sin) = table.Lookup(positions);
        var (refCos, refSin) = Rope.Tables(positions, 8, 10000, dtype);
        cos.shape.Should().Equal(2, 1, 4, 8);
        Tensors.BitEqual(cos.contiguous(), refCos.contiguous()).Should().BeTrue();
        Tensors.BitEqual(sin.contiguous(), refSin.contiguous()).Should().BeTrue();
    }

    [Fact]
    public void A_forward_past_the_first_table_capacity_matches_the_same_forward_with_supplied_positions()
    {
        // Positions derived from the mask use the cached table (first built for 256 positions, then rebuilt larger);
        // supplied position ids are computed directly. Both must give the same hidden states.
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new CausalLM(TinyModels.Llama);
        model.eval();
        using var noGrad = no_grad();
        var shortIds = randint(0, 50, [1, 20], dtype: ScalarType.Int64);
        model.ForwardHidden(shortIds);                                                   // builds the 256-position table
        var ids = randint(0, 50, [2, 300], dtype: ScalarType.Int64);
        var mask = ones_like(ids);
        mask[1, ..5] = zeros(5, ScalarType.Int64);                                       // a left-padded row
        var positions = mask.cumsum(1).sub(TorchScalars.One).clamp_min(TorchScalars.Zero);
        var viaTable = model.ForwardHidden(ids, mask);
        var direct = model.ForwardHidden(ids, mask, positions);
        Tensors.BitEqual(viaTable, direct).Should().BeTrue();
    }
}
