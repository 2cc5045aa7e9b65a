namespace R2M.MLNet.Data;

/// <summary>Whether an empty (or whitespace-only) chosen or rejected response is an invalid record.</summary>
public enum EmptyResponsePolicy
{
    /// <summary>
    /// Keep empty responses for the human-judged model-output formats (<see cref="PreferenceFormat.PandaLM"/>,
    /// <see cref="PreferenceFormat.FineGrainedRlhf"/>), where an empty generation is a real, judged output;
    /// reject them for every other format.
    /// </summary>
    FormatDefault,

    /// <summary>An empty or whitespace-only response makes the record invalid, in every format.</summary>
    Reject,

    /// <summary>Empty responses are kept, in every format. An empty prompt is still invalid.</summary>
    Keep,
}
