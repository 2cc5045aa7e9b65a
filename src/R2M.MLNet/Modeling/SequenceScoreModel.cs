using R2M.MLNet.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// The form real reward models ship in (transformers' <c>*ForSequenceClassification</c>): a decoder body
/// plus a bias-free linear <c>score</c> head read at the last non-pad token of each row.
/// </summary>
public sealed class SequenceScoreModel : nn.Module
{
    private readonly DecoderBody body;
    private readonly Linear score; // D -> labels

    /// <summary>Creates a model with a randomly initialised body and head.</summary>
    public SequenceScoreModel(CausalLMConfig config, int numLabels = 1) : this(DecoderBody.Create(config), numLabels) { }

    /// <summary>Puts a fresh score head on an existing body (for example a copy of the policy's).</summary>
    public SequenceScoreModel(DecoderBody body, int numLabels = 1) : base(nameof(SequenceScoreModel))
    {
        this.body = body;
        score = nn.Linear(body.Config.HiddenSize, numLabels, hasBias: false);
        using (no_grad()) score.weight!.normal_(0, 1.0 / Math.Sqrt(body.Config.HiddenSize + 1));
        register_module(body.CheckpointPrefix, body);
        register_module("score", score);
    }

    /// <summary>The body's shape.</summary>
    public CausalLMConfig Config => body.Config;

    /// <summary>The decoder stack.</summary>
    public DecoderBody Body => body;

    /// <summary>The score head (the reward model's φ).</summary>
    public Linear Head => score;

    /// <summary>Labels the head outputs (1 for a reward model).</summary>
    public int NumLabels => (int)score.weight!.shape[0];

    /// <summary>
    /// Scores each row: the head applied to the final-norm hidden state of its last real token.
    /// <paramref name="attentionMask"/> (B, T) marks real tokens with 1; when null, tokens equal to
    /// <paramref name="padId"/> are padding. Returns scores (B, labels) and that embedding (B, D).
    /// </summary>
    public (Tensor Scores, Tensor FinalEmbedding) Score(Tensor inputIds, Tensor? attentionMask = null, int? padId = null)
    {
        using var scope = NewDisposeScope();
        using var pad = padId?.ToScalar();
        Tensor mask = attentionMask ?? (pad is not null ? inputIds.ne(pad).to_type(ScalarType.Int64) : ones_like(inputIds));
        var hidden = body.Forward(inputIds, mask);                                  // (B, T, D)
        var embedding = FinalTokenEmbedding(hidden, mask);                          // (B, D)
        var scores = score.forward(embedding);                                      // (B, labels)
        return (scores.MoveToOuterDisposeScope(), embedding.MoveToOuterDisposeScope());
    }

    /// <summary>Index (B) of each row's last real token: the rightmost position whose mask is 1.</summary>
    public static Tensor LastTokenIndex(Tensor mask)
    {
        using var t = mask.shape[1].ToScalar();
        var positions = arange(TorchScalars.Zero, t, TorchScalars.One, device: mask.device).unsqueeze(0); // (1, T)
        return (positions * mask.to_type(ScalarType.Int64)).argmax(1);               // (B)
    }

    /// <summary>Hidden state (B, D) at each row's last real token of <paramref name="hidden"/> (B, T, D).</summary>
    public static Tensor FinalTokenEmbedding(Tensor hidden, Tensor mask)
    {
        var index = LastTokenIndex(mask).reshape(-1, 1, 1).expand(-1, 1, hidden.shape[2]); // (B, 1, D)
        return hidden.gather(1, index).squeeze(1);
    }

    /// <summary>The transformers class name this model saves as.</summary>
    public string Architecture => Config.Family switch
    {
        ModelFamily.Gpt2 => "GPT2ForSequenceClassification",
        ModelFamily.Llama => "LlamaForSequenceClassification",
        _ => "Qwen2ForSequenceClassification",
    };
}
