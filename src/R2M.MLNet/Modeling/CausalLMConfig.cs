namespace R2M.MLNet.Modeling;

/// <summary>
/// Shape and numerics of a decoder-only transformer, covering GPT-2, Llama and Qwen2. Field meanings follow
/// HuggingFace's config.json; <see cref="HfConfig"/> reads and writes that file.
/// </summary>
public sealed record CausalLMConfig
{
    /// <summary>Architecture family.</summary>
    public required ModelFamily Family { get; init; }
    /// <summary>Rows of the token embedding (and of the output head).</summary>
    public required int VocabSize { get; init; }
    /// <summary>Model width D.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Number of decoder blocks.</summary>
    public required int NumLayers { get; init; }
    /// <summary>Query heads H.</summary>
    public required int NumHeads { get; init; }
    /// <summary>Key/value heads (grouped-query attention); equals <see cref="NumHeads"/> for GPT-2.</summary>
    public int NumKeyValueHeads { get; init; }
    /// <summary>Width of one head; HiddenSize / NumHeads unless the checkpoint says otherwise.</summary>
    public int HeadDim { get; init; }
    /// <summary>Width of the feed-forward layer.</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Longest sequence: the learned position table of GPT-2, the RoPE range of Llama.</summary>
    public int MaxPositions { get; init; } = 2048;
    /// <summary>LayerNorm / RMSNorm epsilon.</summary>
    public double NormEps { get; init; } = 1e-5;
    /// <summary>RoPE base (Llama, Qwen2).</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>Bias on the q, k and v projections (Qwen2: always; Llama: with attention_bias).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Bias on the attention output projection (Llama with attention_bias).</summary>
    public bool OutputBias { get; init; }
    /// <summary>Bias on the feed-forward projections (Llama with mlp_bias).</summary>
    public bool MlpBias { get; init; }
    /// <summary>Output head shares the token embedding's weight (GPT-2 and some Qwen2 sizes).</summary>
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Beginning-of-sequence id from the checkpoint, if any.</summary>
    public int? BosTokenId { get; init; }
    /// <summary>End-of-sequence id from the checkpoint, if any.</summary>
    public int? EosTokenId { get; init; }
    /// <summary>Padding id from the checkpoint, if any.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>Key/value heads with the GPT-2 default applied.</summary>
    public int KvHeads => NumKeyValueHeads > 0 ? NumKeyValueHeads : NumHeads;

    /// <summary>Head width with the default applied.</summary>
    public int HeadWidth => HeadDim > 0 ? HeadDim : HiddenSize / NumHeads;

    /// <summary>A GPT-2 shaped config (tied head, 4·D feed-forward).</summary>
    public static CausalLMConfig Gpt2(int vocabSize, int hiddenSize, int numLayers, int numHeads, int maxPositions = 1024) => new()
    {
        Family = ModelFamily.Gpt2, VocabSize = vocabSize, HiddenSize = hiddenSize, NumLayers = numLayers,
        NumHeads = numHeads, NumKeyValueHeads = numHeads, IntermediateSize = 4 * hiddenSize, MaxPositions = maxPositions,
        NormEps = 1e-5, TieWordEmbeddings = true,
    };

    /// <summary>A Llama shaped config.</summary>
    public static CausalLMConfig Llama(int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKeyValueHeads,
        int intermediateSize, int maxPositions = 2048, bool tieWordEmbeddings = false) => new()
    {
        Family = ModelFamily.Llama, VocabSize = vocabSize, HiddenSize = hiddenSize, NumLayers = numLayers,
        NumHeads = numHeads, NumKeyValueHeads = numKeyValueHeads, IntermediateSize = intermediateSize,
        MaxPositions = maxPositions, NormEps = 1e-6, TieWordEmbeddings = tieWordEmbeddings,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value <= 0) throw new ArgumentException($"CausalLMConfig.{name} must be positive, got {value}.");
        }
        Positive(VocabSize, nameof(VocabSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumLayers, nameof(NumLayers));
        Positive(NumHeads, nameof(NumHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(MaxPositions, nameof(MaxPositions));
        if (HeadDim <= 0 && HiddenSize % NumHeads != 0)
            throw new ArgumentException($"CausalLMConfig.HiddenSize ({HiddenSize}) must be divisible by NumHeads ({NumHeads}).");
        if (NumHeads % KvHeads != 0)
            throw new ArgumentException($"CausalLMConfig.NumHeads ({NumHeads}) must be a multiple of NumKeyValueHeads ({KvHeads}).");
        if (Family != ModelFamily.Gpt2 && HeadWidth % 2 != 0)
            throw new ArgumentException($"RoPE needs an even head width, got {HeadWidth}.");
        if (Family == ModelFamily.Gpt2 && (KvHeads != NumHeads || HeadWidth * NumHeads != HiddenSize))
            throw new ArgumentException("GPT-2 has no grouped-query attention and no separate head width.");
    }
}
