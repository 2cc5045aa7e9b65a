namespace R2M.Sample;

/// <summary>PNG line plots of training curves.</summary>
internal static class Plots
{
    /// <summary>One series per entry, against a shared x axis, written to <paramref name="path"/>.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IEnumerable<(string Name, double[] X, double[] Y)> series)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (name, x, y) in series)
        {
            var scatter = plot.Add.Scatter(x, y);
            scatter.LegendText = name;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        string temp = path + ".tmp.png";
        plot.SavePng(temp, 720, 420);
        File.Move(temp, path, overwrite: true);
    }
}
