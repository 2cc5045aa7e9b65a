using R2M.Tests.Infrastructure;

namespace R2M.Tests.Hostile;

/// <summary>
/// The hostile files that used to allocate gigabytes (a million layers, a 10^12 vocabulary, a zip bomb) loaded by
/// a child process whose address space is capped: each must come back as a typed refusal, never as an abort.
/// One child runs every case, so libtorch starts once.
/// </summary>
public class MemoryCappedLoadTests(TinyZipFixture fixture) : IClassFixture<TinyZipFixture>
{
    [SkippableFact]
    public void Allocating_hostile_files_are_refused_in_a_process_capped_at_six_gigabytes()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/prlimit"), "needs Linux prlimit");
        string layers = fixture.Copy("capped-layers.zip");
        HostileZip.EditJson(layers, "r2m/policy/config.json", json => json["num_hidden_layers"] = 1000000);
        string wide = fixture.Copy("capped-wide.zip");
        HostileZip.EditJson(wide, "r2m/reward_model/config.json", json => { json["hidden_size"] = 65536; json["intermediate_size"] = 262144; json["num_attention_heads"] = 512; json["num_key_value_heads"] = 512; });
        string bomb = fixture.Copy("capped-bomb.zip");
        HostileZip.AddLyingEntry(bomb, "r2m/extra.bin", declaredBytes: 3u << 30, listInManifest: false);
        string valid = fixture.Copy("capped-valid.zip");

        var run = BenchProcess.Run($"probe --zips {layers},{wide},{bomb},{valid}", addressSpaceGb: 6);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("capped-layers.zip: refused R2MModelFormatException: " + layers + "!r2m/policy/config.json: field 'num_hidden_layers'");
        run.Output.Should().Contain("capped-wide.zip: refused R2MModelFormatException: " + wide + "!r2m/reward_model/config.json: the config implies at least");
        run.Output.Should().Contain("capped-bomb.zip: refused R2MModelFormatException: " + bomb + ": entry 'r2m/extra.bin' is not in the manifest");
        run.Output.Should().Contain("capped-valid.zip: loaded", "the cap leaves room for a real load");
    }
}
