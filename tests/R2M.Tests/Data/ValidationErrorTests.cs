using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class ValidationErrorTests
{
    private static PreferenceDataException LoadFails(string path, PreferenceLoaderOptions? options = null)
    {
        var act = () => PreferenceDataLoader.Load(path, options);
        return act.Should().Throw<PreferenceDataException>().Which;
    }

    [Fact]
    public void Malformed_jsonl_line_reports_line_and_parser_position()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl",
            "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"prompt\": \"p\", \"chosen\": }\n");

        var e = LoadFails(path);

        e.Message.Should().Be($"{path}: line 2, column 27: malformed JSON: '}}' is an invalid start of a value.");
        (e.File, e.Line, e.Column, e.Field, e.Record).Should().Be((path, 2, 27, (string?)null, (int?)null));
    }

    [Fact]
    public void Malformed_json_array_is_fatal_with_line_and_position()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.json", "[\n {\"prompt\": \"p\",, }\n]");

        var e = LoadFails(path, new PreferenceLoaderOptions { SkipInvalid = true });

        e.Message.Should().Be($"{path}: line 2, column 17: malformed JSON: ',' is an invalid start of a property name. Expected a '\"'.");
    }

    [Fact]
    public void Missing_field_names_the_field_and_record()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.json", """[{"prompt": "p", "chosen": "a", "rejected": "b"}, {"prompt": "p", "chosen": "a"}]""");

        var e = LoadFails(path);

        e.Message.Should().Be($"{path}: record 2: field 'rejected': missing");
        (e.Record, e.Line, e.Column, e.Field, e.Reason).Should().Be((2, (int?)null, (int?)null, "rejected", "missing"));
    }

    [Theory]
    [InlineData("""{"prompt": "  ", "chosen": "a", "rejected": "b"}""", "prompt")]
    [InlineData("""{"prompt": "p", "chosen": "", "rejected": "b"}""", "chosen")]
    [InlineData("""{"prompt": "p", "chosen": "a", "rejected": "\n\t"}""", "rejected")]
    public void Empty_or_whitespace_text_is_rejected(string line, string field)
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl", line + "\n");

        LoadFails(path).Message.Should().Be($"{path}: line 1: field '{field}': empty or whitespace-only text");
    }

    [Fact]
    public void Boolean_where_text_belongs_is_rejected_in_trl()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl", """{"prompt": "p", "chosen": true, "rejected": "b"}""");

        LoadFails(path).Message.Should().Be($"{path}: line 1: field 'chosen': expected text, got a boolean (true)");
    }

    [Fact]
    public void Identical_responses_are_rejected()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl", """{"prompt": "p", "chosen": "same", "rejected": "same"}""");

        LoadFails(path).Message.Should().Be($"{path}: line 1: field 'rejected': identical responses (chosen equals rejected)");
    }

    [Theory]
    [InlineData("p.jsonl", "")]
    [InlineData("p.json", " \n\t ")]
    [InlineData("p.csv", "\r\n")]
    public void Empty_file_throws(string name, string content)
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, name, content);

        LoadFails(path, new PreferenceLoaderOptions { SkipInvalid = true }).Message.Should().Be($"{path}: the file is empty");
    }

    [Fact]
    public void Empty_json_array_throws()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.json", "[]");

        LoadFails(path).Message.Should().Be($"{path}: the file is empty (a JSON array with no records)");
    }

    [Fact]
    public void Skip_invalid_keeps_valid_pairs_and_reports_each_skipped_record()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl", string.Join("\n",
            """{"prompt": "p", "chosen": "a", "rejected": "b"}""",
            """{"prompt": "p", "chosen": 1, "rejected": "b"}""",
            """{"prompt": "p" """,
            """{"prompt": "q", "chosen": "c", "rejected": "d"}"""));

        var result = PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { SkipInvalid = true });

        result.Pairs.Select(p => p.Origin).Should().Equal("p.jsonl:1", "p.jsonl:4");
        result.Skipped.Should().Be(2);
        result.Errors.Should().HaveCount(2);
        result.Errors[0].Should().Be(new PreferenceDataError(path, null, 2, null, "chosen", "expected text, got a number (1)"));
        (result.Errors[1].Line, result.Errors[1].Field).Should().Be((3, (string?)null));
        result.Errors[1].Reason.Should().StartWith("malformed JSON: ");
    }

    [Fact]
    public void Default_mode_throws_on_first_invalid_record_even_after_valid_ones()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl", string.Join("\n",
            """{"prompt": "p", "chosen": "a", "rejected": "b"}""",
            """{"prompt": "p", "chosen": "a", "rejected": null}"""));

        LoadFails(path).Message.Should().Be($"{path}: line 2: field 'rejected': expected text, got null");
    }

    [Fact]
    public void Zero_valid_pairs_throws_even_when_skipping_invalid_records()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "p.jsonl", """{"prompt": "p", "chosen": "a", "rejected": "a"}""");

        LoadFails(path, new PreferenceLoaderOptions { SkipInvalid = true }).Message
            .Should().Be($"{path}: no valid preference pairs (1 records read as Trl: 1 skipped, 0 ties dropped)");
    }
}
