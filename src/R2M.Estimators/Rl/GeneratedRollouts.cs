using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>Sampled responses of one chunk (or, after <see cref="Concat"/>, of a whole step). The receiver owns the tensors.</summary>
/// <param name="Sequences">(N, P + R) int64: left-padded [BOS] prompt, then the response (PAD after EOS).</param>
/// <param name="AttentionMask">(N, P + R) int64: 1 on real prompt and response tokens.</param>
/// <param name="PromptLength">P, the padded prompt length.</param>
/// <param name="Responses">The decoded responses.</param>
public sealed record GeneratedRollouts(Tensor Sequences, Tensor AttentionMask, int PromptLength, string[] Responses)
{
    /// <summary>
    /// (N, D_rm) the frozen reward model's final-token embeddings when the backend computed them (a cluster's workers
    /// do, per chunk, with <see cref="MLNet.Rewards.RewardFunction.Embed(MLNet.Modeling.SequenceScoreModel, MLNet.Sequences.SequenceCodec, IReadOnlyList{string}, IReadOnlyList{string})"/>);
    /// null: the collector computes them, per chunk.
    /// </summary>
    public Tensor? RewardTokenEmbeddings { get; init; }

    /// <summary>
    /// The chunks of a step as one batch, in the order given. One chunk is returned as it is; several are
    /// left-padded to the widest prompt P and right-padded to the longest response R with <paramref name="padId"/>
    /// (attention 0), so the result depends only on the chunks, not on who sampled them. Disposes the parts it merges.
    /// </summary>
    public static GeneratedRollouts Concat(IReadOnlyList<GeneratedRollouts> parts, long padId)
    {
        if (parts.Count == 0) throw new ArgumentException("A step needs at least one chunk.", nameof(parts));
        if (parts.Count == 1) return parts[0];
        int p = parts.Max(c => c.PromptLength);
        int r = parts.Max(c => (int)c.Sequences.shape[1] - c.PromptLength);
        var sequences = new List<Tensor>();
        var masks = new List<Tensor>();
        foreach (var part in parts)
        {
            int pc = part.PromptLength, rc = (int)part.Sequences.shape[1] - pc;
            sequences.Add(Widen(part.Sequences, p - pc, r - rc, padId));            // (n, P + R)
            masks.Add(Widen(part.AttentionMask, p - pc, r - rc, 0));                 // (n, P + R)
        }
        bool embedded = parts.All(c => c.RewardTokenEmbeddings is not null);
        var result = new GeneratedRollouts(cat(sequences, 0), cat(masks, 0), p, [.. parts.SelectMany(c => c.Responses)])
        {
            RewardTokenEmbeddings = embedded ? cat(parts.Select(c => c.RewardTokenEmbeddings!).ToList(), 0) : null,
        };
        foreach (var t in sequences.Concat(masks)) t.Dispose();
        foreach (var part in parts) { part.Sequences.Dispose(); part.AttentionMask.Dispose(); part.RewardTokenEmbeddings?.Dispose(); }
        return result;
    }

    // (n, Pc + Rc) -> (n, left + Pc + Rc + right), the new positions filled with value.
    private static Tensor Widen(Tensor t, int left, int right, long value) =>
        nn.functional.pad(t, [left, right], PaddingModes.Constant, value);
}
