using System.Globalization;

namespace R2M.Estimators.Validation;

/// <summary>
/// How every options class checks its values: an <see cref="ArgumentOutOfRangeException"/> whose parameter is
/// <c>Class.Option</c> and whose message says the value and the allowed range.
/// </summary>
internal static class OptionCheck
{
    public static void AtLeast(string option, int value, int min)
    {
        if (value < min) throw Fail(option, value, $"at least {min}");
    }

    public static void Between(string option, int value, int min, int max)
    {
        if (value < min || value > max) throw Fail(option, value, $"between {min} and {max}");
    }

    public static void Positive(string option, double value)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw Fail(option, value, "a finite number greater than 0");
    }

    public static void NonNegative(string option, double value)
    {
        if (!(value >= 0) || !double.IsFinite(value)) throw Fail(option, value, "a finite number of at least 0");
    }

    /// <summary>value in [min, max], or [min, max) when <paramref name="maxExclusive"/>.</summary>
    public static void InRange(string option, double value, double min, double max, bool maxExclusive = false)
    {
        bool ok = value >= min && (maxExclusive ? value < max : value <= max);
        if (!ok) throw Fail(option, value, maxExclusive ? $"in [{N(min)}, {N(max)})" : $"in [{N(min)}, {N(max)}]");
    }

    public static void Defined<TEnum>(string option, TEnum value) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) throw Fail(option, value, $"one of {string.Join(", ", Enum.GetNames<TEnum>())}");
    }

    /// <summary>The settings SFT and reward-model training share, under the option prefix <paramref name="c"/> ("Class.").</summary>
    public static void Training(string c, int epochs, int batchSize, double learningRate, double weightDecay, double maxGradNorm,
        int maxLength, double validationFraction, R2M.MLNet.Training.MixedPrecision mixedPrecision)
    {
        AtLeast(c + "Epochs", epochs, 1);
        AtLeast(c + "BatchSize", batchSize, 1);
        Positive(c + "LearningRate", learningRate);
        NonNegative(c + "WeightDecay", weightDecay);
        Positive(c + "MaxGradNorm", maxGradNorm);
        AtLeast(c + "MaxLength", maxLength, 3);
        InRange(c + "ValidationFraction", validationFraction, 0, 1, maxExclusive: true);
        Defined(c + "MixedPrecision", mixedPrecision);
    }

    private static ArgumentOutOfRangeException Fail(string option, object value, string allowed) =>
        new(option, value, $"{option} must be {allowed}; got {Convert.ToString(value, CultureInfo.InvariantCulture)}.");

    private static string N(double x) => x.ToString(CultureInfo.InvariantCulture);
}
