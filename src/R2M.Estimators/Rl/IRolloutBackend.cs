using static TorchSharp.torch;

namespace R2M.Estimators.Rl;

/// <summary>
/// Where a step's responses are sampled: in this process (<see cref="InProcessRolloutBackend"/>) or elsewhere
/// (a cluster). A backend must be a function of the step and the prompts: the same inputs give the same
/// tokens whoever runs them.
/// </summary>
public interface IRolloutBackend
{
    /// <summary>Samples one response per row of <paramref name="prompts"/> (each prompt already repeated K times).</summary>
    GeneratedRollouts Generate(int step, IReadOnlyList<string> prompts);
}

/// <summary>A step's sampled responses. The receiver owns the tensors.</summary>
/// <param name="Sequences">(N, P + R) int64: left-padded [BOS] prompt, then the response (PAD after EOS).</param>
/// <param name="AttentionMask">(N, P + R) int64: 1 on real prompt and response tokens.</param>
/// <param name="PromptLength">P, the padded prompt length.</param>
/// <param name="Responses">The decoded responses.</param>
public sealed record GeneratedRollouts(Tensor Sequences, Tensor AttentionMask, int PromptLength, string[] Responses);
