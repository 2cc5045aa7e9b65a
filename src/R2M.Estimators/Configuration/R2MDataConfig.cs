using R2M.MLNet.Data;

namespace R2M.Estimators.Configuration;

/// <summary>The <c>data</c> section of <c>r2m.json</c>: preference files and the loader's options.</summary>
public sealed record R2MDataConfig
{
    /// <summary>Preference files (JSON, JSON Lines, CSV or TSV), relative to the configuration file's folder.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>How the files are read (format, invalid records).</summary>
    public PreferenceLoaderOptions Loader { get; init; } = new();
}
