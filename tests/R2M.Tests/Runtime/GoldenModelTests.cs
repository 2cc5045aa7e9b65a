using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Tests.Runtime;

/// <summary>Outputs of the loaded checkpoints against transformers 5.17 (float32, CPU), within 1e-4.</summary>
public class GoldenModelTests
{
    private const double Tolerance = 1e-4;

    public GoldenModelTests() => TorchRuntime.EnsureLoaded();

    [SkippableTheory]
    [InlineData("gpt2-tiny")]
    [InlineData("llama-tiny")]
    public void Golden_logits_and_last_hidden_states_match_transformers(string name)
    {
        var golden = Golden.Load(name);
        using var scope = NewDisposeScope();
        var model = HfCheckpoint.LoadCausalLM(golden.Folder);

        using var noGrad = no_grad();
        var (logits, hidden) = model.Forward(golden.Long("input_ids"));

        MaxAbsError(logits, golden.Float("logits")).Should().BeLessThan(Tolerance);
        MaxAbsError(hidden, golden.Float("hidden_last")).Should().BeLessThan(Tolerance);
    }

    [SkippableTheory]
    [InlineData("gpt2-tiny", true)]
    [InlineData("gpt2-tiny", false)]
    [InlineData("llama-tiny", true)]
    [InlineData("llama-tiny", false)]
    public void Golden_greedy_tokens_match_transformers_with_and_without_cache(string name, bool useCache)
    {
        var golden = Golden.Load(name);
        using var scope = NewDisposeScope();
        var model = HfCheckpoint.LoadCausalLM(golden.Folder);
        var prompt = golden.Long("greedy_prompt");
        var expected = golden.Long("greedy_tokens");
        int newTokens = (int)(expected.shape[1] - prompt.shape[1]);

        using var result = TextGenerator.Generate(model, prompt, ones_like(prompt), new GenerationOptions
        {
            MaxNewTokens = newTokens, Temperature = 0, EosId = -1, PadId = 0, UseCache = useCache,
        });

        result.Sequences.data<long>().ToArray().Should().Equal(expected.data<long>().ToArray());
    }

    /// <summary>The documented bf16 tolerance of logits against transformers' float32 (docs/benchmarks.md).</summary>
    private const double BFloat16Tolerance = 0.05;

    [SkippableTheory]
    [InlineData("gpt2-tiny")]
    [InlineData("llama-tiny")]
    public void In_bf16_golden_greedy_tokens_are_unchanged_and_logits_stay_within_the_documented_tolerance(string name)
    {
        var golden = Golden.Load(name);
        using var scope = NewDisposeScope();
        var model = HfCheckpoint.LoadCausalLM(golden.Folder);
        model.to(ScalarType.BFloat16);
        using (no_grad())
            MaxAbsError(model.Forward(golden.Long("input_ids")).Logits, golden.Float("logits")).Should().BeLessThan(BFloat16Tolerance);

        var prompt = golden.Long("greedy_prompt");
        var expected = golden.Long("greedy_tokens");
        using var result = TextGenerator.Generate(model, prompt, ones_like(prompt), new GenerationOptions
        {
            MaxNewTokens = (int)(expected.shape[1] - prompt.shape[1]), Temperature = 0, EosId = -1, PadId = 0,
        });
        result.Sequences.data<long>().ToArray().Should().Equal(expected.data<long>().ToArray());
    }

    [SkippableFact]
    public void Golden_reward_model_scores_match_transformers_at_the_last_non_pad_token()
    {
        var golden = Golden.Load("llama-rm-tiny");
        using var scope = NewDisposeScope();
        var model = HfCheckpoint.LoadSequenceScoreModel(golden.Folder);

        using var noGrad = no_grad();
        var (scores, _) = model.Score(golden.Long("input_ids"), padId: golden.Int("pad_token_id"));

        MaxAbsError(scores.squeeze(1), golden.Float("scores")).Should().BeLessThan(Tolerance);
    }

    internal static double MaxAbsError(Tensor actual, Tensor expected)
    {
        actual.shape.Should().Equal(expected.shape);
        return (actual.to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();
    }
}
