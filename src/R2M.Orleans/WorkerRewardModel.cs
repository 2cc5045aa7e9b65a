using R2M.MLNet.Modeling;
using R2M.MLNet.Tokenization;

namespace R2M.Orleans;

/// <summary>
/// A worker's frozen reward model, loaded once per worker (from the same checkpoint as the learner's): its body
/// gives each rollout's final-token embedding (RTE) on the worker when
/// <see cref="OrleansRolloutOptions.EmbedRewardsOnWorkers"/> is set.
/// </summary>
/// <param name="Model">The reward model (only its body is used), in eval mode, on the worker's device.</param>
/// <param name="Tokenizer">The reward model's tokenizer.</param>
public sealed record WorkerRewardModel(SequenceScoreModel Model, ITextTokenizer Tokenizer);
