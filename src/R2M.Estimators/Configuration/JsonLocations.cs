using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace R2M.Estimators.Configuration;

/// <summary>
/// One pass of <see cref="Utf8JsonReader"/> over a JSON document that records where every key and value is
/// (1-based line and character column, by path such as <c>rl.steps</c> or <c>data.files[0]</c>) and rejects a
/// key the target type does not have. Utf8JsonReader counts bytes, so lines are counted here.
/// </summary>
internal sealed class JsonLocations
{
    private readonly byte[] utf8;
    private readonly List<int> lineStarts = [0];
    private readonly Dictionary<string, long> valueOffsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> keyOffsets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Type? Expected, JsonTokenType Got)> valueTypes = new(StringComparer.Ordinal);

    /// <summary>Indexes the lines of <paramref name="utf8"/>; <see cref="Scan"/> then records the paths.</summary>
    public JsonLocations(byte[] utf8)
    {
        this.utf8 = utf8;
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n') lineStarts.Add(i + 1);
        }
    }

    /// <summary>Where the value at <paramref name="path"/> starts, or null when the document has no such value.</summary>
    public (int Line, int Column)? Value(string path) => valueOffsets.TryGetValue(path, out long at) ? At(at) : null;

    /// <summary>Where the key of <paramref name="path"/> starts, or null.</summary>
    public (int Line, int Column)? Key(string path) => keyOffsets.TryGetValue(path, out long at) ? At(at) : null;

    /// <summary>The CLR type the value at <paramref name="path"/> maps to (null: unknown) and the JSON token found there.</summary>
    public (Type? Expected, JsonTokenType Got)? TypeAt(string path) => valueTypes.TryGetValue(path, out var t) ? t : null;

    /// <summary>Line and character column of a byte offset.</summary>
    public (int Line, int Column) At(long offset)
    {
        int index = lineStarts.BinarySearch((int)offset);
        int line = index >= 0 ? index : ~index - 1;
        return (line + 1, CharColumn(lineStarts[line], (int)offset));
    }

    /// <summary>Character column of a 0-based line and byte position, as <see cref="JsonException"/> reports them.</summary>
    public (int Line, int Column) AtLineByte(long line0, long byteInLine)
    {
        int line = (int)Math.Clamp(line0, 0, lineStarts.Count - 1);
        int start = lineStarts[line];
        return (line + 1, CharColumn(start, (int)Math.Min(start + byteInLine, utf8.Length)));
    }

    private int CharColumn(int lineStart, int offset) =>
        Encoding.UTF8.GetCharCount(utf8, lineStart, Math.Max(0, offset - lineStart)) + 1;

    /// <summary>
    /// Scans the document; throws <see cref="JsonException"/> for a syntax error and
    /// <see cref="UnknownKeyException"/> for a key that <paramref name="root"/> (or a nested type) does not have.
    /// </summary>
    public void Scan(JsonSerializerOptions options, Type root)
    {
        var locations = this;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = options.ReadCommentHandling,
            AllowTrailingCommas = options.AllowTrailingCommas,
            MaxDepth = options.MaxDepth,
        });
        // One frame per open object or array: its path, the CLR type it maps to (null: not checked), the next index.
        var frames = new Stack<(string Path, JsonTypeInfo? Type, int Index, bool IsArray)>();
        string? pendingPath = "";
        JsonTypeInfo? pendingType = options.GetTypeInfo(root);
        Type? pendingClrType = root;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                {
                    var (path, type, _, _) = frames.Peek();
                    string name = reader.GetString()!;
                    string child = path.Length == 0 ? name : path + "." + name;
                    if (!locations.keyOffsets.TryAdd(child, reader.TokenStartIndex))
                        throw new DuplicateKeyException(child, locations.keyOffsets[child], reader.TokenStartIndex);
                    pendingPath = child;
                    pendingType = null;
                    pendingClrType = null;
                    if (type is { Kind: JsonTypeInfoKind.Object })
                    {
                        var property = type.Properties.FirstOrDefault(p => p.Name == name);
                        if (property is null)
                            throw new UnknownKeyException(child, name, path, type.Properties.Select(p => p.Name).ToList(), reader.TokenStartIndex);
                        pendingType = Unwrap(options, property.PropertyType);
                        pendingClrType = property.PropertyType;
                    }
                    continue;
                }
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.Pop();
                    continue;
            }
            // A value: inside an array it is the next element.
            string valuePath;
            JsonTypeInfo? valueType;
            Type? clrType;
            if (frames.Count > 0 && frames.Peek().IsArray)
            {
                var frame = frames.Pop();
                valuePath = $"{frame.Path}[{frame.Index}]";
                valueType = frame.Type is { Kind: JsonTypeInfoKind.Enumerable } e ? Unwrap(options, e.ElementType!) : null;
                clrType = valueType?.Type;
                frames.Push((frame.Path, frame.Type, frame.Index + 1, true));
            }
            else
            {
                valuePath = pendingPath ?? "";
                valueType = pendingType;
                clrType = pendingClrType;
            }
            pendingPath = null;
            locations.valueOffsets.TryAdd(valuePath, reader.TokenStartIndex);
            locations.valueTypes.TryAdd(valuePath, (clrType, reader.TokenType));
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                frames.Push((valuePath, valueType, 0, reader.TokenType == JsonTokenType.StartArray));
        }
    }

    private static JsonTypeInfo Unwrap(JsonSerializerOptions options, Type type) =>
        options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>A key that appears twice in one object.</summary>
    internal sealed class DuplicateKeyException(string path, long first, long offset) : Exception
    {
        public string Path { get; } = path;
        public long First { get; } = first;
        public long Offset { get; } = offset;
    }

    /// <summary>A key the target type has no property for.</summary>
    internal sealed class UnknownKeyException(string path, string key, string parent, IReadOnlyList<string> known, long offset) : Exception
    {
        public string Path { get; } = path;
        public string KeyName { get; } = key;
        public string Parent { get; } = parent;
        public IReadOnlyList<string> Known { get; } = known;
        public long Offset { get; } = offset;
    }
}
