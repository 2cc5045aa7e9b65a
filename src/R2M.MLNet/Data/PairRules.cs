namespace R2M.MLNet.Data;

/// <summary>The checks every format shares: non-empty prompt, non-empty responses (per policy), distinct responses.</summary>
internal static class PairRules
{
    public const string EmptyText = "empty or whitespace-only text";

    public const string Identical = "identical responses (chosen equals rejected)";

    public static PreferencePair Make(
        LoadSink sink, RecordLocation at,
        string prompt, string promptField,
        string chosen, string chosenField,
        string rejected, string rejectedField,
        float margin = 0f)
    {
        if (string.IsNullOrWhiteSpace(prompt)) throw new InvalidRecordException(promptField, EmptyText);
        if (!sink.AllowEmptyResponses)
        {
            if (string.IsNullOrWhiteSpace(chosen)) throw new InvalidRecordException(chosenField, EmptyText);
            if (string.IsNullOrWhiteSpace(rejected)) throw new InvalidRecordException(rejectedField, EmptyText);
        }
        if (string.Equals(chosen, rejected, StringComparison.Ordinal)) throw new InvalidRecordException(rejectedField, Identical);
        return new PreferencePair(prompt, chosen, rejected, margin, sink.Origin(at));
    }
}
