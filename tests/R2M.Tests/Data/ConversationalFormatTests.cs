using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class ConversationalFormatTests
{
    [Fact]
    public void Implicit_prompt_is_the_shared_leading_messages_flattened_with_the_template()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "conv.jsonl",
            """
            {"chosen": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Sky colour?"}, {"role": "assistant", "content": "Blue."}], "rejected": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Sky colour?"}, {"role": "assistant", "content": "Green."}]}
            """);

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.Conversational);
        result.Pairs.Should().ContainSingle().Which.Should().Be(new PreferencePair(
            "<|system|>\nBe brief.\n<|user|>\nSky colour?\n<|assistant|>\n", "Blue.", "Green.", 0f, "conv.jsonl:1"));
    }

    [Fact]
    public void Explicit_prompt_messages_are_used_and_completion_messages_are_joined()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "conv.json",
            """
            [{"prompt": [{"role": "user", "content": "Count."}],
              "chosen": [{"role": "assistant", "content": "1"}, {"role": "assistant", "content": "2"}],
              "rejected": [{"role": "assistant", "content": "no"}]}]
            """);

        var pair = PreferenceDataLoader.Load(path).Pairs.Single();

        pair.Prompt.Should().Be(ConversationTemplate.FormatPrompt([("user", "Count.")])).And.Be("<|user|>\nCount.\n<|assistant|>\n");
        pair.Chosen.Should().Be("1\n2");
        pair.Rejected.Should().Be("no");
    }

    [Fact]
    public void A_user_message_after_the_prompt_is_rejected()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "conv.json",
            """
            [{"prompt": [{"role": "user", "content": "Q"}],
              "chosen": [{"role": "user", "content": "A"}],
              "rejected": [{"role": "assistant", "content": "B"}]}]
            """);

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>()
            .WithMessage($"{path}: record 1: field 'chosen[0].role': only assistant messages may follow the prompt, got role 'user'");
    }

    [Fact]
    public void No_shared_leading_message_means_an_empty_implicit_prompt_error()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "conv.jsonl",
            """
            {"chosen": [{"role": "assistant", "content": "A"}], "rejected": [{"role": "assistant", "content": "B"}]}
            """);

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().Which.Reason.Should()
            .Be("no explicit prompt, and chosen and rejected share no leading message (the implicit prompt is empty)");
    }
}
