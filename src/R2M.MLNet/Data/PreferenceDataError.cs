using System.Text;

namespace R2M.MLNet.Data;

/// <summary>
/// Where and why a record (or the whole file) was rejected. Exactly one of <see cref="Record"/> (JSON arrays) and
/// <see cref="Line"/> (JSON Lines, CSV, TSV, malformed JSON) is set, or neither for a file-level problem.
/// </summary>
/// <param name="File">The path as passed to the loader.</param>
/// <param name="Record">The 1-based record number in a JSON array, or null.</param>
/// <param name="Line">The 1-based line number, or null.</param>
/// <param name="Column">
/// The 1-based column: the character column for CSV/TSV, the parser's byte position for malformed JSON; otherwise null.
/// </param>
/// <param name="Field">The field (or column) at fault, or null when the problem is not one field's.</param>
/// <param name="Reason">What is wrong, in words.</param>
public sealed record PreferenceDataError(string File, int? Record, int? Line, int? Column, string? Field, string Reason)
{
    /// <summary>One line: <c>file: record 3: field 'chosen': reason</c> or <c>file: line 4, column 7: field 'x': reason</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(File);
        if (Record is int r) sb.Append(": record ").Append(r);
        if (Line is int l) sb.Append(": line ").Append(l);
        if (Column is int c) sb.Append(Line is null && Record is null ? ": column " : ", column ").Append(c);
        if (Field is not null) sb.Append(": field '").Append(Field).Append('\'');
        return sb.Append(": ").Append(Reason).ToString();
    }
}
