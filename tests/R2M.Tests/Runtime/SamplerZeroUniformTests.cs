using R2M.MLNet.Generation;
using R2M.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

/// <summary>
/// The exponential race draws u ~ U[0, 1) in float32, which is exactly 0 with probability 2^−24; then
/// E = −log u = +∞ and p/E = 0. When top-k or top-p leaves a single token, that row becomes all zeros and
/// argmax returns id 0, a token whose probability after filtering is 0 (for GPT-2, "!"). Seed 3 hits it
/// once in 2^20 draws. The sampler keeps u away from 0.
/// </summary>
public class SamplerZeroUniformTests
{
    public SamplerZeroUniformTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Top_k_one_never_draws_a_filtered_token_even_when_a_uniform_draw_is_exactly_zero()
    {
        using var scope = NewDisposeScope();
        using var generator = new SeededDraws(3, CPU);
        var logits = tensor(new[] { 0f, 5f }).unsqueeze(0).expand(1 << 20, -1).contiguous(); // (2^20, 2): top-1 is id 1

        var (next, _) = TextGenerator.Sample(logits, new GenerationOptions { EosId = 0, PadId = 0, TopK = 1 }, generator);

        next.eq(TorchScalars.Zero).sum().item<long>().Should().Be(0, "id 0 is outside the top-1 and has probability 0 after filtering");
    }
}
