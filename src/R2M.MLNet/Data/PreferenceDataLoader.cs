using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>
/// Reads a preference-data file (TRL, conversational, CSV, TSV, PandaLM or FineGrainedRLHF; see
/// docs/preference-data.md) into <see cref="PreferencePair"/>s, each with <c>Origin</c> = "file:record" (JSON arrays)
/// or "file:line" (JSON Lines, CSV, TSV), the file given by its name.
/// </summary>
public static class PreferenceDataLoader
{
    /// <summary>
    /// Loads <paramref name="path"/>. Without <see cref="PreferenceLoaderOptions.SkipInvalid"/> the first invalid record
    /// throws and nothing is returned; with it, invalid records are skipped and listed in
    /// <see cref="PreferenceLoadResult.Errors"/>. An empty file, or one with no valid pair, always throws.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Format, error handling and format-specific choices; null for the defaults.</param>
    /// <exception cref="PreferenceDataException">The file, or (by default) one of its records, is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static PreferenceLoadResult Load(string path, PreferenceLoaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new PreferenceLoaderOptions();
        string text = PreferenceText.Read(path);
        if (string.IsNullOrWhiteSpace(text))
            throw new PreferenceDataException(new PreferenceDataError(path, null, null, null, null, "the file is empty"));

        var format = options.Format == PreferenceFormat.Auto ? PreferenceFormatDetector.ByExtension(path) : options.Format;
        if (format is PreferenceFormat.Csv or PreferenceFormat.Tsv)
        {
            var sink = new LoadSink(path, options, format.Value);
            DelimitedPreferenceReader.Read(text, format == PreferenceFormat.Csv ? ',' : '\t', sink);
            return sink.Finish(format.Value);
        }

        using var source = new JsonRecordSource(path, text);
        if (format is null)
        {
            var (first, at) = source.First();
            format = PreferenceFormatDetector.ByFirstRecord(path, first, at);
        }
        var jsonSink = new LoadSink(path, options, format.Value);
        Func<JsonElement, RecordLocation, LoadSink, List<PreferencePair>, RecordOutcome> reader = format.Value switch
        {
            PreferenceFormat.Trl => TrlRecordReader.Read,
            PreferenceFormat.Conversational => ConversationalRecordReader.Read,
            PreferenceFormat.PandaLM => PandaLmRecordReader.Read,
            PreferenceFormat.FineGrainedRlhf => FineGrainedRlhfRecordReader.Read,
            _ => throw new ArgumentOutOfRangeException(nameof(options), format, "unknown preference format"),
        };
        source.ForEach(jsonSink, (record, at) => jsonSink.Record(at, into => reader(record, at, jsonSink, into)));
        return jsonSink.Finish(format.Value);
    }
}
