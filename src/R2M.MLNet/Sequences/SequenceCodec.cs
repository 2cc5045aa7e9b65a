using R2M.MLNet.Generation;
using R2M.MLNet.Tokenization;
using static TorchSharp.torch;

namespace R2M.MLNet.Sequences;

/// <summary>
/// The one place token-id sequences are built. SFT, reward-model training, rollouts, gold evaluation, the
/// reward function and serving all call it, so a sequence scored in serving is the sequence trained on.
/// <list type="bullet">
/// <item>A prompt for generation is [BOS] prompt, within a length budget: prompt tokens are dropped from the
/// left (its end is kept); BOS is always kept.</item>
/// <item>A scored or trained sequence is [BOS] prompt response EOS within <c>maxLength</c>: prompt tokens are
/// dropped from the left first (at least one is kept), then the end of the response is cut; BOS is always
/// first and EOS always last, so the score position is the last real token.</item>
/// </list>
/// Batches: prompts are left-padded (generation appends on the right), sequences right-padded.
/// </summary>
public sealed class SequenceCodec
{
    /// <summary>Creates a codec over <paramref name="tokenizer"/>.</summary>
    public SequenceCodec(ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
    }

    /// <summary>The tokenizer.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Ids of BOS (when the tokenizer has one) before the prompt.</summary>
    private int BosCount => Tokenizer.BosId is null ? 0 : 1;

    /// <summary>
    /// How many tokens a generation prompt may take in a model of <paramref name="maxPositions"/> positions that
    /// generates up to <paramref name="maxNewTokens"/>: the rest, but never less than [BOS] and one prompt token.
    /// </summary>
    public int PromptBudget(int maxPositions, int maxNewTokens) => Math.Max(BosCount + 1, maxPositions - maxNewTokens);

    /// <summary>[BOS] prompt in at most <paramref name="maxLength"/> tokens, prompt cut from the left.</summary>
    public int[] EncodePrompt(string prompt, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (maxLength < BosCount + 1)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"A prompt needs room for at least {BosCount + 1} tokens.");
        var p = Tokenizer.Encode(prompt);
        int keep = Math.Min(p.Count, maxLength - BosCount);
        var ids = new int[BosCount + keep];
        int at = 0;
        if (Tokenizer.BosId is int bos) ids[at++] = bos;
        for (int i = p.Count - keep; i < p.Count; i++) ids[at++] = p[i];
        return ids;
    }

    /// <summary>[BOS] prompt response EOS in at most <paramref name="maxLength"/> tokens (the rule in the class summary).</summary>
    public EncodedSequence Encode(string prompt, string response, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(response);
        if (maxLength < BosCount + 2)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, $"maxLength must be at least {BosCount + 2} ([BOS], one prompt token, EOS).");
        var p = Tokenizer.Encode(prompt);
        var r = Tokenizer.Encode(response);
        int room = maxLength - BosCount - 1;                                  // for prompt + response
        int keepPrompt = Math.Max(Math.Min(p.Count, room - r.Count), Math.Min(1, p.Count));
        int keepResponse = Math.Min(r.Count, room - keepPrompt);
        var ids = new int[BosCount + keepPrompt + keepResponse + 1];
        int at = 0;
        if (Tokenizer.BosId is int bos) ids[at++] = bos;
        for (int i = p.Count - keepPrompt; i < p.Count; i++) ids[at++] = p[i];
        int responseStart = at;
        for (int i = 0; i < keepResponse; i++) ids[at++] = r[i];
        ids[at] = Tokenizer.EosId;
        return new EncodedSequence(ids, responseStart);
    }

    /// <summary>Encodes and right-pads (prompt, response) pairs.</summary>
    public SequenceBatch EncodeBatch(IReadOnlyList<(string Prompt, string Response)> pairs, int maxLength, Device device) =>
        RightPad([.. pairs.Select(t => Encode(t.Prompt, t.Response, maxLength))], device);

    /// <summary>Encodes prompts for generation and left-pads them: ids and mask, both (B, P) int64.</summary>
    public (Tensor Ids, Tensor Mask) EncodePrompts(IReadOnlyList<string> prompts, int maxLength, Device device) =>
        PromptBatch.LeftPad([.. prompts.Select(p => (IReadOnlyList<int>)EncodePrompt(p, maxLength))], Tokenizer.PadId, device);

    /// <summary>Right-pads <paramref name="sequences"/> with the tokenizer's PAD.</summary>
    public SequenceBatch RightPad(IReadOnlyList<EncodedSequence> sequences, Device device)
    {
        if (sequences.Count == 0) throw new ArgumentException("At least one sequence is needed.", nameof(sequences));
        int width = sequences.Max(s => s.Ids.Length);
        var ids = new long[checked(sequences.Count * width)];
        var mask = new long[ids.Length];
        var response = new float[ids.Length];
        for (int row = 0; row < sequences.Count; row++)
        {
            var s = sequences[row];
            for (int i = 0; i < width; i++)
            {
                int at = row * width + i;
                bool real = i < s.Ids.Length;
                ids[at] = real ? s.Ids[i] : Tokenizer.PadId;
                mask[at] = real ? 1 : 0;
                response[at] = real && i >= s.ResponseStart ? 1f : 0f;
            }
        }
        long[] shape = [sequences.Count, width];
        return new SequenceBatch(tensor(ids, shape, device: device), tensor(mask, shape, device: device), tensor(response, shape, device: device));
    }

    /// <summary>Decodes each row of generated response tokens (B, R); PAD and EOS are dropped by the tokenizer.</summary>
    public string[] DecodeRows(Tensor responseTokens)
    {
        using var cpu = responseTokens.cpu();
        long rows = cpu.shape[0], width = cpu.shape[1];
        var all = cpu.data<long>().ToArray();
        var result = new string[rows];
        for (long r = 0; r < rows; r++)
            result[r] = Tokenizer.Decode(all.Skip((int)(r * width)).Take((int)width).Select(t => (int)t));
        return result;
    }
}
