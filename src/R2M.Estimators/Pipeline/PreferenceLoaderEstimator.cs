using Microsoft.ML;
using Microsoft.ML.Data;
using R2M.MLNet.Data;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// First stage of an R2M pipeline: reads preference files (any format <see cref="PreferenceDataLoader"/>
/// knows) into an IDataView with Prompt, Chosen, Rejected and Margin columns.
/// <c>r2m.PreferenceLoader(...).Append(...).Fit(new MultiFileSource("prefs.jsonl"))</c>.
/// </summary>
public sealed class PreferenceLoaderEstimator : IDataLoaderEstimator<IMultiStreamSource, IDataLoader<IMultiStreamSource>>
{
    private readonly MLContext context;
    private readonly PreferenceLoaderOptions options;

    internal PreferenceLoaderEstimator(MLContext context, PreferenceLoaderOptions options)
    {
        options.Validate();
        this.context = context;
        this.options = options;
    }

    /// <inheritdoc />
    public IDataLoader<IMultiStreamSource> Fit(IMultiStreamSource input) => new PreferenceFileLoader(context, options);

    /// <inheritdoc />
    public SchemaShape GetOutputSchema() => SchemaRows.Shape<SchemaRows.Nothing, SchemaRows.PairWithMargin>(context, new SchemaShape([]));
}

/// <summary>The fitted preference loader: every file of the source, loaded and concatenated.</summary>
public sealed class PreferenceFileLoader : IDataLoader<IMultiStreamSource>
{
    private readonly MLContext context;
    private readonly PreferenceLoaderOptions options;

    internal PreferenceFileLoader(MLContext context, PreferenceLoaderOptions options)
    {
        this.context = context;
        this.options = options;
    }

    /// <summary>What the last <see cref="Load"/> skipped and dropped, per file.</summary>
    public IReadOnlyList<PreferenceLoadResult> LastResults { get; private set; } = [];

    /// <inheritdoc />
    public IDataView Load(IMultiStreamSource input)
    {
        var results = new List<PreferenceLoadResult>();
        for (int i = 0; i < input.Count; i++)
        {
            string path = input.GetPathOrNull(i) ?? throw new ArgumentException($"Stream {i} of the source has no file path; R2M's preference loader reads files.");
            results.Add(PreferenceDataLoader.Load(path, options));
        }
        LastResults = results;
        return PreferenceDataView.ToDataView(context, results.SelectMany(r => r.Pairs));
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema() => OutputSchema(context);

    internal static DataViewSchema OutputSchema(MLContext context) =>
        PreferenceDataView.ToDataView(context, [new PreferencePair("p", "c", "r")]).Schema;

    void ICanSaveModel.Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("The preference loader is not saved into models; save the fitted pipeline with mlContext.R2M().SaveModel.");
}
