using R2M.MLNet.Data;
using R2M.MLNet.Tokenization;

namespace R2M.Sample;

/// <summary>
/// The chat format of a --model folder, applied to the embedded task's prompts (each prompt becomes a user turn).
/// The gold judge reads the plain prompt, so the formatted prompt maps back to it.
/// </summary>
internal sealed class ChatPrompts
{
    private readonly ChatFormat? _format;
    private readonly Dictionary<string, string> _plain = new(StringComparer.Ordinal);

    private ChatPrompts(ChatFormat? format) => _format = format;

    /// <summary>No chat format (no --model, or a model without one): prompts pass through.</summary>
    public static ChatPrompts None { get; } = new(null);

    /// <summary>The chat format of <paramref name="modelFolder"/>, reported once on the console.</summary>
    public static ChatPrompts ForModel(string? modelFolder)
    {
        if (modelFolder is null) return None;
        bool prependsBos = HuggingFaceTokenizerLoader.Load(modelFolder).BosId is not null;
        ChatFormatDetection detection = ChatFormatDetector.Detect(modelFolder, prependsBos);
        if (detection.Unrecognised)
            Console.WriteLine($"note: {detection.Source}; prompts use the plain format");
        else if (detection.Format != ChatFormat.Plain)
            Console.WriteLine($"chat format: {detection.Format.Name} (from {detection.Source})");
        return detection.Format == ChatFormat.Plain ? None : new ChatPrompts(detection.Format);
    }

    /// <summary>The chat format for a preference file's conversational records; null for the plain one.</summary>
    public ChatFormat? LoaderFormat => _format;

    /// <summary>The prompt as the model sees it.</summary>
    public string Apply(string prompt)
    {
        if (_format is null) return prompt;
        string formatted = _format.FormatUserPrompt(prompt);
        lock (_plain) _plain[formatted] = prompt;
        return formatted;
    }

    /// <summary>The plain prompt a formatted one came from (itself when it was not formatted here).</summary>
    public string Plain(string prompt)
    {
        lock (_plain) return _plain.GetValueOrDefault(prompt, prompt);
    }
}
