using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;

namespace R2M.Orleans;

/// <summary>
/// A worker's copy of the policy: the same architecture and tokenizer as the learner's. Its weights are replaced
/// by the learner's before the first chunk, so how they are initialised does not matter.
/// </summary>
/// <param name="Policy">The policy module (on the worker's device).</param>
/// <param name="Tokenizer">The policy's tokenizer.</param>
public sealed record WorkerPolicy(CausalLM Policy, ITextTokenizer Tokenizer);
