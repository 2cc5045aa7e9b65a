using System.IO.Compression;
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
        string temp = Directory.CreateTempSubdirectory("r2m-inspect-").FullName;
        try
        {
            // Verifies names, manifest, sizes and every SHA-256 while streaming the r2m/ entries to a temp folder.
            R2MModelArchive.ExtractVerified(path, temp);
            using var zip = ZipFile.OpenRead(path);
            var manifestEntry = zip.GetEntry(R2MModelArchive.ManifestEntry)!;
            JsonObject manifest;
            using (var stream = manifestEntry.Open()) manifest = JsonNode.Parse(stream)!.AsObject();
            Console.Out.WriteLine($"{path}: {new FileInfo(path).Length:N0} bytes, verified");
            Console.Out.WriteLine($"format: {manifest["format"]} version {manifest["version"]}");
            foreach (string config in new[] { "r2m/model.json", "r2m/policy/config.json", "r2m/reward_model/config.json" })
            {
                string file = Path.Combine(temp, config);
                if (File.Exists(file)) Console.Out.WriteLine($"{config}: {Compact(File.ReadAllBytes(file))}");
            }
            var table = new Table().AddColumns("entry", "bytes", "sha256");
            table.Columns[1].RightAligned();
            foreach (var (name, hash) in (manifest["entries"]?.AsObject() ?? []).OrderBy(e => e.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(name), (zip.GetEntry(name)?.Length ?? 0).ToString("N0"), hash?.GetValue<string>() ?? "");
            AnsiConsole.Console.Profile.Width = Math.Max(AnsiConsole.Console.Profile.Width, 140);
            AnsiConsole.Write(table);
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return CliDiagnostics.Report(e, Console.Error, R2MErrorCodes.ModelZip);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static string Compact(byte[] json) => JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
