using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>
/// The records of a JSON file: the elements of a top-level array (numbered from 1), or one object per non-blank line
/// (JSON Lines, numbered by line). A malformed JSON array is fatal; a malformed line is one invalid record.
/// </summary>
internal sealed class JsonRecordSource : IDisposable
{
    private readonly string path;
    private readonly JsonDocument? document;
    private readonly string[]? lines;

    public JsonRecordSource(string path, string text)
    {
        this.path = path;
        char first = text.TrimStart()[0];
        if (first == '[')
        {
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new PreferenceDataException(new PreferenceDataError(path, null, (int)(e.LineNumber ?? 0) + 1,
                    (int)(e.BytePositionInLine ?? 0) + 1, null, Malformed(e)));
            }
            if (document.RootElement.GetArrayLength() == 0)
                throw new PreferenceDataException(new PreferenceDataError(path, null, null, null, null, "the file is empty (a JSON array with no records)"));
        }
        else if (first == '{')
        {
            lines = text.Split('\n');
        }
        else
        {
            throw new PreferenceDataException(new PreferenceDataError(path, null, null, null, null,
                $"not JSON: a JSON array starts with '[' and a JSON Lines file with '{{', but this file starts with '{first}'"));
        }
    }

    public bool IsArray => document is not null;

    /// <summary>Calls <paramref name="visit"/> for each record; malformed lines go to <paramref name="sink"/>.</summary>
    public void ForEach(LoadSink sink, Action<JsonElement, RecordLocation> visit)
    {
        if (document is not null)
        {
            int n = 0;
            foreach (var element in document.RootElement.EnumerateArray()) visit(element, RecordLocation.AtRecord(++n));
            return;
        }
        for (int i = 0; i < lines!.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            JsonDocument line;
            try
            {
                line = JsonDocument.Parse(lines[i]);
            }
            catch (JsonException e)
            {
                sink.Reject(new PreferenceDataError(path, null, i + 1, (int)(e.BytePositionInLine ?? 0) + 1, null, Malformed(e)));
                continue;
            }
            using (line) visit(line.RootElement, RecordLocation.AtLine(i + 1));
        }
    }

    /// <summary>The first record and where it is, for format detection; a malformed first line is fatal here.</summary>
    public (JsonElement Record, RecordLocation At) First()
    {
        if (document is not null) return (document.RootElement[0], RecordLocation.AtRecord(1));
        for (int i = 0; i < lines!.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            try
            {
                using var line = JsonDocument.Parse(lines[i]);
                return (line.RootElement.Clone(), RecordLocation.AtLine(i + 1));
            }
            catch (JsonException e)
            {
                throw new PreferenceDataException(new PreferenceDataError(path, null, i + 1, (int)(e.BytePositionInLine ?? 0) + 1, null, Malformed(e)));
            }
        }
        throw new InvalidOperationException("unreachable: the text was checked to be non-blank");
    }

    public void Dispose() => document?.Dispose();

    /// <summary>The parser's message without its own position suffix (the error carries the position).</summary>
    private static string Malformed(JsonException e)
    {
        string message = e.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return "malformed JSON: " + (cut >= 0 ? message[..cut] : message);
    }
}
