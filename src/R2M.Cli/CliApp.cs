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

    /// <summary>Parses and runs; Ctrl+C cancels the token the commands get.</summary>
    public static Task<int> RunAsync(string[] args) => Create().Parse(args).InvokeAsync();
}
