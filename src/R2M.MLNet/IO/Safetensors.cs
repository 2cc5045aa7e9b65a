using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet;

/// <summary>
/// The safetensors format (never pickle): an 8-byte little-endian header length N, N bytes of JSON
/// <c>{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}</c>,
/// then the raw little-endian tensor bytes, offsets relative to the end of the header.
/// </summary>
public static class Safetensors
{
    private const long MaxHeaderBytes = 100L << 20;

    /// <summary>One tensor entry of a safetensors header.</summary>
    /// <param name="Name">Tensor name (a state-dict key).</param>
    /// <param name="DType">Stored element type.</param>
    /// <param name="Shape">Stored shape.</param>
    /// <param name="Begin">First byte, relative to the data section.</param>
    /// <param name="End">One past the last byte, relative to the data section.</param>
    public sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>Reads and validates the header of <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, corrupted or inconsistent; the message names the file and the entry.</exception>
    public static (IReadOnlyList<Entry> Entries, long DataStart) ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path);
    }

    private static (IReadOnlyList<Entry> Entries, long DataStart) ReadHeader(Stream stream, string path)
    {
        stream.Position = 0;
        long length = stream.Length;
        if (length < 8) throw Bad(path, $"the file has {length} bytes, fewer than the 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes || 8 + headerLength > length)
            throw Bad(path, $"header length {headerLength} does not fit in the file ({length} bytes): truncated or not a safetensors file");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(header) as JsonObject ?? throw Bad(path, "the header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(path, $"the header is not valid JSON: {e.Message}");
        }
        long dataStart = 8 + headerLength;
        long dataLength = length - dataStart;
        var entries = new List<Entry>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__") continue;
            if (node is not JsonObject e) throw Bad(path, $"entry '{name}' is not an object");
            string dtypeName = e["dtype"]?.GetValue<string>() ?? throw Bad(path, $"entry '{name}' has no dtype");
            ScalarType dtype = ParseDType(dtypeName) ?? throw Bad(path, $"entry '{name}' has unsupported dtype '{dtypeName}'");
            long[] shape = (e["shape"] as JsonArray)?.Select(d => d!.GetValue<long>()).ToArray() ?? throw Bad(path, $"entry '{name}' has no shape");
            long[] offsets = (e["data_offsets"] as JsonArray)?.Select(d => d!.GetValue<long>()).ToArray() ?? throw Bad(path, $"entry '{name}' has no data_offsets");
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0])
                throw Bad(path, $"entry '{name}' has invalid data_offsets [{string.Join(", ", offsets)}]");
            if (offsets[1] > dataLength)
                throw Bad(path, $"entry '{name}' ends at byte {offsets[1]} of the data section, which has {dataLength} bytes: the file is truncated");
            long expected = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype);
            if (shape.Any(d => d < 0) || offsets[1] - offsets[0] != expected)
                throw Bad(path, $"entry '{name}' holds {offsets[1] - offsets[0]} bytes but {dtypeName}[{string.Join(", ", shape)}] needs {expected}");
            entries.Add(new Entry(name, dtype, shape, offsets[0], offsets[1]));
        }
        return (entries, dataStart);
    }

    /// <summary>
    /// Loads every tensor of <paramref name="path"/> on the CPU, converted to <paramref name="dtype"/> when it
    /// is given (float entries only; integer entries keep their type).
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path, ScalarType? dtype = null)
    {
        using var stream = File.OpenRead(path);
        return Load(stream, path, dtype);
    }

    /// <summary>Loads every tensor of an in-memory safetensors file (as <see cref="ToBytes"/> writes it) on the CPU.</summary>
    public static Dictionary<string, Tensor> Load(byte[] bytes, ScalarType? dtype = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Load(stream, "(in-memory safetensors)", dtype);
    }

    private static Dictionary<string, Tensor> Load(Stream stream, string path, ScalarType? dtype)
    {
        var (entries, dataStart) = ReadHeader(stream, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var e in entries)
            {
                var bytes = new byte[e.End - e.Begin];
                stream.Position = dataStart + e.Begin;
                stream.ReadExactly(bytes);
                Tensor raw = Decode(bytes, e.DType).reshape(e.Shape);
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
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));

    /// <summary>The bytes <see cref="Save"/> would write (to send weights over the network).</summary>
    public static byte[] ToBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    private static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
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
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (string name in names)
        {
            using var cpu = tensors[name].detach().cpu().contiguous();
            stream.Write(cpu.bytes);
        }
    }

    /// <summary>
    /// Little-endian bytes to a tensor of <paramref name="dtype"/>. Half-precision values are widened to
    /// float32 on the way (exact) and narrowed back, so the stored values are kept bit for bit.
    /// </summary>
    private static Tensor Decode(byte[] bytes, ScalarType dtype)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors reading needs a little-endian machine.");
        ReadOnlySpan<byte> span = bytes;
        switch (dtype)
        {
            case ScalarType.Float32: return torch.tensor(MemoryMarshal.Cast<byte, float>(span).ToArray());
            case ScalarType.Float64: return torch.tensor(MemoryMarshal.Cast<byte, double>(span).ToArray());
            case ScalarType.Int64: return torch.tensor(MemoryMarshal.Cast<byte, long>(span).ToArray());
            case ScalarType.Int32: return torch.tensor(MemoryMarshal.Cast<byte, int>(span).ToArray());
            case ScalarType.Int16: return torch.tensor(MemoryMarshal.Cast<byte, short>(span).ToArray());
            case ScalarType.Int8: return torch.tensor(MemoryMarshal.Cast<byte, sbyte>(span).ToArray());
            case ScalarType.Byte: return torch.tensor(span.ToArray());
            case ScalarType.Bool: return torch.tensor(span.ToArray()).to_type(ScalarType.Bool, disposeAfter: true);
            case ScalarType.Float16:
            {
                var halves = MemoryMarshal.Cast<byte, Half>(span);
                var widened = new float[halves.Length];
                for (int i = 0; i < halves.Length; i++) widened[i] = (float)halves[i];
                return torch.tensor(widened).to_type(ScalarType.Float16, disposeAfter: true);
            }
            case ScalarType.BFloat16:
            {
                var raw = MemoryMarshal.Cast<byte, ushort>(span);
                var widened = new float[raw.Length];
                for (int i = 0; i < raw.Length; i++) widened[i] = BitConverter.Int32BitsToSingle(raw[i] << 16);
                return torch.tensor(widened).to_type(ScalarType.BFloat16, disposeAfter: true);
            }
            default: throw new NotSupportedException($"dtype {dtype} cannot be read by R2M.");
        }
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

    private static InvalidDataException Bad(string path, string what) => new($"{path}: invalid safetensors file: {what}.");
}
