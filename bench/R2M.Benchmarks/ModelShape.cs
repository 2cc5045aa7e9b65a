using R2M.MLNet.Modeling;

namespace R2M.Benchmarks;

/// <summary>A decoder's shape for the benchmarks at real sizes, and the named presets (one place for both benchmarks).</summary>
/// <param name="Layers">Decoder layers.</param>
/// <param name="D">Hidden width.</param>
/// <param name="Heads">Query heads.</param>
/// <param name="KvHeads">Key/value heads (grouped-query attention).</param>
/// <param name="Intermediate">MLP width.</param>
/// <param name="Vocab">Vocabulary size.</param>
/// <param name="Tied">Whether the output head is the token embedding.</param>
internal sealed record ModelShape(int Layers, int D, int Heads, int KvHeads, int Intermediate, int Vocab, bool Tied)
{
    /// <summary>The presets: the Qwen2.5 0.5B and 1.5B shapes (from their config.json) and the toy shape of the tests.</summary>
    public static IReadOnlyDictionary<string, ModelShape> Presets { get; } = new Dictionary<string, ModelShape>(StringComparer.Ordinal)
    {
        ["qwen2.5-0.5b"] = new(24, 896, 14, 2, 4864, 151936, true),
        ["qwen2.5-1.5b"] = new(28, 1536, 12, 2, 8960, 151936, true),
        ["toy"] = new(4, 256, 8, 4, 704, 259, true),
    };

    /// <summary>The preset <paramref name="name"/>; an unknown name is refused with the list.</summary>
    public static ModelShape Preset(string name) => Presets.TryGetValue(name, out var shape) ? shape
        : throw new ArgumentException($"--preset must be one of {string.Join(", ", Presets.Keys)}, got '{name}'.");

    /// <summary>A Llama-layout config of this shape (4096 positions).</summary>
    public CausalLMConfig Config() => CausalLMConfig.Llama(Vocab, D, Layers, Heads, KvHeads, Intermediate, maxPositions: 4096, tieWordEmbeddings: Tied);
}
