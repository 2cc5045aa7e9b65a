namespace R2M.MLNet.Data;

/// <summary>One parsed CSV/TSV field: its text and where it starts (1-based line and character column).</summary>
internal sealed record DelimitedField(string Text, int Line, int Column, bool Quoted);
