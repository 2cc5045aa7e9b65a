using System.Text.Json;

namespace R2M.MLNet.Data;

/// <summary>Typed access to the fields of one JSON record; every failure is an <see cref="InvalidRecordException"/>.</summary>
internal static class JsonFields
{
    public static void RequireObject(JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object)
            throw new InvalidRecordException(null, $"expected a JSON object, got {Describe(record)}");
    }

    public static JsonElement Require(JsonElement record, string field) =>
        record.TryGetProperty(field, out var value) ? value : throw new InvalidRecordException(field, "missing");

    public static string RequireString(JsonElement record, string field) => AsString(Require(record, field), field);

    public static string AsString(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.String) throw new InvalidRecordException(field, $"expected text, got {Describe(value)}");
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Valid JSON, not valid text: an escaped lone surrogate such as "\ud800".
            throw new InvalidRecordException(field, "holds an escaped lone surrogate (such as \\ud800), which is not text");
        }
    }

    /// <summary>The optional numeric <c>margin</c> (0 when absent or null).</summary>
    public static float OptionalMargin(JsonElement record)
    {
        if (!record.TryGetProperty("margin", out var value) || value.ValueKind == JsonValueKind.Null) return 0f;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out float margin) || !float.IsFinite(margin))
            throw new InvalidRecordException("margin", $"expected a finite number, got {Describe(value)}");
        return margin;
    }

    /// <summary>A 0, 1 or 2 label (up to <paramref name="count"/> − 1); anything else is an unknown label.</summary>
    internal static int Label(JsonElement value, string field, int count, string? where = null)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int label) && label >= 0 && label < count) return label;
        throw new InvalidRecordException(field, $"unknown label {value.GetRawText()}{where} (expected 0, 1 or 2)");
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({value.GetRawText()})",
        JsonValueKind.Number => $"a number ({value.GetRawText()})",
        JsonValueKind.String => $"text ({value.GetRawText()})",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString(),
    };
}
