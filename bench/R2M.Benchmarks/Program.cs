using R2M.Benchmarks;
using R2M.MLNet.Native;

// Benchmarks print a table, then one JSON object as the last line. Usage: R2M.Benchmarks <subcommand> [--key value ...]
// "sample" runs the main job (R2M.Sample) in this process: the GPU bundle ships one trimmed publish of both.
if (args.Length > 0 && args[0] == "sample")
    return (int)System.Reflection.Assembly.Load("R2M.Sample").EntryPoint!.Invoke(null, [args[1..]])!;
var commands = new Dictionary<string, Func<BenchArgs, int>>(StringComparer.Ordinal)
{
    ["generation"] = GenerationBenchmark.Run,
    ["roofline"] = RooflineBenchmark.Run,
    ["skinny-matmul"] = SkinnyMatmul.Run,
    ["rlstep"] = RlStepBenchmark.Run,
    ["rlstep-one"] = RlStepBenchmark.RunOne,
    ["reward-model"] = RewardModelBenchmark.Run,
    ["selfcheck"] = SelfCheck.Run,
    ["tokenizer-check"] = TokenizerCheck.Run,
    ["tokenize"] = TokenizeBenchmark.Run,
    ["soak"] = SoakTest.Run,   // hidden: the reliability soak the tests run in a child process
    ["probe"] = Probe.Run,     // hidden: hostile files loaded under a memory cap by the tests
    ["finaliser-race"] = FinaliserRace.Run, // hidden: the library's hot paths while another thread forces collections
    ["heap-probe"] = HeapProbe.Run, // hidden: page faults of a freed and reallocated 256 MiB block, for the tests
#if !R2M_WITHOUT_SCALEOUT
    ["scaleout"] = ScaleOutBenchmark.Run,
    ["scaleout-worker"] = ScaleOutWorker.Run,
#endif
};
if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: R2M.Benchmarks <{string.Join("|", commands.Keys)}> [--key value ...]");
    Console.Error.WriteLine("  generation: --family llama|gpt2 --dtype float32|bf16 --batch 16 --new-tokens 128 --prompt 32 --layers 4 --d 256 --heads 8 --vocab 259 --repeats 3 --device cpu");
    Console.Error.WriteLine("  roofline:   --preset qwen2.5-0.5b|qwen2.5-1.5b|toy (or --layers --d --heads --kv-heads --intermediate --vocab --tied true|false) --dtype float32|bf16 --batch 4 --prompt 32 --new-tokens 32 --train-length 64 --train true --repeats 3 --peak-n 2048 (bf16: 512)");
    Console.Error.WriteLine("  skinny-matmul: --rows 1,4,16 --dtype float32|bf16 --repeats 9 (weight streaming by matmul formulation at decode shapes)");
    Console.Error.WriteLine("  selfcheck:  --device cuda --golden <shared/golden>");
    Console.Error.WriteLine("  rlstep:     --size Small --prompts 8 --k 4 --new-tokens 32 --steps 10 --warmup 10 --rounds 3 --device cpu");
    Console.Error.WriteLine("  rlstep-one: one mode in this process: --mode R2M|Vanilla|... --algorithm Rloo|Grpo|Ppo --preset qwen2.5-0.5b|qwen2.5-1.5b --tokenizer <HF folder> --mini-batches 2 --epochs 2 --rss-log <file> (RSS every 200 ms, each line flushed)");
    Console.Error.WriteLine("  tokenize:   --tokenizers <shared/tokenizers> --mb 10");
    Console.Error.WriteLine("  tokenizer-check: --folder <tokenizer folder> --golden <golden.json>");
    Console.Error.WriteLine("  scaleout:   --workers 1,2,4 --steps 3 --prompts 16 --k 4 --chunk 2 --new-tokens 32 --d 64 --layers 2 --max-seconds 240");
    Console.Error.WriteLine("  reward-model: --data <file> --size Small --epochs 3 --max-length 256 --lr-e5 30");
    return 2;
}
if (args[0] is not ("tokenizer-check" or "tokenize")) TorchRuntime.EnsureLoaded(); // the tokenizer commands need no libtorch
return command(BenchArgs.Parse(args[1..]));
