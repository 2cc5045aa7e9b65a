using System.CommandLine;
using R2M.Cli.Commands;

namespace R2M.Cli;

/// <summary>The <c>dotnet r2m</c> command tree (System.CommandLine: parsing, help, completion).</summary>
internal static class CliApp
{
    /// <summary>The root command with every verb.</summary>
    public static RootCommand Create() => new("R2M for .NET: train an aligned model from r2m.json and use the model zip.")
    {
        TrainCommand.Create(),
        InspectCommand.Create(),
        ModelCommands.Score(),
        ModelCommands.Generate(),
        ModelCommands.Evaluate(),
        SchemaCommand.Create(),
    };

    /// <summary>Parses and runs; the first Ctrl+C or SIGTERM cancels the token the commands get (<see cref="SignalCancellation"/>).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var signals = new SignalCancellation(Console.Error);
        // System.CommandLine's own handler is off: it would register only after a synchronous action had finished, and
        // it ends the process after a timeout, which could cut an atomic write short.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await Create().Parse(args).InvokeAsync(invocation, signals.Token);
    }
}
