namespace R2M.MLNet.Data;

/// <summary>A preference-data file (or one of its records) could not be read; the message says where and why.</summary>
public sealed class PreferenceDataException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>; its message is <c>error.ToString()</c>.</summary>
    /// <param name="error">Where and why.</param>
    public PreferenceDataException(PreferenceDataError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).ToString()) => Error = error;

    /// <summary>The full description of the problem.</summary>
    public PreferenceDataError Error { get; }

    /// <summary>The path as passed to the loader.</summary>
    public string File => Error.File;

    /// <summary>The 1-based record number in a JSON array, or null.</summary>
    public int? Record => Error.Record;

    /// <summary>The 1-based line number, or null.</summary>
    public int? Line => Error.Line;

    /// <summary>The 1-based column (CSV/TSV character column, or the JSON parser's byte position), or null.</summary>
    public int? Column => Error.Column;

    /// <summary>The field at fault, or null.</summary>
    public string? Field => Error.Field;

    /// <summary>What is wrong, in words.</summary>
    public string Reason => Error.Reason;
}
