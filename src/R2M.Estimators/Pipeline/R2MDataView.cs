using Microsoft.ML;
using Microsoft.ML.Data;

namespace R2M.Estimators.Pipeline;

/// <summary>A column an R2M transformer appends, computed for all rows the first time a cursor asks for it.</summary>
internal sealed record AppendedColumn(string Name, DataViewType Type, Lazy<Array> Values);

/// <summary>
/// The view an R2M transformer returns: the input's columns, the columns it appends (computed lazily, in
/// batches, only if read), and the <see cref="R2MArtifacts"/> the next stage's Fit needs.
/// </summary>
internal sealed class R2MDataView : IDataView
{
    private readonly IDataView input;
    private readonly IReadOnlyList<AppendedColumn> appended;

    /// <summary>The annotation on the Prompt column that names the R2M stage a view came from.</summary>
    public const string StageAnnotation = "R2M.Stage";

    public R2MDataView(IDataView input, R2MArtifacts artifacts, IReadOnlyList<AppendedColumn> appended, string stage)
    {
        this.input = input;
        this.appended = appended;
        Artifacts = artifacts;
        var builder = new DataViewSchema.Builder();
        foreach (var column in input.Schema)
            builder.AddColumn(column.Name, column.Type, column.Name == Columns.Prompt ? Marked(column.Annotations, stage) : column.Annotations);
        foreach (var column in appended) builder.AddColumn(column.Name, column.Type);
        Schema = builder.ToSchema();
    }

    public R2MArtifacts Artifacts { get; }

    /// <summary>
    /// The stage that marked <paramref name="schema"/>'s Prompt column, or null. ML.NET transforms keep a column's
    /// annotations, so a marked column on a view that is not an R2M view means a transform stands between stages.
    /// </summary>
    public static string? MarkedStage(DataViewSchema schema)
    {
        var prompt = schema.GetColumnOrNull(Columns.Prompt);
        if (prompt?.Annotations.Schema.GetColumnOrNull(StageAnnotation) is null) return null;
        ReadOnlyMemory<char> value = default;
        prompt.Value.Annotations.GetValue(StageAnnotation, ref value);
        return value.ToString();
    }

    private static DataViewSchema.Annotations Marked(DataViewSchema.Annotations existing, string stage)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(existing, name => name != StageAnnotation);
        builder.Add<ReadOnlyMemory<char>>(StageAnnotation, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = stage.AsMemory());
        return builder.ToAnnotations();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToList();
        var inputColumns = needed.Where(c => c.Index < input.Schema.Count).Select(c => input.Schema[c.Index]);
        return new Cursor(this, input.GetRowCursor(inputColumns), needed.Select(c => c.Index).ToHashSet());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(R2MDataView view, DataViewRowCursor inner, HashSet<int> active) : DataViewRowCursor
    {
        public override long Position => inner.Position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext() => inner.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int inputCount = view.input.Schema.Count;
            if (column.Index < inputCount) return inner.GetGetter<TValue>(view.input.Schema[column.Index]);
            var values = view.appended[column.Index - inputCount].Values;
            if (typeof(TValue) == typeof(ReadOnlyMemory<char>))
            {
                ValueGetter<ReadOnlyMemory<char>> text = (ref ReadOnlyMemory<char> value) => value = ((string[])values.Value)[Position].AsMemory();
                return (ValueGetter<TValue>)(Delegate)text;
            }
            if (typeof(TValue) == typeof(float))
            {
                ValueGetter<float> number = (ref float value) => value = ((float[])values.Value)[Position];
                return (ValueGetter<TValue>)(Delegate)number;
            }
            throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
