using Microsoft.ML;
using R2M.Estimators;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;

namespace R2M.Tests.Pipeline;

public class OptionsValidationTests
{
    private static readonly R2MCatalog R2m = new MLContext().R2M();

    private static void ShouldFailNaming(Action construct, string option, string range) =>
        construct.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == option)
            .WithMessage($"{option} must be {range}*");

    [Fact]
    public void Preference_loader_options_out_of_range_fail_at_construction_naming_the_option() =>
        ShouldFailNaming(() => R2m.PreferenceLoader(new PreferenceLoaderOptions { Format = (PreferenceFormat)42 }),
            "PreferenceLoaderOptions.Format", "one of");

    [Fact]
    public void Supervised_fine_tune_options_out_of_range_fail_at_construction_naming_the_option()
    {
        ShouldFailNaming(() => R2m.SupervisedFineTune(new SupervisedFineTuneOptions { Epochs = 0 }), "SupervisedFineTuneOptions.Epochs", "at least 1");
        ShouldFailNaming(() => R2m.SupervisedFineTune(new SupervisedFineTuneOptions { ValidationFraction = 1 }), "SupervisedFineTuneOptions.ValidationFraction", "in [0, 1)");
    }

    [Fact]
    public void Reward_model_options_out_of_range_fail_at_construction_naming_the_option()
    {
        ShouldFailNaming(() => R2m.RewardModel(new RewardModelOptions { LearningRate = double.NaN }), "RewardModelOptions.LearningRate", "a finite number greater than 0");
        ShouldFailNaming(() => R2m.RewardModel(new RewardModelOptions { EarlyStoppingPatience = -1 }), "RewardModelOptions.EarlyStoppingPatience", "at least 0");
    }

    [Fact]
    public void Policy_feedback_options_out_of_range_fail_at_construction_naming_the_option()
    {
        ShouldFailNaming(() => R2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Omega = 1.5 }), "PolicyFeedbackOptions.Omega", "in [0, 1]");
        ShouldFailNaming(() => R2m.PolicyFeedbackAligner(new PolicyFeedbackOptions { Width = 0 }), "PolicyFeedbackOptions.Width", "at least 1");
    }

    [Fact]
    public void Policy_optimization_options_out_of_range_fail_at_construction_naming_the_option()
    {
        ShouldFailNaming(() => R2m.Ppo(new PolicyOptimizationOptions { SamplesPerPrompt = 1 }), "PolicyOptimizationOptions.SamplesPerPrompt", "at least 2");
        ShouldFailNaming(() => R2m.Ppo(new PolicyOptimizationOptions { TopP = 0 }), "PolicyOptimizationOptions.TopP", "in [*");
        ShouldFailNaming(() => R2m.Ppo(new PolicyOptimizationOptions { Gamma = 1.01 }), "PolicyOptimizationOptions.Gamma", "in [0, 1]");
    }

    [Fact]
    public void Defaults_of_every_options_class_are_valid()
    {
        new PreferenceLoaderOptions().Validate();
        new SupervisedFineTuneOptions().Validate();
        new RewardModelOptions().Validate();
        new PolicyFeedbackOptions().Validate();
        new PolicyOptimizationOptions().Validate();
    }
}
