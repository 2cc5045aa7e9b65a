namespace R2M.Estimators.EmbeddedTask;

/// <summary>Kinds of candidate answer the embedded task generates for SFT data and preference pairs.</summary>
public enum EmbeddedResponseStyle
{
    /// <summary>Correct, complete and concise (gold 1).</summary>
    Good,
    /// <summary>One slot wrong: an item from elsewhere, a repeated list item, the wrong word or number.</summary>
    Wrong,
    /// <summary>A correct answer followed by filler or a repeated item (gold below 1, longer).</summary>
    Padded,
    /// <summary>The answer cut short: its last word(s) missing or cut mid-word (shorter).</summary>
    Truncated,
    /// <summary>Rambling: the answer repeated or run on with several filler words (long, low gold).</summary>
    Rambling,
}
