using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using R2M.MLNet.Tokenization.TokenizerJson;

namespace R2M.Benchmarks;

/// <summary>
/// <c>tokenize --tokenizers &lt;shared/tokenizers&gt; --mb 10</c>: encodes about 10 MB of generated mixed-script text
/// with each tokenizer.json under the folder and with Microsoft.ML.Tokenizers' <c>TiktokenTokenizer</c> for gpt2, and
/// reports tokens/s and the ratio to Tiktoken; also the load time and memory of Qwen3's tokenizer.json.
/// </summary>
internal static class TokenizeBenchmark
{
    private static readonly string[] Names = ["qwen3", "llama3", "sp-bpe-32k"];

    public static int Run(BenchArgs args)
    {
        string root = args.String("tokenizers", Path.Combine("..", "shared", "tokenizers"));
        int megabytes = args.Int("mb", 10);
        if (!Directory.Exists(root))
        {
            Console.Error.WriteLine($"tokenize: tokenizer folder {root} not found (pass --tokenizers <shared/tokenizers>)");
            return 2;
        }

        // Load first, in a fresh process, so the memory figure is Qwen's tokenizer alone.
        string qwenJson = Path.Combine(root, "qwen3", TokenizerJsonLoader.FileName);
        GC.Collect();
        long managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        long workingBefore = Process.GetCurrentProcess().WorkingSet64;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        HuggingFaceBpeTokenizer qwen;
        using (FileStream stream = File.OpenRead(qwenJson)) qwen = TokenizerJsonLoader.LoadBpe(stream, addSpecialTokens: false);
        double loadSeconds = watch.Elapsed.TotalSeconds;
        double loadCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds; // all threads, JIT included
        long workingPeak = Process.GetCurrentProcess().WorkingSet64;
        double managedMb = (GC.GetTotalMemory(forceFullCollection: true) - managedBefore) / 1048576.0;
        double workingMb = (workingPeak - workingBefore) / 1048576.0;

        var tokenizers = new List<(string Name, Tokenizer Tokenizer)> { ("qwen3", qwen) };
        foreach (string name in Names.Skip(1))
        {
            using FileStream stream = File.OpenRead(Path.Combine(root, name, TokenizerJsonLoader.FileName));
            tokenizers.Add((name, TokenizerJsonLoader.LoadBpe(stream, addSpecialTokens: false)));
        }
        tokenizers.Add(("tiktoken-gpt2", TiktokenTokenizer.CreateForModel("gpt2")));

        List<string> paragraphs = MixedText.Paragraphs(megabytes * 1024L * 1024);
        long bytes = paragraphs.Sum(p => (long)Encoding.UTF8.GetByteCount(p));
        // Warm-up on other text of the same kind (1 MB, another seed): the JIT and the common words, for every tokenizer alike.
        List<string> warmup = MixedText.Paragraphs(1024L * 1024, seed: 1);
        foreach (var (_, tokenizer) in tokenizers)
        {
            foreach (string p in warmup) tokenizer.EncodeToIds(p);
        }
        // Best of two rounds, the tokenizers interleaved, so a busy moment of the machine does not pick one out.
        int rounds = args.Int("rounds", 2);
        var best = new double[tokenizers.Count];
        var counts = new long[tokenizers.Count];
        Array.Fill(best, double.MaxValue);
        for (int round = 0; round < rounds; round++)
        {
            for (int t = 0; t < tokenizers.Count; t++)
            {
                long tokens = 0;
                watch.Restart();
                foreach (string p in paragraphs) tokens += tokenizers[t].Tokenizer.EncodeToIds(p).Count;
                best[t] = Math.Min(best[t], watch.Elapsed.TotalSeconds);
                counts[t] = tokens;
            }
        }
        var results = tokenizers.Select((t, i) => (t.Name, Tokens: counts[i], Seconds: best[i])).ToList();

        double tiktokenRate = results[^1].Tokens / results[^1].Seconds, tiktokenMbps = bytes / 1048576.0 / results[^1].Seconds;
        Console.WriteLine($"Encoding {bytes / 1048576.0:F1} MB of mixed-script text ({paragraphs.Count:N0} paragraphs); {Measure.Machine()}");
        Console.WriteLine("| tokenizer | tokens | seconds | tokens/s | MB/s | ratio to Tiktoken, tokens/s | ratio to Tiktoken, MB/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var json = new Dictionary<string, object>();
        foreach (var (name, tokens, seconds) in results)
        {
            double rate = tokens / seconds;
            double mbps = bytes / 1048576.0 / seconds;
            Console.WriteLine($"| {name} | {tokens:N0} | {seconds:F2} | {rate:N0} | {mbps:F2} | {rate / tiktokenRate:F2} | {mbps / tiktokenMbps:F2} |");
            json[name] = new Dictionary<string, double>
            {
                ["tokens"] = tokens,
                ["seconds"] = Math.Round(seconds, 3),
                ["tokens_per_s"] = Math.Round(rate),
                ["mb_per_s"] = Math.Round(mbps, 2),
                ["ratio_to_tiktoken"] = Math.Round(rate / tiktokenRate, 3),
                ["ratio_to_tiktoken_mb_per_s"] = Math.Round(mbps / tiktokenMbps, 3),
            };
        }
        Console.WriteLine($"Qwen3 tokenizer.json ({new FileInfo(qwenJson).Length / 1048576.0:F1} MB): load {loadSeconds:F2} s ({loadCpuSeconds:F2} s of CPU), " +
                          $"managed heap +{managedMb:F0} MB, working set +{workingMb:F0} MB (goal ≤ 1 s, ≤ 200 MB)");
        var summary = new Dictionary<string, object>
        {
            ["text_mb"] = Math.Round(bytes / 1048576.0, 2),
            ["tokenizers"] = json,
            ["qwen3_load_seconds"] = Math.Round(loadSeconds, 3),
            ["qwen3_load_cpu_seconds"] = Math.Round(loadCpuSeconds, 3),
            ["qwen3_load_managed_mb"] = Math.Round(managedMb, 1),
            ["qwen3_load_working_set_mb"] = Math.Round(workingMb, 1),
        };
        Console.WriteLine(JsonSerializer.Serialize(summary));
        GC.KeepAlive(qwen);
        return 0;
    }
}
