using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using R2M.Estimators;
using R2M.Estimators.Configuration;
using R2M.MLNet.Data;
using Spectre.Console;

namespace R2M.Cli.Commands;

/// <summary><c>score</c>, <c>generate</c> and <c>evaluate</c>: the served model, loaded with <c>LoadModel</c>.</summary>
internal static class ModelCommands
{
    private static Argument<FileInfo> ModelArgument() => new("model") { Description = "An R2M model zip." };

    public static Command Score()
    {
        var zip = ModelArgument();
        var prompt = new Option<string>("--prompt", "-p") { Description = "The prompt.", Required = true };
        var responses = new Option<string[]>("--response", "-r") { Description = "A response to score (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("score", "Score responses to a prompt with the model's reward (the same function RL trained with).") { zip, prompt, responses };
        command.SetAction(result => WithModel(result.GetRequiredValue(zip).FullName, model =>
        {
            string p = result.GetRequiredValue(prompt);
            string[] rs = result.GetRequiredValue(responses);
            float[] scores = model.Score(Enumerable.Repeat(p, rs.Length).ToList(), rs);
            var table = new Table().AddColumns("response", "score");
            for (int i = 0; i < rs.Length; i++) table.AddRow(Markup.Escape(rs[i]), scores[i].ToString("0.0000", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
        }));
        return command;
    }

    public static Command Generate()
    {
        var zip = ModelArgument();
        var prompts = new Option<string[]>("--prompt", "-p") { Description = "A prompt (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("generate", "Generate responses with the model's generation defaults.") { zip, prompts };
        command.SetAction(result => WithModel(result.GetRequiredValue(zip).FullName, model =>
        {
            string[] ps = result.GetRequiredValue(prompts);
            var outputs = model.Generate(ps);
            for (int i = 0; i < ps.Length; i++) Console.Out.WriteLine($"{ps[i]} => {outputs[i]}");
        }));
        return command;
    }

    public static Command Evaluate()
    {
        var zip = ModelArgument();
        var data = new Argument<FileInfo>("preferences") { Description = "A preference file (JSON, JSON Lines, CSV, TSV)." };
        var format = new Option<PreferenceFormat>("--format") { Description = "The file's format.", DefaultValueFactory = _ => PreferenceFormat.Auto };
        var command = new Command("evaluate", "Reward-model accuracy on a preference file: how often chosen outscores rejected.") { zip, data, format };
        command.SetAction(result => WithModel(result.GetRequiredValue(zip).FullName, model =>
        {
            var pairs = PreferenceDataLoader.Load(result.GetRequiredValue(data).FullName, new PreferenceLoaderOptions { Format = result.GetValue(format) }).Pairs;
            var prompts = pairs.Select(p => p.Prompt).ToList();
            float[] chosen = model.Score(prompts, pairs.Select(p => p.Chosen).ToList());
            float[] rejected = model.Score(prompts, pairs.Select(p => p.Rejected).ToList());
            int correct = chosen.Zip(rejected).Count(s => s.First > s.Second);
            double margin = chosen.Zip(rejected).Average(s => (double)s.First - s.Second);
            var table = new Table().AddColumns("pairs", "accuracy", "mean margin");
            table.AddRow(pairs.Count.ToString(CultureInfo.InvariantCulture), ((double)correct / pairs.Count).ToString("0.000", CultureInfo.InvariantCulture), margin.ToString("0.000", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
        }));
        return command;
    }

    private static int WithModel(string zip, Action<R2M.Estimators.Pipeline.R2MPolicyTransformer> use)
    {
        try
        {
            using var model = new MLContext(seed: 1).R2M().LoadModel(zip);
            use(model);
            return ExitCodes.Success;
        }
        catch (Exception e)
        {
            return CliDiagnostics.Report(e, Console.Error, R2MErrorCodes.ModelZip);
        }
    }
}
