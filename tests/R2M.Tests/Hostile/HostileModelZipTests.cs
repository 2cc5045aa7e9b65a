using R2M.MLNet.IO;
using System.Text.Json.Nodes;
using Microsoft.ML;
using R2M.Estimators;
using R2M.MLNet;
using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hostile;

/// <summary>One valid tiny model zip, shared; each case edits a copy.</summary>
public sealed class TinyZipFixture : IDisposable
{
    private readonly TempDir dir = new("r2m-hostile");

    public TinyZipFixture()
    {
        Path = dir.File("valid.zip");
        TinyModelZip.Save(Path, seed: 3, maxNewTokens: 4);
    }

    public string Path { get; }

    public string Copy(string name)
    {
        string copy = dir.File(name);
        File.Copy(Path, copy, overwrite: true);
        return copy;
    }

    public void Dispose() => dir.Dispose();
}

/// <summary>
/// Hostile but fair model zips: each is refused with <see cref="R2MModelFormatException"/> whose message names
/// the zip, the entry and the field, before anything large is allocated (the allocating cases also run in a
/// memory-capped child process, <see cref="MemoryCappedLoadTests"/>).
/// </summary>
public class HostileModelZipTests(TinyZipFixture fixture) : IClassFixture<TinyZipFixture>
{
    private const string Policy = "r2m/policy/config.json";
    private const string Model = "r2m/model.json";

    public static TheoryData<string, string, string, string> JsonCases => new()
    {
        // case, entry, edit (field=json value, or field=- to remove it), what the message must name
        { "layers", Policy, "num_hidden_layers=1000000", "field 'num_hidden_layers': 1000000 is outside [1, 1024]" },
        { "vocab", Policy, "vocab_size=1000000000000", "field 'vocab_size': 1000000000000 is outside the range of a 32-bit integer" },
        { "eps", Policy, "rms_norm_eps=0", "field 'rms_norm_eps': must be a positive number below 1" },
        { "theta", Policy, "rope_parameters.rope_theta=-1", "field 'rope_parameters.rope_theta': must be a positive finite number" },
        { "headdim", Policy, "head_dim=-4", "field 'head_dim': must not be negative" },
        { "kvheads", Policy, "num_key_value_heads=-2", "field 'num_key_value_heads': -2 is outside" },
        { "scaling", Policy, "rope_scaling={\"factor\":2}", "field 'rope_scaling': has no 'rope_type'" },
        { "eos", Policy, "eos_token_id=-7", "field 'eos_token_id': -7 is not a token id" },
        { "modeltype", Policy, "model_type=5", "field 'model_type' must be a string, got 5" },
        { "omega", Model, "omega=-", "field 'omega': must be a finite number, got nothing" },
        { "tokenizer", Model, "tokenizer=-", "field 'tokenizer': must be a string, got nothing" },
        { "maxnew", Model, "generation.MaxNewTokens=100000000", "field 'generation.MaxNewTokens': must be an integer in [1, 65536]" },
        { "topp", Model, "generation.TopP=0", "field 'generation.TopP': must be in (0, 1]" },
        { "version", "r2m/manifest.json", "version=\"1\"", "field 'version': must be an integer, got \"1\"" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public void Hostile_json_field_is_refused_naming_the_zip_entry_and_the_field(string name, string entry, string edit, string expected)
    {
        string path = fixture.Copy($"{name}.zip");
        HostileZip.EditJson(path, entry, json => Apply(json, edit));

        Action load = () => new MLContext().R2M().LoadModel(path).Dispose();

        var error = load.Should().Throw<R2MModelFormatException>().Which;
        error.Message.Should().StartWith($"{path}").And.Contain(expected);
        if (entry != "r2m/manifest.json") error.File.Should().Be($"{path}!{entry}");
    }

    [Fact]
    public void Unlisted_entry_declaring_gigabytes_is_refused_before_it_is_read()
    {
        string path = fixture.Copy("bomb.zip");
        HostileZip.AddLyingEntry(path, "r2m/bomb.bin", declaredBytes: 3u << 30, listInManifest: false);

        Action load = () => new MLContext().R2M().LoadModel(path).Dispose();

        load.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: entry 'r2m/bomb.bin' is not in the manifest*");
    }

    [Fact]
    public void Listed_entry_declaring_more_than_the_manifest_says_is_refused_before_it_is_read()
    {
        string path = fixture.Copy("listed-bomb.zip");
        HostileZip.AddLyingEntry(path, "r2m/bomb.bin", declaredBytes: 3u << 30, listInManifest: true);

        Action load = () => new MLContext().R2M().LoadModel(path).Dispose();

        load.Should().Throw<R2MModelFormatException>().WithMessage($"{path}: entry 'r2m/bomb.bin' declares 3221225472 bytes, more than the 1024 allowed for it.");
    }

    [Fact]
    public void Failed_load_leaves_no_temporary_folder()
    {
        string path = fixture.Copy("leftover.zip");
        HostileZip.EditJson(path, Policy, json => json["num_hidden_layers"] = 1000000);
        var before = Directory.GetDirectories(Path.GetTempPath(), $"r2m-load-{Environment.ProcessId}-*").Length;

        Action load = () => new MLContext().R2M().LoadModel(path).Dispose();

        load.Should().Throw<R2MModelFormatException>();
        Directory.GetDirectories(Path.GetTempPath(), $"r2m-load-{Environment.ProcessId}-*").Should().HaveCount(before);
    }

    /// <summary>"a.b=value" sets a (nested) field to the JSON value; "a=-" removes it.</summary>
    private static void Apply(JsonObject json, string edit)
    {
        var (path, value) = (edit[..edit.IndexOf('=')], edit[(edit.IndexOf('=') + 1)..]);
        var parts = path.Split('.');
        JsonObject target = json;
        foreach (string part in parts[..^1]) target = target[part]!.AsObject();
        if (value == "-") target.Remove(parts[^1]);
        else target[parts[^1]] = JsonNode.Parse(value);
    }
}
