namespace R2M.MLNet.Data;

/// <summary>What one record gave besides its pairs: ties dropped, or a deliberate (non-error) skip.</summary>
internal readonly record struct RecordOutcome(int Ties = 0, bool Skip = false);
