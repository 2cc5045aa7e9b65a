using R2M.MLNet.IO;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML;
using R2M.MLNet;
using R2M.Estimators;
using R2M.Estimators.Pipeline;
using R2M.MLNet.Persistence;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Pipeline;

public class ModelZipTests
{
    /// <summary>A small saved model (random weights) without any training, for the archive tests.</summary>
    private static string SaveSmallModel(TempDir dir, MLContext ml)
    {
        string path = dir.File("model.zip");
        TinyModelZip.Save(path, seed: 5, maxNewTokens: 5, omega: 0.6);
        return path;
    }

    private static void Rewrite(string path, Func<string, byte[], byte[]?> change, params (string Name, byte[] Bytes)[] extra)
    {
        var entries = new List<(string, byte[])>();
        using (var zip = ZipFile.OpenRead(path))
        {
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                using var m = new MemoryStream();
                s.CopyTo(m);
                var bytes = change(e.FullName, m.ToArray());
                if (bytes is not null) entries.Add((e.FullName, bytes));
            }
        }
        entries.AddRange(extra);
        File.Delete(path);
        using var output = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
        {
            using var s = output.CreateEntry(name).Open();
            s.Write(bytes);
        }
    }

    [Fact]
    public void Saved_model_round_trips_with_identical_generations_and_scores()
    {
        using var dir = new TempDir();
        var ml = new MLContext();
        string path = SaveSmallModel(dir, ml);

        using var a = ml.R2M().LoadModel(path);
        using var b = new MLContext().R2M().LoadModel(path);

        a.Generate(["hello", "abc"]).Should().Equal(b.Generate(["hello", "abc"]));
        a.Score(["hello"], ["world"]).Should().Equal(b.Score(["hello"], ["world"]));
        a.Model.Omega.Should().Be(0.6);
        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().Equal("model.zip");
    }

    [Fact]
    public void Bare_mlnet_load_fails_on_first_use_naming_LoadModel()
    {
        using var dir = new TempDir();
        var ml = new MLContext();
        string path = SaveSmallModel(dir, ml);

        var bare = ml.Model.Load(path, out _);
        var output = bare.Transform(ml.Data.LoadFromEnumerable(new[] { new R2MGraphInput { Prompt = "hi" } }));
        Action use = () => output.Preview();

        use.Should().Throw<Exception>().Where(e => Flatten(e).Contains("mlContext.R2M().LoadModel(path)"));
    }

    [Fact]
    public void Truncated_zip_is_refused()
    {
        using var dir = new TempDir();
        string path = SaveSmallModel(dir, new MLContext());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Action load = () => new MLContext().R2M().LoadModel(path);

        load.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: not a readable zip archive (truncated or corrupted)*");
    }

    [Fact]
    public void Tampered_weights_fail_their_sha256_check()
    {
        using var dir = new TempDir();
        string path = SaveSmallModel(dir, new MLContext());
        Rewrite(path, (name, bytes) =>
        {
            if (name == "r2m/policy/model.safetensors") bytes[^1] ^= 0x40;
            return bytes;
        });

        Action load = () => new MLContext().R2M().LoadModel(path);

        load.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: entry 'r2m/policy/model.safetensors' failed its SHA-256 check: the archive was modified or corrupted after saving.");
    }

    [Fact]
    public void Entry_added_after_saving_is_refused()
    {
        using var dir = new TempDir();
        string path = SaveSmallModel(dir, new MLContext());
        Rewrite(path, (_, b) => b, ("r2m/extra.bin", [1, 2, 3]));

        Action load = () => new MLContext().R2M().LoadModel(path);

        load.Should().Throw<R2MModelFormatException>().WithMessage("*entry 'r2m/extra.bin' is not in the manifest: the archive was modified after saving.");
    }

    [Fact]
    public void Unknown_format_version_is_refused()
    {
        using var dir = new TempDir();
        string path = SaveSmallModel(dir, new MLContext());
        Rewrite(path, (name, bytes) =>
        {
            if (name != R2MModelArchive.ManifestEntry) return bytes;
            var manifest = JsonNode.Parse(bytes)!;
            manifest["version"] = 99;
            return Encoding.UTF8.GetBytes(manifest.ToJsonString());
        });

        Action load = () => new MLContext().R2M().LoadModel(path);

        load.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: format version 99 is not supported; this build reads version 1.");
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("r2m/../../evil.txt")]
    [InlineData("/etc/evil")]
    [InlineData("r2m\\..\\evil")]
    public void Entry_names_that_escape_the_folder_are_refused(string name)
    {
        using var dir = new TempDir();
        string path = SaveSmallModel(dir, new MLContext());
        Rewrite(path, (_, b) => b, (name, [1]));

        Action load = () => new MLContext().R2M().LoadModel(path);

        load.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: entry name '{name}' would escape the archive's folder; refused.");
        File.Exists(Path.Combine(dir.Path, "..", "evil.txt")).Should().BeFalse();
    }

    [Fact]
    public void Zip_without_a_manifest_says_how_to_save_and_load()
    {
        using var dir = new TempDir();
        var ml = new MLContext();
        string path = dir.File("plain.zip");
        var input = ml.Data.LoadFromEnumerable(new[] { new R2MGraphInput() });
        ml.Model.Save(ml.Transforms.CopyColumns("P2", "Prompt").Fit(input), input.Schema, path);

        Action load = () => ml.R2M().LoadModel(path);

        load.Should().Throw<R2MModelFormatException>().WithMessage("*no r2m/manifest.json: not an R2M model zip (save with mlContext.R2M().SaveModel, load with mlContext.R2M().LoadModel).");
    }

    [Fact]
    public void Failed_save_leaves_the_previous_file_untouched()
    {
        using var dir = new TempDir();
        var ml = new MLContext();
        string path = SaveSmallModel(dir, ml);
        byte[] before = File.ReadAllBytes(path);
        using var model = ml.R2M().LoadModel(path);

        Action save = () => R2MModelArchive.Save(model.Model, [1, 2, 3], path); // not a zip: fails before writing

        save.Should().Throw<InvalidDataException>();
        File.ReadAllBytes(path).Should().Equal(before);
        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().Equal("model.zip");
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}
