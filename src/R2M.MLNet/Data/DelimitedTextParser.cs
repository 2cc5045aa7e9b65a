using System.Text;

namespace R2M.MLNet.Data;

/// <summary>
/// An RFC 4180 record parser for comma- or tab-separated text: a field in double quotes may hold the delimiter, line
/// breaks and doubled quotes (<c>""</c> for one <c>"</c>); records end at CRLF, LF or CR. Lines and columns are 1-based,
/// columns counted in characters. A malformed record is reported and skipped up to the end of its line; an unterminated
/// quoted field is fatal (it swallows the rest of the file).
/// </summary>
internal sealed class DelimitedTextParser(string text, char delimiter)
{
    private int pos;
    private int line = 1;
    private int column = 1;

    /// <summary>
    /// Reads the next record. Returns false at the end of the text; otherwise exactly one of
    /// <paramref name="record"/> and <paramref name="error"/> is set.
    /// </summary>
    public bool Next(out DelimitedRecord? record, out (int Line, int Column, string Reason)? error)
    {
        record = null;
        error = null;
        if (pos >= text.Length) return false;
        int startLine = line;
        var fields = new List<DelimitedField>();
        while (true)
        {
            int fieldLine = line, fieldColumn = column;
            string value;
            bool quoted = pos < text.Length && text[pos] == '"';
            if (quoted)
            {
                Advance();
                var sb = new StringBuilder();
                while (true)
                {
                    if (pos >= text.Length)
                        throw new DelimitedSyntaxException(fieldLine, fieldColumn, "unterminated quoted field (no closing quote before the end of the file)");
                    char c = text[pos];
                    Advance();
                    if (c != '"') { sb.Append(c); continue; }
                    if (pos < text.Length && text[pos] == '"') { sb.Append('"'); Advance(); continue; }
                    break;
                }
                value = sb.ToString();
                if (pos < text.Length && !AtFieldEnd())
                {
                    error = (line, column, $"unexpected character '{text[pos]}' after a closing quote (a quoted field must end at a delimiter or line end)");
                    SkipLine();
                    return true;
                }
            }
            else
            {
                int start = pos;
                while (pos < text.Length && !AtFieldEnd())
                {
                    if (text[pos] == '"')
                    {
                        error = (line, column, "a quote inside an unquoted field (quote the whole field and double the inner quotes)");
                        SkipLine();
                        return true;
                    }
                    Advance();
                }
                value = text[start..pos];
            }
            fields.Add(new DelimitedField(value, fieldLine, fieldColumn, quoted));
            if (pos < text.Length && text[pos] == delimiter)
            {
                Advance();
                continue;
            }
            int endColumn = column;
            EndLine();
            record = new DelimitedRecord(fields, startLine, endColumn);
            return true;
        }
    }

    private bool AtFieldEnd() => text[pos] == delimiter || text[pos] == '\r' || text[pos] == '\n';

    private void Advance()
    {
        char c = text[pos++];
        if (c == '\n' || (c == '\r' && (pos >= text.Length || text[pos] != '\n'))) { line++; column = 1; }
        else column++;
    }

    private void EndLine()
    {
        if (pos < text.Length && text[pos] == '\r') Advance();
        if (pos < text.Length && text[pos] == '\n') Advance();
    }

    private void SkipLine()
    {
        while (pos < text.Length && text[pos] != '\r' && text[pos] != '\n') Advance();
        EndLine();
    }
}
