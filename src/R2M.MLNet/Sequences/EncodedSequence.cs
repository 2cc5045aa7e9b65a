namespace R2M.MLNet.Sequences;

/// <summary>
/// Token ids of [BOS] prompt response EOS, as <see cref="SequenceCodec"/> builds them, and where the response
/// starts. The sequence always ends with EOS, so a reward model reads its score at EOS and a policy learns to stop.
/// </summary>
/// <param name="Ids">The ids, EOS last.</param>
/// <param name="ResponseStart">Index of the first response token (the response runs to the end, EOS included).</param>
public sealed record EncodedSequence(int[] Ids, int ResponseStart)
{
    /// <summary>Index of the token a reward model scores: the final EOS.</summary>
    public int ScorePosition => Ids.Length - 1;
}
