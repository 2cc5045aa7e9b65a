using System.Reflection;
using TorchSharp;

namespace R2M.MLNet.Native;

/// <summary>
/// Scalars that live as long as the process, for the constants the models and trainers pass to libtorch.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 frees a Scalar made from a number at a call (<c>x.clamp_min(0)</c>, <c>x * 0.5</c>) only in its
/// finaliser, and hands libtorch the native pointer without keeping the managed object alive: a collection started
/// by another thread during the call can free the value while libtorch reads it. Build rule R2M0001
/// (src/R2M.Analyzers) refuses such temporaries; code passes one of these, or a <c>ToScalar()</c> local under
/// <c>using</c> for a value known only at run time. Each keeps the number type the temporary had (an integer Scalar
/// keeps an integer tensor's type; a float one promotes it), so results are unchanged. libtorch only reads them.
/// </remarks>
internal static class TorchScalars
{
    /// <summary>Integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>Integer 1.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>Integer 2 (squares: libtorch's pow takes its fast path for it).</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>Double 0.5.</summary>
    public static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>Float −∞: the logit of a token that must not be drawn.</summary>
    public static readonly Scalar NegativeInfinity = float.NegativeInfinity.ToScalar();

    /// <summary>The smallest normal float (1.17549435e-38f): keeps a uniform draw away from log(0).</summary>
    public static readonly Scalar SmallestNormalFloat = 1.17549435e-38f.ToScalar();

    /// <summary>
    /// softplus(x) = log(1 + eˣ) (β 1, linear above 20), as libtorch computes it. TorchSharp's public softplus makes
    /// temporaries of β and the threshold and has no overload that takes Scalars; its private one does, and is
    /// called here with held values (<see cref="HeldSoftplus"/>; a test pins that it is found). Without it (another
    /// TorchSharp), the public one runs: the same numbers, without the protection.
    /// </summary>
    public static torch.Tensor Softplus(torch.Tensor x)
    {
        if (HeldSoftplus is { } held) return held(x, SoftplusBeta, SoftplusThreshold);
#pragma warning disable R2M0001 // the fallback for a TorchSharp without the private overload (see above)
        return x.softplus();
#pragma warning restore R2M0001
    }

    /// <summary>TorchSharp's private <c>Tensor.softplus1(Scalar beta, Scalar threshold)</c>, or null where it is absent.</summary>
    internal static readonly Func<torch.Tensor, Scalar, Scalar, torch.Tensor>? HeldSoftplus =
        typeof(torch.Tensor).GetMethod("softplus1", BindingFlags.NonPublic | BindingFlags.Instance, [typeof(Scalar), typeof(Scalar)]) is { } method
        && method.ReturnType == typeof(torch.Tensor)
            ? method.CreateDelegate<Func<torch.Tensor, Scalar, Scalar, torch.Tensor>>()
            : null;

    // softplus' defaults as TorchSharp passes them (doubles).
    private static readonly Scalar SoftplusBeta = 1.0.ToScalar();
    private static readonly Scalar SoftplusThreshold = 20.0.ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/>: TorchSharp's <c>+</c> and one-argument <c>add</c> pass a temporary alpha of 1.</summary>
    public static torch.Tensor Plus(this torch.Tensor a, torch.Tensor b) => a.add(b, One);

    /// <summary><paramref name="a"/> + <paramref name="b"/> for a held Scalar <paramref name="b"/> (alpha held too).</summary>
    public static torch.Tensor Plus(this torch.Tensor a, Scalar b) => a.add(b, One);
}
