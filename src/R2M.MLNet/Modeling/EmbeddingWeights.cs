using TorchSharp.Modules;

namespace R2M.MLNet.Modeling;

/// <summary>
/// The weight of TorchSharp's <c>nn.Embedding</c>, read without making a native handle. That module keeps its
/// weight inside a native module, and every read of its <c>weight</c> property wraps a new native tensor handle
/// that nothing disposes but the finaliser thread. A model loaded, used and disposed in a loop then crashed the
/// process (SIGSEGV, or "Inplace update to inference tensor outside InferenceMode" in the next model's
/// <c>normal_</c>) once those finalisers ran beside the next model's construction. The module's registered
/// parameter is the one wrapper it owns and disposes with itself; always read that one.
/// </summary>
internal static class EmbeddingWeights
{
    /// <summary>The embedding's own (registered) weight parameter.</summary>
    public static Parameter Owned(Embedding embedding) =>
        embedding.get_parameter("weight") ?? throw new InvalidOperationException("nn.Embedding has no registered 'weight' parameter.");
}
