namespace R2M.Tests.Tokenization.TokenizerJson;

public class PostProcessorTests
{
    private static readonly string[] Vocab = ["<s>", "</s>", "a", "b"];

    private static int[] Encode(string postProcessor, bool addSpecialTokens = true) =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(Vocab, postProcessor: postProcessor)).Encode("ab", addSpecialTokens).ToArray();

    [Fact]
    public void Template_processing_wraps_the_sequence_in_its_special_tokens() =>
        Encode("""
            {"type": "TemplateProcessing",
             "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
             "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}, "</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}}
            """).Should().Equal(0, 2, 3, 1);

    [Fact]
    public void Special_tokens_are_added_only_when_asked() =>
        Encode("""
            {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
             "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}}}
            """, addSpecialTokens: false).Should().Equal(2, 3);

    [Fact]
    public void Byte_level_post_processing_adds_nothing() =>
        Encode("""{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}""").Should().Equal(2, 3);

    [Theory]
    [InlineData("RobertaProcessing")]
    [InlineData("BertProcessing")]
    public void Roberta_and_bert_processing_put_cls_before_and_sep_after(string type) =>
        Encode($$"""{"type": "{{type}}", "cls": ["<s>", 0], "sep": ["</s>", 1]}""").Should().Equal(0, 2, 3, 1);

    [Fact]
    public void Sequence_applies_its_post_processors_in_order() =>
        Encode("""
            {"type": "Sequence", "processors": [{"type": "ByteLevel"}, {"type": "BertProcessing", "cls": ["<s>", 0], "sep": ["</s>", 1]}]}
            """).Should().Equal(0, 2, 3, 1);

    [Fact]
    public void The_ml_net_encode_methods_follow_add_special_tokens()
    {
        string json = TinyTokenizerJson.Json(Vocab, postProcessor: """{"type": "BertProcessing", "cls": ["<s>", 0], "sep": ["</s>", 1]}""");
        TinyTokenizerJson.Load(json, addSpecialTokens: true).EncodeToIds("ab").Should().Equal(0, 2, 3, 1);
        TinyTokenizerJson.Load(json, addSpecialTokens: false).EncodeToIds("ab").Should().Equal(2, 3);
        TinyTokenizerJson.Load(json, addSpecialTokens: true).EncodeToTokens("ab", out _).Select(t => t.Value).Should().Equal("<s>", "a", "b", "</s>");
    }
}
