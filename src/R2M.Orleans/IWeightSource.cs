namespace R2M.Orleans;

/// <summary>
/// The learner's current policy weights as safetensors bytes, read by workers in chunks (an observer the learner
/// passes along with every chunk of work).
/// </summary>
public interface IWeightSource : IGrainObserver
{
    /// <summary>
    /// Bytes of chunk <paramref name="index"/> of the weights of <paramref name="version"/>; throws when the learner
    /// no longer holds that version.
    /// </summary>
    Task<byte[]> Read(WeightsVersion version, int index);
}
