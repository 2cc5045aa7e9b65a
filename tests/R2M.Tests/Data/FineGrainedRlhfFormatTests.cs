using R2M.MLNet.Data;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Data;

public class FineGrainedRlhfFormatTests
{
    private static string Question(string preference) =>
        $$"""{"question": "Q?", "passages": [["T", "s"]], "prediction 1": "p1", "prediction 2": "p2", "prediction 3": "p3", "prediction 4": "p4", "feedback": {}, "preference": {{preference}}}""";

    [Fact]
    public void Six_preferences_give_pairs_in_order_and_zeros_are_ties()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "fg.json", $"[{Question("[1, 2, 0, 1, 2, 0]")}]");

        var result = PreferenceDataLoader.Load(path);

        result.Format.Should().Be(PreferenceFormat.FineGrainedRlhf);
        result.Pairs.Select(p => (p.Prompt, p.Chosen, p.Rejected, p.Origin)).Should().Equal(
            ("Q?", "p1", "p2", "fg.json:1"),
            ("Q?", "p3", "p1", "fg.json:1"),
            ("Q?", "p2", "p3", "fg.json:1"),
            ("Q?", "p4", "p2", "fg.json:1"));
        result.TiesDropped.Should().Be(2);
    }

    [Fact]
    public void Unknown_preference_value_is_an_error_with_its_position()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "fg.json", $"[{Question("[1, 2, 0, 1, 5, 0]")}]");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>()
            .WithMessage($"{path}: record 1: field 'preference': unknown label 5 at position 5 (2v4) (expected 0, 1 or 2)");
    }

    [Fact]
    public void Preference_list_not_six_long_is_an_error()
    {
        using var dir = new TempDir();
        string path = DataFile.Write(dir, "fg.json", $"[{Question("[1, 2, 0, 1, 2]")}]");

        var act = () => PreferenceDataLoader.Load(path);

        act.Should().Throw<PreferenceDataException>()
            .WithMessage($"{path}: record 1: field 'preference': expected a list of 6 labels (1v2, 1v3, 1v4, 2v3, 2v4, 3v4), got 5");
    }
}
