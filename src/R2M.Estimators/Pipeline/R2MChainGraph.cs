using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace R2M.Estimators.Pipeline;

/// <summary>
/// The ML.NET graph of an R2M model zip when the saved model is a chain that mixes R2M stages with other ML.NET
/// transformers. The chain is flattened (nested chains become one sequence), its R2M stages, which must be
/// adjacent and come from one fitted pipeline, are saved as one <see cref="R2MGraphMapping"/> stand-in, and every
/// other transformer is saved by ML.NET's own serialisation in the same graph. Loading restores ML.NET's chain
/// and puts the loaded R2M model where the stand-in stood. A chain of R2M stages alone saves as the bare
/// stand-in (the graph of format 1), so such zips read as before.
/// </summary>
internal static class R2MChainGraph
{
    /// <summary>The chain as one sequence of transformers, nested chains opened in order.</summary>
    public static List<ITransformer> Flatten(ITransformer model)
    {
        var leaves = new List<ITransformer>();
        void Walk(ITransformer t)
        {
            if (t is IEnumerable<ITransformer> chain)
                foreach (var inner in chain) Walk(inner);
            else
                leaves.Add(t);
        }
        Walk(model);
        return leaves;
    }

    /// <summary>
    /// The transformers ML.NET saves for <paramref name="leaves"/> (the R2M stages replaced by one stand-in), and
    /// the R2M stage whose model goes into the zip. Refuses, naming the transformer, anything that cannot be saved.
    /// </summary>
    public static (ITransformer Graph, R2MStageTransformer Stage, bool IsChain) Plan(MLContext context, IReadOnlyList<ITransformer> leaves)
    {
        var stages = Enumerable.Range(0, leaves.Count).Where(i => leaves[i] is R2MStageTransformer).ToList();
        if (stages.Count == 0)
            throw new ArgumentException("This model holds no fitted R2M stage; SaveModel saves pipelines built from mlContext.R2M() stages.", "model");
        var last = (R2MStageTransformer)leaves[stages[^1]];
        if (stages[^1] - stages[0] + 1 != stages.Count)
        {
            int between = Enumerable.Range(stages[0], stages[^1] - stages[0]).First(i => leaves[i] is not R2MStageTransformer);
            throw new InvalidOperationException(
                $"SaveModel cannot save this chain: transformer {between} ({Describe(leaves[between])}) stands between R2M stages, and a model zip holds one " +
                "R2M model. Keep the R2M stages next to each other (ML.NET transforms before the first or after the last), or save each R2M model on its own.");
        }
        foreach (int i in stages)
        {
            var stage = (R2MStageTransformer)leaves[i];
            if (!ReferenceEquals(stage.Artifacts.Tokenizer, last.Artifacts.Tokenizer))
                throw new InvalidOperationException(
                    $"SaveModel cannot save this chain: transformer {i} ({stage.StageName}) and transformer {stages[^1]} ({last.StageName}) are two different " +
                    "R2M models, and a model zip holds one. Save each R2M model on its own.");
        }
        if (leaves.Count == stages.Count) return (R2MGraphMapping.Create(context).StandIn, last, false);

        var graph = new List<ITransformer>();
        for (int i = 0; i < leaves.Count; i++)
        {
            if (i == stages[0]) graph.Add(R2MGraphMapping.Create(context).StandIn);
            if (leaves[i] is R2MStageTransformer) continue;
            if (IsStandIn(leaves[i]))
                throw new InvalidOperationException(
                    $"SaveModel cannot save transformer {i} ({Describe(leaves[i])}): it is an R2M model restored by mlContext.Model.Load, without its weights. " +
                    "Load that zip with mlContext.R2M().LoadModel(path, out schema) and chain what it returns.");
            RequireSaveable(context, leaves[i], i);
            graph.Add(leaves[i]);
        }
        return (new TransformerChain<ITransformer>([.. graph]), last, true);
    }

    /// <summary>
    /// The input schema saved with the graph: the one given, else a Prompt column when the chain starts with an R2M
    /// stage. A chain that starts with another transformer needs it given.
    /// </summary>
    public static DataViewSchema InputSchema(MLContext context, IReadOnlyList<ITransformer> leaves, DataViewSchema? given)
    {
        if (given is not null) return given;
        if (leaves[0] is R2MStageTransformer) return R2MGraphMapping.Create(context).InputSchema;
        throw new ArgumentException(
            $"The chain starts with {Describe(leaves[0])}, which reads columns of its own: pass the schema of the data it reads, " +
            "SaveModel(model, data.Schema, path), so that LoadModel(path, out inputSchema) can return it.", "inputSchema");
    }

    /// <summary>Disposes a loaded chain and says why <c>LoadModel(path)</c> does not return it.</summary>
    public static InvalidOperationException ChainRefused(string path, ITransformer loaded)
    {
        var leaves = Flatten(loaded);
        foreach (var disposable in leaves.OfType<IDisposable>()) disposable.Dispose();
        return new InvalidOperationException(
            $"{path} holds a chain of {leaves.Count} transformers ({string.Join(", ", leaves.Select(Describe))}); LoadModel(path) returns an " +
            "R2M model alone and would drop the others. Load the whole chain with LoadModel(path, out DataViewSchema inputSchema).");
    }

    /// <summary>
    /// ML.NET's model from the graph entries of a verified R2M zip (its entries outside <c>r2m/</c>), with the R2M
    /// model <paramref name="loadR2M"/> gives in place of the stand-in. A lone stand-in gives that model itself.
    /// </summary>
    public static ITransformer Restore(MLContext context, IReadOnlyDictionary<string, byte[]> entries, Func<R2MPolicyTransformer> loadR2M, out DataViewSchema inputSchema)
    {
        using var graphZip = new MemoryStream();
        using (var zip = new ZipArchive(graphZip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries.Where(kv => !kv.Key.StartsWith("r2m/", StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(bytes);
            }
        }
        graphZip.Position = 0;
        var loaded = context.Model.Load(graphZip, out inputSchema);
        var leaves = Flatten(loaded);
        int standIns = leaves.Count(IsStandIn);
        if (standIns != 1)
            throw new InvalidDataException($"The ML.NET graph of this R2M model zip holds {standIns} R2M stand-ins; it should hold exactly one.");
        var r2m = loadR2M();
        if (leaves.Count == 1) return r2m;
        return new TransformerChain<ITransformer>([.. leaves.Select(t => IsStandIn(t) ? r2m : t)]);
    }

    private static bool IsStandIn(ITransformer t) => t is CustomMappingTransformer<R2MGraphInput, R2MGraphOutput>;

    private static string Describe(ITransformer t) => t.GetType().Name.Split('`')[0];

    private static void RequireSaveable(MLContext context, ITransformer transformer, int index)
    {
        try
        {
            using var probe = new MemoryStream();
            context.Model.Save(transformer, null, probe);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"SaveModel cannot save transformer {index} of the chain ({Describe(transformer)}): ML.NET cannot serialise it ({e.Message}). " +
                "Nothing was written. Remove it from the chain, or give it a saveable form (for a CustomMapping, a contract name and a registered factory).", e);
        }
    }
}
