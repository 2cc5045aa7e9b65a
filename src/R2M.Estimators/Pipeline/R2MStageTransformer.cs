using Microsoft.ML;
using Microsoft.ML.Data;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// Base of every fitted R2M stage: it hands its <see cref="Artifacts"/> to the next stage through the view it
/// returns, appends its columns lazily, and saves into an ML.NET model as R2M's graph stand-in (use
/// <c>mlContext.R2M().SaveModel</c> to save the weights too). It is also a row-to-row mapper, so
/// <c>mlContext.Model.CreatePredictionEngine</c> works on it: one input row gives one row of appended values,
/// computed as <see cref="Transform"/> computes them (batched <see cref="Transform"/> stays the fast path for many rows).
/// </summary>
public abstract class R2MStageTransformer : ITransformer
{
    private protected R2MStageTransformer(MLContext context, R2MArtifacts artifacts)
    {
        Context = context;
        Artifacts = artifacts;
    }

    /// <summary>The ML.NET context.</summary>
    protected MLContext Context { get; }

    /// <summary>What the pipeline has trained up to and including this stage.</summary>
    public R2MArtifacts Artifacts { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) =>
        Columns.Extend(inputSchema, [.. Appended(inputSchema).Select(c => (c.Name, c.Type))]);

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        var columns = Appended(input.Schema)
            .Select(c => new AppendedColumn(c.Name, c.Type, new Lazy<Array>(() => c.Compute(input), LazyThreadSafetyMode.ExecutionAndPublication)))
            .ToList();
        return new R2MDataView(input, Artifacts, columns, StageName);
    }

    /// <summary>The stage's name in the catalog (SupervisedFineTune, RewardModel, PolicyFeedbackAligner, Ppo).</summary>
    public abstract string StageName { get; }

    /// <summary>The columns this stage appends for an input of <paramref name="inputSchema"/>, and how to compute them.</summary>
    private protected abstract IReadOnlyList<(string Name, DataViewType Type, Func<IDataView, Array> Compute)> Appended(DataViewSchema inputSchema);

    /// <summary>Same as <see cref="Appended"/>, for the row mapper.</summary>
    internal IReadOnlyList<(string Name, DataViewType Type, Func<IDataView, Array> Compute)> AppendedColumns(DataViewSchema inputSchema) => Appended(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new R2MRowMapper(this, inputSchema);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => R2MGraphMapping.Create(Context).StandIn.Save(ctx);
}
