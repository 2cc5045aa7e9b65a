using System.Text;
using System.Text.Json;

namespace R2M.Cli;

/// <summary>
/// The column of a field's value on one line of a JSON Lines file, for data errors that name a field but no
/// column (a wrong type, an empty response), so the diagnostic points at the value itself.
/// </summary>
internal static class FieldColumn
{
    private const int MaxLineBytes = 1 << 20;

    /// <summary>1-based character column of <paramref name="field"/>'s value on line <paramref name="line"/>, or 0.</summary>
    public static int Find(string file, int line, string field)
    {
        try
        {
            string? text = File.ReadLines(file).Skip(line - 1).FirstOrDefault();
            if (text is null) return 0;
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > MaxLineBytes) return 0;
            var reader = new Utf8JsonReader(bytes);
            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(field) && reader.Read())
                    return Encoding.UTF8.GetCharCount(bytes, 0, (int)reader.TokenStartIndex) + 1;
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
