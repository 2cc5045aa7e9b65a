using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>GPT-2's stack: token + learned position embeddings, pre-norm blocks, final LayerNorm.</summary>
public sealed class Gpt2Body : DecoderBody
{
    private readonly Embedding wte;                // (V, D)
    private readonly Embedding wpe;                // (P, D)
    private readonly ModuleList<Gpt2Block> h;
    private readonly LayerNorm ln_f;

    /// <summary>Creates the stack with GPT-2's initialisation.</summary>
    public Gpt2Body(CausalLMConfig config) : base(nameof(Gpt2Body), config)
    {
        wte = nn.Embedding(config.VocabSize, config.HiddenSize);
        wpe = nn.Embedding(config.MaxPositions, config.HiddenSize);
        using (no_grad())
        {
            EmbeddingWeights.Owned(wte).normal_(0, 0.02);
            EmbeddingWeights.Owned(wpe).normal_(0, 0.01);
        }
        h = nn.ModuleList(Enumerable.Range(0, config.NumLayers).Select(i => new Gpt2Block(config, i)).ToArray());
        ln_f = nn.LayerNorm(config.HiddenSize, config.NormEps);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string CheckpointPrefix => "transformer";

    /// <inheritdoc />
    public override Tensor TokenEmbeddingWeight => EmbeddingWeights.Owned(wte);

    /// <inheritdoc />
    protected override Tensor Run(Tensor inputIds, AttentionContext context)
    {
        if (context.Positions.max().item<long>() >= Config.MaxPositions)
            throw new ArgumentException($"Sequence longer than GPT-2's {Config.MaxPositions} learned positions.");
        var x = wte.forward(inputIds).Plus(wpe.forward(context.Positions)); // (B, T, D)
        foreach (var block in h)
        {
            using var scope = NewDisposeScope();   // per layer, as in LlamaBody
            x = block.Forward(x, context).MoveToOuterDisposeScope();
        }
        return ln_f.forward(x);
    }
}
