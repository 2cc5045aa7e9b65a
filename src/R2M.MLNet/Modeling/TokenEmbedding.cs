using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace R2M.MLNet.Modeling;

/// <summary>
/// A lookup table (N, D) held in a managed <see cref="Parameter"/> field, used instead of TorchSharp's
/// <c>nn.Embedding</c>. That module keeps its weight inside a native module: every read of its <c>weight</c>
/// property makes a new native tensor handle that only the finaliser thread frees, and a model loaded, used and
/// disposed in a loop crashed the process (SIGSEGV, or "Inplace update to inference tensor outside
/// InferenceMode" in the next model's <c>normal_</c>) once those finalisers ran beside the next model's
/// construction. Here the weight is one tensor the module owns and disposes; reading it allocates nothing.
/// The state-dict key stays <c>weight</c>, so checkpoints load by name as before.
/// </summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight; // (N, D)

    /// <summary>Creates the table with entries drawn from N(0, <paramref name="std"/>²).</summary>
    public TokenEmbedding(long count, long dim, double std) : base(nameof(TokenEmbedding))
    {
        // nn.Embedding drew N(0, 1) before the caller drew again: the same two draws keep seeded models as they were.
        weight = nn.Parameter(torch.empty(count, dim).normal_(0, 1).normal_(0, std));
        RegisterComponents();
    }

    /// <summary>The table (N, D): the module's own parameter, not a copy of its handle.</summary>
    public Parameter Weight => weight;

    /// <summary>Rows of the table for <paramref name="ids"/> (..) → (.., D).</summary>
    public override Tensor forward(Tensor ids) =>
        weight.index_select(0, ids.reshape(-1)).reshape([.. ids.shape, weight.shape[1]]);
}
