using System.Text;
using Microsoft.ML.Tokenizers;
using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.Tests.Tokenization.TokenizerJson;

public class UnigramTests
{
    private const string Json = """
        {"version": "1.0", "truncation": null, "padding": null,
         "added_tokens": [{"id": 0, "content": "<unk>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false},
                          {"id": 1, "content": "<s>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false},
                          {"id": 2, "content": "</s>", "special": true, "normalized": false, "lstrip": false, "rstrip": false, "single_word": false}],
         "normalizer": null,
         "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true},
         "post_processor": null,
         "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true},
         "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false,
                   "vocab": [["<unk>", 0.0], ["<s>", 0.0], ["</s>", 0.0], ["▁", -3.0], ["▁hello", -1.0], ["▁world", -1.5], ["h", -4.0], ["e", -4.0], ["l", -4.0], ["o", -4.0]]}}
        """;

    [Fact]
    public void A_unigram_model_loads_through_microsoft_ml_tokenizers()
    {
        Tokenizer tokenizer = TokenizerJsonLoader.Load(new MemoryStream(Encoding.UTF8.GetBytes(Json)), addSpecialTokens: false);

        tokenizer.Should().BeOfType<SentencePieceTokenizer>();
        tokenizer.EncodeToIds("hello world").Should().Equal(4, 5);
    }
}
