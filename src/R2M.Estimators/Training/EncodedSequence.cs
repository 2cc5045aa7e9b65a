using R2M.MLNet.Tokenization;

namespace R2M.Estimators.Training;

/// <summary>
/// Token ids of [BOS] prompt response EOS, and where the response starts. The sequence always ends with
/// EOS, so a reward model reads its score at EOS and a policy learns to stop.
/// </summary>
/// <param name="Ids">The ids, EOS last.</param>
/// <param name="ResponseStart">Index of the first response token (the response runs to the end, EOS included).</param>
public sealed record EncodedSequence(int[] Ids, int ResponseStart)
{
    /// <summary>
    /// Encodes a prompt and a response within <paramref name="maxLength"/> tokens. Truncation rule: prompt
    /// tokens are dropped from the left (the end of the prompt is kept, at least one token of it); if the
    /// response alone is still too long, its end is cut. EOS is always the last token.
    /// </summary>
    public static EncodedSequence Encode(ITextTokenizer tokenizer, string prompt, string response, int maxLength)
    {
        if (maxLength < 3) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxLength must be at least 3.");
        var p = tokenizer.Encode(prompt);
        var r = tokenizer.Encode(response);
        int bos = tokenizer.BosId is null ? 0 : 1;
        int room = maxLength - bos - 1;                                   // for prompt + response
        int keepPrompt = Math.Max(Math.Min(p.Count, room - r.Count), Math.Min(1, p.Count));
        int keepResponse = Math.Min(r.Count, room - keepPrompt);
        var ids = new int[bos + keepPrompt + keepResponse + 1];
        int at = 0;
        if (tokenizer.BosId is int b) ids[at++] = b;
        for (int i = p.Count - keepPrompt; i < p.Count; i++) ids[at++] = p[i];
        int responseStart = at;
        for (int i = 0; i < keepResponse; i++) ids[at++] = r[i];
        ids[at] = tokenizer.EosId;
        return new EncodedSequence(ids, responseStart);
    }
}
