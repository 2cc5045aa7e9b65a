using static TorchSharp.torch;

namespace R2M.MLNet.Sequences;

/// <summary>A right-padded batch of <see cref="EncodedSequence"/>s, built by <see cref="SequenceCodec.RightPad"/>.</summary>
/// <param name="Ids">(B, T) int64, PAD after each sequence.</param>
/// <param name="Mask">(B, T) int64: 1 on real tokens. The last 1 of a row is its EOS, the score position.</param>
/// <param name="ResponseMask">(B, T) float32: 1 on response tokens (EOS included), the targets of SFT.</param>
public sealed record SequenceBatch(Tensor Ids, Tensor Mask, Tensor ResponseMask);
