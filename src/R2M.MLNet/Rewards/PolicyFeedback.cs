using static TorchSharp.torch;

namespace R2M.MLNet.Rewards;

/// <summary>
/// R2M's policy feedback for a batch of scored sequences: the policy's last-layer hidden states over
/// [BOS] prompt response EOS (as <see cref="Sequences.SequenceCodec"/> encodes them) and their key mask.
/// </summary>
/// <param name="Hidden">(N, S, D_p) hidden states, no gradient.</param>
/// <param name="Mask">(N, S) int64: 1 on real tokens; padding is never attended.</param>
public sealed record PolicyFeedback(Tensor Hidden, Tensor Mask) : IDisposable
{
    /// <summary>Moves both tensors out of the current dispose scope (the caller disposes this record).</summary>
    public PolicyFeedback Detach()
    {
        Hidden.DetachFromDisposeScope();
        Mask.DetachFromDisposeScope();
        return this;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Hidden.Dispose();
        Mask.Dispose();
    }
}
