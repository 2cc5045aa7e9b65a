namespace R2M.Estimators.Configuration;

/// <summary>
/// Stable codes of R2M's build and tool diagnostics, documented in docs/msbuild.md. A code never changes
/// meaning; new problems get new codes.
/// </summary>
public static class R2MErrorCodes
{
    /// <summary>The configuration file cannot be read: missing, unreadable or over the size limit.</summary>
    public const string ConfigUnreadable = "R2M1001";
    /// <summary>The configuration file is not valid JSON.</summary>
    public const string ConfigSyntax = "R2M1002";
    /// <summary>The configuration names a key that no option has.</summary>
    public const string ConfigUnknownKey = "R2M1003";
    /// <summary>A value has the wrong JSON type (a string for a number, an unknown enum name, a duplicate key).</summary>
    public const string ConfigWrongType = "R2M1004";
    /// <summary>A value is out of its option's range (the Options class's own Validate()).</summary>
    public const string ConfigOutOfRange = "R2M1005";
    /// <summary>A file or folder the configuration names does not exist.</summary>
    public const string ConfigMissingPath = "R2M1006";
    /// <summary>A record of a preference file is invalid (the diagnostic points at its line and column).</summary>
    public const string DataInvalidRecord = "R2M1101";
    /// <summary>A preference file as a whole cannot be used (empty, no valid pairs, unreadable).</summary>
    public const string DataUnusable = "R2M1102";
    /// <summary>A base model or tokenizer folder cannot be loaded.</summary>
    public const string BaseModelUnloadable = "R2M1201";
    /// <summary>Training failed (a NaN, a stage hand-off, libtorch).</summary>
    public const string TrainingFailed = "R2M1301";
    /// <summary>The model zip cannot be written or read.</summary>
    public const string ModelZip = "R2M1401";
    /// <summary>The build could not start the tool, or the tool failed unexpectedly.</summary>
    public const string ToolFailed = "R2M1901";
}
