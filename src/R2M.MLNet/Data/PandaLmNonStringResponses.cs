namespace R2M.MLNet.Data;

/// <summary>What the PandaLM reader does with a <c>response1</c>/<c>response2</c> that is a JSON boolean or number.</summary>
public enum PandaLmNonStringResponses
{
    /// <summary>Use the JSON literal as the response text (<c>true</c>, <c>false</c>, <c>42</c>).</summary>
    KeepAsText,

    /// <summary>Skip the row; it is counted in <see cref="PreferenceLoadResult.Skipped"/> but is not an error.</summary>
    Skip,
}
