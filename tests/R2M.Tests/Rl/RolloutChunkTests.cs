using R2M.Estimators.Rl;
using R2M.MLNet.Native;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

public class RolloutChunkTests
{
    private static readonly string[] StepPrompts = ["a:", "b:", "c:", "d:", "e:"];

    [Fact]
    public void By_default_a_step_is_one_chunk_sampled_with_the_step_seed()
    {
        var options = new PolicyOptimizationOptions { PromptsPerStep = 5, SamplesPerPrompt = 2, Seed = 7 };
        var chunks = RolloutChunk.Split(3, StepPrompts, options);
        chunks.Should().ContainSingle();
        chunks[0].Seed.Should().Be(RlSeeds.Sampling(7, 3));
        chunks[0].Prompts.Should().Equal("a:", "a:", "b:", "b:", "c:", "c:", "d:", "d:", "e:", "e:");
    }

    [Fact]
    public void Chunks_keep_prompt_order_and_take_their_seed_from_step_and_index_only()
    {
        var options = new PolicyOptimizationOptions { PromptsPerStep = 5, SamplesPerPrompt = 2, Seed = 7, RolloutChunkPrompts = 2 };
        var chunks = RolloutChunk.Split(3, StepPrompts, options);
        chunks.Select(c => c.Prompts.Count).Should().Equal(4, 4, 2);
        chunks.SelectMany(c => c.Prompts).Should().Equal(RolloutChunk.Split(3, StepPrompts, options with { RolloutChunkPrompts = null })[0].Prompts);
        chunks[0].Seed.Should().Be(RlSeeds.Sampling(7, 3));
        chunks.Select(c => c.Seed).Should().OnlyHaveUniqueItems();
        RolloutChunk.Split(3, StepPrompts, options).Select(c => c.Seed).Should().Equal(chunks.Select(c => c.Seed));
        RolloutChunk.Split(4, StepPrompts, options).Select(c => c.Seed).Should().NotIntersectWith(chunks.Select(c => c.Seed));
    }

    [Fact]
    public void Concat_left_pads_prompts_and_right_pads_responses_to_the_widest_chunk()
    {
        TorchRuntime.EnsureLoaded();
        // chunk 0: P = 2, R = 1; chunk 1: P = 1, R = 2. Pad id 9.
        var a = new GeneratedRollouts(tensor(new long[] { 1, 2, 3 }).reshape(1, 3), tensor(new long[] { 1, 1, 1 }).reshape(1, 3), 2, ["x"]);
        var b = new GeneratedRollouts(tensor(new long[] { 4, 5, 6 }).reshape(1, 3), tensor(new long[] { 1, 1, 1 }).reshape(1, 3), 1, ["yz"]);
        var merged = GeneratedRollouts.Concat([a, b], padId: 9);
        merged.PromptLength.Should().Be(2);
        merged.Sequences.data<long>().ToArray().Should().Equal(1, 2, 3, 9, /**/ 9, 4, 5, 6);
        merged.AttentionMask.data<long>().ToArray().Should().Equal(1, 1, 1, 0, /**/ 0, 1, 1, 1);
        merged.Responses.Should().Equal("x", "yz");
    }

    [Fact]
    public void Chunk_size_must_lie_between_one_and_the_prompts_per_step()
    {
        var act = () => new PolicyOptimizationOptions { PromptsPerStep = 4, RolloutChunkPrompts = 5 }.Validate();
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*RolloutChunkPrompts*");
    }
}
