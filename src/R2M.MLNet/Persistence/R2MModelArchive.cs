using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using R2M.MLNet.Modeling;
using R2M.MLNet.Serving;
using R2M.MLNet.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Persistence;

/// <summary>
/// The R2M model zip: ML.NET's own model entries (its graph: R2M's stand-in, or a chain of it and other ML.NET
/// transformers saved by ML.NET, hashed in the manifest like every entry) plus R2M's entries under <c>r2m/</c>:
/// <code>
/// r2m/manifest.json                  format name, format version, SHA-256 of every other entry
/// r2m/model.json                     ω, generation defaults, aligner width, tokenizer kind
/// r2m/policy/{config.json, model.safetensors}
/// r2m/reward_model/{config.json, model.safetensors}
/// r2m/aligner.safetensors            when the reward model has R2M's cross-attention
/// r2m/tokenizer/*                    tokenizer files (HuggingFace tokenizers only)
/// </code>
/// Reading refuses truncated, corrupted or tampered archives, unknown format versions and entry names
/// that would escape a folder. Writing goes to a temporary file that is then moved into place.
/// </summary>
public static class R2MModelArchive
{
    /// <summary>Format name in the manifest.</summary>
    public const string FormatName = "r2m-model";
    /// <summary>Format version written. History: 1 = first version.</summary>
    public const int FormatVersion = 1;
    /// <summary>Manifest entry name.</summary>
    public const string ManifestEntry = "r2m/manifest.json";

    /// <summary>Writes <paramref name="model"/> and the ML.NET graph (an ML.NET model zip, as bytes) into one zip at <paramref name="path"/>.</summary>
    public static void Save(R2MModel model, byte[] mlNetGraphZip, string path)
    {
        var entries = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        using (var graph = new ZipArchive(new MemoryStream(mlNetGraphZip), ZipArchiveMode.Read))
        {
            foreach (var e in graph.Entries)
            {
                if (e.FullName.StartsWith("r2m/", StringComparison.Ordinal)) throw new ArgumentException("The ML.NET graph must not hold r2m/ entries.");
                entries[e.FullName] = ReadAll(e);
            }
        }
        string temp = Path.Combine(Path.GetTempPath(), $"r2m-save-{Guid.NewGuid():N}");
        try
        {
            HfCheckpoint.Save(model.Policy, Path.Combine(temp, "policy"));
            HfCheckpoint.Save(model.RewardModel, Path.Combine(temp, "reward_model"));
            foreach (string sub in new[] { "policy", "reward_model" })
                foreach (string file in Directory.GetFiles(Path.Combine(temp, sub)))
                    entries[$"r2m/{sub}/{Path.GetFileName(file)}"] = File.ReadAllBytes(file);
            if (model.Aligner is not null)
            {
                string alignerPath = Path.Combine(temp, "aligner.safetensors");
                Safetensors.Save(alignerPath, model.Aligner.state_dict());
                entries["r2m/aligner.safetensors"] = File.ReadAllBytes(alignerPath);
            }
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        foreach (var (name, bytes) in model.TokenizerSpec.Files) entries[$"r2m/tokenizer/{name}"] = bytes;
        var description = new JsonObject
        {
            ["omega"] = model.Omega,
            ["tokenizer"] = model.TokenizerSpec.Kind,
            ["aligner_width"] = model.Aligner is null ? null : (JsonNode)(int)model.Aligner.CrossAttention.state_dict().First(kv => kv.Key.StartsWith("wq", StringComparison.Ordinal)).Value.shape[0],
            ["generation"] = JsonSerializer.SerializeToNode(model.Generation),
        };
        entries["r2m/model.json"] = JsonSerializer.SerializeToUtf8Bytes(description, new JsonSerializerOptions { WriteIndented = true });
        var manifest = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["entries"] = new JsonObject(entries.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Sha256(kv.Value)))),
        };
        entries[ManifestEntry] = JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true });

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var (name, bytes) in entries)
            {
                using var entryStream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                entryStream.Write(bytes);
            }
        });
    }

    /// <summary>Reads and verifies the archive, then rebuilds the model on <paramref name="device"/>.</summary>
    /// <exception cref="InvalidDataException">The archive is not a valid R2M model zip; the message says why.</exception>
    public static R2MModel Load(string path, Device? device = null)
    {
        var entries = ReadVerified(path);
        JsonObject description = JsonNode.Parse(entries["r2m/model.json"]) as JsonObject
            ?? throw Bad(path, "r2m/model.json is not a JSON object");
        string temp = Path.Combine(Path.GetTempPath(), $"r2m-load-{Guid.NewGuid():N}");
        try
        {
            foreach (var (name, bytes) in entries.Where(kv => kv.Key.StartsWith("r2m/", StringComparison.Ordinal)))
            {
                string target = Path.Combine(temp, name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.WriteAllBytes(target, bytes);
            }
            var policy = HfCheckpoint.LoadCausalLM(Path.Combine(temp, "r2m", "policy"), device: device);
            var rewardModel = HfCheckpoint.LoadSequenceScoreModel(Path.Combine(temp, "r2m", "reward_model"), device: device);
            PolicyFeedbackRewardHead? aligner = null;
            if (description["aligner_width"] is JsonValue width)
            {
                aligner = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, width.GetValue<int>());
                var weights = Safetensors.Load(Path.Combine(temp, "r2m", "aligner.safetensors"));
                using (no_grad())
                {
                    foreach (var (key, tensor) in aligner.state_dict())
                    {
                        if (!weights.TryGetValue(key, out var saved)) throw Bad(path, $"r2m/aligner.safetensors has no '{key}'");
                        tensor.copy_(saved);
                    }
                }
                foreach (var t in weights.Values) t.Dispose();
            }
            var tokenizerFiles = entries.Where(kv => kv.Key.StartsWith("r2m/tokenizer/", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key["r2m/tokenizer/".Length..], kv => kv.Value, StringComparer.Ordinal);
            var spec = TokenizerSpec.FromParts(description["tokenizer"]!.GetValue<string>(), tokenizerFiles);
            var generation = description["generation"].Deserialize<R2MGenerationDefaults>() ?? new R2MGenerationDefaults();
            return new R2MModel(policy, spec, rewardModel, aligner, description["omega"]!.GetValue<double>(), generation);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>
    /// Reads every entry and checks names, manifest, format version and SHA-256 hashes. Returns entry bytes by name.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> ReadVerified(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No R2M model zip at {path}.", path);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var e in zip.Entries)
            {
                if (!IsSafeName(e.FullName)) throw Bad(path, $"entry name '{e.FullName}' would escape the archive's folder; refused");
                if (!entries.TryAdd(e.FullName, ReadAll(e))) throw Bad(path, $"entry '{e.FullName}' appears twice");
            }
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw Bad(path, $"not a readable zip archive (truncated or corrupted): {e.Message}");
        }
        if (!entries.TryGetValue(ManifestEntry, out var manifestBytes))
            throw Bad(path, $"no {ManifestEntry}: not an R2M model zip (save with mlContext.R2M().SaveModel, load with mlContext.R2M().LoadModel)");
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(manifestBytes) as JsonObject ?? throw Bad(path, "the manifest is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(path, $"the manifest is not valid JSON: {e.Message}");
        }
        if (manifest["format"]?.GetValue<string>() != FormatName) throw Bad(path, $"manifest format is '{manifest["format"]}', expected '{FormatName}'");
        int version = manifest["version"] is JsonValue v && v.TryGetValue(out int parsed) ? parsed : -1;
        if (version != FormatVersion)
            throw Bad(path, $"format version {version} is not supported; this build reads version {FormatVersion}");
        var listed = manifest["entries"] as JsonObject ?? throw Bad(path, "the manifest has no entries");
        foreach (var (name, hash) in listed)
        {
            if (!entries.TryGetValue(name, out var bytes)) throw Bad(path, $"entry '{name}' listed in the manifest is missing");
            if (!string.Equals(Sha256(bytes), hash?.GetValue<string>(), StringComparison.Ordinal))
                throw Bad(path, $"entry '{name}' failed its SHA-256 check: the archive was modified or corrupted after saving");
        }
        foreach (string name in entries.Keys)
        {
            if (name != ManifestEntry && !listed.ContainsKey(name)) throw Bad(path, $"entry '{name}' is not in the manifest: the archive was modified after saving");
        }
        foreach (string required in new[] { "r2m/model.json", "r2m/policy/config.json", "r2m/policy/model.safetensors", "r2m/reward_model/config.json", "r2m/reward_model/model.safetensors" })
        {
            if (!entries.ContainsKey(required)) throw Bad(path, $"required entry '{required}' is missing");
        }
        return entries;
    }

    /// <summary>Whether an entry name stays inside the folder it is extracted to.</summary>
    public static bool IsSafeName(string name) =>
        name.Length > 0 && !name.StartsWith('/') && !name.Contains('\\') && !name.Contains(':') && !name.Contains('\0')
        && name.Split('/').All(part => part is not ".." and not ".");

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static InvalidDataException Bad(string path, string what) => new($"{path}: {what}.");
}
