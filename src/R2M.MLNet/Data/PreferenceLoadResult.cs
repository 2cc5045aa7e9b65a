namespace R2M.MLNet.Data;

/// <summary>What <see cref="PreferenceDataLoader.Load"/> read from one file.</summary>
/// <param name="Pairs">The valid pairs, in file order.</param>
/// <param name="Skipped">
/// Records that gave no pair for a reason other than a tie: invalid records (with
/// <see cref="PreferenceLoaderOptions.SkipInvalid"/>) and PandaLM rows skipped by
/// <see cref="PandaLmNonStringResponses.Skip"/>.
/// </param>
/// <param name="TiesDropped">
/// Comparisons dropped as ties: PandaLM rows without a majority or with majority 0; FineGrainedRLHF preferences of 0.
/// </param>
/// <param name="Errors">Each skipped invalid record, with its location and reason (empty unless SkipInvalid).</param>
/// <param name="Format">The format the file was read as (the detected one when the options said Auto).</param>
public sealed record PreferenceLoadResult(
    IReadOnlyList<PreferencePair> Pairs,
    int Skipped,
    int TiesDropped,
    IReadOnlyList<PreferenceDataError> Errors,
    PreferenceFormat Format);
