namespace R2M.MLNet.Data;

/// <summary>The row shape of a preference <see cref="Microsoft.ML.IDataView"/>: Prompt, Chosen, Rejected (text), Margin (Single).</summary>
internal sealed class PreferenceRow
{
    public string Prompt { get; set; } = "";

    public string Chosen { get; set; } = "";

    public string Rejected { get; set; } = "";

    public float Margin { get; set; }
}
