using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using R2M.Estimators.Configuration;
using R2M.MLNet.Persistence;
using Spectre.Console;

namespace R2M.Cli.Commands;

/// <summary><c>dotnet r2m inspect model.zip</c>: the manifest, the model's settings, the policy's shape, entry sizes and hashes.</summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var zip = new Argument<FileInfo>("model") { Description = "An R2M model zip." };
        var command = new Command("inspect", "Show a model zip's manifest, settings, sizes and hashes (verified).") { zip };
        command.SetAction(result => Run(result.GetRequiredValue(zip).FullName));
        return command;
    }

    public static int Run(string path)
    {
        try
        {
            var entries = R2MModelArchive.ReadVerified(path);
            var manifest = JsonNode.Parse(entries[R2MModelArchive.ManifestEntry])!;
            Console.Out.WriteLine($"{path}: {new FileInfo(path).Length:N0} bytes, verified");
            Console.Out.WriteLine($"format: {manifest["format"]} version {manifest["version"]}");
            Console.Out.WriteLine($"model: {Compact(entries["r2m/model.json"])}");
            foreach (string config in new[] { "r2m/policy/config.json", "r2m/reward_model/config.json" })
            {
                if (entries.TryGetValue(config, out byte[]? bytes)) Console.Out.WriteLine($"{config}: {Compact(bytes)}");
            }
            var table = new Table().AddColumns("entry", "bytes", "sha256");
            table.Columns[1].RightAligned();
            foreach (var (name, bytes) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(name), bytes.Length.ToString("N0"), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            AnsiConsole.Console.Profile.Width = Math.Max(AnsiConsole.Console.Profile.Width, 140);
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return CliDiagnostics.Report(e, Console.Error, R2MErrorCodes.ModelZip);
        }
    }

    private static string Compact(byte[] json) => JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
