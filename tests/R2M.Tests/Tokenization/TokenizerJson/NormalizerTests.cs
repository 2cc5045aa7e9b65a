namespace R2M.Tests.Tokenization.TokenizerJson;

public class NormalizerTests
{
    private static string Normalize(string normalizer, string text) =>
        TinyTokenizerJson.Load(TinyTokenizerJson.Json(["a"], normalizer: normalizer)).Normalizer!.Normalize(text);

    [Theory]
    [InlineData("NFC", "e\u0301", "\u00e9")]
    [InlineData("NFD", "\u00e9", "e\u0301")]
    [InlineData("NFKC", "\ufb01", "fi")]
    [InlineData("NFKD", "\u00bd", "1\u20442")]
    public void Unicode_forms_normalize_as_named(string form, string input, string expected) =>
        Normalize($$"""{"type": "{{form}}"}""", input).Should().Be(expected);

    [Fact]
    public void Lowercase_lowers_every_script() => Normalize("""{"type": "Lowercase"}""", "ÀB Ωx").Should().Be("àb ωx");

    [Fact]
    public void Prepend_adds_its_text_to_non_empty_input_only()
    {
        Normalize("""{"type": "Prepend", "prepend": "▁"}""", "hi").Should().Be("▁hi");
        Normalize("""{"type": "Prepend", "prepend": "▁"}""", "").Should().Be("");
    }

    [Fact]
    public void Replace_with_a_string_pattern_replaces_every_occurrence_literally() =>
        Normalize("""{"type": "Replace", "pattern": {"String": " "}, "content": "$1"}""", "a b c").Should().Be("a$1b$1c");

    [Fact]
    public void Replace_with_a_regex_pattern_replaces_every_match() =>
        Normalize("""{"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}""", "a \t b\n\nc").Should().Be("a b c");

    [Fact]
    public void Strip_removes_white_space_on_the_sides_asked()
    {
        Normalize("""{"type": "Strip", "strip_left": true, "strip_right": false}""", "  a  ").Should().Be("a  ");
        Normalize("""{"type": "Strip", "strip_left": true, "strip_right": true}""", "  a  ").Should().Be("a");
    }

    [Fact]
    public void Sequence_applies_its_normalizers_in_order() =>
        Normalize("""
            {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}
            """, "a b").Should().Be("▁a▁b");
}
