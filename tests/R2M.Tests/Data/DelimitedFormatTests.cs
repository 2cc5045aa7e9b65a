using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class DelimitedFormatTests
{
    [Fact]
    public void Csv_quoted_fields_keep_commas_doubled_quotes_and_newlines()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.csv",
            "prompt,chosen,rejected,margin\r\n" +
            "\"Say \"\"hi\"\", please\",\"Hi,\r\nthere\",Bye,0.5\r\n" +
            "\r\n" +
            "plain,yes,no,\r\n");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.Csv);
        result.Pairs.Should().Equal(
            new PreferencePair("Say \"hi\", please", "Hi,\r\nthere", "Bye", 0.5f, "prefs.csv:2"),
            new PreferencePair("plain", "yes", "no", 0f, "prefs.csv:5"));
    }

    [Fact]
    public void Tsv_is_read_by_extension_with_columns_in_any_order()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.tsv", "Rejected\tPrompt\tChosen\nbad\tq\tgood\n");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.Tsv);
        result.Pairs.Should().Equal(new PreferencePair("q", "good", "bad", 0f, "prefs.tsv:2"));
    }

    [Fact]
    public void Csv_empty_field_error_gives_line_and_column()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.csv", "prompt,chosen,rejected\nq,a,b\nq2,\"a, b\",  \n");

        var act = () => PreferenceDataLoader.Load(path);

        var e = act.Should().Throw<PreferenceDataException>().Which;
        e.Message.Should().Be($"{path}: line 3, column 11: field 'rejected': empty or whitespace-only text");
        (e.Line, e.Column, e.Field, e.Record).Should().Be((3, 11, "rejected", (int?)null));
    }

    [Fact]
    public void Csv_quote_inside_an_unquoted_field_gives_line_and_column()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.csv", "prompt,chosen,rejected\nq,say \"x\",b\n");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().WithMessage(
            $"{path}: line 2, column 7: a quote inside an unquoted field (quote the whole field and double the inner quotes)");
    }

    [Fact]
    public void Csv_wrong_field_count_points_at_the_first_extra_field()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.csv", "prompt,chosen,rejected\nq,a,b,extra\n");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().WithMessage($"{path}: line 2, column 7: expected 3 fields (as in the header), found 4");
    }

    [Fact]
    public void Csv_unterminated_quote_is_fatal_even_when_skipping_invalid_records()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.csv", "prompt,chosen,rejected\nq,a,b\nq,\"a,b\n");

        var act = () => PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { SkipInvalid = true });

        act.Should().Throw<PreferenceDataException>().WithMessage(
            $"{path}: line 3, column 3: unterminated quoted field (no closing quote before the end of the file)");
    }

    [Fact]
    public void Csv_header_without_a_required_column_names_the_columns_found()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.csv", "prompt,good,rejected\nq,a,b\n");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().WithMessage(
            $"{path}: line 1: field 'chosen': the header has no 'chosen' column (found 'prompt', 'good', 'rejected'; needed prompt, chosen, rejected, optional margin)");
    }
}
