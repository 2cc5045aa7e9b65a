using System.Text.Json;
using System.Text.Json.Nodes;

namespace R2M.MLNet.IO;

/// <summary>Reads the small JSON files of a model (config.json, model.json, manifest, trainer state) with a size bound.</summary>
public static class ModelJson
{
    /// <summary>Parses <paramref name="path"/> as a JSON object; <paramref name="displayName"/> (default: the path) names it in errors.</summary>
    /// <exception cref="R2MModelFormatException">Too large, not JSON, or not an object.</exception>
    public static JsonObject ReadObject(string path, string? displayName = null)
    {
        string name = displayName ?? path;
        long length = new FileInfo(path).Length;
        if (length > ModelFileLimits.MaxJsonBytes)
            throw new R2MModelFormatException(name, null, $"{length} bytes is more than the {ModelFileLimits.MaxJsonBytes} a model's JSON file may have");
        return ParseObject(File.ReadAllBytes(path), name);
    }

    /// <summary>Parses <paramref name="utf8"/> as a JSON object; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="R2MModelFormatException">Not JSON, or not an object.</exception>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string name)
    {
        try
        {
            return JsonNode.Parse(utf8) as JsonObject ?? throw new R2MModelFormatException(name, null, "the top level must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new R2MModelFormatException(name, null, $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
    }
}
