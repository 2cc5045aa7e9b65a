using R2M.MLNet.Modeling;
using R2M.MLNet.Sequences;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.MLNet.Rewards;

/// <summary>
/// The one place a reward is computed, for RL, evaluation and serving alike: each (prompt, response) is
/// encoded by <see cref="SequenceCodec"/>; the frozen reward-model body gives its final-token embedding (RTE,
/// read at the EOS that ends the sequence, computed once per sequence); the policy gives its feedback over the
/// same text when the head uses it; then the <see cref="RewardHead"/> gives the reward at blend weight ω.
/// Each model encodes within its own position limit, with its own tokenizer.
/// </summary>
public sealed class RewardFunction
{
    /// <summary>Creates the function. It reads the models; it owns none of them.</summary>
    public RewardFunction(SequenceScoreModel rewardModel, ITextTokenizer rewardTokenizer, CausalLM policy, ITextTokenizer policyTokenizer, RewardHead head)
    {
        RewardModel = rewardModel;
        Policy = policy;
        Head = head;
        RewardCodec = new SequenceCodec(rewardTokenizer);
        PolicyCodec = new SequenceCodec(policyTokenizer);
    }

    /// <summary>The frozen reward model (body and φ₀).</summary>
    public SequenceScoreModel RewardModel { get; }
    /// <summary>The policy whose hidden states are the feedback.</summary>
    public CausalLM Policy { get; }
    /// <summary>The head: φ₀, the aligner, or an ablation.</summary>
    public RewardHead Head { get; }
    /// <summary>How the reward model's sequences are encoded.</summary>
    public SequenceCodec RewardCodec { get; }
    /// <summary>How the policy's feedback sequences are encoded.</summary>
    public SequenceCodec PolicyCodec { get; }

    private Device Device => RewardModel.Body.TokenEmbeddingWeight.device;

    /// <summary>RTE (N, D_rm) of each (prompt, response), without gradients.</summary>
    public Tensor Embed(IReadOnlyList<string> prompts, IReadOnlyList<string> responses) => Embed(RewardModel, RewardCodec, prompts, responses);

    /// <summary>
    /// RTE (N, D_rm) from <paramref name="rewardModel"/>'s body with <paramref name="codec"/>, without gradients: the
    /// same computation as <see cref="Embed(IReadOnlyList{string}, IReadOnlyList{string})"/>, for a process that holds
    /// only the reward model (a rollout worker).
    /// </summary>
    public static Tensor Embed(SequenceScoreModel rewardModel, SequenceCodec codec, IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        // Its own scope: the body's per-layer intermediates are freed here, not when the caller's scope ends.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = codec.EncodeBatch(Pairs(prompts, responses), rewardModel.Config.MaxPositions, rewardModel.Body.TokenEmbeddingWeight.device);
        var hidden = rewardModel.Body.Forward(batch.Ids, batch.Mask);                       // (N, T, D_rm)
        return SequenceScoreModel.FinalTokenEmbedding(hidden, batch.Mask).MoveToOuterDisposeScope(); // (N, D_rm)
    }

    /// <summary>The policy's feedback over each (prompt, response), or null when the head does not read it at <paramref name="omega"/>.</summary>
    public PolicyFeedback? Feedback(IReadOnlyList<string> prompts, IReadOnlyList<string> responses, double omega)
    {
        if (!Head.UsesFeedback(omega)) return null;
        using var scope = NewDisposeScope();   // the policy's per-layer intermediates are freed here
        using var noGrad = no_grad();
        var batch = PolicyCodec.EncodeBatch(Pairs(prompts, responses), Policy.Config.MaxPositions, Policy.Body.TokenEmbeddingWeight.device);
        var hidden = Policy.ForwardHidden(batch.Ids, batch.Mask).to_type(RewardModel.Head.weight!.dtype); // (N, S, D_p) in the head's dtype
        return new PolicyFeedback(hidden.MoveToOuterDisposeScope(), batch.Mask.MoveToOuterDisposeScope());
    }

    /// <summary>Rewards (N) float32 through the head, with gradients to its trainable parameters.</summary>
    public Tensor Rewards(Tensor rte, PolicyFeedback? feedback, double omega, long salt = 0) =>
        Head.Reward(rte, feedback, omega, salt).to_type(ScalarType.Float32);

    /// <summary>The reward model's own reward φ₀(RTE) (N) float32, whatever the head.</summary>
    public Tensor Vanilla(Tensor rte) => RewardModel.Head.forward(rte)[.., 0].to_type(ScalarType.Float32);

    /// <summary>Rewards of (prompt, response) pairs at <paramref name="omega"/>: the whole function, without gradients.</summary>
    public float[] Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses, double omega, long salt = 0)
    {
        if (prompts.Count != responses.Count) throw new ArgumentException($"{prompts.Count} prompts but {responses.Count} responses.", nameof(responses));
        if (prompts.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rte = Embed(prompts, responses);
        using var feedback = Feedback(prompts, responses, omega);
        return Rewards(rte, feedback, omega, salt).cpu().data<float>().ToArray();
    }

    private static List<(string, string)> Pairs(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        if (prompts.Count != responses.Count) throw new ArgumentException($"{prompts.Count} prompts but {responses.Count} responses.", nameof(responses));
        return [.. prompts.Zip(responses)];
    }
}
