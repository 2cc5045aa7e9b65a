namespace R2M.MLNet.IO;

/// <summary>
/// Bounds on what a model file may declare, checked before anything is allocated. They are generous (the
/// largest open models fit well inside them) and exist so that a hostile or corrupted file is refused with a
/// message instead of ending the process with an out-of-memory abort. See docs/reliability.md.
/// </summary>
public static class ModelFileLimits
{
    /// <summary>Most decoder layers.</summary>
    public const int MaxLayers = 1024;
    /// <summary>Largest hidden width, intermediate width and head width.</summary>
    public const int MaxWidth = 1 << 16;
    /// <summary>Largest MLP width.</summary>
    public const int MaxIntermediate = 1 << 18;
    /// <summary>Most attention heads.</summary>
    public const int MaxHeads = 1024;
    /// <summary>Largest vocabulary (2^24).</summary>
    public const int MaxVocab = 1 << 24;
    /// <summary>Most positions (2^20).</summary>
    public const int MaxPositions = 1 << 20;
    /// <summary>Most tensors in one safetensors file.</summary>
    public const int MaxTensors = 1 << 20;
    /// <summary>Most dimensions of one tensor.</summary>
    public const int MaxRank = 8;
    /// <summary>Largest config.json, model.json, manifest or trainer state read (16 MiB).</summary>
    public const long MaxJsonBytes = 16L << 20;
    /// <summary>Largest single entry of a model zip (64 GiB; the manifest's declared size caps each entry further).</summary>
    public const long MaxEntryBytes = 64L << 30;
    /// <summary>Most entries in a model zip.</summary>
    public const int MaxEntries = 4096;
    /// <summary>Largest new-token budget a saved generation default may ask for.</summary>
    public const int MaxNewTokens = 1 << 16;
}
