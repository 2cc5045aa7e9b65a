using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>
/// Reads one FineGrainedRLHF qa-feedback question: up to six pairs from <c>prediction 1</c>..<c>prediction 4</c> by the
/// <c>preference</c> list (order 1v2, 1v3, 1v4, 2v3, 2v4, 3v4; 1: first preferred, 2: second, 0: tie, dropped and counted).
/// The prompt is <c>question</c>; passages and span feedback are ignored. The record is all or nothing.
/// </summary>
internal static class FineGrainedRlhfRecordReader
{
    private static readonly (int First, int Second)[] Comparisons = [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)];

    public static RecordOutcome Read(JsonElement record, RecordLocation at, LoadSink sink, List<PreferencePair> into)
    {
        JsonFields.RequireObject(record);
        string question = JsonFields.RequireString(record, "question");
        var predictions = new string[5];
        for (int p = 1; p <= 4; p++) predictions[p] = JsonFields.RequireString(record, $"prediction {p}");

        var preference = JsonFields.Require(record, "preference");
        if (preference.ValueKind != JsonValueKind.Array)
            throw new InvalidRecordException("preference", $"expected a list of 6 labels (1v2, 1v3, 1v4, 2v3, 2v4, 3v4), got {JsonFields.Describe(preference)}");
        if (preference.GetArrayLength() != Comparisons.Length)
            throw new InvalidRecordException("preference", $"expected a list of 6 labels (1v2, 1v3, 1v4, 2v3, 2v4, 3v4), got {preference.GetArrayLength()}");

        int ties = 0, i = 0;
        foreach (var entry in preference.EnumerateArray())
        {
            var (a, b) = Comparisons[i++];
            int label = JsonFields.Label(entry, "preference", 3, $" at position {i} ({a}v{b})");
            if (label == 0) { ties++; continue; }
            var (chosen, rejected) = label == 1 ? (a, b) : (b, a);
            into.Add(PairRules.Make(sink, at, question, "question",
                predictions[chosen], $"prediction {chosen}", predictions[rejected], $"prediction {rejected}"));
        }
        return new RecordOutcome(Ties: ties);
    }
}
