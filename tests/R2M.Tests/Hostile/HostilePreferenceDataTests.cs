using System.Text;
using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hostile;

/// <summary>Preference files that are valid JSON but not valid text, or not UTF-8 at all.</summary>
public class HostilePreferenceDataTests
{
    private const string Good = "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n";

    [Fact]
    public void Escaped_lone_surrogate_is_an_invalid_record_naming_line_and_field()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        File.WriteAllText(path, Good + "{\"prompt\": \"p\", \"chosen\": \"\\ud800\", \"rejected\": \"b\"}\n" + Good);

        var load = () => PreferenceDataLoader.Load(path);

        var e = load.Should().Throw<PreferenceDataException>().Which;
        (e.File, e.Line, e.Field).Should().Be((path, 2, "chosen"));
        e.Message.Should().Contain("lone surrogate");
    }

    [Fact]
    public void Escaped_lone_surrogate_is_skipped_with_skip_invalid()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        File.WriteAllText(path, Good + "{\"prompt\": \"p\", \"chosen\": \"\\ud800\", \"rejected\": \"b\"}\n" + Good);

        var result = PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { SkipInvalid = true });

        result.Errors.Should().ContainSingle().Which.Line.Should().Be(2);
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_its_line_and_column_not_turned_into_replacement_characters()
    {
        using var dir = new TempDir();
        string path = dir.File("p.jsonl");
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(Good + "{\"prompt\": \"p\", \"chosen\": \"caf"));
        bytes.Add(0xE9); // Latin-1 é
        bytes.AddRange(Encoding.UTF8.GetBytes("\", \"rejected\": \"b\"}\n"));
        File.WriteAllBytes(path, [.. bytes]);

        var load = () => PreferenceDataLoader.Load(path, new PreferenceLoaderOptions { SkipInvalid = true });

        var e = load.Should().Throw<PreferenceDataException>().Which;
        (e.File, e.Line, e.Column).Should().Be((path, 2, 31));
        e.Message.Should().Contain("byte 0xE9 is not UTF-8");
    }
}
