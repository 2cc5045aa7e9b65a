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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(17)]
    public void Evaluation_prompts_are_unseen_combinations_of_parts_that_training_has(int seed)
    {
        var data = EmbeddedTaskData.Create(seed);
        var train = data.TrainPrompts.Select(p => EmbeddedInstruction.TryParse(p)!).ToList();
        var eval = data.EvalPrompts.Select(p => EmbeddedInstruction.TryParse(p)!).ToList();

        data.TrainPrompts.Intersect(data.EvalPrompts).Should().BeEmpty();
        (train.Count + eval.Count).Should().Be(EmbeddedInstruction.All().Count);
        eval.Select(i => i.Kind).Distinct().Should().BeEquivalentTo([EmbeddedTaskKind.List, EmbeddedTaskKind.Repeat, EmbeddedTaskKind.Count]);
        train.Where(i => i.Kind == EmbeddedTaskKind.Opposite).Should().HaveCount(2 * EmbeddedVocabulary.Antonyms.Count, "opposites are all trained");
        foreach (var e in eval)
        {
            var sameKind = train.Where(t => t.Kind == e.Kind).ToList();
            if (e.Kind == EmbeddedTaskKind.Count)
            {
                sameKind.Should().Contain(t => t.A == e.A, $"'{e.Prompt}' starts where a trained count starts");
                sameKind.Should().Contain(t => t.B == e.B, $"'{e.Prompt}' ends where a trained count ends");
            }
            else
            {
                sameKind.Should().Contain(t => t.Word == e.Word, $"the word of '{e.Prompt}' is trained in that kind");
                sameKind.Should().Contain(t => t.A == e.A, $"the number of '{e.Prompt}' is trained in that kind");
            }
        }
        data.SftTrain.Select(p => p.Prompt).Should().OnlyContain(p => data.TrainPrompts.Contains(p));
        data.PreferenceTrain.Select(p => p.Prompt).Should().OnlyContain(p => data.TrainPrompts.Contains(p));
        data.PreferenceValidation.Select(p => p.Prompt).Should().OnlyContain(p => data.EvalPrompts.Contains(p));
    }

    [Fact]
    public void Sft_corpus_is_mostly_mediocre_wrong_or_cut_short_never_padded()
    {
        var data = EmbeddedTaskData.Create(1);

        double perfect = data.SftTrain.Count(p => EmbeddedJudge.Score(p.Prompt, p.Response) == 1) / (double)data.SftTrain.Count;
        perfect.Should().BeInRange(0.16, 0.24, "80% mediocre by default");
        foreach (var (prompt, response) in data.SftTrain)
        {
            var instruction = EmbeddedInstruction.TryParse(prompt)!;
            response.Trim().Split(' ').Length.Should().BeLessThanOrEqualTo(instruction.AnswerLength, $"'{prompt}' -> '{response}' is not padded");
        }
        data.SftValidation.Should().OnlyContain(p => EmbeddedJudge.Score(p.Prompt, p.Response) == 1);
        data.SftTrain.Should().OnlyContain(p => p.Prompt.Length <= 40 && p.Response.Length <= 40);
    }

    [Fact]
    public void Wrong_share_sets_whether_a_mediocre_sft_answer_has_a_wrong_word_or_is_cut_short()
    {
        var allWrong = EmbeddedTaskData.Create(1, new EmbeddedTaskOptions { WrongShare = 1 });
        var allCut = EmbeddedTaskData.Create(1, new EmbeddedTaskOptions { WrongShare = 0 });

        // A wrong word keeps the answer's length; a cut answer is a prefix of the perfect one (Repeat and Count have one).
        foreach (var (prompt, response) in allWrong.SftTrain)
            response.Trim().Split(' ').Length.Should().Be(EmbeddedInstruction.TryParse(prompt)!.AnswerLength, $"'{prompt}' -> '{response}' has a wrong word, not a cut");
        var fixedAnswers = allCut.SftTrain.Select(p => (p, Instruction: EmbeddedInstruction.TryParse(p.Prompt)!))
            .Where(x => x.Instruction.Kind is EmbeddedTaskKind.Repeat or EmbeddedTaskKind.Count).ToList();
        fixedAnswers.Should().HaveCountGreaterThan(1000);
        foreach (var (pair, instruction) in fixedAnswers)
            (" " + string.Join(' ', instruction.Answer(new Random(0)))).Should().StartWith(pair.Response, $"'{pair.Prompt}' -> '{pair.Response}' is cut short, not wrong");
        foreach (var data in new[] { allWrong, allCut })
            (data.SftTrain.Count(p => EmbeddedJudge.Score(p.Prompt, p.Response) < 1) / (double)data.SftTrain.Count).Should().BeInRange(0.75, 0.85, "80% of the answers are mediocre either way");
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
        var share = () => EmbeddedTaskData.Create(1, new EmbeddedTaskOptions { WrongShare = 1.5 });
        share.Should().Throw<ArgumentException>().WithMessage("*WrongShare*");
    }
}
