namespace R2M.Orleans;

/// <summary>A worker's answer to one chunk: the sampled token rows and what the chunk cost.</summary>
/// <param name="Index">The chunk's index within the step.</param>
/// <param name="Rows">N, rows of the chunk.</param>
/// <param name="Columns">P + R, prompt and response positions.</param>
/// <param name="PromptLength">P.</param>
/// <param name="Sequences">(N, P + R) token ids, row-major.</param>
/// <param name="AttentionMask">(N, P + R) attention mask, row-major.</param>
/// <param name="Responses">The decoded responses.</param>
/// <param name="Worker">The silo that sampled the chunk.</param>
/// <param name="WeightSyncSeconds">Seconds spent fetching and loading new weights before this chunk (0 when current).</param>
/// <param name="WeightBytes">Bytes of weights fetched before this chunk (0 when current).</param>
/// <param name="GenerationSeconds">Seconds spent sampling (and embedding, when asked).</param>
/// <param name="RewardTokenEmbeddings">(N, D_rm) float32 RTE, row-major, when the request asked for them; else null.</param>
[GenerateSerializer, Immutable]
public sealed record RolloutChunkResult([property: Id(0)] int Index, [property: Id(1)] int Rows, [property: Id(2)] int Columns,
    [property: Id(3)] int PromptLength, [property: Id(4)] long[] Sequences, [property: Id(5)] long[] AttentionMask,
    [property: Id(6)] string[] Responses, [property: Id(7)] string Worker, [property: Id(8)] double WeightSyncSeconds,
    [property: Id(9)] long WeightBytes, [property: Id(10)] double GenerationSeconds,
    [property: Id(11)] float[]? RewardTokenEmbeddings);
