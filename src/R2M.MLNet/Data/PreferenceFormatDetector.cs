using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>
/// The <see cref="PreferenceFormat.Auto"/> rule. <c>.csv</c> → Csv and <c>.tsv</c> → Tsv (by extension, any case);
/// otherwise the first JSON record decides, in this order: <c>annotator1</c> → PandaLM; <c>prediction 1</c> or
/// <c>preference</c> → FineGrainedRlhf; a list-valued <c>chosen</c> → Conversational; <c>chosen</c> and
/// <c>rejected</c> → Trl. Anything else is an error naming the keys found and the formats tried.
/// </summary>
internal static class PreferenceFormatDetector
{
    public static PreferenceFormat? ByExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => PreferenceFormat.Csv,
        ".tsv" => PreferenceFormat.Tsv,
        _ => null,
    };

    public static PreferenceFormat ByFirstRecord(string path, JsonElement record, RecordLocation at)
    {
        if (record.ValueKind == JsonValueKind.Object)
        {
            if (record.TryGetProperty("annotator1", out _)) return PreferenceFormat.PandaLM;
            if (record.TryGetProperty("prediction 1", out _) || record.TryGetProperty("preference", out _)) return PreferenceFormat.FineGrainedRlhf;
            if (record.TryGetProperty("chosen", out var chosen))
            {
                if (chosen.ValueKind == JsonValueKind.Array) return PreferenceFormat.Conversational;
                if (record.TryGetProperty("rejected", out _)) return PreferenceFormat.Trl;
            }
        }
        string keys = record.ValueKind == JsonValueKind.Object
            ? "keys [" + string.Join(", ", record.EnumerateObject().Select(p => $"'{p.Name}'")) + "]"
            : JsonFields.Describe(record) + ", not an object";
        throw new PreferenceDataException(new PreferenceDataError(path, at.Record, at.Line, null, null,
            $"cannot detect the format: the first record has {keys}; tried PandaLM (needs 'annotator1'), " +
            "FineGrainedRlhf (needs 'prediction 1' or 'preference'), Conversational (needs a list-valued 'chosen'), " +
            "Trl (needs 'chosen' and 'rejected'); Csv and Tsv are chosen by the .csv/.tsv extension"));
    }
}
