using System.Globalization;

namespace R2M.MLNet.Data;

/// <summary>
/// Reads CSV or TSV preference data: a header row naming <c>prompt</c>, <c>chosen</c>, <c>rejected</c> and optionally
/// <c>margin</c> (names matched case-insensitively after trimming; other columns ignored), then one record per pair.
/// Blank lines are skipped; an empty margin cell is 0.
/// </summary>
internal static class DelimitedPreferenceReader
{
    private static readonly string[] Required = ["prompt", "chosen", "rejected"];

    public static void Read(string text, char delimiter, LoadSink sink)
    {
        var parser = new DelimitedTextParser(text, delimiter);
        try
        {
            Dictionary<string, int>? columns = null;
            int width = 0;
            while (parser.Next(out var record, out var error))
            {
                if (error is var (line, column, reason))
                {
                    if (columns is null) throw Fatal(sink, line, column, null, reason);
                    sink.Reject(new PreferenceDataError(sink.Path, null, line, column, null, reason));
                    continue;
                }
                if (record!.IsBlank) continue;
                if (columns is null)
                {
                    columns = Header(record, sink);
                    width = record.Fields.Count;
                    continue;
                }
                var map = columns;
                sink.Record(RecordLocation.AtLine(record.Line),
                    into => Row(record, map, width, sink, into),
                    field => field is not null && map.TryGetValue(field, out int index) && index < record.Fields.Count ? record.Fields[index].Column : null);
            }
        }
        catch (DelimitedSyntaxException e)
        {
            throw Fatal(sink, e.Line, e.Column, null, e.Reason);
        }
    }

    private static RecordOutcome Row(DelimitedRecord record, Dictionary<string, int> columns, int width, LoadSink sink, List<PreferencePair> into)
    {
        var fields = record.Fields;
        if (fields.Count != width)
        {
            int column = fields.Count > width ? fields[width].Column : record.EndColumn;
            throw new InvalidRecordException(null, $"expected {width} fields (as in the header), found {fields.Count}", column);
        }
        float margin = 0f;
        if (columns.TryGetValue("margin", out int m) && !string.IsNullOrWhiteSpace(fields[m].Text))
        {
            if (!float.TryParse(fields[m].Text, NumberStyles.Float, CultureInfo.InvariantCulture, out margin) || !float.IsFinite(margin))
                throw new InvalidRecordException("margin", $"expected a finite number, got '{fields[m].Text}'");
        }
        var at = RecordLocation.AtLine(record.Line);
        into.Add(PairRules.Make(sink, at,
            fields[columns["prompt"]].Text, "prompt",
            fields[columns["chosen"]].Text, "chosen",
            fields[columns["rejected"]].Text, "rejected", margin));
        return default;
    }

    private static Dictionary<string, int> Header(DelimitedRecord header, LoadSink sink)
    {
        var columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < header.Fields.Count; i++) columns.TryAdd(header.Fields[i].Text.Trim(), i);
        foreach (string name in Required)
        {
            if (!columns.ContainsKey(name))
            {
                string found = string.Join(", ", header.Fields.Select(f => $"'{f.Text}'"));
                throw Fatal(sink, header.Line, null, name, $"the header has no '{name}' column (found {found}; needed prompt, chosen, rejected, optional margin)");
            }
        }
        return columns;
    }

    private static PreferenceDataException Fatal(LoadSink sink, int line, int? column, string? field, string reason) =>
        new(new PreferenceDataError(sink.Path, null, line, column, field, reason));
}
