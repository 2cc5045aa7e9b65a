using R2M.MLNet.Data;
using R2M.MLNet.Tokenization;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Tokenization;

public class ChatFormatTests
{
    private static readonly (string, string)[] Conversation = [("system", "Be brief."), ("user", "Hi?")];

    [Fact]
    public void ChatMl_writes_im_start_turns_and_opens_the_assistant_turn() =>
        ChatFormat.ChatMl.FormatPrompt(Conversation).Should()
            .Be("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n");

    [Fact]
    public void Llama3_writes_header_turns_and_opens_the_assistant_header() =>
        ChatFormat.Llama3WithBeginOfText.FormatUserPrompt(" Hi? ").Should()
            .Be("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");

    [Fact]
    public void Inst_folds_the_system_message_into_the_first_user_turn() =>
        ChatFormat.Inst.FormatPrompt([.. Conversation, ("assistant", "Hello."), ("user", "More?")]).Should()
            .Be("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi? [/INST] Hello.</s>[INST] More? [/INST]");

    [SkippableTheory]
    [InlineData("qwen3", false, "chatml")]
    [InlineData("llama3", false, "llama3")]
    [InlineData("sp-bpe-32k", true, "plain")]
    public void The_shared_model_configs_are_recognised(string name, bool prependsBos, string expected)
    {
        var detection = ChatFormatDetector.Detect(Path.Combine(Requires.Shared(), "tokenizers", name), prependsBos);

        detection.Format.Name.Should().Be(expected);
        detection.Unrecognised.Should().BeFalse();
        if (name == "llama3") detection.Format.FormatUserPrompt("x").Should().StartWith("<|begin_of_text|>", "the template writes bos_token and this tokenizer does not prepend it");
    }

    [Fact]
    public void An_unrecognised_chat_template_falls_back_to_plain_and_says_so()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"chat_template": "{% for m in messages %}### {{ m.content }}{% endfor %}"}""");

        var detection = ChatFormatDetector.Detect(dir.Path, tokenizerPrependsBos: false);

        detection.Format.Should().BeSameAs(ChatFormat.Plain);
        detection.Unrecognised.Should().BeTrue();
        detection.Source.Should().Contain("matches no built-in format");
    }

    [Fact]
    public void Conversational_preference_data_uses_the_chat_format_given_to_the_loader()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("prefs.jsonl"), """
            {"chosen": [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Hello."}], "rejected": [{"role": "user", "content": "Hi?"}, {"role": "assistant", "content": "Go."}]}
            """);

        var loaded = PreferenceDataLoader.Load(dir.File("prefs.jsonl"), new PreferenceLoaderOptions { ChatFormat = ChatFormat.ChatMl });

        loaded.Pairs.Single().Prompt.Should().Be("<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n");
        PreferenceDataLoader.Load(dir.File("prefs.jsonl")).Pairs.Single().Prompt.Should().Be(ConversationTemplate.FormatPrompt([("user", "Hi?")]));
    }
}
