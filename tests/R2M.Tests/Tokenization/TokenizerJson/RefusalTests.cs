using System.Text;
using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.Tests.Tokenization.TokenizerJson;

public class RefusalTests
{
    private static Action Loading(string json) => () => TinyTokenizerJson.Load(json);

    [Fact]
    public void An_unknown_pre_tokenizer_is_refused_by_name_and_json_path() =>
        Loading(TinyTokenizerJson.Json(["a"], preTokenizer: """{"type": "Sequence", "pretokenizers": [{"type": "Digits"}, {"type": "Foo"}]}"""))
            .Should().Throw<TokenizerJsonException>()
            .WithMessage("tokenizer.json: pre_tokenizer.pretokenizers[1].type = \"Foo\" is not supported*")
            .Which.JsonPath.Should().Be("pre_tokenizer.pretokenizers[1].type");

    [Theory]
    [InlineData("normalizer", """{"type": "BertNormalizer"}""", "normalizer.type = \"BertNormalizer\"")]
    [InlineData("post_processor", """{"type": "Foo"}""", "post_processor.type = \"Foo\"")]
    [InlineData("decoder", """{"type": "Sequence", "decoders": [{"type": "WordPiece"}]}""", "decoder.decoders[0].type = \"WordPiece\"")]
    public void Unknown_components_of_every_kind_are_refused_by_name_and_path(string section, string component, string expected)
    {
        string json = section switch
        {
            "normalizer" => TinyTokenizerJson.Json(["a"], normalizer: component),
            "post_processor" => TinyTokenizerJson.Json(["a"], postProcessor: component),
            _ => TinyTokenizerJson.Json(["a"], decoder: component),
        };
        Loading(json).Should().Throw<TokenizerJsonException>().WithMessage($"tokenizer.json: {expected} is not supported*");
    }

    [Fact]
    public void A_model_other_than_bpe_or_unigram_is_refused() =>
        Loading(TinyTokenizerJson.Json(["a"]).Replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\""))
            .Should().Throw<TokenizerJsonException>().WithMessage("tokenizer.json: model.type = \"WordPiece\" is not supported*");

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_parsing()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(TinyTokenizerJson.Json(["a"]));
        Action act = () => TokenizerJsonLoader.LoadBpe(new MemoryStream(bytes), limits: new TokenizerJsonLimits { MaxFileBytes = 100 });
        act.Should().Throw<TokenizerJsonException>().WithMessage("*the limit is 100 (TokenizerJsonLimits.MaxFileBytes)*");
    }

    [Fact]
    public void A_vocabulary_over_the_limit_is_refused_naming_the_limit()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(TinyTokenizerJson.Json(["a", "b", "c"]));
        Action act = () => TokenizerJsonLoader.LoadBpe(new MemoryStream(bytes), limits: new TokenizerJsonLimits { MaxVocabularySize = 2 });
        act.Should().Throw<TokenizerJsonException>().WithMessage("tokenizer.json: model.vocab: has more than 2 entries*");
    }

    [Fact]
    public void A_malformed_merge_is_refused_with_its_index() =>
        Loading(TinyTokenizerJson.Json(["a", "b", "ab"], """["a b", "a b c"]"""))
            .Should().Throw<TokenizerJsonException>().WithMessage("tokenizer.json: model.merges[1]: expected \"left right\"*");

    [Fact]
    public void Invalid_json_is_refused() =>
        Loading("{\"model\": ").Should().Throw<TokenizerJsonException>().WithMessage("tokenizer.json: not valid JSON*");
}
