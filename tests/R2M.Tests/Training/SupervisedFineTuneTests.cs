using R2M.Estimators.Training;
using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using R2M.Tests.Infrastructure;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

public class SupervisedFineTuneTests
{
    public SupervisedFineTuneTests() => TorchRuntime.EnsureLoaded();

    private static List<(string, string)> EchoTask(int count, int seed)
    {
        var random = new Random(seed);
        string[] words = ["red", "blue", "gold", "pink"];
        return Enumerable.Range(0, count).Select(_ => { string w = words[random.Next(words.Length)]; return ($"echo {w}:", $" {w}"); }).ToList();
    }

    [Fact]
    public void From_scratch_policy_learns_prompt_to_response_and_validation_loss_falls()
    {
        var tok = new ByteLevelTokenizer();
        using var policy = PolicyFactory.FromScratch(tok, PolicySize.Tiny, seed: 3);
        var train = EchoTask(256, 1);
        var validation = EchoTask(32, 2);
        var options = new SupervisedFineTuneOptions { Epochs = 6, BatchSize = 16, LearningRate = 3e-3, MaxLength = 32 };
        double before = SupervisedFineTuner.Evaluate(policy, tok, validation, options);

        var reports = SupervisedFineTuner.Train(policy, tok, train, validation, options);

        reports.Should().HaveCount(6);
        reports[^1].ValidationLoss.Should().BeLessThan(before / 4);
        var (ids, mask) = PromptBatch.LeftPad([[ByteLevelTokenizer.Bos, .. tok.Encode("echo gold:")]], tok.PadId);
        using var result = TextGenerator.Generate(policy, ids, mask, new GenerationOptions { MaxNewTokens = 8, Temperature = 0, EosId = tok.EosId, PadId = tok.PadId });
        tok.Decode(result.ResponseTokens[0].data<long>().ToArray().Select(t => (int)t)).Should().Be(" gold");
    }

    [Fact]
    public void Reference_clone_has_equal_weights_and_does_not_follow_later_training()
    {
        var tok = new ByteLevelTokenizer();
        using var policy = PolicyFactory.FromScratch(tok, PolicySize.Tiny, seed: 1);
        using var reference = PolicyFactory.Clone(policy);
        var key = "model.layers.0.mlp.up_proj.weight";
        Tensors.BitEqual(reference.state_dict()[key], policy.state_dict()[key]).Should().BeTrue();

        SupervisedFineTuner.Train(policy, tok, EchoTask(16, 1), [], new SupervisedFineTuneOptions { Epochs = 1, MaxLength = 32 });

        Tensors.BitEqual(reference.state_dict()[key], policy.state_dict()[key]).Should().BeFalse();
    }

    [Fact]
    public void From_scratch_policy_with_the_gpt2_bpe_tokenizer_learns()
    {
        var tok = new Gpt2BpeTokenizer();
        using var policy = PolicyFactory.FromScratch(tok, PolicySize.Tiny, seed: 4);
        var data = EchoTask(64, 5);
        var options = new SupervisedFineTuneOptions { Epochs = 4, BatchSize = 16, LearningRate = 3e-3, MaxLength = 16 };
        double before = SupervisedFineTuner.Evaluate(policy, tok, data, options);

        SupervisedFineTuner.Train(policy, tok, data, [], options);

        policy.Config.VocabSize.Should().Be(50257);
        SupervisedFineTuner.Evaluate(policy, tok, data, options).Should().BeLessThan(before / 2);
    }

    [SkippableFact]
    public void Policy_loaded_from_a_huggingface_checkpoint_fine_tunes()
    {
        string folder = Path.Combine(Requires.Shared(), "golden", "llama-tiny");
        using var policy = HfCheckpoint.LoadCausalLM(folder);
        var tok = new ByteLevelTokenizer(); // ids 0..258 fit the checkpoint's 1,000-row embedding
        var data = EchoTask(64, 6);
        var options = new SupervisedFineTuneOptions { Epochs = 3, BatchSize = 16, LearningRate = 3e-3, MaxLength = 32 };
        double before = SupervisedFineTuner.Evaluate(policy, tok, data, options);

        var reports = SupervisedFineTuner.Train(policy, tok, data, data, options);

        reports[^1].ValidationLoss.Should().BeLessThan(before / 2);
    }
}
