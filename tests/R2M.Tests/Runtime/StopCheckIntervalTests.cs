using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

/// <summary>
/// Checking whether every row has stopped only every N tokens (to save a device-to-host sync per token on
/// CUDA) must not change what generation returns.
/// </summary>
public class StopCheckIntervalTests
{
    public StopCheckIntervalTests() => TorchRuntime.EnsureLoaded();

    private const int MaxNewTokens = 24;

    // Ten stop ids in a 50-token vocabulary: with this seed, every row stops early, each at another position.
    private static GenerationOptions Sampling(bool cache) => new()
    {
        MaxNewTokens = MaxNewTokens, Temperature = 1.0, Seed = 5, EosId = 49, PadId = 0,
        StopTokenIds = [3, 8, 13, 18, 23, 28, 33, 38, 43], UseCache = cache, ReturnHiddenStates = true,
    };

    private static GenerationResult Generate(CausalLM model, GenerationOptions options)
    {
        var (ids, mask) = PromptBatch.LeftPad([[1, 2, 3], [4, 5, 6, 7, 9], [10, 11], [12]], 0);
        return TextGenerator.Generate(model, ids, mask, options);
    }

    [Theory]
    [InlineData("llama", true)]
    [InlineData("llama", false)]
    [InlineData("gpt2", true)]
    [InlineData("qwen2", true)]
    public void Checking_every_4_or_7_tokens_returns_bit_identical_tokens_log_probs_masks_and_hidden_states(string family, bool cache)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new CausalLM(TinyModels.ByName(family));
        model.eval();
        using var everyToken = Generate(model, Sampling(cache) with { StopCheckInterval = 1 });
        long[] lengths = everyToken.ResponseMask.sum(1).data<long>().ToArray();
        everyToken.ResponseTokens.shape[1].Should().BeLessThan(MaxNewTokens, "every row stops before the limit");
        lengths.Distinct().Should().HaveCountGreaterThan(1, "rows stop at different positions");

        foreach (int interval in new[] { 4, 7 })
        {
            using var checkedLess = Generate(model, Sampling(cache) with { StopCheckInterval = interval });
            Tensors.BitEqual(checkedLess.Sequences, everyToken.Sequences).Should().BeTrue($"tokens, interval {interval}");
            Tensors.BitEqual(checkedLess.AttentionMask, everyToken.AttentionMask).Should().BeTrue($"mask, interval {interval}");
            Tensors.BitEqual(checkedLess.LogProbs, everyToken.LogProbs).Should().BeTrue($"log-probs, interval {interval}");
            Tensors.BitEqual(checkedLess.HiddenStates!, everyToken.HiddenStates!).Should().BeTrue($"hidden states, interval {interval}");
        }
    }

    [Fact]
    public void A_row_that_never_stops_runs_to_the_limit_whatever_the_interval()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var model = new CausalLM(TinyModels.Llama);
        model.eval();
        var options = Sampling(cache: true) with { StopTokenIds = [], EosId = -1, MaxNewTokens = 10 };

        using var everyToken = Generate(model, options with { StopCheckInterval = 1 });
        using var every7 = Generate(model, options with { StopCheckInterval = 7 });

        every7.ResponseTokens.shape[1].Should().Be(10);
        Tensors.BitEqual(every7.Sequences, everyToken.Sequences).Should().BeTrue();
        Tensors.BitEqual(every7.HiddenStates!, everyToken.HiddenStates!).Should().BeTrue();
    }

    [Fact]
    public void Default_interval_is_1_on_cpu_and_8_on_cuda_and_below_1_is_refused()
    {
        var options = Sampling(cache: true);
        options.StopCheckIntervalOn(DeviceType.CPU).Should().Be(1);
        options.StopCheckIntervalOn(DeviceType.CUDA).Should().Be(8);
        (options with { StopCheckInterval = 3 }).StopCheckIntervalOn(DeviceType.CUDA).Should().Be(3);
        Action validate = (options with { StopCheckInterval = 0 }).Validate;
        validate.Should().Throw<ArgumentException>().WithMessage("GenerationOptions.StopCheckInterval must be at least 1, got 0.");
    }
}
