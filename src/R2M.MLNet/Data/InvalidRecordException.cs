namespace R2M.MLNet.Data;

/// <summary>Raised by a record reader for one invalid record; the loader adds the file location.</summary>
internal sealed class InvalidRecordException(string? field, string reason, int? column = null) : Exception(reason)
{
    public string? Field { get; } = field;

    public string Reason { get; } = reason;

    public int? Column { get; } = column;
}
