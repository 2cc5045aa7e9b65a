namespace R2M.MLNet.Data;

/// <summary>The on-disk layouts that <see cref="PreferenceDataLoader"/> reads (see docs/preference-data.md).</summary>
public enum PreferenceFormat
{
    /// <summary>
    /// Detect the format: <c>.csv</c> and <c>.tsv</c> by extension; otherwise JSON (an array when the first
    /// non-whitespace character is <c>[</c>, JSON Lines when it is <c>{</c>) classified by the keys of the first record.
    /// </summary>
    Auto,

    /// <summary>Objects with string <c>prompt</c>, <c>chosen</c>, <c>rejected</c> and an optional numeric <c>margin</c>.</summary>
    Trl,

    /// <summary>
    /// Objects whose <c>chosen</c> and <c>rejected</c> are lists of <c>{role, content}</c> messages, with an explicit
    /// <c>prompt</c> message list or an implicit prompt (the common leading messages); flattened with
    /// <see cref="ConversationTemplate"/>.
    /// </summary>
    Conversational,

    /// <summary>Comma-separated values with a header row naming prompt, chosen, rejected and optionally margin (RFC 4180 quoting).</summary>
    Csv,

    /// <summary>Tab-separated values with the same header and the same quoting rules as <see cref="Csv"/>.</summary>
    Tsv,

    /// <summary>
    /// The PandaLM test set: <c>instruction</c>, <c>input</c>, <c>response1</c>, <c>response2</c> and three annotator labels
    /// (1, 2 or 0 for a tie), reduced by majority vote.
    /// </summary>
    PandaLM,

    /// <summary>
    /// FineGrainedRLHF qa-feedback: <c>question</c>, <c>prediction 1</c>..<c>prediction 4</c> and a six-entry
    /// <c>preference</c> list in the order 1v2, 1v3, 1v4, 2v3, 2v4, 3v4.
    /// </summary>
    FineGrainedRlhf,
}
