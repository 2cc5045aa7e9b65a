using Microsoft.ML;
using Microsoft.ML.Data;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// An R2M stage as ML.NET's row-to-row mapper, which is what <c>mlContext.Model.CreatePredictionEngine</c> and
/// chains of row mappers ask for. Each input row runs through the stage's own batched code path as a batch of
/// one (the same codec, generation defaults and reward function as <see cref="ITransformer.Transform"/>), once
/// per row: the appended columns of a row share one computation, made on the first read of any of them.
/// Like ML.NET's own rows, a row is not thread-safe; one PredictionEngine per thread (or a pool) is.
/// </summary>
internal sealed class R2MRowMapper : IRowToRowMapper
{
    /// <summary>The text columns an R2M stage may read; a row's appended values depend on all of them.</summary>
    private static readonly string[] ReadColumns = [Columns.Prompt, Columns.Chosen, Columns.Rejected, Columns.Response];

    private readonly R2MStageTransformer stage;

    public R2MRowMapper(R2MStageTransformer stage, DataViewSchema inputSchema)
    {
        this.stage = stage;
        InputSchema = inputSchema;
        OutputSchema = stage.GetOutputSchema(inputSchema); // checks the input's columns with ML.NET's wording
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var depending = dependingColumns.ToList();
        var needed = depending.Where(c => c.Index < InputSchema.Count).Select(c => c.Index).ToHashSet();
        if (depending.Any(c => c.Index >= InputSchema.Count))
        {
            foreach (string name in ReadColumns)
                if (InputSchema.GetColumnOrNull(name) is { } column) needed.Add(column.Index);
        }
        return needed.Order().Select(i => InputSchema[i]).ToList();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new Row(this, input, activeColumns.Select(c => c.Index).ToHashSet());

    private sealed class Row(R2MRowMapper mapper, DataViewRow input, HashSet<int> active) : DataViewRow
    {
        private long computedAt = -1;
        private Lazy<Array>[] values = [];

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override DataViewSchema Schema => mapper.OutputSchema;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = mapper.InputSchema.Count;
            if (column.Index < inputCount) return input.GetGetter<TValue>(input.Schema[column.Index]);
            int k = column.Index - inputCount;
            if (typeof(TValue) == typeof(ReadOnlyMemory<char>) && column.Type is TextDataViewType)
            {
                ValueGetter<ReadOnlyMemory<char>> text = (ref ReadOnlyMemory<char> value) => value = ((string[])Current(k))[0].AsMemory();
                return (ValueGetter<TValue>)(Delegate)text;
            }
            if (typeof(TValue) == typeof(float) && column.Type == NumberDataViewType.Single)
            {
                ValueGetter<float> number = (ref float value) => value = ((float[])Current(k))[0];
                return (ValueGetter<TValue>)(Delegate)number;
            }
            throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        /// <summary>The k-th appended column's values for the current input row (an array of one).</summary>
        private Array Current(int k)
        {
            if (computedAt != input.Position || values.Length == 0)
            {
                var current = new CurrentRowView(input);
                values = [.. mapper.stage.AppendedColumns(mapper.InputSchema).Select(c => new Lazy<Array>(() => c.Compute(current)))];
                computedAt = input.Position;
            }
            return values[k].Value;
        }
    }
}
