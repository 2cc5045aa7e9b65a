using Microsoft.ML;
using R2M.MLNet.Native;

namespace R2M.Estimators;

/// <summary>
/// The R2M catalog on an <see cref="MLContext"/>: <c>mlContext.R2M()</c>. Getting it is the first use of
/// R2M, so it checks that libtorch loads and throws <see cref="TorchNativeLoadException"/> naming the
/// real cause when it does not.
/// </summary>
public sealed class R2MCatalog
{
    internal R2MCatalog(MLContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        TorchRuntime.EnsureLoaded();
        Context = context;
    }

    /// <summary>The ML.NET context this catalog belongs to (seed, GPU device, logging).</summary>
    public MLContext Context { get; }
}

/// <summary>Extension methods that expose R2M on <see cref="MLContext"/>.</summary>
public static class R2MMLContextExtensions
{
    /// <summary>The R2M catalog: preference loading, reward model, policy-feedback aligner and RL stages.</summary>
    /// <param name="context">The ML.NET context.</param>
    public static R2MCatalog R2M(this MLContext context) => new(context);
}
