using R2M.Estimators.Training;
using R2M.MLNet.Modeling;
using R2M.MLNet.Native;
using R2M.MLNet.Tokenization;
using R2M.Tests.Infrastructure;
using static TorchSharp.torch;

namespace R2M.Tests.Training;

public class RewardModelFactoryTests
{
    public RewardModelFactoryTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Reward_model_from_the_policy_copies_the_body_and_gives_the_same_hidden_states()
    {
        using var scope = NewDisposeScope();
        var policy = PolicyFactory.FromScratch(new ByteLevelTokenizer(), PolicySize.Tiny, seed: 9);
        var rm = RewardModelFactory.FromPolicy(policy);
        var ids = tensor(new long[] { 257, 104, 105, 258 }).unsqueeze(0);

        using var noGrad = no_grad();
        Tensors.BitEqual(rm.Body.Forward(ids), policy.ForwardHidden(ids)).Should().BeTrue();
        rm.state_dict().Keys.Should().Contain("score.weight").And.NotContain("lm_head.weight");
    }

    [SkippableFact]
    public void Reward_model_from_a_classifier_checkpoint_loads_whole_and_from_a_causal_checkpoint_gets_a_new_head()
    {
        string golden = Path.Combine(Requires.Shared(), "golden");
        using var scope = NewDisposeScope();

        var whole = RewardModelFactory.FromCheckpoint(Path.Combine(golden, "llama-rm-tiny"));
        var fromCausal = RewardModelFactory.FromCheckpoint(Path.Combine(golden, "llama-tiny"));

        var reference = HfCheckpoint.LoadSequenceScoreModel(Path.Combine(golden, "llama-rm-tiny"));
        Tensors.BitEqual(whole.Head.weight!, reference.Head.weight!).Should().BeTrue();
        var causal = HfCheckpoint.LoadCausalLM(Path.Combine(golden, "llama-tiny"));
        var ids = tensor(new long[] { 5, 6, 7 }).unsqueeze(0);
        using var noGrad = no_grad();
        Tensors.BitEqual(fromCausal.Body.Forward(ids), causal.ForwardHidden(ids)).Should().BeTrue();
    }
}
