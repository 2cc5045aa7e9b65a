namespace R2M.MLNet.Data;

/// <summary>Where a record starts: its 1-based number in a JSON array, or its 1-based line.</summary>
internal readonly record struct RecordLocation(int? Record, int? Line)
{
    public static RecordLocation AtRecord(int record) => new(record, null);

    public static RecordLocation AtLine(int line) => new(null, line);

    public int Number => Record ?? Line ?? 0;
}
