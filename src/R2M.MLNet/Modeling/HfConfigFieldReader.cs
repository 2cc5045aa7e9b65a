using R2M.MLNet.IO;
using System.Text.Json.Nodes;

namespace R2M.MLNet.Modeling;

/// <summary>
/// Typed access to config.json fields. Every error is an <see cref="R2MModelFormatException"/> naming the file
/// and the field; numbers outside <see cref="int"/> or with a fraction are refused, never cast.
/// </summary>
internal sealed class HfConfigFieldReader(JsonObject root, string source)
{
    public string Source => source;

    public string RequiredString(string name) => Get(name) switch
    {
        null => throw Missing(name, "a string"),
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw Wrong(name, "a string"),
    };

    public int RequiredInt(string name) => OptionalInt(name) ?? throw Missing(name, "an integer");

    public int? OptionalInt(string name) => Get(name) is null ? null : ToInt(Get(name)!, name);

    public double? OptionalDouble(string name) => Get(name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out double d) => d,
        _ => throw Wrong(name, "a number"),
    };

    public bool? OptionalBool(string name) => Get(name) switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw Wrong(name, "true or false"),
    };

    public JsonObject? OptionalObject(string name) => Get(name) switch
    {
        null => null,
        JsonObject o => o,
        _ => throw Wrong(name, "an object"),
    };

    /// <summary>A string member of a nested object, or null when absent.</summary>
    public string? StringIn(JsonObject obj, string objName, string name) => obj[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        var other => throw Bad($"{objName}.{name}", $"must be a string, got {other.ToJsonString()}"),
    };

    /// <summary>A number member of a nested object.</summary>
    public double DoubleIn(JsonObject obj, string objName, string name) => obj[name] is JsonValue v && v.TryGetValue(out double d)
        ? d
        : throw Bad($"{objName}.{name}", $"must be a number, got {obj[name]?.ToJsonString() ?? "nothing"}");

    /// <summary>A token id, or the first of a list of ids (eos_token_id may be a list).</summary>
    public int? OptionalTokenId(string name) => Get(name) switch
    {
        null => null,
        JsonArray a when a.Count == 0 => null,
        JsonArray a => a[0] is null ? throw Wrong(name, "an integer or a list of integers") : ToInt(a[0]!, name),
        var node => ToInt(node, name),
    };

    public R2MModelFormatException Bad(string field, string problem) => new(source, field, problem);

    private int ToInt(JsonNode node, string name)
    {
        if (node is JsonValue v)
        {
            if (v.TryGetValue(out int i)) return i;
            if (v.TryGetValue(out double d) && d == Math.Floor(d) && !double.IsInfinity(d))
                throw Bad(name, $"{node.ToJsonString()} is outside the range of a 32-bit integer");
        }
        throw Wrong(name, "an integer");
    }

    private JsonNode? Get(string name) => root.TryGetPropertyValue(name, out JsonNode? node) ? node : null;

    private R2MModelFormatException Missing(string name, string kind) =>
        new(source, null, $"missing field '{name}' ({kind}), required for model_type '{root["model_type"]}'");

    private R2MModelFormatException Wrong(string name, string kind) =>
        new(source, null, $"field '{name}' must be {kind}, got {Get(name)?.ToJsonString()}");
}
