using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;
using R2M.Tests.Configuration;
using R2M.Tests.Infrastructure;
using R2M.Tests.Training;

namespace R2M.Tests.Foundation;

/// <summary>
/// Issue #15's acceptance, from packages as a user gets them: a consumer project declares
/// <c>&lt;R2MModel Include="Models/assistant.zip" Config="r2m.json" /&gt;</c> and `dotnet build` trains, incrementally,
/// with canonical diagnostics; the packed `dotnet r2m` tool trains and inspects in an empty folder.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public class BuildTimeTrainingTests(PackedFeed feed, ITestOutputHelper log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    [Fact]
    public void The_first_build_trains_a_second_does_not_and_touching_the_data_trains_again()
    {
        string consumer = WriteConsumer("consumer-train", badRow: false, config: ConfigTrainingTests.TinyConfig);

        var (first, firstTime) = TimedBuild(consumer);
        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain("R2M: training Models/assistant.zip").And.Contain("r2m: rl 2/2");
        string zip = Path.Combine(consumer, "bin", "Release", "net10.0", "Models", "assistant.zip");
        File.Exists(zip).Should().BeTrue(first.Output);
        var run = ProcessRunner.Run("dotnet", $"\"{Path.Combine(consumer, "bin", "Release", "net10.0", "Consumer.dll")}\"", consumer, Limit);
        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("consumer: file and resource load, 1 generation");

        // Up to date: measured against a plain build (training off) of the same project in the same run; the better
        // of two up-to-date builds, as the machine is shared.
        var (upToDate, upToDateTime) = TimedBuild(consumer);
        var (plain, plainTime) = TimedBuild(consumer, "-p:R2MTrainModels=false");
        var (again, againTime) = TimedBuild(consumer);
        foreach (var result in new[] { upToDate, again })
        {
            result.ExitCode.Should().Be(0, result.ToString());
            result.Output.Should().Contain("R2M: Models/assistant.zip is up to date (no training).").And.NotContain("r2m: rl");
        }
        plain.ExitCode.Should().Be(0, plain.ToString());
        TimeSpan overhead = (upToDateTime < againTime ? upToDateTime : againTime) - plainTime;
        log.WriteLine($"first build {firstTime.TotalSeconds:0.0} s; up to date {upToDateTime.TotalSeconds:0.0} s and {againTime.TotalSeconds:0.0} s; plain {plainTime.TotalSeconds:0.0} s; overhead {overhead.TotalSeconds:0.00} s");
        overhead.Should().BeLessThan(TimeSpan.FromSeconds(5), $"an up-to-date build took {upToDateTime} and {againTime}, a plain one {plainTime}");

        File.SetLastWriteTimeUtc(Path.Combine(consumer, "prefs.jsonl"), DateTime.UtcNow);
        var third = Build(consumer);
        third.ExitCode.Should().Be(0, third.ToString());
        third.Output.Should().Contain("R2M: training Models/assistant.zip").And.Contain("prefs.jsonl changed").And.Contain("r2m: rl 2/2");
    }

    [Fact]
    public void A_bad_data_row_and_an_unknown_config_key_fail_the_build_at_their_line_and_column()
    {
        string consumer = WriteConsumer("consumer-errors", badRow: true, config: ConfigTrainingTests.TinyConfig);

        var badRow = Build(consumer);
        badRow.ExitCode.Should().NotBe(0);
        badRow.Output.Should().Contain($"{Path.Combine(consumer, "prefs.jsonl")}(3,14): error R2M1101: malformed JSON");
        Directory.Exists(Path.Combine(consumer, "bin", "Release", "net10.0", "Models")).Should().BeFalse("no model was trained");

        WritePreferences(consumer, badRow: false);
        File.WriteAllText(Path.Combine(consumer, "r2m.json"), ConfigTrainingTests.TinyConfig.Replace("\"steps\"", "\"stepz\""));
        var unknownKey = Build(consumer);
        unknownKey.ExitCode.Should().NotBe(0);
        unknownKey.Output.Should().Contain($"{Path.Combine(consumer, "r2m.json")}(6,11): error R2M1003: unknown key 'stepz' in 'rl'");
    }

    [Fact]
    public void The_packed_tool_trains_from_a_config_in_an_empty_folder_and_inspect_prints_the_manifest()
    {
        feed.EnsureToolPackage();
        string folder = feed.NewFolder("tool-empty");
        string toolConfig = Path.Combine(feed.NewFolder("tool-config"), "nuget.config");
        File.WriteAllText(toolConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="r2m-check" value="{feed.Feed}" /></packageSources></configuration>
            """);
        // The tool restores into the fixture's package folder, and the CLI's home (its tool-resolver cache, which
        // remembers where a tool version lives) is the fixture's too, so nothing leaks into the user's.
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = feed.Packages, ["DOTNET_CLI_HOME"] = feed.NewFolder("tool-home") };

        Run("dotnet", "new tool-manifest", folder, env).ExitCode.Should().Be(0);
        var install = Run("dotnet", $"tool install R2M.Cli --version {PackedFeed.Version} --configfile \"{toolConfig}\"", folder, env);
        install.ExitCode.Should().Be(0, install.ToString());
        WritePreferences(folder, badRow: false);
        File.WriteAllText(Path.Combine(folder, "r2m.json"), ConfigTrainingTests.TinyConfig);

        var train = Run("dotnet", "r2m train r2m.json --out model.zip", folder, env);
        train.ExitCode.Should().Be(0, train.ToString());
        train.Output.Should().Contain("r2m: rl 2/2").And.Contain("r2m: wrote");
        var inspect = Run("dotnet", "r2m inspect model.zip", folder, env);
        inspect.ExitCode.Should().Be(0, inspect.ToString());
        inspect.Output.Should().Contain("verified").And.Contain("format: r2m-model version 1").And.Contain("r2m/policy/model.safetensors");
    }

    [SkippableFact]
    public void Ctrl_C_stops_training_with_exit_code_130_and_leaves_no_zip()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "sends SIGINT with kill");
        string folder = feed.NewFolder("tool-cancel");
        WritePreferences(folder, badRow: false);
        File.WriteAllText(Path.Combine(folder, "r2m.json"), ConfigTrainingTests.TinyConfig.Replace("\"steps\": 2", "\"steps\": 100000"));
        string tool = Path.Combine(feed.Repo, "src", "R2M.Cli", "bin", "Release", "net10.0", "R2M.Cli.dll");
        // `env --default-signal=INT`: a suite started from a non-interactive shell's `&` passes SIGINT down ignored, and
        // an ignored SIGINT stays ignored in the child (as for any Unix program); the test wants a terminal's Ctrl+C.
        var info = new ProcessStartInfo("env", $"--default-signal=INT dotnet \"{tool}\" train r2m.json --out out/model.zip --plain")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var rlStarted = new ManualResetEventSlim();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data?.StartsWith("r2m: rl ", StringComparison.Ordinal) == true) rlStarted.Set(); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            rlStarted.Wait(TimeSpan.FromMinutes(2)).Should().BeTrue("RL should start");
            Process.Start("kill", $"-INT {process.Id}")!.WaitForExit();

            process.WaitForExit(60_000).Should().BeTrue("Ctrl+C stops the run");
            process.ExitCode.Should().Be(130);
            process.WaitForExit();   // drains the redirected streams
            errors.Should().Contain(line => line.Contains("R2M1901: cancelled; nothing was written"),
                "the run itself stops on the signal (not the system's default action)");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        (Directory.Exists(Path.Combine(folder, "out")) ? Directory.GetFiles(Path.Combine(folder, "out")) : []).Should().BeEmpty();
    }

    private string WriteConsumer(string name, bool badRow, string config)
    {
        string dir = feed.NewFolder(name);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="R2M.Estimators" Version="{PackedFeed.Version}" />
                <PackageReference Include="R2M.Build" Version="{PackedFeed.Version}" PrivateAssets="all" />
              </ItemGroup>
              <ItemGroup>
                <R2MModel Include="Models/assistant.zip" Config="r2m.json" EmbedAsResource="true" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), feed.NuGetConfig());
        File.WriteAllText(Path.Combine(dir, "Program.cs"), """
            using Microsoft.ML;
            using R2M.Estimators;

            var r2m = new MLContext(seed: 1).R2M();
            using var fromFile = r2m.LoadModel(Path.Combine(AppContext.BaseDirectory, "Models", "assistant.zip"));
            using var fromResource = r2m.LoadModel(typeof(Program).Assembly, "Models/assistant.zip");
            Console.WriteLine($"consumer: file and resource load, {fromFile.Generate(["say river stone"]).Count} generation");
            """);
        File.WriteAllText(Path.Combine(dir, "r2m.json"), config);
        WritePreferences(dir, badRow);
        return dir;
    }

    /// <summary>16 planted pairs; with <paramref name="badRow"/>, line 3 is malformed at column 14 (a missing comma).</summary>
    private static void WritePreferences(string dir, bool badRow)
    {
        var lines = PlantedPreferenceTests.Planted(16, seed: 11)
            .Select(p => JsonSerializer.Serialize(new { prompt = p.Prompt, chosen = p.Chosen, rejected = p.Rejected })).ToList();
        if (badRow) lines[2] = """{"prompt":"a""chosen":"b","rejected":"c"}""";
        File.WriteAllLines(Path.Combine(dir, "prefs.jsonl"), lines);
    }

    private static ProcessRunner.Result Build(string dir, string extra = "") =>
        ProcessRunner.Run("dotnet", $"build -c Release -nodeReuse:false -p:UseSharedCompilation=false {extra}", dir, Limit);

    private static (ProcessRunner.Result Result, TimeSpan Time) TimedBuild(string dir, string extra = "")
    {
        var watch = Stopwatch.StartNew();
        var result = Build(dir, extra);
        return (result, watch.Elapsed);
    }

    private static ProcessRunner.Result Run(string file, string arguments, string dir, IReadOnlyDictionary<string, string> env) =>
        ProcessRunner.Run(file, arguments, dir, Limit, env);
}
