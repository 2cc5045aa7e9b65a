using Microsoft.ML;
using Microsoft.ML.Data;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// A one-row <see cref="IDataView"/> over the row a <see cref="DataViewRow"/> is on now, so that one row goes
/// through the same batched code as a whole view. Its getters read the live row: use it before the row moves.
/// </summary>
internal sealed class CurrentRowView(DataViewRow row) : IDataView
{
    public bool CanShuffle => false;

    public DataViewSchema Schema => row.Schema;

    public long? GetRowCount() => 1;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(row);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => [new Cursor(row)];

    private sealed class Cursor(DataViewRow row) : DataViewRowCursor
    {
        private long position = -1;

        public override long Position => position;

        public override long Batch => 0;

        public override DataViewSchema Schema => row.Schema;

        public override bool IsColumnActive(DataViewSchema.Column column) => row.IsColumnActive(column);

        public override bool MoveNext() => ++position == 0;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => row.GetGetter<TValue>(column);

        public override ValueGetter<DataViewRowId> GetIdGetter() => row.GetIdGetter();
    }
}
