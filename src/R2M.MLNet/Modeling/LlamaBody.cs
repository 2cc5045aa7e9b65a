using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>Llama / Qwen2 stack: token embedding, pre-RMSNorm decoder layers with RoPE, final RMSNorm.</summary>
public sealed class LlamaBody : DecoderBody
{
    private readonly Embedding embed_tokens;       // (V, D)
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly RmsNorm norm;
    private volatile RopeTable? rope;  // built on first use, replaced (never grown in place) when too small

    /// <summary>Creates the stack (normal init, std 0.02).</summary>
    public LlamaBody(CausalLMConfig config) : base(nameof(LlamaBody), config)
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize);
        using (no_grad()) EmbeddingWeights.Owned(embed_tokens).normal_(0, 0.02);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(i => new LlamaDecoderLayer(config, i)).ToArray());
        norm = new RmsNorm(config.HiddenSize, config.NormEps);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string CheckpointPrefix => "model";

    /// <inheritdoc />
    public override Tensor TokenEmbeddingWeight => EmbeddingWeights.Owned(embed_tokens);

    /// <inheritdoc />
    protected override Tensor Run(Tensor inputIds, AttentionContext context)
    {
        var x = embed_tokens.forward(inputIds);                                                   // (B, T, D)
        var (cos, sin) = RopeFor(context, x.dtype, x.device);                                     // (B, 1, T, Dh)
        context.GroupedMask(Config.NumHeads / Config.KvHeads);   // built here, in the caller's scope: the layers' scopes share it
        foreach (var layer in layers)
        {
            // A scope per layer: its intermediates (the MLP's (B, T, I) tensors, attention scores) are released when
            // the layer returns, not when the caller's scope ends; autograd keeps what backward needs on its own.
            using var scope = NewDisposeScope();
            x = layer.Forward(x, context, cos, sin).MoveToOuterDisposeScope();
        }
        return norm.forward(x);
    }

    /// <summary>
    /// RoPE tables for the context's positions: a lookup in the cached table when the positions' bound is known
    /// (they were derived from the mask), computed directly when the caller supplied position ids.
    /// </summary>
    private (Tensor Cos, Tensor Sin) RopeFor(AttentionContext context, ScalarType dtype, Device device)
    {
        if (context.PositionBound is not int bound) return Rope.Tables(context.Positions, Config.HeadWidth, Config.RopeTheta, dtype);
        var table = rope;
        if (table is null || table.Capacity < bound || table.Dtype != dtype || table.Device.ToString() != device.ToString())
        {
            // Next power of two (at least 256): the table doubles rarely, and never holds more than twice what was asked.
            long capacity = Math.Max(256L, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)bound));
            table = RopeTable.Build((int)Math.Min(capacity, int.MaxValue), Config.HeadWidth, Config.RopeTheta, dtype, device);
            rope = table;
        }
        return table.Lookup(context.Positions);
    }
}
