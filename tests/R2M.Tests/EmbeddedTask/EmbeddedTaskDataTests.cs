using R2M.Estimators.EmbeddedTask;

namespace R2M.Tests.EmbeddedTask;

public class EmbeddedTaskDataTests
{
    [Fact]
    public void The_same_seed_gives_identical_data_and_another_seed_different_data()
    {
        var a = EmbeddedTaskData.Create(7);
        var b = EmbeddedTaskData.Create(7);
        var c = EmbeddedTaskData.Create(8);

        a.TrainPrompts.Should().Equal(b.TrainPrompts);
        a.EvalPrompts.Should().Equal(b.EvalPrompts);
        a.SftTrain.Should().Equal(b.SftTrain);
        a.SftValidation.Should().Equal(b.SftValidation);
        a.PreferenceTrain.Should().Equal(b.PreferenceTrain);
        a.PreferenceValidation.Should().Equal(b.PreferenceValidation);
        a.GoldValidation.Should().Equal(b.GoldValidation);
        c.SftTrain.Should().NotEqual(a.SftTrain);
        c.PreferenceTrain.Should().NotEqual(a.PreferenceTrain);
    }

    [Fact]
    public void Prompts_split_into_disjoint_train_and_eval_sets_covering_every_kind()
    {
        var data = EmbeddedTaskData.Create(1);

        data.TrainPrompts.Intersect(data.EvalPrompts).Should().BeEmpty();
        (data.TrainPrompts.Count + data.EvalPrompts.Count).Should().BeLessThanOrEqualTo(EmbeddedInstruction.All().Count);
        foreach (var prompts in new[] { data.TrainPrompts, data.EvalPrompts })
            prompts.Select(p => EmbeddedInstruction.TryParse(p)!.Kind).Distinct().Should().HaveCount(Enum.GetValues<EmbeddedTaskKind>().Length);
        foreach (string prompt in data.EvalPrompts.Where(p => p.StartsWith("opposite", StringComparison.Ordinal)))
            data.TrainPrompts.Should().Contain($"opposite of {EmbeddedVocabulary.AntonymOf(prompt[12..^1])}:", "the reverse direction is trained");
        data.SftTrain.Select(p => p.Prompt).Should().OnlyContain(p => data.TrainPrompts.Contains(p));
        data.PreferenceTrain.Select(p => p.Prompt).Should().OnlyContain(p => data.TrainPrompts.Contains(p));
        data.PreferenceValidation.Select(p => p.Prompt).Should().OnlyContain(p => data.EvalPrompts.Contains(p));
    }

    [Fact]
    public void Sft_corpus_is_mostly_good_with_a_mediocre_share()
    {
        var data = EmbeddedTaskData.Create(1);

        double perfect = data.SftTrain.Count(p => EmbeddedJudge.Score(p.Prompt, p.Response) == 1) / (double)data.SftTrain.Count;
        perfect.Should().BeInRange(0.64, 0.76, "30% mediocre by default");
        data.SftValidation.Should().OnlyContain(p => EmbeddedJudge.Score(p.Prompt, p.Response) == 1);
        data.SftTrain.Should().OnlyContain(p => p.Prompt.Length <= 40 && p.Response.Length <= 40);
    }

    [Fact]
    public void Gold_validation_pairs_are_ordered_by_the_judge_alone()
    {
        var data = EmbeddedTaskData.Create(1);

        data.GoldValidation.Should().NotBeEmpty();
        data.GoldValidation.Should().OnlyContain(p => EmbeddedJudge.Score(p.Prompt, p.Chosen) > EmbeddedJudge.Score(p.Prompt, p.Rejected));
        data.Judge("list 3 colors:", " red blue green").Should().Be(1);
    }

    [Fact]
    public void Invalid_options_are_rejected_by_name()
    {
        var act = () => EmbeddedTaskData.Create(1, new EmbeddedTaskOptions { NoiseRate = 0.7 });

        act.Should().Throw<ArgumentException>().WithMessage("*NoiseRate*");
    }
}
