namespace R2M.MLNet.Serving;

/// <summary>
/// The dtype the served policy generates in. The reward model and the aligner stay as saved (float32), so scores
/// keep their precision; the policy's hidden states are cast to the reward head's dtype before the aligner reads them.
/// </summary>
public enum PolicyPrecision
{
    /// <summary>As saved (float32 for every model this library trains).</summary>
    AsSaved,

    /// <summary>
    /// bfloat16 weights: half the bytes read per generated token, so a memory-bound CPU decode is up to twice as fast.
    /// Logits differ from float32 by up to about 0.025 on the golden tiny models (docs/benchmarks.md) and greedy
    /// tokens can change where two tokens' logits are that close; sampling still draws from float32 probabilities.
    /// </summary>
    BFloat16,
}
