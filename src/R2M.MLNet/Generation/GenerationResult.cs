using static TorchSharp.torch;

namespace R2M.MLNet.Generation;

/// <summary>
/// Output of <see cref="TextGenerator.Generate"/>. Prompts are left-padded to <see cref="PromptLength"/>; the
/// response follows. Disposing releases every tensor.
/// </summary>
public sealed class GenerationResult : IDisposable
{
    internal GenerationResult(Tensor sequences, Tensor attentionMask, int promptLength, Tensor logProbs, Tensor? hidden)
    {
        Sequences = sequences;
        AttentionMask = attentionMask;
        PromptLength = promptLength;
        LogProbs = logProbs;
        HiddenStates = hidden;
    }

    /// <summary>(B, P + N) int64: left-padded prompt, then the response (PAD after a row stopped).</summary>
    public Tensor Sequences { get; }

    /// <summary>(B, P + N) int64: 1 for real prompt tokens and response tokens up to and including EOS.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>P: the padded prompt length.</summary>
    public int PromptLength { get; }

    /// <summary>(B, N) int64: the response tokens.</summary>
    public Tensor ResponseTokens => Sequences[.., PromptLength..];

    /// <summary>(B, N) int64: 1 for response tokens up to and including the stop token.</summary>
    public Tensor ResponseMask => AttentionMask[.., PromptLength..];

    /// <summary>
    /// (B, N) float32: log-probability of each response token under softmax(logits / temperature), before
    /// top-k / top-p truncation (the distribution a training forward at the same temperature computes); 0 where masked.
    /// </summary>
    public Tensor LogProbs { get; }

    /// <summary>(B, P + N, D): last-layer hidden states after the final norm, detached; null unless requested.</summary>
    public Tensor? HiddenStates { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Sequences.Dispose();
        AttentionMask.Dispose();
        LogProbs.Dispose();
        HiddenStates?.Dispose();
    }
}
