using System.Text.Json;
using System.Text.Json.Serialization;
using R2M.Estimators.Rl;
using R2M.Estimators.Training;
using R2M.MLNet.Data;

namespace R2M.Estimators.Configuration;

/// <summary>
/// Reads <c>r2m.json</c> into an <see cref="R2MConfig"/>. Every problem is an <see cref="R2MConfigException"/>
/// with the file, line and column: a file over <see cref="MaxBytes"/>, bad JSON, an unknown key, a wrong type,
/// a value its Options class rejects (<c>Validate()</c>), a file or folder that does not exist. Relative paths
/// come back absolute, resolved against the configuration file's folder.
/// </summary>
public static class R2MConfigReader
{
    /// <summary>Largest configuration file read (1 MiB): the file is untrusted input.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>Tokenizer names that are not folders.</summary>
    public static readonly IReadOnlyList<string> NamedTokenizers = ["byte-level", "gpt2-bpe"];

    // Where each Options class sits in the file, to place its Validate() errors.
    private static readonly Dictionary<string, string> Sections = new(StringComparer.Ordinal)
    {
        [nameof(SupervisedFineTuneOptions)] = "sft",
        [nameof(RewardModelOptions)] = "rewardModel",
        [nameof(PolicyFeedbackOptions)] = "aligner",
        [nameof(PolicyOptimizationOptions)] = "rl",
        [nameof(PreferenceLoaderOptions)] = "data.loader",
    };

    /// <summary>
    /// How <c>r2m.json</c> maps onto the classes: camelCase keys, enum values by name, comments and trailing
    /// commas allowed, unknown keys and duplicate keys refused. The schema is generated from the same options.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    /// <summary>Reads, checks and resolves the configuration at <paramref name="path"/>.</summary>
    /// <exception cref="R2MConfigException">The file cannot be used; the exception says where and why.</exception>
    public static R2MConfig Read(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new R2MConfigException(path, 0, 0, R2MErrorCodes.ConfigUnreadable, "the configuration file does not exist");
            if (info.Length > MaxBytes)
                throw new R2MConfigException(path, 0, 0, R2MErrorCodes.ConfigUnreadable, $"the configuration file is {info.Length} bytes; the limit is {MaxBytes}");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new R2MConfigException(path, 0, 0, R2MErrorCodes.ConfigUnreadable, e.Message);
        }
        return Parse(bytes, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Parses configuration bytes; <paramref name="file"/> names them in errors, <paramref name="baseDirectory"/> resolves paths.</summary>
    public static R2MConfig Parse(ReadOnlySpan<byte> utf8, string file, string baseDirectory)
    {
        if (utf8.Length > MaxBytes)
            throw new R2MConfigException(file, 0, 0, R2MErrorCodes.ConfigUnreadable, $"the configuration is {utf8.Length} bytes; the limit is {MaxBytes}");
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) utf8 = utf8[3..];
        byte[] document = utf8.ToArray();
        var locations = new JsonLocations(document);
        try
        {
            locations.Scan(SerializerOptions, typeof(R2MConfig));
        }
        catch (JsonException e)
        {
            var (line, column) = locations.AtLineByte(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            throw new R2MConfigException(file, line, column, R2MErrorCodes.ConfigSyntax, $"invalid JSON: {Trim(e.Message)}");
        }
        catch (JsonLocations.DuplicateKeyException e)
        {
            var (line, column) = locations.At(e.Offset);
            var (firstLine, firstColumn) = locations.At(e.First);
            throw new R2MConfigException(file, line, column, R2MErrorCodes.ConfigWrongType,
                $"duplicate key '{e.Path}' (first at line {firstLine}, column {firstColumn})");
        }
        catch (JsonLocations.UnknownKeyException e)
        {
            var (line, column) = locations.At(e.Offset);
            throw new R2MConfigException(file, line, column, R2MErrorCodes.ConfigUnknownKey,
                $"unknown key '{e.KeyName}' {(e.Parent.Length == 0 ? "at the top level" : $"in '{e.Parent}'")}; known keys: {string.Join(", ", e.Known)}");
        }

        R2MConfig config;
        try
        {
            config = JsonSerializer.Deserialize<R2MConfig>(document, SerializerOptions)
                ?? throw new R2MConfigException(file, 1, 1, R2MErrorCodes.ConfigWrongType, "the configuration must be a JSON object, not null");
        }
        catch (JsonException e)
        {
            string path = JsonPathOf(e.Path);
            var at = locations.Value(path) ?? locations.AtLineByte(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            string reason = locations.TypeAt(path) is ({ } expected, var got)
                ? $"'{path}' must be {JsonKinds.Describe(expected)}; got {JsonKinds.Describe(got)}"
                : $"{(path.Length == 0 ? "" : $"'{path}': ")}{Trim(e.Message)}";
            throw new R2MConfigException(file, at.Line, at.Column, R2MErrorCodes.ConfigWrongType, reason);
        }

        try
        {
            config.Data.Loader.Validate();
            config.Sft?.Validate();
            config.RewardModel.Validate();
            config.Aligner.Validate();
            config.Rl.Validate();
        }
        catch (ArgumentException e)
        {
            string path = OptionPath(e.ParamName);
            var at = locations.Value(path) ?? locations.Key(path) ?? locations.Value(path.Split('.')[0]) ?? (1, 1);
            throw new R2MConfigException(file, at.Line, at.Column, R2MErrorCodes.ConfigOutOfRange, $"'{path}': {Trim(e.Message)}");
        }
        return R2MConfigPaths.Resolve(config, file, baseDirectory, locations);
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            RespectNullableAnnotations = true,
            MaxDepth = 16,
            WriteIndented = true,
            // [JsonIgnore] members (progress sinks, tokens, judges) are code-only: not keys of the file, not in the schema.
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver
            {
                Modifiers = { JsonKinds.RemoveIgnoredProperties },
            },
        };
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    /// <summary>"PolicyOptimizationOptions.Steps" → "rl.steps".</summary>
    private static string OptionPath(string? parameter)
    {
        if (parameter is null) return "";
        int dot = parameter.IndexOf('.');
        if (dot < 0 || !Sections.TryGetValue(parameter[..dot], out string? section)) return parameter;
        return section + "." + JsonNamingPolicy.CamelCase.ConvertName(parameter[(dot + 1)..]);
    }

    /// <summary>"$.rl.steps" → "rl.steps"; "$.data.files[0]" → "data.files[0]".</summary>
    private static string JsonPathOf(string? path) =>
        path is null || path == "$" ? "" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>The exception's message without the parts that repeat what the diagnostic already says.</summary>
    internal static string Trim(string message)
    {
        foreach (string cut in new[] { " Path: ", " LineNumber: ", "\n", "\r", " (Parameter '" })
        {
            int at = message.IndexOf(cut, StringComparison.Ordinal);
            if (at > 0) message = message[..at];
        }
        return message.Trim().TrimEnd('.');
    }
}
