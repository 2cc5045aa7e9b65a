using R2M.MLNet.IO;
using System.IO.Compression;
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
/// r2m/manifest.json                  format name, format version, SHA-256 and byte size of every other entry
///                                    (sizes are optional for readers: zips saved before they existed have none)
/// r2m/model.json                     ω, generation defaults, aligner width, tokenizer kind
/// r2m/policy/{config.json, model.safetensors}
/// r2m/reward_model/{config.json, model.safetensors}
/// r2m/aligner.safetensors            when the reward model has R2M's cross-attention
/// r2m/tokenizer/*                    tokenizer files (HuggingFace tokenizers only)
/// </code>
/// Reading refuses truncated, corrupted or tampered archives, unknown format versions, entry names that would
/// escape a folder, and sizes beyond docs/reliability.md's bounds, before allocating for them. Writing goes to a
/// temporary file that is then moved into place.
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
    /// <remarks>
    /// The weights are written to a temporary folder first and streamed from there into the zip (hashed on the way
    /// in a first pass), never held in memory whole: a float32 safetensors file of a 1.5B model is over 2 GiB, more
    /// than one .NET array can hold.
    /// </remarks>
    public static void Save(R2MModel model, byte[] mlNetGraphZip, string path)
    {
        var entries = new SortedDictionary<string, ArchiveEntrySource>(StringComparer.Ordinal);
        using (var graph = new ZipArchive(new MemoryStream(mlNetGraphZip), ZipArchiveMode.Read))
        {
            foreach (var e in graph.Entries)
            {
                if (e.FullName.StartsWith("r2m/", StringComparison.Ordinal)) throw new ArgumentException("The ML.NET graph must not hold r2m/ entries.");
                entries[e.FullName] = ArchiveEntrySource.Of(ReadAll(e));
            }
        }
        StaleTemp.Sweep(Path.GetTempPath(), "r2m-save-");
        string temp = Path.Combine(Path.GetTempPath(), StaleTemp.Name("r2m-save-"));
        try
        {
            HfCheckpoint.Save(model.Policy, Path.Combine(temp, "policy"));
            HfCheckpoint.Save(model.RewardModel, Path.Combine(temp, "reward_model"));
            foreach (string sub in new[] { "policy", "reward_model" })
                foreach (string file in Directory.GetFiles(Path.Combine(temp, sub)))
                    entries[$"r2m/{sub}/{Path.GetFileName(file)}"] = ArchiveEntrySource.OfFile(file);
            if (model.Aligner is not null)
            {
                string alignerPath = Path.Combine(temp, "aligner.safetensors");
                Safetensors.Save(alignerPath, model.Aligner.state_dict());
                entries["r2m/aligner.safetensors"] = ArchiveEntrySource.OfFile(alignerPath);
            }
            foreach (var (name, bytes) in model.TokenizerSpec.Files) entries[$"r2m/tokenizer/{name}"] = ArchiveEntrySource.Of(bytes);
            var description = new JsonObject
            {
                ["omega"] = model.Omega,
                ["tokenizer"] = model.TokenizerSpec.Kind,
                ["aligner_width"] = model.Aligner is null ? null : (JsonNode)(int)model.Aligner.CrossAttention.state_dict().First(kv => kv.Key.StartsWith("wq", StringComparison.Ordinal)).Value.shape[0],
                ["generation"] = JsonSerializer.SerializeToNode(model.Generation),
            };
            entries["r2m/model.json"] = ArchiveEntrySource.Of(JsonSerializer.SerializeToUtf8Bytes(description, new JsonSerializerOptions { WriteIndented = true }));
            var manifest = new JsonObject
            {
                ["format"] = FormatName,
                ["version"] = FormatVersion,
                ["entries"] = new JsonObject(entries.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.Sha256()))),
                ["sizes"] = new JsonObject(entries.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.Length))),
            };
            entries[ManifestEntry] = ArchiveEntrySource.Of(JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true }));

            AtomicFile.Write(path, stream =>
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
                foreach (var (name, source) in entries)
                {
                    using var entryStream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                    source.CopyTo(entryStream);
                }
            });
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>Entries every model zip has.</summary>
    internal static readonly string[] RequiredEntries =
        ["r2m/model.json", "r2m/policy/config.json", "r2m/policy/model.safetensors", "r2m/reward_model/config.json", "r2m/reward_model/model.safetensors"];

    /// <summary>
    /// Verifies the archive (see <see cref="ArchiveExtractor"/>), then rebuilds the model on <paramref name="device"/>.
    /// Every problem with the file is an <see cref="R2MModelFormatException"/> naming the zip and the entry
    /// (<c>model.zip!r2m/policy/config.json</c>); nothing is allocated for a model until its config has been
    /// checked against bounds and against the weights' headers.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="R2MModelFormatException">The archive is not a valid R2M model zip; the message says why.</exception>
    public static R2MModel Load(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No R2M model zip at {path}.", path);
        string tempRoot = Path.GetTempPath();
        StaleTemp.Sweep(tempRoot, "r2m-load-");
        string temp = Path.Combine(tempRoot, StaleTemp.Name("r2m-load-"));
        CausalLM? policy = null;
        SequenceScoreModel? rewardModel = null;
        PolicyFeedbackRewardHead? aligner = null;
        try
        {
            ArchiveExtractor.Extract(path, temp);
            string r2m = Path.Combine(temp, "r2m");
            var description = ModelDescription.Parse(ModelJson.ReadObject(Path.Combine(r2m, "model.json"), $"{path}!r2m/model.json"), $"{path}!r2m/model.json");
            var tokenizerFiles = ReadTokenizerFiles(Path.Combine(r2m, "tokenizer"));
            var spec = TokenizerSpec.FromParts(description.Tokenizer, tokenizerFiles);
            policy = HfCheckpoint.LoadCausalLM(Path.Combine(r2m, "policy"), device: device);
            rewardModel = HfCheckpoint.LoadSequenceScoreModel(Path.Combine(r2m, "reward_model"), device: device);
            if (description.AlignerWidth is int width)
            {
                string alignerPath = Path.Combine(r2m, "aligner.safetensors");
                if (!File.Exists(alignerPath)) throw new R2MModelFormatException(path, "aligner_width", "model.json names an aligner but r2m/aligner.safetensors is missing");
                aligner = new PolicyFeedbackRewardHead(rewardModel.Head, policy.Config.HiddenSize, width);
                var weights = Safetensors.Load(alignerPath);
                try
                {
                    HfCheckpoint.CopyStrict(aligner, weights, policy.Config, alignerPath);
                }
                finally
                {
                    foreach (var t in weights.Values) t.Dispose();
                }
            }
            var model = new R2MModel(policy, spec, rewardModel, aligner, description.Omega, description.Generation);
            (policy, rewardModel, aligner) = (null, null, null); // owned by the model now
            return model;
        }
        catch (R2MModelFormatException e) when (e.File.StartsWith(temp, StringComparison.Ordinal))
        {
            throw e.Renamed(path + "!" + Path.GetRelativePath(temp, e.File).Replace(Path.DirectorySeparatorChar, '/'));
        }
        catch (NotSupportedException e)
        {
            throw new R2MModelFormatException(path, null, e.Message.Replace(temp + Path.DirectorySeparatorChar, path + "!", StringComparison.Ordinal), e);
        }
        finally
        {
            policy?.Dispose();
            rewardModel?.Dispose();
            aligner?.Dispose();
            try
            {
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            }
            catch (IOException)
            {
                // Left for the next load's sweep.
            }
        }
    }

    private static Dictionary<string, byte[]> ReadTokenizerFiles(string folder)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return files;
        foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/')] = File.ReadAllBytes(file);
        }
        return files;
    }

    /// <summary>
    /// Verifies every entry of the zip at <paramref name="path"/> (names, manifest, sizes, SHA-256) and returns ML.NET's
    /// graph entries (those outside r2m/) by name; the weights are hashed, not kept.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> ReadGraph(string path) => ArchiveExtractor.ReadGraph(path);

    /// <summary>
    /// Verifies every entry of the zip at <paramref name="path"/> and writes its r2m/ entries (weights, configs,
    /// tokenizer, model.json) under <paramref name="folder"/>, streamed, each capped by the manifest's size.
    /// </summary>
    public static void ExtractVerified(string path, string folder) => ArchiveExtractor.Extract(path, folder);

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
}
