namespace R2M.Orleans;

/// <summary>Where a worker gets the weights of <see cref="Version"/>: from the learner in chunks, or from a shared path.</summary>
/// <param name="Version">The weights' version.</param>
/// <param name="Chunks">How many chunks <see cref="Source"/> holds.</param>
/// <param name="Bytes">Total bytes of the safetensors file.</param>
/// <param name="Source">The learner's weight source (null when <see cref="SharedPath"/> is set).</param>
/// <param name="SharedPath">A safetensors file every worker can read (a shared file system), or null.</param>
[GenerateSerializer, Immutable]
public sealed record WeightsRef([property: Id(0)] WeightsVersion Version, [property: Id(1)] int Chunks, [property: Id(2)] long Bytes,
    [property: Id(3)] IWeightSource? Source, [property: Id(4)] string? SharedPath);
