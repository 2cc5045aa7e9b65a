using R2M.Estimators.Evaluation;
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
        Save(plot, path, title, xLabel, yLabel, 720, 420);
    }

    /// <summary>
    /// Each series as points, with its kernel-smoothed curve (Gaussian, width a tenth of the x range) as a line in the
    /// same colour, written to <paramref name="path"/>.
    /// </summary>
    public static void PointsWithCurves(string path, string title, string xLabel, string yLabel, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var plot = new ScottPlot.Plot();
        for (int s = 0; s < series.Count; s++)
        {
            var (name, x, y) = series[s];
            var color = plot.Add.Palette.GetColor(s);
            var points = plot.Add.Scatter(x, y);
            points.LineWidth = 0;
            points.MarkerSize = 3;
            points.Color = color.WithAlpha(0.35);
            double range = x.Max(), h = GoldCurve.Bandwidth(range);
            var curve = new GoldCurve(x, y);
            double[] gridX = Enumerable.Range(0, 60).Select(i => range * i / 59).ToArray();
            var line = plot.Add.Scatter(gridX, gridX.Select(g => curve.At(g, h)).ToArray());
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.Color = color;
            line.LegendText = name;
        }
        Save(plot, path, title, xLabel, yLabel, 900, 520);
    }

    /// <summary>Titles, labels and a legend, then the PNG written to a temporary file and moved into place.</summary>
    private static void Save(ScottPlot.Plot plot, string path, string title, string xLabel, string yLabel, int width, int height)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        string temp = path + ".tmp.png";
        plot.SavePng(temp, width, height);
        File.Move(temp, path, overwrite: true);
    }
}
