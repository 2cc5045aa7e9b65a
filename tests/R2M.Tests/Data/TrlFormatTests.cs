using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class TrlFormatTests
{
    [Fact]
    public void Jsonl_gives_pairs_with_margin_and_line_origin()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.jsonl",
            "{\"prompt\": \"2+2?\", \"chosen\": \"4\", \"rejected\": \"5\", \"margin\": 1.5}\n\n{\"prompt\": \"Hi\", \"chosen\": \"Hello!\", \"rejected\": \"Go away\"}\n");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.Trl);
        result.Pairs.Should().Equal(
            new PreferencePair("2+2?", "4", "5", 1.5f, "prefs.jsonl:1"),
            new PreferencePair("Hi", "Hello!", "Go away", 0f, "prefs.jsonl:3"));
        result.Skipped.Should().Be(0);
        result.Errors.Should().BeEmpty();
    }

    [Fact]
    public void Json_array_gives_pairs_with_record_origin()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "prefs.json",
            """
            [
              {"prompt": "a", "chosen": "b", "rejected": "c"},
              {"prompt": "d", "chosen": "e", "rejected": "f", "extra": 1}
            ]
            """);

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.Trl);
        result.Pairs.Select(p => p.Origin).Should().Equal("prefs.json:1", "prefs.json:2");
        result.Pairs[1].Should().Be(new PreferencePair("d", "e", "f", 0f, "prefs.json:2"));
    }
}
