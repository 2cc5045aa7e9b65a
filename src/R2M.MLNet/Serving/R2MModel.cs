using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
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

    /// <summary>Generates one response per prompt (greedy unless the defaults say otherwise).</summary>
    public IReadOnlyList<string> Generate(IReadOnlyList<string> prompts)
    {
        if (prompts.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = prompts.Select(p => PromptIds(p)).ToList();
        var (batch, mask) = PromptBatch.LeftPad(ids, Tokenizer.PadId, Device);
        using var result = TextGenerator.Generate(Policy, batch, mask, new GenerationOptions
        {
            MaxNewTokens = Generation.MaxNewTokens, Temperature = Generation.Temperature, TopK = Generation.TopK, TopP = Generation.TopP,
            EosId = Tokenizer.EosId, PadId = Tokenizer.PadId, Seed = Generation.Seed,
        });
        return Enumerable.Range(0, prompts.Count)
            .Select(i => Tokenizer.Decode(result.ResponseTokens[i].data<long>().ToArray().Select(t => (int)t))).ToArray();
    }

    /// <summary>Rewards of (prompt, response) pairs: with policy feedback when an aligner is present.</summary>
    public float[] Score(IReadOnlyList<string> prompts, IReadOnlyList<string> responses)
    {
        if (prompts.Count != responses.Count) throw new ArgumentException($"{prompts.Count} prompts but {responses.Count} responses.");
        if (prompts.Count == 0) return [];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var encoded = Enumerable.Range(0, prompts.Count).Select(i => Encode(prompts[i], responses[i])).ToList();
        var (ids, mask) = RightPad(encoded);
        var hidden = RewardModel.Body.Forward(ids, mask);
        var rte = SequenceScoreModel.FinalTokenEmbedding(hidden, mask);                  // (N, D_rm)
        Tensor rewards;
        if (Aligner is null)
        {
            rewards = RewardModel.Head.forward(rte)[.., 0];
        }
        else
        {
            var feedback = Policy.ForwardHidden(ids, mask);                             // (N, S, D_p)
            rewards = Aligner.Reward(rte, feedback, mask, Omega);
        }
        return rewards.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    private List<int> PromptIds(string prompt)
    {
        var ids = new List<int>();
        if (Tokenizer.BosId is int bos) ids.Add(bos);
        ids.AddRange(Tokenizer.Encode(prompt));
        int max = Math.Max(1, Policy.Config.MaxPositions - Generation.MaxNewTokens);
        return ids.Count <= max ? ids : ids.Skip(ids.Count - max).ToList();
    }

    private int[] Encode(string prompt, string response)
    {
        var ids = PromptIds(prompt);
        ids.AddRange(Tokenizer.Encode(response));
        ids.Add(Tokenizer.EosId);
        int max = Math.Min(Policy.Config.MaxPositions, RewardModel.Config.MaxPositions);
        return ids.Count <= max ? [.. ids] : [.. ids.Skip(ids.Count - max)];
    }

    private (Tensor Ids, Tensor Mask) RightPad(IReadOnlyList<int[]> rows)
    {
        int width = rows.Max(r => r.Length);
        var ids = new long[rows.Count * width];
        var mask = new long[ids.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            for (int i = 0; i < width; i++)
            {
                bool real = i < rows[r].Length;
                ids[r * width + i] = real ? rows[r][i] : Tokenizer.PadId;
                mask[r * width + i] = real ? 1 : 0;
            }
        }
        return (tensor(ids, [rows.Count, width], device: Device), tensor(mask, [rows.Count, width], device: Device));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Policy.Dispose();
        RewardModel.Dispose();
        Aligner?.Dispose();
    }
}
