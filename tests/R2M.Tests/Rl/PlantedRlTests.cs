using R2M.Estimators.Rl;

namespace R2M.Tests.Rl;

public class PlantedRlTests
{
    [Theory]
    [InlineData(RlAlgorithm.Rloo, AlignerMode.Vanilla)]
    [InlineData(RlAlgorithm.Rloo, AlignerMode.R2M)]
    [InlineData(RlAlgorithm.Grpo, AlignerMode.Vanilla)]
    [InlineData(RlAlgorithm.Grpo, AlignerMode.R2M)]
    [InlineData(RlAlgorithm.Ppo, AlignerMode.Vanilla)]
    [InlineData(RlAlgorithm.Ppo, AlignerMode.R2M)]
    public void Policy_raises_the_planted_reward_over_30_steps(RlAlgorithm algorithm, AlignerMode mode)
    {
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(algorithm), new PolicyFeedbackOptions { Mode = mode });

        var metrics = trainer.Train();

        metrics.Should().HaveCount(30);
        double First(string key) => metrics.Take(5).Average(m => m[key]);
        double Last(string key) => metrics.TakeLast(5).Average(m => m[key]);
        Last("gold/score").Should().BeGreaterThan(First("gold/score") + 0.3, "the letters the reward model likes become more frequent");
        Last("objective/vanilla_scores").Should().BeGreaterThan(First("objective/vanilla_scores"));
    }
}
