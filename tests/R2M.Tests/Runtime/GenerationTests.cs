using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

public class GenerationTests
{
    public GenerationTests() => TorchRuntime.EnsureLoaded();

    private static CausalLM Model(string family, int seed = 11)
    {
        manual_seed(seed);
        var model = new CausalLM(TinyModels.ByName(family));
        // Sharper logits than the default init, so greedy choices are not near-ties.
        using var sharpen = 4.ToScalar();
        using (no_grad()) foreach (var p in model.parameters()) p.mul_(sharpen);
        model.eval();
        return model;
    }

    private static GenerationOptions Options(int newTokens = 8) => new() { MaxNewTokens = newTokens, EosId = 49, PadId = 0 };

    [Theory]
    [MemberData(nameof(TinyModels.All), MemberType = typeof(TinyModels))]
    public void Left_padded_row_generates_the_same_tokens_as_the_prompt_alone(string family)
    {
        using var scope = NewDisposeScope();
        var model = Model(family);
        int[] shortPrompt = [5, 6, 7];
        int[] longPrompt = [9, 8, 7, 6, 5, 4];
        var options = Options() with { Temperature = 0, EosId = -1 };

        var (aloneIds, aloneMask) = PromptBatch.LeftPad([shortPrompt], 0);
        using var alone = TextGenerator.Generate(model, aloneIds, aloneMask, options);
        var (batchIds, batchMask) = PromptBatch.LeftPad([longPrompt, shortPrompt], 0);
        using var batched = TextGenerator.Generate(model, batchIds, batchMask, options);

        batchMask[1].data<long>().ToArray().Should().Equal(0, 0, 0, 1, 1, 1);
        batched.ResponseTokens[1].data<long>().ToArray().Should().Equal(alone.ResponseTokens[0].data<long>().ToArray());
        (batched.LogProbs[1] - alone.LogProbs[0]).abs().max().item<float>().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Same_seed_gives_the_same_samples_and_another_seed_differs()
    {
        using var scope = NewDisposeScope();
        var model = Model("llama");
        var (ids, mask) = PromptBatch.LeftPad([[1, 2, 3], [4, 5]], 0);
        var options = Options(12) with { EosId = -1, Temperature = 1.0 };

        using var a = TextGenerator.Generate(model, ids, mask, options with { Seed = 42 });
        using var b = TextGenerator.Generate(model, ids, mask, options with { Seed = 42 });
        using var c = TextGenerator.Generate(model, ids, mask, options with { Seed = 43 });

        Tensors.BitEqual(a.Sequences, b.Sequences).Should().BeTrue();
        Tensors.BitEqual(a.LogProbs, b.LogProbs).Should().BeTrue();
        Tensors.BitEqual(a.Sequences, c.Sequences).Should().BeFalse();
    }

    [Fact]
    public void Top_k_of_one_and_a_tiny_top_p_both_reduce_to_greedy()
    {
        using var scope = NewDisposeScope();
        var model = Model("gpt2");
        var (ids, mask) = PromptBatch.LeftPad([[1, 2, 3], [7, 8, 9, 10]], 0);
        var options = Options(10) with { EosId = -1 };

        using var greedy = TextGenerator.Generate(model, ids, mask, options with { Temperature = 0 });
        using var topK = TextGenerator.Generate(model, ids, mask, options with { Temperature = 1.5, TopK = 1, Seed = 5 });
        using var topP = TextGenerator.Generate(model, ids, mask, options with { Temperature = 1.5, TopP = 1e-6, Seed = 6 });

        Tensors.BitEqual(topK.Sequences, greedy.Sequences).Should().BeTrue();
        Tensors.BitEqual(topP.Sequences, greedy.Sequences).Should().BeTrue();
    }

    [Fact]
    public void Top_k_samples_only_among_the_k_most_likely_tokens()
    {
        using var scope = NewDisposeScope();
        var model = Model("llama");
        var (ids, mask) = PromptBatch.LeftPad(Enumerable.Repeat<IReadOnlyList<int>>([3, 1, 4], 64).ToList(), 0);
        using var noGrad = no_grad();
        var top3 = model.Forward(ids[..1], mask[..1]).Logits[0, -1].topk(3).indexes.data<long>().ToArray();

        using var result = TextGenerator.Generate(model, ids, mask, Options(1) with { EosId = -1, Temperature = 5.0, TopK = 3, Seed = 9 });

        var firstTokens = result.ResponseTokens[.., 0].data<long>().ToArray();
        firstTokens.Should().OnlyContain(t => top3.Contains(t));
        firstTokens.Distinct().Should().HaveCountGreaterThan(1, "a high temperature spreads 64 samples over the 3 allowed tokens");
    }

    [Fact]
    public void Row_stops_at_eos_and_is_padded_and_masked_after_it_while_others_continue()
    {
        using var scope = NewDisposeScope();
        var model = Model("llama");
        var (ids, mask) = PromptBatch.LeftPad([[1, 2, 3], [7, 8, 9, 9]], 0);
        using var free = TextGenerator.Generate(model, ids, mask, Options(8) with { Temperature = 0, EosId = -1 });
        long[] row0 = free.ResponseTokens[0].data<long>().ToArray(), row1 = free.ResponseTokens[1].data<long>().ToArray();
        // An EOS that row 0 emits part-way and row 1 never emits.
        int stopAt = Enumerable.Range(1, 6).First(k => Array.IndexOf(row0, row0[k]) == k && !row1.Contains(row0[k]));
        int n = stopAt + 1; // row 0's tokens up to and including EOS

        using var stopped = TextGenerator.Generate(model, ids, mask, Options(8) with { Temperature = 0, EosId = (int)row0[stopAt], PadId = 0 });

        stopped.ResponseTokens.shape[1].Should().Be(8, "row 1 runs to the limit");
        stopped.ResponseTokens[1].data<long>().ToArray().Should().Equal(row1);
        stopped.ResponseTokens[0].data<long>().ToArray().Should().Equal([.. row0.Take(n), .. Enumerable.Repeat(0L, 8 - n)]);
        stopped.ResponseMask[0].data<long>().ToArray().Should().Equal([.. Enumerable.Repeat(1L, n), .. Enumerable.Repeat(0L, 8 - n)]);
        stopped.LogProbs[0].data<float>().ToArray().Skip(n).Should().OnlyContain(l => l == 0);
        stopped.LogProbs[0].data<float>().ToArray().Take(n).Should().OnlyContain(l => l < 0);
    }

    [Fact]
    public void Generation_ends_early_once_every_row_has_stopped()
    {
        using var scope = NewDisposeScope();
        var model = Model("llama");
        var (ids, mask) = PromptBatch.LeftPad([[1, 2, 3]], 0);
        using var free = TextGenerator.Generate(model, ids, mask, Options(8) with { Temperature = 0, EosId = -1 });
        long first = free.ResponseTokens[0, 0].item<long>();

        using var stopped = TextGenerator.Generate(model, ids, mask, Options(8) with { Temperature = 0, EosId = (int)first });

        stopped.ResponseTokens.shape[1].Should().Be(1);
    }

    [Fact]
    public void Stop_tokens_end_a_row_like_eos()
    {
        using var scope = NewDisposeScope();
        var model = Model("gpt2");
        var (ids, mask) = PromptBatch.LeftPad([[4, 4, 2]], 0);
        using var free = TextGenerator.Generate(model, ids, mask, Options(6) with { Temperature = 0, EosId = -1 });
        long first = free.ResponseTokens[0, 0].item<long>();

        using var stopped = TextGenerator.Generate(model, ids, mask, Options(6) with { Temperature = 0, EosId = -1, StopTokenIds = [(int)first] });

        stopped.ResponseTokens.shape[1].Should().Be(1);
        stopped.ResponseMask[0, 0].item<long>().Should().Be(1);
    }

    [Theory]
    [MemberData(nameof(TinyModels.All), MemberType = typeof(TinyModels))]
    public void Returned_log_probs_and_hidden_states_match_a_full_forward_over_the_result(string family)
    {
        using var scope = NewDisposeScope();
        var model = Model(family);
        var (ids, mask) = PromptBatch.LeftPad([[1, 2, 3, 4], [5, 6]], 0);
        const double temperature = 0.7;

        using var result = TextGenerator.Generate(model, ids, mask,
            Options(7) with { Temperature = temperature, EosId = -1, Seed = 1, ReturnHiddenStates = true });

        using var noGrad = no_grad();
        var (logits, hidden) = model.Forward(result.Sequences, result.AttentionMask);
        int p = result.PromptLength;
        using var divisor = temperature.ToScalar();
        var predicting = logits[.., (p - 1)..^1].div(divisor);                                      // (B, N, V)
        var expected = nn.functional.log_softmax(predicting, 2).gather(2, result.ResponseTokens.unsqueeze(2)).squeeze(2);
        (result.LogProbs - expected).abs().max().item<float>().Should().BeLessThan(1e-4f);
        result.HiddenStates!.shape.Should().Equal(hidden.shape);
        var real = result.AttentionMask.to_type(ScalarType.Bool).unsqueeze(2);
        (result.HiddenStates - hidden).abs().masked_fill(real.logical_not(), TorchScalars.Zero).max().item<float>().Should().BeLessThan(1e-4f);
    }

    [Fact]
    public void Invalid_options_are_refused_by_name()
    {
        var options = Options() with { TopP = 0 };
        Action validate = options.Validate;
        validate.Should().Throw<ArgumentException>().WithMessage("GenerationOptions.TopP must be in (0, 1], got 0.");
        Action empty = () => PromptBatch.LeftPad([[1], []], 0);
        empty.Should().Throw<ArgumentException>().WithMessage("Prompt 1 is empty*");
    }
}
