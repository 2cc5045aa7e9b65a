namespace R2M.MLNet.Data;

/// <summary>One parsed CSV/TSV record: its fields, its first line, and the column just past its last field.</summary>
internal sealed record DelimitedRecord(List<DelimitedField> Fields, int Line, int EndColumn)
{
    /// <summary>An empty line: one unquoted empty field.</summary>
    public bool IsBlank => Fields.Count == 1 && !Fields[0].Quoted && Fields[0].Text.Length == 0;
}
