using R2M.MLNet.Tokenization;

namespace R2M.Tests.Tokenization;

public class Gpt2BpeTokenizerTests
{
    private readonly Gpt2BpeTokenizer _tokenizer = new();

    [Fact]
    public void Encodes_hello_world_to_the_published_gpt2_ids_and_decodes_back()
    {
        IReadOnlyList<int> ids = _tokenizer.Encode("Hello world");

        ids.Should().Equal(15496, 995);
        _tokenizer.Decode(ids).Should().Be("Hello world");
    }

    [Fact]
    public void Has_no_bos_and_uses_end_of_text_for_eos_and_pad_over_50257_ids()
    {
        _tokenizer.BosId.Should().BeNull();
        _tokenizer.EosId.Should().Be(50256);
        _tokenizer.PadId.Should().Be(50256);
        _tokenizer.VocabSize.Should().Be(50257);
    }

    [Fact]
    public void Decode_drops_end_of_text_tokens()
    {
        _tokenizer.Decode([15496, 995, 50256, 50256]).Should().Be("Hello world");
    }

    [Fact]
    public void Round_trips_unicode_text_through_byte_level_bpe()
    {
        const string text = "naïve café — 日本語 👍🏽 tab\tnewline\n";

        _tokenizer.Decode(_tokenizer.Encode(text)).Should().Be(text);
    }
}
