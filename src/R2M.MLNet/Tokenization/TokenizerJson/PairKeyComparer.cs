namespace R2M.MLNet.Tokenization.TokenizerJson;

/// <summary>
/// Hashes a merge key <c>(left id &lt;&lt; 32) | right id</c> by multiplication. <see cref="long.GetHashCode"/> XORs the
/// halves, so every pair with the same <c>left ^ right</c> collides, which is most of the frequent low-id merges.
/// </summary>
internal sealed class PairKeyComparer : IEqualityComparer<long>
{
    public static PairKeyComparer Instance { get; } = new();

    public bool Equals(long x, long y) => x == y;

    public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
}
