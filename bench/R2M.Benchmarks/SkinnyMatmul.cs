using System.Globalization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// How fast libtorch streams a weight matrix when few rows multiply it (the decode step's shape), by formulation:
/// <c>linear(x, W)</c> (x·Wᵀ, what nn.Linear runs), <c>W.mm(xᵀ)</c> (the weight as the left operand) and, for one
/// row, <c>W.mv(x)</c>. Each is the median of repeated calls; GB/s counts the weight's bytes once per call.
/// </summary>
internal static class SkinnyMatmul
{
    public static int Run(BenchArgs a)
    {
        int repeats = a.Int("repeats", 9);
        var dtype = a.String("dtype", "float32") == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;
        int elementBytes = dtype == ScalarType.Float32 ? 4 : 2;
        int[] rows = [.. a.String("rows", "1,4,16").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        (string Name, long Out, long In)[] shapes =
        [
            ("output head 151936×896", 151936, 896), ("gate/up 4864×896", 4864, 896), ("down 896×4864", 896, 4864), ("q/o 896×896", 896, 896),
        ];
        using var noGrad = no_grad();
        var results = new List<Dictionary<string, object>>();
        Console.WriteLine($"skinny matmul: {dtype}, torch threads {get_num_threads()}, median of {repeats}");
        Console.WriteLine();
        Console.WriteLine("| weight | rows | linear(x, W) GB/s | W.mm(xᵀ) GB/s | W.mv(x) GB/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, outF, inF) in shapes)
        {
            using var initScale = 0.02.ToScalar();
            using var w = randn(outF, inF).mul(initScale).to(dtype);
            double bytes = (double)outF * inF * elementBytes;
            foreach (int m in rows)
            {
                using var x = randn(m, inF).to(dtype);
                using var xt = x.t().contiguous();
                double linear = bytes / Measure.MedianSeconds(repeats, () => { using var y = nn.functional.linear(x, w); }) / 1e9;
                double left = bytes / Measure.MedianSeconds(repeats, () => { using var y = w.mm(xt); }) / 1e9;
                double mv = m == 1 ? bytes / Measure.MedianSeconds(repeats, () => { using var v = x[0]; using var y = w.mv(v); }) / 1e9 : double.NaN;
                Console.WriteLine(FormattableString.Invariant($"| {name} | {m} | {linear:F1} | {left:F1} | {(double.IsNaN(mv) ? "" : mv.ToString("F1", CultureInfo.InvariantCulture))} |"));
                results.Add(new() { ["weight"] = name, ["rows"] = m, ["linear_gb_s"] = Math.Round(linear, 2), ["left_gb_s"] = Math.Round(left, 2), ["mv_gb_s"] = double.IsNaN(mv) ? -1 : Math.Round(mv, 2) });
            }
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["benchmark"] = "skinny-matmul", ["dtype"] = dtype.ToString(), ["machine"] = Measure.Machine(), ["results"] = results }));
        return 0;
    }
}
