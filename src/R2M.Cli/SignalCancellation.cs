using System.Runtime.InteropServices;

namespace R2M.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM cancel one token for the whole command: the run stops at its next check, removes its
/// temporary files and exits 130 with "cancelled; nothing was written". A second signal is left to the system's default
/// action, which ends the process at once. Registered before the command starts, so a command that runs synchronously
/// still sees the signal (System.CommandLine registers its own handler only after the action returns its task).
/// </summary>
/// <remarks>
/// A signal the process was started with ignored (a non-interactive shell's <c>command &amp;</c> ignores SIGINT) stays
/// ignored, as for any Unix program; <c>kill -TERM</c> still stops such a run cleanly.
/// </remarks>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly TextWriter log;
    private readonly PosixSignalRegistration interrupt;
    private readonly PosixSignalRegistration terminate;

    /// <summary>Starts listening; messages about stopping go to <paramref name="log"/>.</summary>
    public SignalCancellation(TextWriter log)
    {
        this.log = log;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => source.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (source.IsCancellationRequested) return;   // the second signal: the default action ends the process
        context.Cancel = true;
        log.WriteLine($"r2m: {context.Signal} received: stopping at the next check (send it again to stop at once)");
        source.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }
}
