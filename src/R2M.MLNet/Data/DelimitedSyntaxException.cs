namespace R2M.MLNet.Data;

/// <summary>A CSV/TSV syntax error that ends the parse (an unterminated quoted field).</summary>
internal sealed class DelimitedSyntaxException(int line, int column, string reason) : Exception(reason)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Reason { get; } = reason;
}
