using R2M.MLNet.Tokenization;

namespace R2M.Tests.Tokenization;

public class ByteLevelTokenizerTests
{
    private readonly ByteLevelTokenizer _tokenizer = new();

    [Theory]
    [InlineData("")]
    [InlineData("plain ascii, with punctuation!")]
    [InlineData("naïve café")]
    [InlineData("日本語のテキスト")]
    [InlineData("emoji 👍🏽 and family 👨‍👩‍👧")]
    [InlineData("line\nbreaks\tand\0nul")]
    public void Round_trips_unicode_text(string text)
    {
        _tokenizer.Decode(_tokenizer.Encode(text)).Should().Be(text);
    }

    [Fact]
    public void Encodes_each_utf8_byte_as_its_own_id()
    {
        _tokenizer.Encode("aé👍").Should().Equal(0x61, 0xC3, 0xA9, 0xF0, 0x9F, 0x91, 0x8D);
    }

    [Fact]
    public void Specials_follow_the_256_byte_ids_pad_bos_eos_in_that_order()
    {
        _tokenizer.PadId.Should().Be(256);
        _tokenizer.BosId.Should().Be(257);
        _tokenizer.EosId.Should().Be(258);
        _tokenizer.VocabSize.Should().Be(259);
        ByteLevelTokenizer.Size.Should().Be(259);
    }

    [Fact]
    public void Encode_never_emits_special_ids_even_for_text_that_looks_special()
    {
        _tokenizer.Encode("<pad><s></s>\u00ff").Should().OnlyContain(id => id >= 0 && id < 256);
    }

    [Fact]
    public void Decode_drops_pad_bos_and_eos()
    {
        _tokenizer.Decode([257, 0x68, 256, 0x69, 258, 256, 256]).Should().Be("hi");
    }

    [Theory]
    [InlineData(new[] { 0x61, 0xFF, 0x62 }, "a\uFFFDb")]            // 0xFF never occurs in UTF-8
    [InlineData(new[] { 0x61, 0x80 }, "a\uFFFD")]                   // lone continuation byte
    [InlineData(new[] { 0xF0, 0x9F, 0x91 }, "\uFFFD")]              // emoji cut short
    [InlineData(new[] { 0xC0, 0xAF }, "\uFFFD\uFFFD")]              // overlong encoding of '/'
    public void Decode_replaces_invalid_utf8_instead_of_throwing(int[] ids, string expected)
    {
        _tokenizer.Decode(ids).Should().Be(expected);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(259)]
    public void Decode_rejects_ids_outside_the_vocabulary_with_their_position(int id)
    {
        Action act = () => _tokenizer.Decode([0x61, id]);

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{id}*position 1*");
    }
}
