using R2M.Estimators.Rl;
using R2M.MLNet.Training;
using static TorchSharp.torch;

namespace R2M.Tests.Rl;

public class MixedPrecisionRlTests
{
    [Theory]
    [InlineData(RlAlgorithm.Rloo)]
    [InlineData(RlAlgorithm.Ppo)]
    public void Rl_in_bf16_trains_the_float32_masters_and_hands_back_a_float32_policy(RlAlgorithm algorithm)
    {
        var options = PlantedRlFixture.Options(algorithm, steps: 2) with { MixedPrecision = MixedPrecision.BFloat16 };
        using var trainer = PlantedRlFixture.Trainer(options, new PolicyFeedbackOptions());
        var before = trainer.PolicyOptimizer.MasterParameters[0].detach().clone();

        var metrics = trainer.Train();
        trainer.Policy.Body.TokenEmbeddingWeight.dtype.Should().Be(ScalarType.BFloat16, "the policy computes in bf16 while training");
        var master = trainer.PolicyOptimizer.MasterParameters[0].detach().clone();
        trainer.RestorePrecision();

        metrics.Should().OnlyContain(m => double.IsFinite(m["loss/policy_avg"]) && double.IsFinite(m["objective/scores"]));
        master.dtype.Should().Be(ScalarType.Float32);
        master.eq(before).all().item<bool>().Should().BeFalse("the optimizer stepped the float32 masters");
        trainer.Policy.Body.TokenEmbeddingWeight.dtype.Should().Be(ScalarType.Float32);
        trainer.Policy.Body.TokenEmbeddingWeight.eq(master).all().item<bool>().Should().BeTrue("the restored policy holds the masters exactly");
    }
}
