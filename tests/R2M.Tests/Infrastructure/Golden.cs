using System.Text.Json;
using static TorchSharp.torch;

namespace R2M.Tests.Infrastructure;

/// <summary>The transformers reference outputs in ../shared/golden (see its README).</summary>
internal sealed class Golden
{
    private readonly JsonElement root;

    private Golden(string folder, JsonElement root)
    {
        Folder = folder;
        this.root = root;
    }

    public string Folder { get; }

    /// <summary>Loads ../shared/golden/{name}, or skips the test where ../shared is absent.</summary>
    public static Golden Load(string name)
    {
        string folder = Path.Combine(Requires.Shared(), "golden", name);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "golden.json")));
        return new Golden(folder, doc.RootElement.Clone());
    }

    public Tensor Long(string field) => ToTensor(root.GetProperty(field), ScalarType.Int64);

    public Tensor Float(string field) => ToTensor(root.GetProperty(field), ScalarType.Float32);

    public int Int(string field) => root.GetProperty(field).GetInt32();

    private static Tensor ToTensor(JsonElement element, ScalarType dtype)
    {
        var shape = new List<long>();
        for (var e = element; e.ValueKind == JsonValueKind.Array; e = e[0]) shape.Add(e.GetArrayLength());
        var values = new List<double>();
        Flatten(element, values);
        var t = tensor(values.ToArray(), shape.ToArray());
        return t.to_type(dtype, disposeAfter: true);
    }

    private static void Flatten(JsonElement e, List<double> into)
    {
        if (e.ValueKind == JsonValueKind.Array) foreach (var item in e.EnumerateArray()) Flatten(item, into);
        else into.Add(e.GetDouble());
    }
}
