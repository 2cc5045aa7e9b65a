using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>Reads one TRL record: string prompt, chosen, rejected and an optional numeric margin.</summary>
internal static class TrlRecordReader
{
    public static RecordOutcome Read(JsonElement record, RecordLocation at, LoadSink sink, List<PreferencePair> into)
    {
        JsonFields.RequireObject(record);
        string prompt = JsonFields.RequireString(record, "prompt");
        string chosen = JsonFields.RequireString(record, "chosen");
        string rejected = JsonFields.RequireString(record, "rejected");
        float margin = JsonFields.OptionalMargin(record);
        into.Add(PairRules.Make(sink, at, prompt, "prompt", chosen, "chosen", rejected, "rejected", margin));
        return default;
    }
}
