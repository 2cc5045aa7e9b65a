using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace R2M.MLNet.Data;

/// <summary>Deterministic train/validation splits that keep every prompt on one side.</summary>
public static class PreferenceSplit
{
    /// <summary>
    /// Splits by prompt: a pair goes to validation when the first 8 bytes of SHA-256(UTF-8(prompt) ‖ 0x00 ‖ UTF-8(salt)),
    /// read big-endian as a fraction of 2^64, are below <paramref name="validationFraction"/>. The same prompt always lands
    /// on the same side, so no prompt is in both parts; the result is the same in every process and on every machine.
    /// The fraction applies to distinct prompts, so the share of pairs is only roughly the requested one. Order is kept.
    /// </summary>
    /// <param name="pairs">The pairs to split.</param>
    /// <param name="validationFraction">The share of prompts for validation, in [0, 1].</param>
    /// <param name="salt">Changes the assignment (a different, equally deterministic split) without changing the fraction.</param>
    public static (IReadOnlyList<PreferencePair> Train, IReadOnlyList<PreferencePair> Validation) ByPromptHash(
        IReadOnlyList<PreferencePair> pairs, double validationFraction, string salt = "")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(salt);
        if (!(validationFraction >= 0 && validationFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be between 0 and 1");

        var side = new Dictionary<string, bool>(StringComparer.Ordinal);
        var train = new List<PreferencePair>();
        var validation = new List<PreferencePair>();
        foreach (var pair in pairs)
        {
            if (!side.TryGetValue(pair.Prompt, out bool toValidation))
            {
                toValidation = Unit(pair.Prompt, salt) < validationFraction;
                side[pair.Prompt] = toValidation;
            }
            (toValidation ? validation : train).Add(pair);
        }
        return (train.AsReadOnly(), validation.AsReadOnly());
    }

    /// <summary>The prompt's hash as a number in [0, 1).</summary>
    private static double Unit(string prompt, string salt)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(prompt + "\0" + salt);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash) / 18446744073709551616.0;
    }
}
