namespace R2M.Benchmarks;

/// <summary>--key value options of a benchmark subcommand, with defaults.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> values;

    private BenchArgs(Dictionary<string, string> values) => this.values = values;

    public static BenchArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Expected '--key value', got '{args[i]}'.");
            values[args[i][2..]] = args[++i];
        }
        return new BenchArgs(values);
    }

    public int Int(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public string String(string key, string fallback) => values.GetValueOrDefault(key, fallback);
}
