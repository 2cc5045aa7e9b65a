using System.Text.Json;

namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>Typed reads of <c>tokenizer.json</c> values that fail with the value's JSON path.</summary>
internal static class JsonRead
{
    public static string Path(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    public static JsonElement? Optional(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public static JsonElement Required(JsonElement obj, string path, string name) =>
        Optional(obj, name) ?? throw new TokenizerJsonException(Path(path, name), "is missing");

    public static string String(JsonElement value, string path, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
            throw new TokenizerJsonException(path, $"expected a string, found {value.ValueKind}");
        string s = value.GetString()!;
        if (s.Length > maxLength)
            throw new TokenizerJsonException(path, $"is {s.Length} characters long; the limit is {maxLength}");
        return s;
    }

    public static string RequiredString(JsonElement obj, string path, string name, int maxLength) =>
        String(Required(obj, path, name), Path(path, name), maxLength);

    public static string? OptionalString(JsonElement obj, string path, string name, int maxLength) =>
        Optional(obj, name) is { } v ? String(v, Path(path, name), maxLength) : null;

    public static bool Bool(JsonElement obj, string path, string name, bool fallback)
    {
        if (Optional(obj, name) is not { } v) return fallback;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerJsonException(Path(path, name), $"expected true or false, found {v.ValueKind}"),
        };
    }

    public static int Int(JsonElement value, string path, int min = 0)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int i) && i >= min) return i;
        throw new TokenizerJsonException(path, $"expected an integer ≥ {min}, found {value.GetRawText()}");
    }

    public static int OptionalInt(JsonElement obj, string path, string name, int fallback) =>
        Optional(obj, name) is { } v ? Int(v, Path(path, name)) : fallback;

    public static JsonElement Array(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Array ? value : throw new TokenizerJsonException(path, $"expected an array, found {value.ValueKind}");

    public static JsonElement Object(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object ? value : throw new TokenizerJsonException(path, $"expected an object, found {value.ValueKind}");

    /// <summary>The "type" of a component object, required.</summary>
    public static string Type(JsonElement component, string path)
    {
        Object(component, path);
        return RequiredString(component, path, "type", 100);
    }

    public static TokenizerJsonException Unsupported(string path, string type, string kind, string supported) =>
        new(Path(path, "type"), $"= \"{type}\" is not supported (a {kind}; supported: {supported})");
}
