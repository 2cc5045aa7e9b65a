using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>
/// Reads one PandaLM row. The three annotator labels (1: response1 better, 2: response2 better, 0: tie) are reduced by
/// majority vote; a row without a majority, or whose majority is 0, is a tie and is dropped (and counted) before its
/// texts are checked. The prompt is <c>instruction</c>, followed by "\n\n" and <c>input</c> when input is non-empty.
/// </summary>
internal static class PandaLmRecordReader
{
    private static readonly string[] Annotators = ["annotator1", "annotator2", "annotator3"];

    public static RecordOutcome Read(JsonElement record, RecordLocation at, LoadSink sink, List<PreferencePair> into)
    {
        JsonFields.RequireObject(record);
        Span<int> votes = stackalloc int[3];
        foreach (string annotator in Annotators) votes[JsonFields.Label(JsonFields.Require(record, annotator), annotator, 3)]++;
        int winner = votes[1] >= 2 ? 1 : votes[2] >= 2 ? 2 : 0;
        if (winner == 0) return new RecordOutcome(Ties: 1);

        string instruction = JsonFields.RequireString(record, "instruction");
        string input = record.TryGetProperty("input", out var inputValue) && inputValue.ValueKind != JsonValueKind.Null
            ? JsonFields.AsString(inputValue, "input") : "";
        string prompt = input.Length == 0 ? instruction : $"{instruction}\n\n{input}";
        string? response1 = Response(record, "response1", sink.Options.PandaLmNonStringResponses);
        string? response2 = Response(record, "response2", sink.Options.PandaLmNonStringResponses);
        if (response1 is null || response2 is null) return new RecordOutcome(Skip: true);

        into.Add(winner == 1
            ? PairRules.Make(sink, at, prompt, "instruction", response1, "response1", response2, "response2")
            : PairRules.Make(sink, at, prompt, "instruction", response2, "response2", response1, "response1"));
        return default;
    }

    /// <summary>The response text; null when the row is to be skipped for a non-string response.</summary>
    private static string? Response(JsonElement record, string field, PandaLmNonStringResponses policy)
    {
        var value = JsonFields.Require(record, field);
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number)
            return policy == PandaLmNonStringResponses.KeepAsText ? value.GetRawText() : null;
        return JsonFields.AsString(value, field);
    }
}
