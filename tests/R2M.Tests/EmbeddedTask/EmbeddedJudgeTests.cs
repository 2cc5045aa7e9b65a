using R2M.Estimators.EmbeddedTask;

namespace R2M.Tests.EmbeddedTask;

public class EmbeddedJudgeTests
{
    [Theory]
    [InlineData("list 3 colors:", " red blue green")]
    [InlineData("list 3 colors:", "green red blue")]
    [InlineData("repeat cat twice:", " cat cat")]
    [InlineData("repeat fig 4 times:", " fig fig fig fig")]
    [InlineData("opposite of hot:", " cold")]
    [InlineData("opposite of cold:", " hot")]
    [InlineData("count from 3 to 6:", " 3 4 5 6")]
    public void A_correct_complete_concise_answer_scores_one(string prompt, string response)
    {
        EmbeddedJudge.Score(prompt, response).Should().Be(1);
    }

    [Theory]
    [InlineData("list 3 colors:", " cat dog cow")]
    [InlineData("opposite of hot:", " warm")]
    [InlineData("opposite of hot:", " hot")]
    [InlineData("count from 3 to 6:", " 6 5 4 3")]
    [InlineData("repeat cat twice:", " dog dog")]
    public void A_wrong_answer_scores_zero(string prompt, string response)
    {
        EmbeddedJudge.Score(prompt, response).Should().Be(0);
    }

    [Fact]
    public void Each_wrong_or_missing_slot_costs_its_share()
    {
        EmbeddedJudge.Score("list 3 colors:", " red blue dog").Should().BeApproximately(2.0 / 3, 1e-12);
        EmbeddedJudge.Score("list 3 colors:", " red blue").Should().BeApproximately(2.0 / 3, 1e-12);
        EmbeddedJudge.Score("count from 1 to 4:", " 1 2").Should().BeApproximately(0.5, 1e-12);
    }

    [Fact]
    public void Padding_and_rambling_score_below_the_concise_answer_and_longer_is_lower()
    {
        double concise = EmbeddedJudge.Score("list 3 colors:", " red blue green");
        double ok = EmbeddedJudge.Score("list 3 colors:", " red blue green ok");
        double more = EmbeddedJudge.Score("list 3 colors:", " red blue green and more");

        ok.Should().BeApproximately(1 - 3.0 / 24, 1e-12);
        more.Should().BeApproximately(1 - 9.0 / 24, 1e-12);
        concise.Should().BeGreaterThan(ok);
        ok.Should().BeGreaterThan(more);
        EmbeddedJudge.Score("list 3 colors:", " red blue green and more and more etc too").Should().Be(0, "24 or more extra characters");
        EmbeddedJudge.Score("opposite of up:", " down   ").Should().BeApproximately(1 - 3.0 / 24, 1e-12, "trailing spaces count");
    }

    [Fact]
    public void Repetition_is_penalised()
    {
        EmbeddedJudge.Score("list 3 colors:", " red red red").Should().BeApproximately(1.0 / 3, 1e-12, "a repeated item is wrong");
        EmbeddedJudge.Score("repeat cat twice:", " cat cat cat").Should().BeApproximately(1 - 4.0 / 24, 1e-12);
        EmbeddedJudge.Score("opposite of hot:", " cold cold cold").Should().BeLessThan(EmbeddedJudge.Score("opposite of hot:", " cold"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("   ")]
    public void Empty_answer_scores_zero(string response)
    {
        EmbeddedJudge.Score("list 3 colors:", response).Should().Be(0);
    }

    [Theory]
    [InlineData("list 3 planets:")]
    [InlineData("list 3 colors")]
    [InlineData("hello:")]
    [InlineData("count from 5 to 2:")]
    public void A_prompt_outside_the_templates_scores_zero(string prompt)
    {
        EmbeddedJudge.Score(prompt, " red blue green").Should().Be(0);
    }

    [Fact]
    public void Every_instruction_parses_back_is_short_and_its_good_answer_scores_one()
    {
        var random = new Random(1);
        foreach (var instruction in EmbeddedInstruction.All())
        {
            EmbeddedInstruction.TryParse(instruction.Prompt).Should().Be(instruction);
            instruction.Prompt.Length.Should().BeLessThanOrEqualTo(40);
            string good = EmbeddedResponses.Write(instruction, EmbeddedResponseStyle.Good, random);
            good.Length.Should().BeLessThanOrEqualTo(30);
            EmbeddedJudge.Score(instruction.Prompt, good).Should().Be(1, good);
        }
    }

    [Fact]
    public void Flawed_styles_score_in_range_and_below_one()
    {
        var random = new Random(2);
        var flawed = new[] { EmbeddedResponseStyle.Wrong, EmbeddedResponseStyle.Padded, EmbeddedResponseStyle.Truncated, EmbeddedResponseStyle.Rambling };
        foreach (var instruction in EmbeddedInstruction.All())
        {
            foreach (var style in flawed)
            {
                string response = EmbeddedResponses.Write(instruction, style, random);
                EmbeddedJudge.Score(instruction.Prompt, response).Should().BeInRange(0, 1).And.BeLessThan(1, $"{style} '{response}' to '{instruction.Prompt}'");
            }
        }
    }
}
