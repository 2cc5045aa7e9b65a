using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace R2M.Estimators.Configuration;

/// <summary>Words for JSON types in configuration errors, and the contract rule that hides code-only members.</summary>
internal static class JsonKinds
{
    /// <summary>What a value of <paramref name="type"/> looks like in JSON: "an integer", "one of Tiny, Small, Medium", ...</summary>
    public static string Describe(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is Type inner) return Describe(inner) + " or null";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type));
        if (type == typeof(int) || type == typeof(long)) return "an integer";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable))) return "an array";
        return "an object";
    }

    /// <summary>The JSON token in words: "a string", "a number", ...</summary>
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    /// <summary>Removes members marked <see cref="JsonIgnoreAttribute"/> (always) from a contract.</summary>
    public static void RemoveIgnoredProperties(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        for (int i = info.Properties.Count - 1; i >= 0; i--)
        {
            var ignore = info.Properties[i].AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
                .OfType<JsonIgnoreAttribute>().FirstOrDefault();
            if (ignore is { Condition: JsonIgnoreCondition.Always }) info.Properties.RemoveAt(i);
        }
    }
}
