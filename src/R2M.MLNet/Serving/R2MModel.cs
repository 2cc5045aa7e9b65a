using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Rewards;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Serving;

/// <summary>
/// A trained R2M model ready to serve: the policy generates responses; the reward model scores them, with
/// R2M's policy feedback when an aligner is present (r = φ((1 − ω)·Ĥ + ω·RTE) at the final ω). Safe to call
/// from several threads: each call runs without gradients and shares only read-only weights.
/// </summary>
public sealed class R2MModel : IDisposable
{
    /// <summary>Creates the model from its parts; it owns and disposes them.</summary>
    public R2MModel(CausalLM policy, TokenizerSpec tokenizer, SequenceScoreModel rewardModel, PolicyFeedbackRewardHead? aligner,
        double omega, R2MGenerationDefaults? generation = null)
    {
        Policy = policy;
        TokenizerSpec = tokenizer;
        Tokenizer = tokenizer.Create();
        RewardModel = rewardModel;
        Aligner = aligner;
        Omega = omega;
        Generation = generation ?? new R2MGenerationDefaults();
        policy.eval();
        rewardModel.eval();
        aligner?.eval();
        Codec = new SequenceCodec(Tokenizer);
        RewardHead head = aligner is null ? new FrozenRewardHead(rewardModel.Head) : new AlignedRewardHead(aligner, trainable: false);
        Reward = new RewardFunction(rewardModel, Tokenizer, policy, Tokenizer, head);
    }

    /// <summary>The policy.</summary>
    public CausalLM Policy { get; }
    /// <summary>How the tokenizer is rebuilt.</summary>
    public TokenizerSpec TokenizerSpec { get; }
    /// <summary>The tokenizer shared by policy and reward model.</summary>
    public ITextTokenizer Tokenizer { get; }
    /// <summary>The reward model (body and original head).</summary>
    public SequenceScoreModel RewardModel { get; }
    /// <summary>R2M's trained cross-attention and head, or null for a vanilla reward model.</summary>
    public PolicyFeedbackRewardHead? Aligner { get; }
    /// <summary>ω used when scoring with the aligner (the value reached at the end of training).</summary>
    public double Omega { get; }
    /// <summary>Generation settings used by <see cref="Generate"/>.</summary>
    public R2MGenerationDefaults Generation { get; }

    /// <summary>The device the weights live on.</summary>
    public Device Device => Policy.Body.TokenEmbeddingWeight.device;

    /// <summary>How prompts and scored sequences are encoded (the same rule training used).</summary>
    public SequenceCodec Codec { get; }

    /// <summary>The reward function: the same one the RL trainer optimised, at <see cref="Omega"/>.</summary>
    public RewardFunction Reward { get; }

    /// <summary>
    /// Converts the policy's weights to <paramref name="precision"/> in place (the reward model and the aligner keep
    /// theirs). Not safe while another thread uses the model: call it before serving, as <c>R2MEnginePool</c> does.
    /// </summary>
    public void SetPolicyPrecision(PolicyPrecision precision)
    {
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown policy precision.");
        if (precision == PolicyPrecision.BFloat16) Policy.to(ScalarType.BFloat16);
    }

    /// <summary>Generates one response per prompt (greedy unless the defaults say otherwise).</summary>
    public IReadOnlyList<string> Generate(IReadOnlyList<string> prompts)
    {
        if (prompts.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int maxPrompt = Codec.PromptBudget(Policy.Config.MaxPositions, Generation.MaxNewTokens);
        var (batch, mask) = Codec.EncodePrompts(prompts, maxPrompt, Device);
        using var result = TextGenerator.Generate(Policy, batch, mask, new GenerationOptions
        {
            MaxNewTokens = Generation.MaxNewTokens, Temperature = Generation.Temperature, TopK = Generation.TopK, TopP = Generation.TopP,
            EosId = Tokenizer.EosId, PadId = Tokenizer.PadId, Seed = Generation.Seed,
        });
        return Codec.DecodeRows(result.ResponseTokens);
    }

    /// <summary>Rewards of (prompt, response) pairs: with policy feedback when an aligner is present.</summary>
    public float[] Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses) => Reward.Score(prompts, responses, Omega);

    /// <inheritdoc />
    public void Dispose()
    {
        Policy.Dispose();
        RewardModel.Dispose();
        Aligner?.Dispose();
    }
}
