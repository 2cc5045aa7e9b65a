using R2M.MLNet.IO;
using System.Text.Json.Nodes;
using R2M.Estimators.Rl;
using R2M.MLNet;
using R2M.Tests.Infrastructure;
using R2M.Tests.Rl;

namespace R2M.Tests.Hostile;

/// <summary>One saved RL checkpoint (no training), copied per case and damaged.</summary>
public sealed class RlCheckpointFixture : IDisposable
{
    private readonly TempDir dir = new("r2m-hostile-rl");

    public RlCheckpointFixture()
    {
        Folder = dir.File("saved");
        using var trainer = PlantedRlFixture.Trainer(PlantedRlFixture.Options(RlAlgorithm.Rloo, steps: 2), new PolicyFeedbackOptions { Mode = AlignerMode.R2M });
        RlCheckpoint.Save(trainer, Folder);
    }

    public string Folder { get; }

    public string Copy(string targetFolder, string name = "ckpt")
    {
        string copy = Path.Combine(targetFolder, name);
        foreach (string file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(copy, Path.GetRelativePath(Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return copy;
    }

    public void Dispose() => dir.Dispose();
}

/// <summary>Damaged, hand-edited and half-moved RL checkpoints: typed errors naming file and field, or a recovery.</summary>
public class HostileRlCheckpointTests(RlCheckpointFixture fixture) : IClassFixture<RlCheckpointFixture>
{
    private static RlTrainer Resume(string folder) =>
        RlCheckpoint.Resume(folder, PlantedRlFixture.Tokenizer, PlantedRlFixture.Prompts, PlantedRlFixture.Gold);

    [Fact]
    public void Flipped_bit_in_the_weights_fails_the_checksum_naming_the_file()
    {
        using var dir = new TempDir();
        string folder = fixture.Copy(dir.Path);
        string weights = Path.Combine(folder, "policy", "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(weights, bytes);

        Action resume = () => Resume(folder).Dispose();

        resume.Should().Throw<R2MModelFormatException>().WithMessage($"{weights}: failed its SHA-256 check*");
    }

    public static TheoryData<string, string, string> StateCases => new()
    {
        { "kl_coef", "-", "field 'kl_coef': must be a finite non-negative number, got nothing" },
        { "options", "null", "field 'options': must be an object, got nothing" },
        { "step", "-5", "field 'step': must be a non-negative integer, got -5" },
        { "version", "\"1\"", "field 'version': must be an integer, got \"1\"" },
    };

    [Theory]
    [MemberData(nameof(StateCases))]
    public void Hostile_trainer_state_field_is_named(string field, string value, string expected)
    {
        using var dir = new TempDir();
        string folder = fixture.Copy(dir.Path);
        string statePath = Path.Combine(folder, "trainer_state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        if (value == "-") state.Remove(field);
        else state[field] = JsonNode.Parse(value);
        File.WriteAllText(statePath, state.ToJsonString());
        File.Delete(Path.Combine(folder, "checksums.json")); // a hand edit that also dropped the checksums

        Action resume = () => Resume(folder).Dispose();

        resume.Should().Throw<R2MModelFormatException>().Which.Message.Should().Be($"{statePath}: {expected}.");
    }

    [Fact]
    public void A_state_that_replays_earlier_steps_without_their_saved_rollouts_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        string folder = fixture.Copy(dir.Path);
        string statePath = Path.Combine(folder, "trainer_state.json");
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        state["feedback"]!["ReplaySteps"] = 2;
        File.WriteAllText(statePath, state.ToJsonString());
        File.Delete(Path.Combine(folder, "checksums.json"));

        Action resume = () => Resume(folder).Dispose();

        resume.Should().Throw<R2MModelFormatException>().Which.Message.Should().Be(
            $"{Path.Combine(folder, "aligner_replay.safetensors")}: missing: the checkpoint's aligner replays earlier steps but their rollouts were not saved.");
    }

    [Fact]
    public void Kill_between_the_two_moves_is_recovered_from_the_complete_copy_beside_the_folder()
    {
        using var dir = new TempDir();
        // What a kill after "move target to .old" and before "move .tmp to target" leaves: no folder, two copies.
        fixture.Copy(dir.Path, "ckpt.old-999999-0123456789abcdef0123456789abcdef");
        fixture.Copy(dir.Path, "ckpt.tmp-999999-fedcba9876543210fedcba9876543210");
        string folder = dir.File("ckpt");

        using var trainer = Resume(folder);

        trainer.Step.Should().Be(0);
        Directory.Exists(folder).Should().BeTrue();
        Directory.GetDirectories(dir.Path, "ckpt.tmp-*").Should().BeEmpty("the newest complete copy was moved into place");
    }
}
