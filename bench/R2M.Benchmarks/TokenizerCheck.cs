using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.Benchmarks;

/// <summary>
/// <c>tokenizer-check --folder &lt;tokenizer folder&gt; --golden &lt;golden.json&gt;</c>: the tokenizer.json of the folder
/// against reference tokenizations. Prints a table of mismatches, then one JSON line; exit code 0 only when all agree.
/// </summary>
internal static class TokenizerCheck
{
    public static int Run(BenchArgs args)
    {
        string folder = args.String("folder", "");
        string golden = args.String("golden", Path.Combine(folder, "golden.json"));
        if (folder.Length == 0)
        {
            Console.Error.WriteLine("tokenizer-check: --folder <tokenizer folder> is required (--golden defaults to <folder>/golden.json)");
            return 2;
        }
        GoldenCheckResult result = GoldenCheck.Run(folder, golden);
        if (result.Mismatches.Count == 0)
        {
            Console.WriteLine($"All {result.Cases} cases agree (ids, ids with special tokens, decoded text).");
        }
        else
        {
            Console.WriteLine("| case | kind | first diff | expected | actual | text |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
            foreach (GoldenMismatch m in result.Mismatches)
            {
                string text = m.Text.Length > 30 ? m.Text[..30] + "…" : m.Text;
                Console.WriteLine($"| {m.Case} | {m.Kind} | {m.Position} | {m.Expected} | {m.Actual} | {System.Text.Json.JsonSerializer.Serialize(text)} |");
            }
        }
        Console.WriteLine(result.ToJson());
        return result.AllEqual ? 0 : 1;
    }
}
