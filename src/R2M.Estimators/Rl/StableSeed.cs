namespace R2M.Estimators.Rl;

/// <summary>
/// Seeds derived from several integers, the same in every process (unlike <see cref="HashCode"/>, which .NET
/// randomises per process). SplitMix64's finaliser over the parts.
/// </summary>
public static class StableSeed
{
    /// <summary>A 31-bit seed for <see cref="Random"/> from <paramref name="parts"/>.</summary>
    public static int Mix(params long[] parts)
    {
        ulong state = 0x9E3779B97F4A7C15UL;
        foreach (long part in parts)
        {
            state ^= unchecked((ulong)part) + 0x9E3779B97F4A7C15UL + (state << 6) + (state >> 2);
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            state = z ^ (z >> 31);
        }
        return (int)(state & 0x7FFFFFFF);
    }
}
