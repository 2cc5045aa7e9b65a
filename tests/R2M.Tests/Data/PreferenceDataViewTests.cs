using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.MLNet.Data;

namespace R2M.Tests.Data;

public class PreferenceDataViewTests
{
    private static readonly PreferencePair[] Pairs =
    [
        new("What is 2+2?", "4", "5", 1.25f, "a.jsonl:1"),
        new("Say hi, \"nicely\"", "Hi!\nHow are you?", "", 0f),
    ];

    [Fact]
    public void Round_trip_keeps_prompt_chosen_rejected_and_margin()
    {
        var ml = new MLContext(seed: 1);

        var view = PreferenceDataView.ToDataView(ml, Pairs);
        var back = PreferenceDataView.FromDataView(view);

        view.Schema.Select(c => (c.Name, c.Type.ToString())).Should().Equal(
            ("Prompt", "String"), ("Chosen", "String"), ("Rejected", "String"), ("Margin", "Single"));
        back.Should().Equal(Pairs.Select(p => p with { Origin = null }));
    }

    [Fact]
    public void Missing_column_is_reported_in_ml_net_wording()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(new[] { new NoMargin { Prompt = "p", Chosen = "a", Rejected = "b" } });

        var act = () => PreferenceDataView.FromDataView(view);

        act.Should().Throw<ArgumentException>().WithMessage("Could not find Margin column 'Margin' (Parameter 'view')");
    }

    [Fact]
    public void Wrong_column_type_is_reported_as_a_schema_mismatch()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(new[] { new TextMargin { Prompt = "p", Chosen = "a", Rejected = "b", Margin = "1" } });

        var act = () => PreferenceDataView.FromDataView(view);

        act.Should().Throw<ArgumentException>().WithMessage("Schema mismatch for Margin column 'Margin': expected Single, got String (Parameter 'view')");
    }

    public sealed class NoMargin
    {
        public string Prompt { get; set; } = "";
        public string Chosen { get; set; } = "";
        public string Rejected { get; set; } = "";
    }

    public sealed class TextMargin
    {
        public string Prompt { get; set; } = "";
        public string Chosen { get; set; } = "";
        public string Rejected { get; set; } = "";
        public string Margin { get; set; } = "";
    }
}
