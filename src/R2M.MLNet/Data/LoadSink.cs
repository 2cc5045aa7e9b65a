namespace R2M.MLNet.Data;

/// <summary>Collects the pairs, ties, skips and errors of one load, and applies the SkipInvalid rule.</summary>
internal sealed class LoadSink
{
    private readonly List<PreferencePair> pairs = [];
    private readonly List<PreferenceDataError> errors = [];
    private readonly string fileName;
    private int records;

    public LoadSink(string path, PreferenceLoaderOptions options, PreferenceFormat format)
    {
        Path = path;
        Options = options;
        fileName = System.IO.Path.GetFileName(path);
        AllowEmptyResponses = options.EmptyResponses switch
        {
            EmptyResponsePolicy.Keep => true,
            EmptyResponsePolicy.Reject => false,
            _ => format is PreferenceFormat.PandaLM or PreferenceFormat.FineGrainedRlhf,
        };
    }

    public string Path { get; }

    public PreferenceLoaderOptions Options { get; }

    public bool AllowEmptyResponses { get; }

    public int Skipped { get; private set; }

    public int Ties { get; private set; }

    public string Origin(RecordLocation at) => $"{fileName}:{at.Number}";

    /// <summary>Runs <paramref name="read"/> for one record and keeps its pairs only if it completes.</summary>
    public void Record(RecordLocation at, Func<List<PreferencePair>, RecordOutcome> read, Func<string?, int?>? columnOf = null)
    {
        records++;
        var local = new List<PreferencePair>();
        RecordOutcome outcome;
        try
        {
            outcome = read(local);
        }
        catch (InvalidRecordException e)
        {
            Reject(new PreferenceDataError(Path, at.Record, at.Line, e.Column ?? columnOf?.Invoke(e.Field), e.Field, e.Reason));
            return;
        }
        Ties += outcome.Ties;
        if (outcome.Skip) Skipped++;
        else pairs.AddRange(local);
    }

    /// <summary>Throws, or (with SkipInvalid) records the error and counts the skip.</summary>
    public void Reject(PreferenceDataError error)
    {
        if (!Options.SkipInvalid) throw new PreferenceDataException(error);
        errors.Add(error);
        Skipped++;
    }

    public PreferenceLoadResult Finish(PreferenceFormat format)
    {
        if (pairs.Count == 0)
        {
            throw new PreferenceDataException(new PreferenceDataError(Path, null, null, null, null,
                $"no valid preference pairs ({records} records read as {format}: {Skipped} skipped, {Ties} ties dropped)"));
        }
        return new PreferenceLoadResult(pairs.AsReadOnly(), Skipped, Ties, errors.AsReadOnly(), format);
    }
}
