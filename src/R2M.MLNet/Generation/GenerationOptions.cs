using TorchSharp;

namespace R2M.MLNet.Generation;

/// <summary>How <see cref="TextGenerator"/> samples continuations.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens generated per row (default 64).</summary>
    public int MaxNewTokens { get; init; } = 64;

    /// <summary>Softmax temperature; 0 means greedy (argmax). Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Keep only the k most likely tokens before sampling; 0 keeps all (default).</summary>
    public int TopK { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches p; 1 keeps all (default).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>End-of-sequence id: a row stops after emitting it (it is kept, with mask 1).</summary>
    public required int EosId { get; init; }

    /// <summary>Id written after a row has stopped (mask 0).</summary>
    public required int PadId { get; init; }

    /// <summary>Further ids that stop a row like EOS does.</summary>
    public IReadOnlyCollection<int> StopTokenIds { get; init; } = [];

    /// <summary>Seed of the sampling generator: the same seed, model and prompts give the same tokens.</summary>
    public long Seed { get; init; }

    /// <summary>Reuse keys and values of past positions (default). False recomputes the whole sequence each step.</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Also return the last-layer hidden states of every position (R2M's policy feedback).</summary>
    public bool ReturnHiddenStates { get; init; }

    /// <summary>
    /// Check whether every row has stopped once every this many tokens (each check copies one value from the
    /// device and waits for it). Null (default) takes <see cref="DefaultStopCheckInterval"/> for the model's
    /// device. The result does not depend on it: tokens generated after the last row stopped are trimmed.
    /// </summary>
    public int? StopCheckInterval { get; init; }

    /// <summary>
    /// The stop-check interval when <see cref="StopCheckInterval"/> is null: 1 on CPU, where a check costs
    /// nothing, and 8 on CUDA, where it stalls the kernel queue once per token (at most 7 wasted tokens per batch).
    /// </summary>
    public static int DefaultStopCheckInterval(DeviceType device) => device == DeviceType.CUDA ? 8 : 1;

    /// <summary>The stop-check interval that applies on <paramref name="device"/>.</summary>
    public int StopCheckIntervalOn(DeviceType device) => StopCheckInterval ?? DefaultStopCheckInterval(device);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentException($"GenerationOptions.MaxNewTokens must be at least 1, got {MaxNewTokens}.");
        if (Temperature < 0 || double.IsNaN(Temperature)) throw new ArgumentException($"GenerationOptions.Temperature must be >= 0, got {Temperature}.");
        if (TopK < 0) throw new ArgumentException($"GenerationOptions.TopK must be >= 0, got {TopK}.");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"GenerationOptions.TopP must be in (0, 1], got {TopP}.");
        if (StopCheckInterval < 1) throw new ArgumentException($"GenerationOptions.StopCheckInterval must be at least 1, got {StopCheckInterval}.");
    }
}
