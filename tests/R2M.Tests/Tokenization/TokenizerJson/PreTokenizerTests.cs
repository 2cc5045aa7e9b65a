namespace R2M.Tests.Tokenization.TokenizerJson;

public class PreTokenizerTests
{
    private static void Expect(string preTokenizer, string text, params string[] expected) =>
        TinyTokenizerJson.PreTokens(preTokenizer, text, expected).Should().Equal(expected);

    private static string Split(string behavior, bool invert = false, string pattern = """{"String": "-"}""") =>
        $$"""{"type": "Split", "pattern": {{pattern}}, "behavior": "{{behavior}}", "invert": {{(invert ? "true" : "false")}}}""";

    [Fact]
    public void Split_isolated_keeps_each_delimiter_as_a_piece() => Expect(Split("Isolated"), "ab-cd--e", "ab", "-", "cd", "-", "-", "e");

    [Fact]
    public void Split_removed_drops_the_delimiters() => Expect(Split("Removed"), "ab-cd--e", "ab", "cd", "e");

    [Fact]
    public void Split_merged_with_previous_appends_a_delimiter_to_the_piece_before() =>
        Expect(Split("MergedWithPrevious"), "ab-cd--e", "ab-", "cd-", "-", "e");

    [Fact]
    public void Split_merged_with_next_prepends_a_delimiter_to_the_piece_after() =>
        Expect(Split("MergedWithNext"), "ab-cd--e", "ab", "-cd", "-", "-e");

    [Fact]
    public void Split_contiguous_joins_consecutive_delimiters() => Expect(Split("Contiguous"), "ab-cd--e", "ab", "-", "cd", "--", "e");

    [Fact]
    public void Split_inverted_makes_the_matches_the_pieces() =>
        Expect(Split("Removed", invert: true, pattern: """{"Regex": "[a-z]+"}"""), "ab, cd", "ab", "cd");

    [Fact]
    public void Split_translates_possessive_quantifiers_to_atomic_groups() =>
        Expect(Split("Isolated", pattern: """{"Regex": "[a-z]++|\\d?+"}"""), "ab1", "ab", "1");

    [Fact]
    public void Byte_level_with_its_regex_splits_like_gpt2_and_maps_bytes() =>
        Expect("""{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}""", "hi you's", "hi", "Ġyou", "'s");

    [Fact]
    public void Byte_level_add_prefix_space_puts_a_space_before_a_piece_without_one() =>
        Expect("""{"type": "ByteLevel", "add_prefix_space": true, "use_regex": false}""", "hi you", "ĠhiĠyou");

    [Fact]
    public void Metaspace_replaces_spaces_prepends_and_splits_before_each_replacement() =>
        Expect("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""", "hi you", "▁hi", "▁you");

    [Fact]
    public void Metaspace_without_split_keeps_one_piece() =>
        Expect("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "never", "split": false}""", "hi you", "hi▁you");

    [Fact]
    public void Digits_individual_isolates_each_digit() =>
        Expect("""{"type": "Digits", "individual_digits": true}""", "a123b", "a", "1", "2", "3", "b");

    [Fact]
    public void Digits_grouped_keeps_a_number_together() => Expect("""{"type": "Digits", "individual_digits": false}""", "a123b", "a", "123", "b");

    [Fact]
    public void Whitespace_keeps_words_and_symbol_runs() => Expect("""{"type": "Whitespace"}""", "hi, you!!", "hi", ",", "you", "!!");

    [Fact]
    public void Whitespace_split_splits_on_white_space_only() => Expect("""{"type": "WhitespaceSplit"}""", "hi, you!!", "hi,", "you!!");

    [Fact]
    public void Punctuation_isolates_each_punctuation_character() =>
        Expect("""{"type": "Punctuation", "behavior": "Isolated"}""", "a,b!?", "a", ",", "b", "!", "?");

    [Fact]
    public void Sequence_applies_each_pre_tokenizer_to_the_pieces_of_the_previous() =>
        Expect("""{"type": "Sequence", "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Digits", "individual_digits": true}]}""",
            "ab12 c3", "ab", "1", "2", "c", "3");
}
