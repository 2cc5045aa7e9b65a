namespace R2M.Tests.Tokenization.TokenizerJson;

public class AddedTokenTests
{
    private static readonly string[] Vocab = ["▁", "a", "b", "▁a", "▁b", "<x>", "X"];

    private static string Added(string flags = "", string content = "<x>", int id = 5, bool special = true) =>
        $$"""[{"id": {{id}}, "content": "{{content}}", "special": {{(special ? "true" : "false")}}, {{flags}} "dummy": 0}]""".Replace(", \"dummy\": 0", "");

    private static R2M.MLNet.Tokenization.TokenizerJson.HuggingFaceBpeTokenizer Metaspace(string added) =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(Vocab, """["▁ a", "▁ b"]""", addedTokens: added, decoder: """{"type": "Fuse"}""",
            normalizer: """{"type": "Replace", "pattern": {"String": " "}, "content": "▁"}"""));

    [Fact]
    public void Added_tokens_are_split_out_before_normalization_and_the_rest_is_normalized_apart() =>
        Metaspace(Added("\"normalized\": false,")).Tokens("a<x> b").Should().Equal("a", "<x>", "▁b");

    [Fact]
    public void A_normalized_added_token_is_matched_in_the_normalized_text_in_its_normalized_form()
    {
        var tokenizer = TinyTokenizerJson.Load(TinyTokenizerJson.Json(Vocab, addedTokens: Added("\"normalized\": true,", content: "X", id: 6),
            normalizer: """{"type": "Lowercase"}"""));
        tokenizer.Encode("aXb", false).Should().Equal(1, 6, 2);
        tokenizer.Encode("axb", false).Should().Equal(1, 6, 2);
    }

    [Fact]
    public void Lstrip_and_rstrip_take_the_white_space_around_the_token()
    {
        Metaspace(Added("\"normalized\": false,")).Tokens("a <x> b").Should().Equal("a", "▁", "<x>", "▁b");
        Metaspace(Added("\"normalized\": false, \"lstrip\": true, \"rstrip\": true,")).Tokens("a <x> b").Should().Equal("a", "<x>", "b");
    }

    [Fact]
    public void Single_word_matches_only_outside_a_word()
    {
        var tokenizer = TinyTokenizerJson.Load(TinyTokenizerJson.Json([.. Vocab, "ab"], """["a b"]""",
            addedTokens: Added("\"normalized\": false, \"single_word\": true,", content: "b", id: 2)));
        tokenizer.Tokens("ab").Should().Equal("ab");
        tokenizer.Encode("a b", false).Should().Contain(2);
    }

    [Fact]
    public void Special_added_tokens_are_dropped_when_decoding_asks_to_skip_them()
    {
        var tokenizer = Metaspace(Added("\"normalized\": false,"));
        var ids = tokenizer.Encode("a<x>", false);
        tokenizer.Decode(ids, skipSpecialTokens: false).Should().Be("a<x>");
        tokenizer.Decode(ids, skipSpecialTokens: true).Should().Be("a");
    }

    [Fact]
    public void The_longest_added_token_wins_where_two_start_together()
    {
        string added = """
            [{"id": 7, "content": "<x", "special": true, "normalized": false},
             {"id": 5, "content": "<x>", "special": true, "normalized": false}]
            """;
        Metaspace(added).Encode("<x>", false).Should().Equal(5);
    }
}
