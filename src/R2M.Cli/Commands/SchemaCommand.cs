using R2M.MLNet.IO;
using System.CommandLine;
using R2M.Estimators.Configuration;
using R2M.MLNet;

namespace R2M.Cli.Commands;

/// <summary><c>dotnet r2m schema</c>: the JSON schema of r2m.json, for editors.</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write the schema to this file (default: standard output)." };
        var command = new Command("schema", "Print the JSON schema of r2m.json (generated from the Options classes).") { output };
        command.SetAction(result =>
        {
            string schema = R2MConfigSchema.Generate();
            if (result.GetValue(output) is FileInfo file) AtomicFile.WriteAllText(file.FullName, schema);
            else Console.Out.Write(schema);
            return ExitCodes.Success;
        });
        return command;
    }
}
