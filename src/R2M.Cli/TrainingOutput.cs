using R2M.Estimators.Configuration;
using Spectre.Console;

namespace R2M.Cli;

/// <summary>
/// Shows training progress: Spectre.Console progress bars on an interactive terminal, or one plain line per report
/// (<c>r2m: rl 3/10: ...</c>) when the output is redirected or <c>--plain</c> is given, which is how the MSBuild
/// target reads it.
/// </summary>
internal static class TrainingOutput
{
    /// <summary>Runs <paramref name="train"/> with a progress sink that renders as chosen.</summary>
    public static void Run(bool plain, Action<IProgress<R2MTrainingProgress>> train)
    {
        if (plain || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            train(new Sink(p => Console.Out.WriteLine($"r2m: {p.Stage} {p.Done}/{p.Total}: {p.Detail}")));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                train(new Sink(p =>
                {
                    if (!tasks.TryGetValue(p.Stage, out var task))
                        tasks[p.Stage] = task = context.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
                    task.Value = p.Done;
                    task.Description = Markup.Escape($"{p.Stage,-13} {p.Detail}");
                    context.Refresh();
                }));
                foreach (var task in tasks.Values) task.Value = task.MaxValue;
            });
    }

    private sealed class Sink(Action<R2MTrainingProgress> report) : IProgress<R2MTrainingProgress>
    {
        public void Report(R2MTrainingProgress value) => report(value);
    }
}
