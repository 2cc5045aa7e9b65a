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
        var (cos, sin) = Rope.Tables(context.Positions, Config.HeadWidth, Config.RopeTheta, x.dtype); // (B, 1, T, Dh)
        foreach (var layer in layers) x = layer.Forward(x, context, cos, sin);
        return norm.forward(x);
    }
}
