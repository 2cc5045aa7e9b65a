using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.IO;

/// <summary>
/// The safetensors format (never pickle): an 8-byte little-endian header length N, N bytes of JSON
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// then the raw little-endian tensor bytes, offsets relative to the end of the header.
/// </summary>
public static partial class Safetensors
{
    private const long MaxHeaderBytes = 100L << 20;

    /// <summary>One tensor entry of a safetensors header.</summary>
    /// <param name="Name">Tensor name (a state-dict key).</param>
    /// <param name="DType">Stored element type.</param>
    /// <param name="Shape">Stored shape.</param>
    /// <param name="Begin">First byte, relative to the data section.</param>
    /// <param name="End">One past the last byte, relative to the data section.</param>
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>
    /// Reads and validates the header of <paramref name="path"/> without reading any tensor: lengths are checked
    /// before they are allocated, shapes with checked arithmetic, and the entries must tile the data section
    /// exactly (no overlap, no gap, no trailing bytes), as the format requires.
    /// </summary>
    /// <exception cref="R2MModelFormatException">The file is truncated, corrupted or inconsistent; the message names the file and the entry.</exception>
    public static (IReadOnlyList<Entry> Entries, long DataStart) ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        long length = stream.Length;
        if (length < 8) throw Bad(path, null, $"the file has {length} bytes, fewer than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (declared > (ulong)MaxHeaderBytes || declared > (ulong)(length - 8))
            throw Bad(path, null, $"header length {declared} does not fit in the file ({length} bytes): truncated or not a safetensors file");
        long headerLength = (long)declared;
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(header) as JsonObject ?? throw Bad(path, null, "the header is not a JSON object");
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw Bad(path, null, $"the header is not valid JSON: {e.Message}");
        }
        if (root.Count > ModelFileLimits.MaxTensors) throw Bad(path, null, $"the header lists {root.Count} tensors, more than {ModelFileLimits.MaxTensors}");
        long dataStart = 8 + headerLength;
        long dataLength = length - dataStart;
        var entries = new List<Entry>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__") continue;
            entries.Add(ReadEntry(path, name, node, dataLength));
        }
        long cursor = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != cursor)
                throw Bad(path, e.Name, e.Begin < cursor
                    ? $"has bytes [{e.Begin}, {e.End}) that overlap another tensor's (which end at {cursor})"
                    : $"starts at byte {e.Begin}, and bytes [{cursor}, {e.Begin}) before it belong to no tensor");
            cursor = e.End;
        }
        if (cursor != dataLength) throw Bad(path, null, $"{dataLength - cursor} trailing bytes after the last tensor belong to no tensor");
        return (entries, dataStart);
    }

    private static Entry ReadEntry(string path, string name, JsonNode? node, long dataLength)
    {
        if (node is not JsonObject e) throw Bad(path, name, "is not an object");
        string dtypeName = e["dtype"] is JsonValue dv && dv.TryGetValue(out string? dn) ? dn : throw Bad(path, name, "has no dtype string");
        ScalarType dtype = ParseDType(dtypeName) ?? throw Bad(path, name, $"has unsupported dtype '{dtypeName}'");
        long[] shape = Integers(path, name, e["shape"], "shape", ModelFileLimits.MaxRank);
        long[] offsets = Integers(path, name, e["data_offsets"], "data_offsets", 2);
        if (offsets.Length != 2 || offsets[1] < offsets[0])
            throw Bad(path, name, $"has invalid data_offsets [{string.Join(", ", offsets)}]");
        if (offsets[1] > dataLength)
            throw Bad(path, name, $"ends at byte {offsets[1]} of the data section, which has {dataLength} bytes: the file is truncated");
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw Bad(path, name, $"has shape [{string.Join(", ", shape)}], more elements than a 64-bit count holds");
        }
        if (offsets[1] - offsets[0] != expected)
            throw Bad(path, name, $"holds {offsets[1] - offsets[0]} bytes but {dtypeName}[{string.Join(", ", shape)}] needs {expected}");
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /// <summary>A JSON array of non-negative integers (at most <paramref name="max"/>), or an error naming the entry and field.</summary>
    private static long[] Integers(string path, string name, JsonNode? node, string field, int max)
    {
        if (node is not JsonArray array) throw Bad(path, name, $"has no {field} array");
        if (array.Count > max) throw Bad(path, name, $"has a {field} of {array.Count} numbers, more than {max}");
        var values = new long[array.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (array[i] is not JsonValue v || !v.TryGetValue(out long x) || x < 0)
                throw Bad(path, name, $"has {field}[{i}] = {array[i]?.ToJsonString() ?? "null"}, not a non-negative integer");
            values[i] = x;
        }
        return values;
    }

    /// <summary>
    /// Loads every tensor of <paramref name="path"/> on the CPU, converted to <paramref name="dtype"/> when it
    /// is given (float entries only; integer entries keep their type). Each tensor is allocated once at its
    /// header-checked size and filled straight from the file in chunks, so tensors over 2 GiB load too.
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path, ScalarType? dtype = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine.");
        var (entries, dataStart) = ReadHeader(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            foreach (var e in entries)
            {
                Tensor raw = torch.empty(e.Shape, e.DType);
                try
                {
                    stream.Position = dataStart + e.Begin;
                    if (e.End > e.Begin) raw.ReadBytesFromStream(stream, 1 << 20);
                }
                catch
                {
                    raw.Dispose();
                    throw;
                }
                bool convert = dtype is ScalarType target && raw.dtype != target && torch.is_floating_point(raw);
                result[e.Name] = convert ? raw.to_type(dtype!.Value, disposeAfter: true) : raw;
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>
    /// Saves <paramref name="tensors"/> (keys sorted, offsets in that order) atomically: a temporary file is
    /// written and then moved over <paramref name="path"/>.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        var meta = new JsonObject { ["format"] = "pt" };
        if (metadata is not null) foreach (var (k, v) in metadata) meta[k] = v;
        header["__metadata__"] = meta;
        long offset = 0;
        foreach (string name in names)
        {
            Tensor t = tensors[name];
            long size = t.numel() * ElementSize(t.dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(t.dtype),
                ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // the data section starts 8-byte aligned
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
            stream.Write(prefix);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (string name in names)
            {
                using var cpu = tensors[name].detach().cpu().contiguous();
                if (cpu.numel() > 0) cpu.WriteBytesToStream(stream, 1 << 20);
            }
        });
    }

    /// <summary>Bytes per element of a safetensors dtype.</summary>
    public static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new NotSupportedException($"dtype {dtype} cannot be stored in safetensors by R2M."),
    };

    private static ScalarType? ParseDType(string name) => name switch
    {
        "F64" => ScalarType.Float64, "F32" => ScalarType.Float32, "F16" => ScalarType.Float16, "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64, "I32" => ScalarType.Int32, "I16" => ScalarType.Int16, "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte, "BOOL" => ScalarType.Bool, _ => null,
    };

    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64", ScalarType.Float32 => "F32", ScalarType.Float16 => "F16", ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64", ScalarType.Int32 => "I32", ScalarType.Int16 => "I16", ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8", ScalarType.Bool => "BOOL",
        _ => throw new NotSupportedException($"dtype {dtype} cannot be stored in safetensors by R2M."),
    };

    private static R2MModelFormatException Bad(string path, string? tensor, string what) =>
        new(path, null, tensor is null ? $"invalid safetensors file: {what}" : $"invalid safetensors file: entry '{tensor}' {what}");
}
