using System.Text.Json;
using R2M.MLNet.Generation;
using R2M.MLNet.Modeling;
using R2M.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace R2M.Benchmarks;

/// <summary>
/// The device self-check shipped in the GPU bundle: the golden HuggingFace checkpoints' logits, hidden states,
/// greedy tokens and reward scores on the chosen device in float32 (within 1e-4 of transformers) and bf16
/// (within a bf16 tolerance), and a few training steps (float32; bf16 with float32 master weights) whose loss must fall. Prints PASS/FAIL lines and a JSON line.
/// </summary>
internal static class SelfCheck
{
    public static int Run(BenchArgs a)
    {
        var device = new Device(a.String("device", "cpu"));
        string golden = a.String("golden", Path.Combine(AppContext.BaseDirectory, "..", "golden"));
        var results = new List<(string Check, bool Pass, string Detail)>();
        if (!Directory.Exists(golden))
        {
            Console.WriteLine($"golden folder {golden} not found; pass --golden <shared/golden>");
            return 2;
        }
        foreach (var (dtype, tolerance) in new[] { (ScalarType.Float32, 1e-4), (ScalarType.BFloat16, 0.15) })
        {
            foreach (string name in new[] { "gpt2-tiny", "llama-tiny" })
            {
                using var scope = NewDisposeScope();
                string folder = Path.Combine(golden, name);
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "golden.json")));
                var model = HfCheckpoint.LoadCausalLM(folder, dtype, device);
                var ids = Tensor2(doc.RootElement.GetProperty("input_ids"), ScalarType.Int64).to(device);
                using var noGrad = no_grad();
                var (logits, hidden) = model.Forward(ids);
                double logitErr = MaxAbs(logits, Tensor2(doc.RootElement.GetProperty("logits"), ScalarType.Float32));
                double hiddenErr = MaxAbs(hidden, Tensor2(doc.RootElement.GetProperty("hidden_last"), ScalarType.Float32));
                results.Add(($"{name} {dtype} logits", logitErr < tolerance * Scale(dtype, logits), $"max abs error {logitErr:E2}"));
                results.Add(($"{name} {dtype} hidden", hiddenErr < tolerance * Scale(dtype, hidden), $"max abs error {hiddenErr:E2}"));
                if (dtype == ScalarType.Float32)
                {
                    var prompt = Tensor2(doc.RootElement.GetProperty("greedy_prompt"), ScalarType.Int64).to(device);
                    var expected = Tensor2(doc.RootElement.GetProperty("greedy_tokens"), ScalarType.Int64);
                    using var g = TextGenerator.Generate(model, prompt, ones_like(prompt), new GenerationOptions
                    {
                        MaxNewTokens = (int)(expected.shape[1] - prompt.shape[1]), Temperature = 0, EosId = -1, PadId = 0,
                    });
                    bool same = g.Sequences.cpu().eq(expected).all().item<bool>();
                    results.Add(($"{name} greedy tokens (KV cache)", same, same ? "equal" : "differ"));
                }
            }
        }
        using (var scope = NewDisposeScope())
        {
            string folder = Path.Combine(golden, "llama-rm-tiny");
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "golden.json")));
            var rm = HfCheckpoint.LoadSequenceScoreModel(folder, device: device);
            using var noGrad = no_grad();
            var scores = rm.Score(Tensor2(doc.RootElement.GetProperty("input_ids"), ScalarType.Int64).to(device), padId: 0).Scores.squeeze(1);
            double err = MaxAbs(scores, Tensor2(doc.RootElement.GetProperty("scores"), ScalarType.Float32));
            results.Add(("llama-rm-tiny scores", err < 1e-4, $"max abs error {err:E2}"));
        }
        // Training: float32, and bf16 compute with float32 master weights and AdamW state (MixedPrecision.BFloat16).
        foreach (var precision in new[] { MixedPrecision.None, MixedPrecision.BFloat16 })
        {
            using var scope = NewDisposeScope();
            manual_seed(1);
            var model = new CausalLM(CausalLMConfig.Llama(256, 64, 2, 4, 2, 128, 128));
            model.to(device);
            var data = randint(0, 256, [8, 32], dtype: ScalarType.Int64, device: device);
            double first = 0, last = 0;
            using (var optimizer = MasterWeightOptimizer.AdamW([model], precision, learningRate: 3e-3, weightDecay: 0.01))
            {
                for (int i = 0; i < 20; i++)
                {
                    using var step = NewDisposeScope();
                    optimizer.ZeroGrad();
                    var logits = model.Forward(data).Logits.to_type(ScalarType.Float32);
                    var loss = nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, 256), data[.., 1..].reshape(-1));
                    loss.backward();
                    optimizer.Step();
                    if (i == 0) first = loss.item<float>();
                    last = loss.item<float>();
                }
            }
            bool float32After = model.parameters().All(p => p.dtype == ScalarType.Float32);
            results.Add(($"training step (20 AdamW steps, {(precision == MixedPrecision.None ? "float32" : "bf16 + float32 masters")})",
                last < first * 0.8 && float32After, $"loss {first:F3} -> {last:F3}{(float32After ? "" : ", weights not float32 after training")}"));
        }
        // Sampling on the device (SeededDraws): a draw from a known distribution, the same seed twice, another seed.
        using (var scope = NewDisposeScope())
        {
            double[] p = [0.5, 0.25, 0.125, 0.0625, 0.0625];
            const int n = 1 << 16;
            var logits = tensor(p.Select(x => (float)Math.Log(x)).ToArray(), device: device).unsqueeze(0).expand(n, -1).contiguous(); // (n, 5)
            var options = new GenerationOptions { EosId = 0, PadId = 0, Temperature = 1.0 };
            long[] Draw(ulong seed)
            {
                using var draws = new R2M.MLNet.Native.SeededDraws(seed, device);
                return TextGenerator.Sample(logits, options, draws).Next.cpu().data<long>().ToArray();
            }
            long[] a1 = Draw(11), a2 = Draw(11), b1 = Draw(12);
            var counts = new double[p.Length];
            foreach (long id in a1) counts[id]++;
            double chi2 = counts.Select((c, i) => (c - n * p[i]) * (c - n * p[i]) / (n * p[i])).Sum();
            bool same = a1.SequenceEqual(a2), other = !a1.SequenceEqual(b1);
            // 4 degrees of freedom: P(chi2 > 18.47) = 0.001.
            results.Add(("sampling (exponential race) on the device", chi2 < 18.47 && same && other,
                $"chi-square {chi2:F2} (4 df, < 18.47), same seed {(same ? "same" : "DIFFERENT")} draws, another seed {(other ? "other" : "THE SAME")} draws"));
        }
        foreach (var (check, pass, detail) in results) Console.WriteLine($"{(pass ? "PASS" : "FAIL")}  {check}: {detail}");
        Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "selfcheck", device = device.ToString(), passed = results.Count(r => r.Pass), failed = results.Count(r => !r.Pass) }));
        // Last, since a crash here ends the process: a libtorch error on the device (a shape mismatch) must reach .NET
        // as an exception. TorchSharp's bridge is built against libtorch 2.10; another version's error type could differ.
        using (var scope = NewDisposeScope())
        {
            Console.Out.Flush();
            string outcome;
            bool thrown;
            try
            {
                zeros([2, 3], device: device).mm(zeros([2, 3], device: device));
                (thrown, outcome) = (false, "no exception");
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                (thrown, outcome) = (true, e.Message.Split('\n')[0]);
            }
            Console.WriteLine($"{(thrown ? "PASS" : "FAIL")}  a libtorch error becomes an exception: {outcome}");
            if (!thrown) return 1;
        }
        return results.All(r => r.Pass) ? 0 : 1;
    }

    /// <summary>bf16 errors scale with the magnitude of the values.</summary>
    private static double Scale(ScalarType dtype, Tensor t) => dtype == ScalarType.Float32 ? 1.0 : Math.Max(1.0, t.abs().max().to_type(ScalarType.Float32).item<float>());

    private static double MaxAbs(Tensor actual, Tensor expected) =>
        (actual.cpu().to_type(ScalarType.Float64) - expected.to_type(ScalarType.Float64)).abs().max().item<double>();

    private static Tensor Tensor2(JsonElement e, ScalarType dtype)
    {
        var shape = new List<long>();
        for (var x = e; x.ValueKind == JsonValueKind.Array; x = x[0]) shape.Add(x.GetArrayLength());
        var values = new List<double>();
        void Walk(JsonElement x)
        {
            if (x.ValueKind == JsonValueKind.Array) foreach (var item in x.EnumerateArray()) Walk(item);
            else values.Add(x.GetDouble());
        }
        Walk(e);
        return tensor(values.ToArray(), shape.ToArray()).to_type(dtype);
    }
}
