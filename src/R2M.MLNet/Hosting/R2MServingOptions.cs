namespace R2M.MLNet.Hosting;

/// <summary>
/// Settings of one served R2M model: which file, how many engines may run at once, how large a batch one call
/// sends to the model, which torch device holds the weights and how reloads are debounced.
/// </summary>
public sealed class R2MServingOptions
{
    /// <summary>Path of the R2M model zip. Set by <see cref="R2MServingBuilder.FromFile(string, bool)"/>.</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Whether the file is watched and the model reloaded when it changes (default false).</summary>
    public bool WatchForChanges { get; set; }

    /// <summary>
    /// Most engines rented at the same time; further renters wait for a return (default
    /// <see cref="Environment.ProcessorCount"/>).
    /// </summary>
    public int PoolSize { get; set; } = Environment.ProcessorCount;

    /// <summary>Most prompts an engine sends to the model in one forward pass; longer lists are split (default 16).</summary>
    public int MaxBatch { get; set; } = 16;

    /// <summary>Torch device string for the weights, such as <c>cpu</c>, <c>cuda</c> or <c>cuda:1</c> (default <c>cpu</c>).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// The dtype the policy generates in (default <see cref="Serving.PolicyPrecision.AsSaved"/>);
    /// <see cref="Serving.PolicyPrecision.BFloat16"/> halves the bytes read per token on CPU and GPU alike.
    /// </summary>
    public Serving.PolicyPrecision PolicyPrecision { get; set; }

    /// <summary>
    /// Quiet time after the last change event before a reload starts, so a file written in several steps
    /// (or written to a temporary name and then moved into place) is read once, complete (default 500 ms).
    /// </summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A copy, so later changes to these options do not reach a running pool.</summary>
    public R2MServingOptions Clone() => (R2MServingOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
            throw new ArgumentException("R2MServingOptions.ModelPath is empty: register the model with AddR2M().FromFile(path).");
        if (PoolSize < 1) throw new ArgumentOutOfRangeException(nameof(PoolSize), PoolSize, "R2MServingOptions.PoolSize must be at least 1.");
        if (MaxBatch < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, "R2MServingOptions.MaxBatch must be at least 1.");
        if (ReloadDebounce < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ReloadDebounce), ReloadDebounce, "R2MServingOptions.ReloadDebounce must not be negative.");
        if (!Enum.IsDefined(PolicyPrecision))
            throw new ArgumentOutOfRangeException(nameof(PolicyPrecision), PolicyPrecision, "R2MServingOptions.PolicyPrecision must be AsSaved or BFloat16.");
        if (string.IsNullOrWhiteSpace(Device)) throw new ArgumentException("R2MServingOptions.Device is empty; use a torch device string such as \"cpu\".");
    }
}
