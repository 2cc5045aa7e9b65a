namespace R2M.Estimators.Configuration;

/// <summary>
/// The files and folders an <see cref="R2MConfig"/> names: resolved against the configuration's folder, checked to
/// exist (R2M1006 at the value's line and column), and listed as the inputs of an incremental build.
/// </summary>
public static class R2MConfigPaths
{
    /// <summary>Returns <paramref name="config"/> with every path absolute; throws when one does not exist.</summary>
    internal static R2MConfig Resolve(R2MConfig config, string file, string baseDirectory, JsonLocations locations)
    {
        string? Folder(string? value, string path)
        {
            if (value is null) return null;
            string full = Path.GetFullPath(value, baseDirectory);
            if (!Directory.Exists(full)) throw Missing(file, locations, path, $"'{path}': the folder '{value}' does not exist (resolved to {full})");
            return full;
        }

        if (config.Data.Files.Count == 0)
        {
            var at = locations.Value("data.files") ?? locations.Value("data") ?? (1, 1);
            throw new R2MConfigException(file, at.Line, at.Column, R2MErrorCodes.ConfigOutOfRange, "'data.files' must name at least one preference file");
        }
        var files = new List<string>();
        for (int i = 0; i < config.Data.Files.Count; i++)
        {
            string full = Path.GetFullPath(config.Data.Files[i], baseDirectory);
            if (!File.Exists(full))
                throw Missing(file, locations, $"data.files[{i}]", $"'data.files[{i}]': the preference file '{config.Data.Files[i]}' does not exist (resolved to {full})");
            files.Add(full);
        }
        if (config.GpuDeviceId is < 0)
        {
            var at = locations.Value("gpuDeviceId") ?? (1, 1);
            throw new R2MConfigException(file, at.Line, at.Column, R2MErrorCodes.ConfigOutOfRange, $"'gpuDeviceId' must be at least 0 or null; got {config.GpuDeviceId}");
        }
        string? tokenizer = config.Tokenizer is null || R2MConfigReader.NamedTokenizers.Contains(config.Tokenizer)
            ? config.Tokenizer
            : Folder(config.Tokenizer, "tokenizer");

        return config with
        {
            Data = config.Data with { Files = files },
            Tokenizer = tokenizer,
            Sft = config.Sft is null ? null : config.Sft with { PolicyPath = Folder(config.Sft.PolicyPath, "sft.policyPath") },
            RewardModel = config.RewardModel with
            {
                CheckpointPath = Folder(config.RewardModel.CheckpointPath, "rewardModel.checkpointPath"),
                PolicyPath = Folder(config.RewardModel.PolicyPath, "rewardModel.policyPath"),
            },
            Aligner = config.Aligner with
            {
                PolicyPath = Folder(config.Aligner.PolicyPath, "aligner.policyPath"),
                RewardModelPath = Folder(config.Aligner.RewardModelPath, "aligner.rewardModelPath"),
            },
            Rl = config.Rl with { MetricsLogPath = config.Rl.MetricsLogPath is null ? null : Path.GetFullPath(config.Rl.MetricsLogPath, baseDirectory) },
        };
    }

    /// <summary>
    /// Every file a run of <paramref name="config"/> (already resolved) reads: the preference files and every file
    /// in the base model and tokenizer folders. With the configuration file itself, these are a build's inputs.
    /// </summary>
    public static IReadOnlyList<string> Inputs(R2MConfig config)
    {
        var inputs = new SortedSet<string>(config.Data.Files, StringComparer.Ordinal);
        string?[] folders =
        [
            config.Sft?.PolicyPath, config.RewardModel.CheckpointPath, config.RewardModel.PolicyPath,
            config.Aligner.PolicyPath, config.Aligner.RewardModelPath,
            config.Tokenizer is not null && Path.IsPathRooted(config.Tokenizer) ? config.Tokenizer : null,
        ];
        foreach (string? folder in folders)
        {
            if (folder is not null && Directory.Exists(folder))
                inputs.UnionWith(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories));
        }
        return inputs.ToList();
    }

    private static R2MConfigException Missing(string file, JsonLocations locations, string path, string reason)
    {
        var at = locations.Value(path) ?? (1, 1);
        return new R2MConfigException(file, at.Line, at.Column, R2MErrorCodes.ConfigMissingPath, reason);
    }
}
