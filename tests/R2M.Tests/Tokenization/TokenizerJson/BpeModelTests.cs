using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.Tests.Tokenization.TokenizerJson;

public class BpeModelTests
{
    private static readonly string[] Letters = ["l", "o", "w", "e", "r", "lo", "low", "er", "lower"];

    [Fact]
    public void Merges_as_strings_apply_in_rank_order() =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(Letters, """["l o", "lo w", "e r"]""")).Tokens("lower").Should().Equal("low", "er");

    [Fact]
    public void Merges_as_pairs_give_the_same_result() =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(Letters, """[["l", "o"], ["lo", "w"], ["e", "r"]]""")).Tokens("lower").Should().Equal("low", "er");

    [Fact]
    public void A_lower_rank_merge_wins_over_an_earlier_position() =>
        // "e r" outranks "w e": lowe r -> "low" + "er", never "lo" + "we" ...
        TinyTokenizerJson.Load(TinyTokenizerJson.Json([.. Letters, "we"], """["e r", "w e", "l o", "lo w"]""")).Tokens("lower").Should().Equal("low", "er");

    [Fact]
    public void Long_words_merge_the_same_as_short_ones()
    {
        var tokenizer = TinyTokenizerJson.Load(TinyTokenizerJson.Json(["a", "aa", "aaaa"], """["a a", "aa aa"]"""));
        tokenizer.Tokens(new string('a', 7)).Should().Equal("aaaa", "aa", "a");
        tokenizer.Tokens(new string('a', 203)).Should().Equal([.. Enumerable.Repeat("aaaa", 50), "aa", "a"]);
    }

    [Fact]
    public void Ignore_merges_takes_a_word_found_whole_in_the_vocabulary_as_one_token()
    {
        // The merges alone would give "lo" + "wer"... but "lower" is in the vocabulary.
        string[] vocab = ["l", "o", "w", "e", "r", "lo", "we", "wer", "lower"];
        const string merges = """["l o", "w e", "we r"]""";
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(vocab, merges)).Tokens("lower").Should().Equal("lo", "wer");
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(vocab, merges, modelExtras: "\"ignore_merges\": true,")).Tokens("lower").Should().Equal("lower");
    }

    [Fact]
    public void Byte_fallback_spells_an_unknown_character_as_its_utf8_bytes()
    {
        var tokenizer = TinyTokenizerJson.Load(TinyTokenizerJson.Json(["<unk>", "a", "<0xC3>", "<0xA9>"],
            modelExtras: "\"byte_fallback\": true, \"unk_token\": \"<unk>\","));
        tokenizer.Tokens("aé").Should().Equal("a", "<0xC3>", "<0xA9>");
        tokenizer.Tokens("aü").Should().Equal(["a", "<unk>"], "the bytes of ü are not all in the vocabulary");
    }

    [Fact]
    public void Unknown_characters_become_unk_and_fuse_unk_joins_a_run()
    {
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(["<unk>", "a"], modelExtras: "\"unk_token\": \"<unk>\","))
            .Tokens("axyа").Should().Equal("a", "<unk>", "<unk>", "<unk>");
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(["<unk>", "a"], modelExtras: "\"unk_token\": \"<unk>\", \"fuse_unk\": true,"))
            .Tokens("axya").Should().Equal("a", "<unk>", "a");
    }

    [Fact]
    public void Unknown_characters_without_unk_token_are_dropped() =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(["a"])).Tokens("axa").Should().Equal("a", "a");

    [Fact]
    public void Continuing_subword_prefix_and_end_of_word_suffix_mark_inner_and_last_characters()
    {
        string[] vocab = ["l", "##o", "##w</w>", "lo", "low</w>", "##o</w>"];
        var tokenizer = TinyTokenizerJson.Load(TinyTokenizerJson.Json(vocab, """["l ##o", "lo ##w</w>"]""",
            modelExtras: "\"continuing_subword_prefix\": \"##\", \"end_of_word_suffix\": \"</w>\","));
        tokenizer.Tokens("low").Should().Equal("low</w>");
        tokenizer.Tokens("lo").Should().Equal(["l", "##o</w>"], "the last character carries the suffix, so the l + ##o merge does not apply");
    }

    [Fact]
    public void A_merge_whose_result_is_not_in_the_vocabulary_is_refused_with_its_index()
    {
        Action act = () => TinyTokenizerJson.Load(TinyTokenizerJson.Json(["a", "b"], """["a b"]"""));
        act.Should().Throw<TokenizerJsonException>().WithMessage("tokenizer.json: model.merges[0]: the merged token \"ab\" is not in model.vocab");
    }

    [Fact]
    public void Bpe_dropout_is_refused() =>
        FluentActions.Invoking(() => TinyTokenizerJson.Load(TinyTokenizerJson.Json(["a"]).Replace("\"dropout\": null", "\"dropout\": 0.1")))
            .Should().Throw<TokenizerJsonException>().WithMessage("*model.dropout = 0.1 is not supported*");
}
