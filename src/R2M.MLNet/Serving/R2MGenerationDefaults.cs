namespace R2M.MLNet.Serving;

/// <summary>How a served model generates: saved with the model.</summary>
public sealed record R2MGenerationDefaults
{
    /// <summary>Most new tokens (default 64).</summary>
    public int MaxNewTokens { get; init; } = 64;
    /// <summary>Temperature; 0 = greedy (default), which makes outputs reproducible.</summary>
    public double Temperature { get; init; }
    /// <summary>Top-k (0 = off).</summary>
    public int TopK { get; init; }
    /// <summary>Top-p (1 = off).</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Sampling seed.</summary>
    public long Seed { get; init; }
}
