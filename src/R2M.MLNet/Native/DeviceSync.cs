using TorchSharp;
using static TorchSharp.torch;

namespace R2M.MLNet.Native;

/// <summary>
/// Waits for a device's queued work before a clock is read. CUDA kernels run asynchronously: without a wait, a
/// phase's time would be the time to queue its kernels and the wait would be billed to whichever phase next copies
/// a value to the host. On the CPU operations finish when called, so this does nothing there.
/// </summary>
public static class DeviceSync
{
    /// <summary>Blocks until every operation queued on <paramref name="device"/> has finished (CUDA); returns at once on the CPU.</summary>
    public static void Wait(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
