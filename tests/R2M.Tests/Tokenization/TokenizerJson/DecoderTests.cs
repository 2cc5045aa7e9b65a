namespace R2M.Tests.Tokenization.TokenizerJson;

public class DecoderTests
{
    private static string Decode(string decoder, string[] vocab, params int[] ids) =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(vocab, decoder: decoder)).Decode(ids, skipSpecialTokens: false);

    [Fact]
    public void Byte_level_turns_the_byte_alphabet_back_into_utf8_text() =>
        // "Ġ" is the space byte; "Ã©" are the two bytes of "é".
        Decode("""{"type": "ByteLevel"}""", ["hi", "Ġcaf", "Ã©"], 0, 1, 2).Should().Be("hi café");

    [Fact]
    public void Byte_level_decodes_invalid_utf8_to_the_replacement_character() =>
        Decode("""{"type": "ByteLevel"}""", ["a", "Ã"], 0, 1).Should().Be("a\uFFFD");

    [Fact]
    public void Metaspace_turns_the_replacement_back_into_spaces_and_drops_the_leading_one() =>
        Decode("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""", ["▁hi", "▁you"], 0, 1)
            .Should().Be("hi you");

    [Fact]
    public void Replace_rewrites_each_token() =>
        Decode("""{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}""", ["▁hi", "▁you"], 0, 1).Should().Be(" hi you");

    [Fact]
    public void Byte_fallback_spells_byte_tokens_as_utf8_and_invalid_runs_as_one_replacement_per_byte()
    {
        string[] vocab = ["a", "<0xC3>", "<0xA9>"];
        Decode("""{"type": "ByteFallback"}""", vocab, 0, 1, 2).Should().Be("aé");
        Decode("""{"type": "ByteFallback"}""", vocab, 1, 0, 2).Should().Be("\uFFFDa\uFFFD");
    }

    [Fact]
    public void Strip_removes_up_to_start_leading_and_stop_trailing_characters_from_each_token() =>
        Decode("""{"type": "Sequence", "decoders": [{"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 1}]}""",
            ["  a", "b  "], 0, 1).Should().Be(" ab ");

    [Fact]
    public void Fuse_then_strip_removes_only_the_first_space_of_the_whole_text() =>
        Decode("""
            {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
             {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
            """, ["▁hi", "▁", "▁you"], 0, 1, 2).Should().Be("hi  you");

    [Fact]
    public void Without_a_decoder_tokens_are_joined_by_spaces() =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(["a", "b"])).Decode([0, 1], skipSpecialTokens: false).Should().Be("a b");
}
