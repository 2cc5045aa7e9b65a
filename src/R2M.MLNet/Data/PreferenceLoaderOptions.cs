namespace R2M.MLNet.Data;

/// <summary>Options for <see cref="PreferenceDataLoader.Load"/>.</summary>
public sealed record PreferenceLoaderOptions
{
    /// <summary>The file's format; <see cref="PreferenceFormat.Auto"/> (the default) detects it.</summary>
    public PreferenceFormat Format { get; init; } = PreferenceFormat.Auto;

    /// <summary>
    /// False (the default): the first invalid record throws <see cref="PreferenceDataException"/> and nothing is returned.
    /// True: invalid records are skipped, counted and listed in <see cref="PreferenceLoadResult.Errors"/>.
    /// An empty file, malformed JSON in a JSON array, an unterminated CSV quote, or zero valid pairs throw either way.
    /// </summary>
    public bool SkipInvalid { get; init; }

    /// <summary>How PandaLM rows with a boolean or numeric response are read (default <see cref="PandaLmNonStringResponses.KeepAsText"/>).</summary>
    public PandaLmNonStringResponses PandaLmNonStringResponses { get; init; } = PandaLmNonStringResponses.KeepAsText;

    /// <summary>Whether empty responses are invalid (default <see cref="EmptyResponsePolicy.FormatDefault"/>).</summary>
    public EmptyResponsePolicy EmptyResponses { get; init; } = EmptyResponsePolicy.FormatDefault;

    /// <summary>
    /// How conversational records' prompt messages become prompt text: the model's chat format (see
    /// <see cref="R2M.MLNet.Tokenization.ChatFormatDetector"/>); null (the default) is <see cref="ChatFormat.Plain"/>.
    /// </summary>
    public ChatFormat? ChatFormat { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming an option whose value is not one of its enum's values.</summary>
    public void Validate()
    {
        Check(nameof(Format), Format);
        Check(nameof(PandaLmNonStringResponses), PandaLmNonStringResponses);
        Check(nameof(EmptyResponses), EmptyResponses);
    }

    private static void Check<TEnum>(string option, TEnum value) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            throw new ArgumentOutOfRangeException($"{nameof(PreferenceLoaderOptions)}.{option}", value,
                $"{nameof(PreferenceLoaderOptions)}.{option} must be one of {string.Join(", ", Enum.GetNames<TEnum>())}; got {value}.");
    }
}
