using System.Globalization;
using R2M.MLNet.IO;
using R2M.MLNet.Rewards;
using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// The last few RL steps' rollouts as the aligner trains on them: each step's reward-token embeddings (N, D_r),
/// policy feedback (N, S, D_p) as read when that step's aligner update ran, gold scores and group size. The
/// aligner's update then takes GREBT over the current step and these, so one step's lesson is fitted together
/// with its neighbours' instead of to one batch alone. Holds at most <see cref="Capacity"/> steps, oldest dropped
/// first; the tensors are owned here (detached copies) and freed on eviction or <see cref="Dispose"/>.
/// </summary>
internal sealed class AlignerReplay(int capacity) : IDisposable
{
    private readonly Queue<Entry> entries = new();

    /// <summary>Steps kept (0: none, the paper's one-batch update).</summary>
    public int Capacity { get; } = capacity;

    /// <summary>The kept steps, oldest first.</summary>
    public IEnumerable<Entry> Entries => entries;

    /// <summary>Number of steps kept now.</summary>
    public int Count => entries.Count;

    /// <summary>Keeps copies of one step's tensors, dropping the oldest step when full. No-op at capacity 0.</summary>
    public void Add(int step, Tensor rewardTokenEmbeddings, PolicyFeedback? feedback, double[]? gold, int groupSize)
    {
        if (Capacity == 0) return;
        using var noGrad = no_grad();
        var rte = rewardTokenEmbeddings.detach().clone().DetachFromDisposeScope();
        var kept = feedback is null ? null : new PolicyFeedback(feedback.Hidden.detach().clone(), feedback.Mask.clone()).Detach();
        entries.Enqueue(new Entry(step, rte, kept, gold is null ? null : (double[])gold.Clone(), groupSize));
        while (entries.Count > Capacity) entries.Dequeue().Dispose();
    }

    /// <summary>
    /// One batch of the current step's rows followed by every kept step's, oldest first: reward-token embeddings
    /// (N', D_r), feedback padded to the longest sequence with a zero mask (padding is never attended), gold (N';
    /// null unless every joined step has it).
    /// A kept step without feedback (step 0, scored at ω = 1) is left out of a step with feedback. With nothing to
    /// join, the current step's own tensors. The joined tensors belong to the caller's dispose scope.
    /// </summary>
    public (Tensor Rte, PolicyFeedback? Feedback, Tensor? Gold) Join(Tensor rte, PolicyFeedback? feedback, Tensor? gold, int groupSize)
    {
        // A step scored at ω = 1 read no feedback (the head ignores it there): it cannot join a step that does.
        var kept = entries.Where(e => (e.Feedback is null) == (feedback is null)).ToList();
        if (kept.Count == 0) return (rte, feedback, gold);
        if (kept.Any(e => e.GroupSize != groupSize))
            throw new InvalidOperationException($"The aligner replays steps of group size {string.Join(", ", kept.Select(e => e.GroupSize).Distinct())} with a step of group size {groupSize}.");
        var joinedRte = cat([rte, .. kept.Select(e => e.RewardTokenEmbeddings)], 0);
        // Gold only where every joined step has it (a run resumed without its judge has none for the new steps).
        var joinedGold = gold is null || kept.Any(e => e.Gold is null) ? null : cat([gold, .. kept.Select(e => tensor(e.Gold!, dtype: gold.dtype, device: gold.device))], 0);
        if (feedback is null) return (joinedRte, null, joinedGold);
        PolicyFeedback[] parts = [feedback, .. kept.Select(e => e.Feedback!)];
        long length = parts.Max(p => p.Hidden.shape[1]);
        var hidden = cat(parts.Select(p => nn.functional.pad(p.Hidden, [0, 0, 0, length - p.Hidden.shape[1]])).ToList(), 0);
        var mask = cat(parts.Select(p => nn.functional.pad(p.Mask, [0, length - p.Mask.shape[1]])).ToList(), 0);
        return (joinedRte, new PolicyFeedback(hidden, mask), joinedGold);
    }

    /// <summary>
    /// Writes the kept steps to <paramref name="path"/> (safetensors; per kept step i, oldest first: <c>i.info</c>
    /// int64 [step, group size], <c>i.rte</c>, and <c>i.hidden</c>, <c>i.mask</c>, <c>i.gold</c> where present).
    /// </summary>
    public void Save(string path)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        int i = 0;
        foreach (var e in entries)
        {
            tensors[$"{i}.info"] = tensor(new long[] { e.Step, e.GroupSize });
            tensors[$"{i}.rte"] = e.RewardTokenEmbeddings;
            if (e.Feedback is not null)
            {
                tensors[$"{i}.hidden"] = e.Feedback.Hidden;
                tensors[$"{i}.mask"] = e.Feedback.Mask;
            }
            if (e.Gold is not null) tensors[$"{i}.gold"] = tensor(e.Gold);
            i++;
        }
        Safetensors.Save(path, tensors);
    }

    /// <summary>
    /// Replaces the kept steps with those <see cref="Save"/> wrote to <paramref name="path"/>, moved to
    /// <paramref name="device"/>. Every entry is checked (names, dtypes, shapes against each other and against the
    /// reward model's width <paramref name="rewardWidth"/> and the policy's <paramref name="policyWidth"/>, at most
    /// <see cref="Capacity"/> steps); a file that does not fit throws <see cref="R2MModelFormatException"/> naming it.
    /// </summary>
    public void Load(string path, Device device, long rewardWidth, long policyWidth)
    {
        var loaded = Safetensors.Load(path);
        var kept = new List<Entry>();
        try
        {
            int count = CountSteps(path, loaded.Keys);
            if (count > Capacity) throw new R2MModelFormatException(path, null, $"it holds {count} steps but this trainer keeps at most {Capacity} (PolicyFeedbackOptions.ReplaySteps)");
            int previous = -1;
            for (int i = 0; i < count; i++)
            {
                var entry = ReadEntry(path, loaded, i, device, rewardWidth, policyWidth);
                kept.Add(entry);
                if (entry.Step <= previous) throw new R2MModelFormatException(path, $"{i}.info", $"step {entry.Step} does not follow step {previous}");
                previous = entry.Step;
            }
        }
        catch
        {
            foreach (var e in kept) e.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in loaded.Values) t.Dispose();
        }
        Dispose();
        foreach (var e in kept) entries.Enqueue(e);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        while (entries.Count > 0) entries.Dequeue().Dispose();
    }

    private static readonly string[] Parts = ["info", "rte", "hidden", "mask", "gold"];

    /// <summary>The number of steps the names describe: "i.part" for i = 0..n−1 and known parts only.</summary>
    private static int CountSteps(string path, IEnumerable<string> names)
    {
        int count = 0;
        foreach (string name in names)
        {
            int dot = name.IndexOf('.');
            if (dot <= 0 || !int.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i > 64 || !Parts.Contains(name[(dot + 1)..]))
                throw new R2MModelFormatException(path, name, "unexpected tensor: an aligner replay file holds only i.info, i.rte, i.hidden, i.mask and i.gold, i ≤ 64");
            count = Math.Max(count, i + 1);
        }
        return count;
    }

    private static readonly ScalarType[] FloatTypes = [ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16];

    private static Entry ReadEntry(string path, Dictionary<string, Tensor> loaded, int i, Device device, long rewardWidth, long policyWidth)
    {
        Tensor Need(string part, int dims, params ScalarType[] dtypes)
        {
            string name = $"{i}.{part}";
            if (!loaded.TryGetValue(name, out var t)) throw new R2MModelFormatException(path, name, "missing");
            if (!dtypes.Contains(t.dtype) || t.dim() != dims)
                throw new R2MModelFormatException(path, name, $"expected a {dims}-d {string.Join(" or ", dtypes)} tensor, got a {t.dim()}-d {t.dtype} one");
            return t;
        }
        // Moves a loaded tensor to the device; the copy left in `loaded` is freed by the caller, so never hand it out.
        Tensor Move(Tensor t)
        {
            var moved = t.to(device);
            return (ReferenceEquals(moved, t) ? t.clone() : moved).DetachFromDisposeScope();
        }
        var info = Need("info", 1, ScalarType.Int64);
        if (info.shape[0] != 2) throw new R2MModelFormatException(path, $"{i}.info", $"expected [step, group size], got {info.shape[0]} values");
        long step = info[0].item<long>(), groupSize = info[1].item<long>();
        var rte = Need("rte", 2, FloatTypes);
        long rows = rte.shape[0];
        if (step is < 0 or > int.MaxValue || groupSize is < 1 or > int.MaxValue || rows == 0 || rows % groupSize != 0)
            throw new R2MModelFormatException(path, $"{i}.info", $"step {step} and group size {groupSize} do not fit {rows} rows");
        if (rte.shape[1] != rewardWidth) throw new R2MModelFormatException(path, $"{i}.rte", $"width {rte.shape[1]} is not the reward model's {rewardWidth}");
        double[]? gold = null;
        if (loaded.ContainsKey($"{i}.gold"))
        {
            var g = Need("gold", 1, ScalarType.Float64);
            if (g.shape[0] != rows) throw new R2MModelFormatException(path, $"{i}.gold", $"{g.shape[0]} values for {rows} rows");
            gold = g.data<double>().ToArray();
        }
        // Every check has passed before the feedback's tensors leave the loaded set (nothing to release on a throw).
        PolicyFeedback? feedback = null;
        if (loaded.ContainsKey($"{i}.hidden") || loaded.ContainsKey($"{i}.mask"))
        {
            var hidden = Need("hidden", 3, FloatTypes);
            var mask = Need("mask", 2, ScalarType.Int64);
            if (hidden.shape[0] != rows || hidden.shape[2] != policyWidth || !mask.shape.SequenceEqual(hidden.shape[..2]))
                throw new R2MModelFormatException(path, $"{i}.hidden", $"shape [{string.Join(", ", hidden.shape)}] with mask [{string.Join(", ", mask.shape)}] does not fit {rows} rows of the policy's width {policyWidth}");
            feedback = new PolicyFeedback(Move(hidden), Move(mask));
        }
        return new Entry((int)step, Move(rte), feedback, gold, (int)groupSize);
    }

    /// <summary>One kept step.</summary>
    /// <param name="Step">The RL step the rollouts came from (seeds the noise variant's draw as it did then).</param>
    /// <param name="RewardTokenEmbeddings">(N, D_r) the frozen reward model's final-token embeddings.</param>
    /// <param name="Feedback">The policy's feedback over the rollouts at that step (null when the head reads none).</param>
    /// <param name="Gold">Gold score of each row (null without a judge).</param>
    /// <param name="GroupSize">K, samples per prompt.</param>
    internal sealed record Entry(int Step, Tensor RewardTokenEmbeddings, PolicyFeedback? Feedback, double[]? Gold, int GroupSize) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            RewardTokenEmbeddings.Dispose();
            Feedback?.Dispose();
        }
    }
}
