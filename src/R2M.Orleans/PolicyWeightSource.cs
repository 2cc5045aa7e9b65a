using R2M.MLNet.IO;
using R2M.MLNet;
using R2M.MLNet.Modeling;

namespace R2M.Orleans;

/// <summary>
/// The learner's side of weight sync: the policy's state dict as safetensors bytes for the current version,
/// served in chunks; or written to a shared directory that workers read.
/// </summary>
internal sealed class PolicyWeightSource(int chunkBytes, string? sharedDirectory) : IWeightSource
{
    private readonly Guid run = Guid.NewGuid();
    private byte[] bytes = [];
    private string? sharedPath;
    private long sharedBytes;

    /// <summary>The published version (null before the first).</summary>
    public WeightsVersion? Version { get; private set; }

    /// <summary>Publishes the policy's current weights as update <paramref name="update"/> (no-op when already published).</summary>
    public WeightsRef Publish(CausalLM policy, int update, IWeightSource self, out bool published)
    {
        published = Version is null || Version.Update != update;
        if (published)
        {
            var next = new WeightsVersion(run, update);
            if (sharedDirectory is not null)
            {
                // Streamed to the file, never held as one array: the path for models over 2 GB.
                string path = Path.Combine(sharedDirectory, $"r2m-policy-{run:N}-{update}.safetensors");
                Safetensors.Save(path, policy.state_dict());
                if (sharedPath is not null) File.Delete(sharedPath);
                (sharedPath, sharedBytes) = (path, new FileInfo(path).Length);
            }
            else bytes = Safetensors.ToBytes(policy.state_dict()); // one .NET array: models under 2 GB
            Version = next;
        }
        if (sharedPath is not null) return new WeightsRef(Version!, 0, sharedBytes, null, sharedPath);
        int chunks = (int)((bytes.LongLength + chunkBytes - 1) / chunkBytes);
        return new WeightsRef(Version!, chunks, bytes.LongLength, self, null);
    }

    public Task<byte[]> Read(WeightsVersion version, int index)
    {
        if (version != Version) throw new InvalidOperationException($"The learner holds weights {Version}, not {version}.");
        long start = (long)index * chunkBytes;
        if (index < 0 || start >= bytes.LongLength) throw new ArgumentOutOfRangeException(nameof(index), index, "No such weights chunk.");
        return Task.FromResult(bytes.AsSpan((int)start, (int)Math.Min(chunkBytes, bytes.LongLength - start)).ToArray());
    }
}
