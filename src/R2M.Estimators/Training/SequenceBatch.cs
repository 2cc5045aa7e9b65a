using static TorchSharp.torch;

namespace R2M.Estimators.Training;

/// <summary>Right-padded training batch of <see cref="EncodedSequence"/>s.</summary>
/// <param name="Ids">(B, T) int64, PAD after each sequence.</param>
/// <param name="Mask">(B, T) int64: 1 on real tokens. The last 1 of a row is its EOS.</param>
/// <param name="ResponseMask">(B, T) float32: 1 on response tokens (EOS included), the targets of SFT.</param>
public sealed record SequenceBatch(Tensor Ids, Tensor Mask, Tensor ResponseMask)
{
    /// <summary>Pads <paramref name="sequences"/> on the right with <paramref name="padId"/>.</summary>
    public static SequenceBatch RightPad(IReadOnlyList<EncodedSequence> sequences, int padId, Device device)
    {
        int width = sequences.Max(s => s.Ids.Length);
        var ids = new long[sequences.Count * width];
        var mask = new long[ids.Length];
        var response = new float[ids.Length];
        for (int row = 0; row < sequences.Count; row++)
        {
            var s = sequences[row];
            for (int i = 0; i < width; i++)
            {
                int at = row * width + i;
                bool real = i < s.Ids.Length;
                ids[at] = real ? s.Ids[i] : padId;
                mask[at] = real ? 1 : 0;
                response[at] = real && i >= s.ResponseStart ? 1f : 0f;
            }
        }
        long[] shape = [sequences.Count, width];
        return new SequenceBatch(tensor(ids, shape, device: device), tensor(mask, shape, device: device), tensor(response, shape, device: device));
    }
}
