using static TorchSharp.torch;

namespace R2M.MLNet.Generation;

/// <summary>Token-id lists to a left-padded (B, P) batch with its attention mask.</summary>
public static class PromptBatch
{
    /// <summary>Left-pads <paramref name="prompts"/> with <paramref name="padId"/>; returns ids and mask, both int64 (B, P).</summary>
    public static (Tensor Ids, Tensor Mask) LeftPad(IReadOnlyList<IReadOnlyList<int>> prompts, int padId, Device? device = null)
    {
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        int width = prompts.Max(p => p.Count);
        if (width == 0) throw new ArgumentException("Every prompt is empty; a prompt needs at least one token.", nameof(prompts));
        var ids = new long[prompts.Count * width];
        var mask = new long[prompts.Count * width];
        for (int row = 0; row < prompts.Count; row++)
        {
            var p = prompts[row];
            if (p.Count == 0) throw new ArgumentException($"Prompt {row} is empty; a prompt needs at least one token.", nameof(prompts));
            int offset = row * width + (width - p.Count);
            for (int i = 0; i < width - p.Count; i++) ids[row * width + i] = padId;
            for (int i = 0; i < p.Count; i++)
            {
                ids[offset + i] = p[i];
                mask[offset + i] = 1;
            }
        }
        return (tensor(ids, [prompts.Count, width], device: device), tensor(mask, [prompts.Count, width], device: device));
    }
}
