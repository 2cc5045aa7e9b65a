using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class PandaLmFormatTests
{
    private static string Row(string labels, string response1 = "\"one\"", string input = "") =>
        $$"""{"idx": 0, "instruction": "Do it", "input": "{{input}}", "response1": {{response1}}, "response2": "two", {{labels}}}""";

    private static string Labels(object a, object b, object c) => $"\"annotator1\": {a}, \"annotator2\": {b}, \"annotator3\": {c}";

    [Fact]
    public void Majority_vote_picks_chosen_and_ties_are_dropped_and_counted()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "panda.json", "[" + string.Join(",",
            Row(Labels(1, 1, 2)),
            Row(Labels(2, 0, 2), input: "with input"),
            Row(Labels(0, 0, 1)),
            Row(Labels(0, 1, 2))) + "]");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.PandaLM);
        result.Pairs.Should().Equal(
            new PreferencePair("Do it", "one", "two", 0f, "panda.json:1"),
            new PreferencePair("Do it\n\nwith input", "two", "one", 0f, "panda.json:2"));
        result.TiesDropped.Should().Be(2);
        result.Skipped.Should().Be(0);
    }

    [Fact]
    public void Boolean_response_is_kept_as_its_json_literal_by_default()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "panda.json", $"[{Row(Labels(2, 2, 2), response1: "true")}]");

        var result = PreferenceDataLoader.Load(path);

        result.Pairs.Should().Equal(new PreferencePair("Do it", "two", "true", 0f, "panda.json:1"));
    }

    [Fact]
    public void Boolean_response_row_is_skipped_and_counted_with_skip_option()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "panda.json", $"[{Row(Labels(2, 2, 2), response1: "false")}, {Row(Labels(1, 1, 1))}]");

        var result = PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { PandaLmNonStringResponses = PandaLmNonStringResponses.Skip });

        result.Pairs.Select(p => p.Origin).Should().Equal("panda.json:2");
        result.Skipped.Should().Be(1);
        result.Errors.Should().BeEmpty();
    }

    [Fact]
    public void Empty_response_is_kept_by_default_but_rejected_with_reject_policy()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "panda.json", $"[{Row(Labels(2, 2, 1), response1: "\"\"")}]");

        PreferenceDataLoader.Load(path).Pairs.Single().Rejected.Should().BeEmpty();
        var act = () => PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { EmptyResponses = EmptyResponsePolicy.Reject });
        act.Should().Throw<PreferenceDataException>().WithMessage($"{path}: record 1: field 'response1': empty or whitespace-only text");
    }

    [Theory]
    [InlineData("3", "unknown label 3 (expected 0, 1 or 2)")]
    [InlineData("\"x\"", "unknown label \"x\" (expected 0, 1 or 2)")]
    public void Unknown_annotator_label_is_an_error(string value, string reason)
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "panda.json", $"[{Row(Labels(1, value, 1))}]");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>().WithMessage($"{path}: record 1: field 'annotator2': {reason}");
    }
}
