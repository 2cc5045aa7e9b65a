namespace R2M.Estimators.Pipeline;

/// <summary>Thrown when the MLContext asks for a GPU that is not there and falling back to the CPU is off.</summary>
public sealed class R2MDeviceException(string message) : Exception(message);
