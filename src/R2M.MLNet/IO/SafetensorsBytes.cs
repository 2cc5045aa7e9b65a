using static TorchSharp.torch;

namespace R2M.MLNet.IO;

/// <summary>safetensors as bytes in memory (weights sent over the network), through the same checked file path.</summary>
public static partial class Safetensors
{
    /// <summary>The bytes <see cref="Save"/> writes (one .NET array: models under 2 GB).</summary>
    public static byte[] ToBytes(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string temp = Path.Combine(Path.GetTempPath(), $"r2m-safetensors-{Guid.NewGuid():N}.safetensors");
        try
        {
            Save(temp, tensors, metadata);
            return File.ReadAllBytes(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Loads every tensor of an in-memory safetensors file (as <see cref="ToBytes"/> writes it), with every check of <see cref="Load(string, ScalarType?)"/>.</summary>
    public static Dictionary<string, Tensor> Load(byte[] bytes, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string temp = Path.Combine(Path.GetTempPath(), $"r2m-safetensors-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(temp, bytes);
            return Load(temp, dtype);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
